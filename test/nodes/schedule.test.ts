/**
 * Working hours and days off picked in builders (days, from, to; date pickers) beside the text
 * forms (#30): they mean what the same text means, and the output says what was understood.
 */
import { loadWorkflow, runWorkflow, useStateFile, withParameters } from './harness';
import { datesText, hoursText } from '../../nodes/shared/schedule';

useStateFile('schedule-node-', 'schedule.sqlite');

type Json = Record<string, any>;

describe('schedule builders', () => {
	it('turn rows into the text the text fields take', () => {
		expect(
			hoursText([
				{ days: ['Fri', 'Mon', 'Tue'], from: '08:00', to: '12:00' },
				{ days: ['Sat'], from: '22:00', to: '06:00' },
				{ days: [], from: '09:00', to: '10:00' },
			]),
		).toBe('Mon,Tue,Fri 08:00-12:00; Sat 22:00-06:00');
		expect(
			datesText([{ from: '2026-12-24T00:00:00', to: '2026-12-26T00:00:00' }, { from: '2027-01-01T00:00:00' }]),
		).toBe('2026-12-24..2026-12-26, 2027-01-01');
	});

	it('SLA Check: builder hours stand for the text, builder holidays join it; the lead says what was understood', async () => {
		const wf = withParameters('sla-check.json', 'SLA Check', { options: { now: '2026-11-30T09:00:00Z' } });
		const node = wf.nodes.find((n) => n.name === 'SLA Check')!;
		const policy = (node.parameters.policies as Json).values[0] as Json;
		policy.businessHoursBuilder = { ranges: [{ days: ['Mon', 'Tue', 'Wed', 'Thu'], from: '08:00', to: '16:00' }] };
		policy.holidayDates = { ranges: [{ from: '2026-12-31T00:00:00', to: '2027-01-01T00:00:00' }] };
		const r = await runWorkflow(wf, {
			Leads: [
				{
					json: { id: 'a', email: 'a@acme.com', source: { provider: 'typeform', received_at: '2026-11-30T08:00:00Z' } },
				},
			],
		});
		const [lead] = ['On Track', 'At Risk', 'Breached', 'Met'].flatMap((n) => r.output(n)).map((i) => i.json as Json);
		expect(lead.sla.business_hours).toBe(
			'Mon-Thu 08:00-16:00; not on 2026-12-25, 2026-12-31..2027-01-01 (Berlin time)',
		);
		// 08:00Z is 09:00 Berlin on a Monday: four business hours from there end at 13:00 Berlin.
		expect(lead.sla.due_at).toBe('2026-11-30T12:00:00.000Z');
		expect(lead.sla.why).toContain('(business hours Mon-Thu 08:00-16:00; not on 2026-12-25, 2026-12-31..2027-01-01)');
	});

	it('Route Leads: builder hours and days off of an owner count as typed ones, and the skip says which', async () => {
		const wf = loadWorkflow('route-basic.json');
		const node = wf.nodes.find((n) => n.name === 'Route Leads')!;
		node.parameters = {
			...node.parameters,
			rules: { values: [] },
			noMatchAssignTo: 'pool',
			noMatchPool: '*',
			owners: {
				owner: [
					{
						id: 'night',
						name: 'Night Shift',
						time_zone: 'Europe/Paris',
						working_hours: '',
						working_hours_builder: {
							ranges: [{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '22:00', to: '06:00' }],
						},
					},
					{
						id: 'away',
						name: 'Away',
						out_of_office_dates: { ranges: [{ from: '2026-11-30T00:00:00', to: '2026-12-04T00:00:00' }] },
					},
					{ id: 'day', name: 'Day Shift' },
				],
			},
		};
		// Wednesday 11:00 in Paris: outside the night shift, inside Away's days off.
		const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.parse('2026-12-02T10:00:00Z'));
		let r;
		try {
			r = await runWorkflow(wf, { Leads: [{ json: { id: 'l1', email: 'x@acme.com', country: 'FR' } }] });
		} finally {
			clock.mockRestore();
		}
		const owner = r.output('Routed')[0].json.owner as Json;
		expect(owner.id).toBe('day');
		expect(owner.routing.skipped).toEqual([
			{
				id: 'night',
				name: 'Night Shift',
				reason:
					'outside working hours (Mon 22:00-24:00; Tue-Fri 00:00-06:00, 22:00-24:00; Sat 00:00-06:00, Paris time)',
			},
			{ id: 'away', name: 'Away', reason: 'out of office' },
		]);
	});
});
