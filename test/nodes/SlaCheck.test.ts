import type { IWorkflowBase } from 'n8n-workflow';
import { runWorkflow, useStateFile, withParameters } from './harness';

useStateFile('sla-node-', 'sla.sqlite');

type Json = Record<string, any>;
const items = (list: Json[]) => list.map((json) => ({ json }));

const sla = (params: Json = {}): IWorkflowBase => withParameters('sla-check.json', 'SLA Check', params);

const lead = (id: string, provider: string, received: string, extra: Json = {}) => ({
	id,
	email: `${id}@acme.com`,
	source: { provider, received_at: received },
	...extra,
});

describe('SLA Check in the n8n engine', () => {
	it('checks leads from their own fields: first policy that matches, business hours, owner zones, cadence, pauses', async () => {
		const r = await runWorkflow(sla(), {
			Leads: items([
				lead('a', 'typeform', '2026-11-30T08:00:00Z'),
				lead('b', 'typeform', '2026-11-30T10:00:00Z'),
				lead('c', 'typeform', '2026-11-30T09:00:00Z', { owner: { id: 'u1', time_zone: 'America/New_York' } }),
				lead('d', 'webflow', '2026-11-29T20:00:00Z', { touches: ['2026-11-29T21:00:00Z'] }),
				lead('e', 'webflow', '2026-11-25T00:00:00Z', {
					touches: ['2026-11-25T01:00:00Z', { at: '2026-11-26T01:00:00Z' }, '2026-11-27T01:00:00Z'],
				}),
				lead('f', 'webflow', '2026-11-29T06:00:00Z'),
				lead('g', 'webflow', '2026-11-29T14:00:00Z'),
				lead('h', 'webflow', '2026-11-28T12:30:00Z', {
					stage: {
						history: [
							{ to: 'Lead', at: '2026-11-28T12:30:00Z' },
							{ to: 'Nurture', at: '2026-11-28T13:30:00Z' },
						],
					},
				}),
			]),
		});
		const out = (o: number) => r.output('SLA Check', o).map((i) => [i.json.id, (i.json.sla as Json).policy]);
		expect(out(0)).toEqual([
			['b', 'Demo requests'],
			['c', 'Demo requests'],
			['d', 'Standard'],
			['h', 'Standard'],
		]);
		expect(out(1)).toEqual([['g', 'Standard']]);
		expect(out(2)).toEqual([
			['a', 'Demo requests'],
			['f', 'Standard'],
		]);
		expect(out(3)).toEqual([['e', 'Standard']]);
		const by = Object.fromEntries(
			[0, 1, 2, 3].flatMap((o) => r.output('SLA Check', o)).map((i) => [i.json.id, i.json.sla as Json]),
		);
		expect(by.a).toMatchObject({
			status: 'breached',
			overdue_hours: 0.5,
			escalation_level: 1,
			escalation: 'owner',
			due_at: '2026-11-30T12:00:00.000Z',
		});
		expect(by.b).toMatchObject({
			status: 'on_track',
			remaining_hours: 1.5,
			due_at: '2026-11-30T14:00:00.000Z',
			elapsed_percent: 62.5,
		});
		expect(by.c).toMatchObject({
			status: 'on_track',
			time_zone: 'America/New_York',
			due_at: '2026-11-30T18:00:00.000Z',
			remaining_hours: 4,
		});
		expect(by.d).toMatchObject({
			target: 'follow_up_gap',
			touches_done: 1,
			touches_expected: 3,
			first_response_hours: 1,
		});
		expect(by.e).toMatchObject({ status: 'met', touches_done: 3 });
		expect(by.f).toMatchObject({ status: 'breached', overdue_hours: 6.5, escalation: 'owner' });
		expect(by.g).toMatchObject({ status: 'at_risk', elapsed_percent: 93.8 });
		expect(by.h).toMatchObject({ status: 'on_track', paused: true, remaining_hours: 23, due_at: null });
		expect(r.output('SLA Check', 0)[0].pairedItem).toEqual({ item: 1 });
	});

	it('pauses on statuses as on stages: the current status since its time, a status history, both merged; a stop status ends the SLA', async () => {
		// Standard policy, 24 calendar hours; checked at 2026-11-30T12:30Z; each lead created 22 h before
		const at = '2026-11-29T14:30:00Z';
		const r = await runWorkflow(sla({ options: { pauseStages: 'Nurture, On Hold, Pending' } }), {
			Leads: items([
				lead('since', 'webflow', at, { status: 'Pending', status_changed_at: '2026-11-29T20:30:00Z' }),
				lead('history', 'webflow', at, {
					status: 'Open',
					status_history: [
						{ status: 'Open', timestamp: at },
						{ status: 'On Hold', timestamp: '2026-11-29T16:30:00Z' },
						{ status: 'Open', timestamp: '2026-11-30T10:30:00Z' },
					],
				}),
				lead('now', 'webflow', at, { status: 'on hold' }),
				lead('stopped', 'webflow', at, { status: 'Disqualified', status_changed_at: '2026-11-29T15:30:00Z' }),
				lead('both', 'webflow', at, {
					stage: { history: [{ to: 'Nurture', at: '2026-11-29T16:30:00Z' }] },
					status_history: [
						{ to: 'On Hold', at: '2026-11-29T15:30:00Z' },
						{ to: 'Open', at: '2026-11-29T18:30:00Z' },
					],
				}),
			]),
		});
		const by = Object.fromEntries(
			[0, 1, 2, 3].flatMap((o) => r.output('SLA Check', o)).map((i) => [i.json.id, i.json.sla as Json]),
		);
		// paused since 20:30: 6 h used
		expect(by.since).toMatchObject({ paused: true, remaining_hours: 18, due_at: null, status: 'on_track' });
		// on hold 16:30 to 10:30 the next day: 2 h + 2 h used
		expect(by.history).toMatchObject({ paused: false, remaining_hours: 20, due_at: '2026-12-01T08:30:00.000Z' });
		// on hold, time unknown: paused from the check on, the 22 h before count
		expect(by.now).toMatchObject({ paused: true, remaining_hours: 2, due_at: null, status: 'at_risk' });
		expect(by.stopped).toMatchObject({ status: 'met', escalation_level: 0 });
		// status pause 15:30-18:30 and stage pause from 16:30 on: one pause from 15:30, 1 h used
		expect(by.both).toMatchObject({ paused: true, remaining_hours: 23 });
		// without the options, a status field is read but nothing in it pauses the default lists
		const plain = await runWorkflow(sla(), { Leads: items([lead('p', 'webflow', at, { status: 'Pending' })]) });
		expect((plain.output('SLA Check', 1)[0].json.sla as Json).paused).toBe(false);
	});

	it('bad input stops naming the field and the item; bad policies name the policy', async () => {
		const bad = await runWorkflow(sla(), {
			Leads: items([lead('ok', 'webflow', '2026-11-30T08:00:00Z'), lead('x', 'webflow', 'yesterday')]),
		});
		const error = bad.error('SLA Check') as Error & { context?: { itemIndex?: number } };
		expect(error.message).toMatch(/^source\.received_at "yesterday" is not a date/);
		expect(error.context?.itemIndex).toBe(1);
		const withPolicy = (change: Json) => {
			const wf = sla();
			Object.assign((wf.nodes[1].parameters.policies as Json).values[0], change);
			return wf;
		};
		const zone = await runWorkflow(withPolicy({ timeZone: 'Berlin' }), {
			Leads: items([lead('ok', 'webflow', '2026-11-30T08:00:00Z')]),
		});
		expect(zone.error('SLA Check')?.message).toBe(
			'Policy "Demo requests": "Berlin" is not a time zone (use an IANA name such as Europe/Berlin)',
		);
		const hours = await runWorkflow(withPolicy({ businessHours: 'weekdays 9-5' }), {
			Leads: items([lead('ok', 'webflow', '2026-11-30T08:00:00Z')]),
		});
		expect(hours.error('SLA Check')?.message).toMatch(
			/^Policy "Demo requests": "weekdays" is not a day of the week \(in "weekdays 9-5"\)/,
		);
		const wf2 = sla();
		wf2.nodes[1].continueOnFail = true;
		const soft = await runWorkflow(wf2, { Leads: items([lead('x', 'webflow', 'yesterday')]) });
		expect(soft.output('SLA Check', 0)[0].json).toMatchObject({
			id: 'x',
			error: expect.stringMatching(/is not a date/),
		});
	});

	it('the ledger: start after routing, touches from another workflow by email, Check Due once per level, report, forget', async () => {
		const at = (now: string, params: Json) =>
			sla({ ...params, options: { memoryName: 'ledger', now, ...(params.options ?? {}) } });
		const leads = [
			lead('p', 'typeform', '2026-11-30T08:00:00Z', { owner: { id: 'ana' } }),
			lead('q', 'webflow', '2026-11-30T08:00:00Z', { owner: { id: 'bo' } }),
		];
		const started = await runWorkflow(at('2026-11-30T08:05:00Z', { operation: 'start' }), { Leads: items(leads) });
		expect(
			started.output('SLA Check', 0).map((i) => [(i.json.sla as Json).result, (i.json.sla as Json).policy]),
		).toEqual([
			['started', 'Demo requests'],
			['started', 'Standard'],
		]);
		// a retried execution starts nothing new
		const again = await runWorkflow(at('2026-11-30T08:06:00Z', { operation: 'start' }), { Leads: items(leads) });
		expect(again.output('SLA Check', 0).map((i) => (i.json.sla as Json).result)).toEqual(['running', 'running']);
		// a touch from an email tool knows only the address
		const touched = await runWorkflow(
			at('2026-11-30T09:00:00Z', {
				operation: 'touch',
				touchType: '={{ $json.type }}',
				options: { eventTime: '={{ $json.sent_at }}' },
			}),
			{ Leads: items([{ email: 'Q@acme.com', type: 'email', sent_at: '2026-11-30T08:30:00Z' }]) },
		);
		expect(touched.output('SLA Check', 0)[0].json.sla).toMatchObject({
			result: 'recorded',
			touches: [{ at: '2026-11-30T08:30:00.000Z', kind: 'email' }],
			first_response_hours: 0.5,
		});
		const due = async (now: string) => {
			const r = await runWorkflow(at(now, { operation: 'due' }), { Leads: items([{}]) });
			return [0, 1, 2, 3].map((o) =>
				r
					.output('SLA Check', o)
					.map((i) => [i.json.id, (i.json.sla as Json).newly, (i.json.sla as Json).escalation_level]),
			);
		};
		// 11:30 Berlin: p has used 2.5 of 4 business hours (on track, nothing to say)
		expect(await due('2026-11-30T10:30:00Z')).toEqual([[], [], [], []]);
		expect(await due('2026-11-30T11:00:00Z')).toEqual([[], [['p', 'at_risk', 0]], [], []]);
		expect(await due('2026-11-30T11:10:00Z')).toEqual([[], [], [], []]);
		// Neither clock can have changed since: p is not due before 13:00 Berlin, q was answered.
		const quiet = await runWorkflow(at('2026-11-30T11:20:00Z', { operation: 'due' }), { Leads: items([{}]) });
		expect((quiet.run.data.resultData.runData['SLA Check'][0].hints ?? []).map((h) => h.message)).toEqual([
			'0 of 2 open clocks evaluated (the others cannot have changed yet), 0 with news.',
		]);
		expect(await due('2026-11-30T12:10:00Z')).toEqual([[], [], [['p', 'breached', 1]], []]);
		expect(await due('2026-11-30T14:00:00Z')).toEqual([[], [], [['p', 'escalated', 2]], []]);
		const report = await runWorkflow(at('2026-11-30T14:00:00Z', { operation: 'report', groupBy: ['owner'] }), {
			Leads: items([{}]),
		});
		expect(report.output('SLA Check', 0).map((i) => i.json)).toEqual([
			{
				group_by: 'owner',
				group: 'ana',
				leads: 1,
				responded: 0,
				met: 0,
				breached: 1,
				open: 0,
				met_rate: 0,
				median_first_response_hours: null,
				p90_first_response_hours: null,
			},
			{
				group_by: 'owner',
				group: 'bo',
				leads: 1,
				responded: 1,
				met: 0,
				breached: 0,
				open: 1,
				met_rate: null,
				median_first_response_hours: 0.5,
				p90_first_response_hours: 0.5,
			},
		]);
		// Two touches of one lead in one batch, with no Event Time: two touches, not one.
		const twice = await runWorkflow(at('2026-11-30T14:05:00Z', { operation: 'touch' }), {
			Leads: items([{ email: 'p@acme.com' }, { email: 'p@acme.com' }]),
		});
		expect(twice.output('SLA Check', 0).map((i) => ((i.json.sla as Json).touches as Json[]).length)).toEqual([1, 2]);
		const forgot = await runWorkflow(at('2026-11-30T14:00:00Z', { operation: 'forget' }), {
			Leads: items([{ email: 'p@acme.com' }, { id: 'nobody' }]),
		});
		expect(forgot.output('SLA Check', 0).map((i) => (i.json.sla as Json).forgotten)).toEqual([true, false]);
		const unknown = await runWorkflow(at('2026-11-30T14:00:00Z', { operation: 'touch' }), {
			Leads: items([{ email: 'p@acme.com' }]),
		});
		expect(unknown.output('SLA Check', 0)[0].json.sla).toMatchObject({ result: 'unknown' });
	});
});
