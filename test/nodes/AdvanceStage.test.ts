import type { IBinaryData, IWorkflowBase } from 'n8n-workflow';
import { runWorkflow, useStateFile, withParameters } from './harness';

useStateFile('stage-node-', 'stages.sqlite');

const items = (list: Array<Record<string, unknown>>) => list.map((json) => ({ json }));
type Json = Record<string, unknown>;
const stageOf = (json: Json) => json.stage as Json;

/** The moves fixture with its node's parameters changed (options merged) and its own memory. */
function moves(memory: string, params: Json = {}, file = 'stage-moves.json', node = 'Advance Stage'): IWorkflowBase {
	return withParameters(file, node, {
		...params,
		options: { memoryName: memory, ...((params.options as Json) ?? {}) },
	});
}

describe('Advance Stage in the n8n engine', () => {
	it('sets stages with required fields checked by the condition builder; three outputs, none silent', async () => {
		const r = await runWorkflow(moves('set'), {
			Leads: items([
				{ id: 'a', email: 'ana@acme.com', target: 'lead', history: [] },
				{ id: 'b', email: 'bo@acme.com', target: 'SQL', budget: 500 },
				{ id: 'c', email: 'cy@acme.com', target: 'Sales Qualified Lead', budget: '5000', owner: { id: 'u1' } },
			]),
		});
		const advanced = r.output('Advance Stage', 0);
		expect(advanced.map((i) => [i.json.id, stageOf(i.json).current, stageOf(i.json).status])).toEqual([
			['a', 'Lead', 'advanced'],
			['c', 'SQL', 'advanced'],
		]);
		expect(stageOf(advanced[0].json)).toMatchObject({
			previous: null,
			why: 'entered at Lead',
			entered_at: '2026-12-01T09:00:00.000Z',
			hours_in_stage: 0,
			days_in_stage: 0,
			history: [
				{ from: null, to: 'Lead', at: '2026-12-01T09:00:00.000Z', node: 'Advance Stage', workflow: 'wf-stage-moves' },
			],
		});
		expect(advanced[0].json.history).toEqual([
			{
				at: '2026-12-01T09:00:00.000Z',
				node: 'Advance Stage',
				action: 'stage_changed',
				detail: { from: null, to: 'Lead' },
			},
		]);
		const refused = r.output('Advance Stage', 2);
		expect(refused).toHaveLength(1);
		expect(refused[0].pairedItem).toEqual({ item: 1 });
		expect(stageOf(refused[0].json)).toMatchObject({
			status: 'refused',
			rule: 'required',
			current: null,
			missing: ['owner.id (empty)', 'budget at least 1000'],
			why: 'SQL requires owner.id (empty); budget at least 1000',
		});

		// a later execution: remembered stages hold forward-only without any CRM look-up
		const again = await runWorkflow(moves('set', { options: { now: '2026-12-03T09:00:00Z' } }), {
			Leads: items([
				{ id: 'a', email: 'ana@acme.com', target: 'Subscriber' },
				{ id: 'x', email: 'CY@acme.com ', target: 'MQL' },
			]),
		});
		expect(again.output('Advance Stage', 0)).toEqual([]);
		expect(again.output('Advance Stage', 1).map((i) => stageOf(i.json).why)).toEqual([
			'Already beyond Subscriber: at Lead (stages only move forward)',
			'Already beyond MQL: at SQL (stages only move forward)',
		]);
		expect(stageOf(again.output('Advance Stage', 1)[0].json)).toMatchObject({ hours_in_stage: 48, days_in_stage: 2 });
	});

	it('advances to the next stage, recycles with a reason, and gets the history', async () => {
		const lead = { id: 'n1', email: 'nina@corp.io' };
		await runWorkflow(moves('next', { operation: 'advance' }), { Leads: items([lead, lead]) });
		const recycled = await runWorkflow(moves('next', { operation: 'recycle', reason: '={{ $json.why }}' }), {
			Leads: items([
				{ ...lead, why: 'No budget until Q3' },
				{ id: 'n2', why: '' },
			]),
		});
		expect(stageOf(recycled.output('Advance Stage', 0)[0].json)).toMatchObject({
			current: 'Nurture',
			previous: 'Lead',
		});
		// n2 has no email and no stage: refused for want of a reason, named
		expect(stageOf(recycled.output('Advance Stage', 2)[0].json)).toMatchObject({ rule: 'reason' });
		const next = await runWorkflow(moves('next', { operation: 'advance' }), { Leads: items([lead]) });
		// back from Nurture to the stage after the last one it reached
		expect(stageOf(next.output('Advance Stage', 0)[0].json)).toMatchObject({ current: 'MQL', previous: 'Nurture' });
		const history = await runWorkflow(moves('next', { operation: 'history' }), {
			Leads: items([{ email: 'NINA@corp.io' }, { id: 'unknown' }]),
		});
		const [known, unknown] = history.output('Advance Stage', 0);
		expect((stageOf(known.json).history as Json[]).map((h) => [h.from, h.to, h.reason ?? null])).toEqual([
			[null, 'Subscriber', null],
			['Subscriber', 'Lead', null],
			['Lead', 'Nurture', 'No budget until Q3'],
			['Nurture', 'MQL', null],
		]);
		expect(stageOf(unknown.json)).toMatchObject({ status: 'unknown', current: null, history: [] });
	});

	it('moves from the Score Leads label or a number; a score never demotes', async () => {
		const r = await runWorkflow(
			moves('score', {
				operation: 'fromScore',
				labelMap: { values: [{ label: 'Hot', stage: 'SQL' }] },
			}),
			{
				Leads: items([
					{ id: 's1', score: { label: 'MQL' } },
					{ id: 's2', score: { label: 'Hot' }, owner: { id: 'u1' }, budget: 2000 },
					{ id: 's3', score: { label: null } },
				]),
			},
		);
		expect(r.output('Advance Stage', 0).map((i) => stageOf(i.json).current)).toEqual(['MQL', 'SQL']);
		expect(stageOf(r.output('Advance Stage', 1)[0].json)).toEqual({
			status: 'unchanged',
			why: 'No score at score.label',
		});
		const n = await runWorkflow(
			moves('score', {
				operation: 'fromScore',
				scoreField: 'score.total',
				numberMap: {
					values: [
						{ min: 40, stage: 'MQL' },
						{ min: 80, stage: 'SQL' },
					],
				},
			}),
			{
				Leads: items([
					{ id: 's2', score: { total: 45 } },
					{ id: 's4', score: { total: 90 }, owner: { id: 'u1' }, budget: 2000 },
				]),
			},
		);
		expect(n.output('Advance Stage', 1).map((i) => stageOf(i.json).why)).toEqual([
			'Already beyond MQL: at SQL (stages only move forward from a score)',
		]);
		expect(n.output('Advance Stage', 0).map((i) => [i.json.id, stageOf(i.json).current])).toEqual([['s4', 'SQL']]);
	});

	it('takes the current stage from the lead (a CRM look-up) when asked, with HubSpot values', async () => {
		const r = await runWorkflow(
			moves('crm', {
				stageList: 'hubspot',
				currentFrom: 'item',
				currentField: 'properties.lifecyclestage',
				targetStage: 'MQL',
			}),
			{
				Leads: items([
					{ id: 'h1', properties: { lifecyclestage: 'customer' } },
					{ id: 'h2', properties: { lifecyclestage: 'lead' } },
				]),
			},
		);
		expect(stageOf(r.output('Advance Stage', 1)[0].json).why).toBe(
			'Already beyond Marketing Qualified Lead: at Customer (stages only move forward)',
		);
		expect(stageOf(r.output('Advance Stage', 0)[0].json)).toMatchObject({
			current: 'Marketing Qualified Lead',
			crm_value: 'marketingqualifiedlead',
			previous: 'Lead',
		});
	});

	it('stops on bad input with the item and what is wrong; continue on fail sends it to Refused', async () => {
		const bad = await runWorkflow(moves('bad'), {
			Leads: items([
				{ id: 'ok', target: 'Lead' },
				{ id: 'z', target: 'Hot' },
			]),
		});
		const error = bad.error('Advance Stage') as Error & { context?: { itemIndex?: number } };
		expect(error.message).toMatch(/^Stage "Hot" is not in the stage list \(Subscriber, Lead, MQL/);
		expect(error.context?.itemIndex).toBe(1);
		const when = await runWorkflow(moves('bad', { options: { movedAt: '={{ $json.at }}' } }), {
			Leads: items([{ id: 'w', target: 'Lead', at: 'next tuesday' }]),
		});
		expect(when.error('Advance Stage')?.message).toMatch(/Moved At "next tuesday" is not a date \(item 0\)/);
		const nokey = await runWorkflow(moves('bad'), { Leads: items([{ name: 'no keys', target: 'Lead' }]) });
		expect(nokey.error('Advance Stage')?.message).toMatch(/no ID and no email/);
		const dup = await runWorkflow(moves('bad', { stageList: 'custom', customStages: 'Lead, MQL, lead' }), {
			Leads: items([{ id: 'q', target: 'Lead' }]),
		});
		expect(dup.error('Advance Stage')?.message).toMatch(/"Lead" and "lead" have the same name/);
		const crm = await runWorkflow(moves('bad', { currentFrom: 'item', currentField: 'stage_now' }), {
			Leads: items([{ id: 'c', target: 'MQL', stage_now: 'Warm-ish' }]),
		});
		expect(crm.error('Advance Stage')?.message).toMatch(
			/current stage "Warm-ish" \(stage_now\) is not in the stage list/,
		);

		const wf = moves('bad');
		wf.nodes.find((x) => x.name === 'Advance Stage')!.continueOnFail = true;
		const soft = await runWorkflow(wf, {
			Leads: items([
				{ id: 'ok2', target: 'Lead' },
				{ id: 'z', target: 'Hot' },
			]),
		});
		expect(soft.output('Advance Stage', 0).map((i) => i.json.id)).toEqual(['ok2']);
		expect(soft.output('Advance Stage', 2)[0].json).toMatchObject({
			id: 'z',
			error: expect.stringMatching(/Stage "Hot"/),
		});
	});

	it('reports the funnel from remembered histories, one item per stage with an SVG chart; forgets a lead', async () => {
		const day = (d: number) => `2026-11-${String(d).padStart(2, '0')}T10:00:00Z`;
		const leads = Array.from({ length: 8 }, (_, i) => ({
			id: `f${i}`,
			email: `f${i}@acme.com`,
			source: { provider: i < 4 ? 'typeform' : 'webflow' },
			owner: { id: 'u1' },
			budget: 5000,
		}));
		const step = async (target: string, at: string, who: typeof leads) =>
			await runWorkflow(moves('funnel', { targetStage: target, options: { now: at } }), { Leads: items(who) });
		await step('Lead', day(1), leads);
		await step('MQL', day(3), leads.slice(0, 4));
		await step('SQL', day(6), leads.slice(0, 2));
		await step('Customer', day(11), leads.slice(0, 1));
		const report = await runWorkflow(moves('funnel', { groupBy: 'none' }, 'stage-report.json', 'Funnel'), {
			Start: items([{}]),
		});
		const rows = report.output('Funnel', 0);
		const byStage = Object.fromEntries(rows.map((x) => [x.json.stage, x.json]));
		expect(rows).toHaveLength(12);
		// leads entered at Lead: Subscriber is not counted as skipped on their way
		expect(byStage.Subscriber).toMatchObject({ reached: 0 });
		expect(byStage.Lead).toMatchObject({
			leads: 8,
			reached: 8,
			next_stage: 'MQL',
			conversion_to_next: 0.5,
			won: 1,
			lead_to_won_rate: 0.125,
		});
		expect(byStage.MQL).toMatchObject({ reached: 4, median_days_to_reach: 2, conversion_to_next: 0.5 });
		expect(byStage.SAL).toMatchObject({ reached: 2, median_days_to_reach: null });
		expect(byStage.Customer).toMatchObject({ reached: 1, median_days_to_reach: 10 });
		const chart = rows[0].binary?.chart as IBinaryData;
		expect(chart).toMatchObject({ mimeType: 'image/svg+xml', fileName: 'funnel.svg' });
		const svg = Buffer.from(chart.data, 'base64').toString('utf8');
		expect(svg).toContain('>8 (100%)</text>');
		expect(svg).toContain('>4 (50%)</text>');
		expect(rows[1].binary).toBeUndefined();

		const grouped = await runWorkflow(moves('funnel', { groupBy: 'source' }, 'stage-report.json', 'Funnel'), {
			Start: items([{}]),
		});
		const mql = grouped.output('Funnel', 0).filter((x) => x.json.stage === 'MQL');
		expect(mql.map((x) => [x.json.group, x.json.reached])).toEqual([
			['typeform', 4],
			['webflow', 0],
		]);

		const forget = await runWorkflow(
			moves('funnel', { operation: 'forget', forgetBy: 'email', forgetValue: '={{ $json.email }}' }),
			{
				Leads: items([{ email: 'F0@acme.com' }, { email: 'nobody@acme.com' }]),
			},
		);
		expect(forget.output('Advance Stage', 0).map((x) => x.json)).toEqual([
			{ forgotten: 'F0@acme.com', found: true, transitions_removed: 4 },
			{ forgotten: 'nobody@acme.com', found: false, transitions_removed: 0 },
		]);
		const after = await runWorkflow(moves('funnel', {}, 'stage-report.json', 'Funnel'), { Start: items([{}]) });
		expect(after.output('Funnel', 0).find((x) => x.json.stage === 'Customer')?.json.reached).toBe(0);
	});
});
