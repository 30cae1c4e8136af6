/**
 * What the stateful nodes remember for, in n8n's engine: version 1.1 keeps SLA clocks, stage
 * histories and trained models for their workflow unless Remember For names a shared name;
 * version 1 keeps the shared names it always used; a node that finds nothing where it looks says
 * where the same memory is.
 */
import type { IWorkflowBase } from 'n8n-workflow';
import { seededRandom } from '../../lib/dedupe/learn';
import { loadWorkflow, runWorkflow, useStateFile } from './harness';

useStateFile('scope-node-', 'scope.sqlite');

type Json = Record<string, any>;
const items = (list: Json[]) => list.map((json) => ({ json }));

/** A fixture as workflow `id`, its stateful node at `version` with these parameters. */
function inWorkflow(file: string, node: string, id: string, version: number, params: Json): IWorkflowBase {
	const wf = loadWorkflow(file);
	wf.id = id;
	const n = wf.nodes.find((x) => x.name === node)!;
	n.typeVersion = version;
	n.parameters = {
		...n.parameters,
		...params,
		options: { ...(n.parameters.options as object), ...((params.options as object) ?? {}) },
	} as typeof n.parameters;
	return wf;
}
const hints = (r: Awaited<ReturnType<typeof runWorkflow>>, node: string) =>
	(r.run.data.resultData.runData[node]?.[0]?.hints ?? []).map((h) => h.message);

describe('SLA Check: clocks per workflow from version 1.1', () => {
	const start = (id: string, version: number, params: Json = {}) =>
		runWorkflow(
			inWorkflow('sla-check.json', 'SLA Check', id, version, {
				operation: 'start',
				options: { now: '2026-11-30T08:05:00Z' },
				...params,
			}),
			{
				Leads: items([
					{
						id: `${id}-lead`,
						email: `${id}@acme.com`,
						source: { provider: 'webflow', received_at: '2026-11-30T08:00:00Z' },
					},
				]),
			},
		);
	const due = (id: string, version: number, params: Json = {}) =>
		runWorkflow(
			inWorkflow('sla-check.json', 'SLA Check', id, version, {
				operation: 'due',
				outputMode: 'single',
				options: { now: '2026-12-02T08:00:00Z' },
				...params,
			}),
			{ Leads: items([{}]) },
		);
	const alerted = (r: Awaited<ReturnType<typeof runWorkflow>>) =>
		r.output('SLA Check', 0).map((i) => (i.json.lead_keys as Json).ids[0]);

	it("two workflows' Check Due no longer take each other's alerts; a shared name joins two workflows", async () => {
		await start('wf-a', 1.1);
		await start('wf-b', 1.1);
		expect(alerted(await due('wf-a', 1.1))).toEqual(['wf-a-lead']);
		expect(alerted(await due('wf-b', 1.1))).toEqual(['wf-b-lead']);
		// Start Clock in the inbound workflow, Check Due in the escalation one: one shared name.
		const shared = { scope: 'shared', sharedName: 'inbound-sla' };
		await start('wf-inbound', 1.1, shared);
		expect(alerted(await due('wf-escalation', 1.1, shared))).toEqual(['wf-inbound-lead']);
		expect(alerted(await due('wf-escalation', 1.1))).toEqual([]);
	});

	it('version 1 keeps the instance-wide name; a version 1.1 Check Due that finds nothing says where the clocks are', async () => {
		await start('wf-old', 1);
		const fresh = await due('wf-new', 1.1);
		expect(alerted(fresh)).toEqual([]);
		expect(hints(fresh, 'SLA Check')).toEqual([
			'No open SLA clocks for this workflow, but the shared name "default" has some (Start Clock ran with another Remember For, or at SLA Check version 1): to check them, set Remember For to A Shared Name, "default" here and in the nodes that start and touch the clocks.',
			'0 of 0 open clocks evaluated (the others cannot have changed yet), 0 with news.',
		]);
		expect(alerted(await due('wf-new', 1.1, { scope: 'shared', sharedName: 'default' }))).toEqual(['wf-old-lead']);
	});
});

describe('Advance Stage: histories per workflow from version 1.1', () => {
	const move = (id: string, version: number, params: Json = {}) =>
		runWorkflow(
			inWorkflow('stage-moves.json', 'Advance Stage', id, version, {
				operation: 'set',
				targetStage: 'MQL',
				options: { now: '2026-11-30T08:00:00Z' },
				...params,
			}),
			{ Leads: items([{ id: 'client-lead', email: 'same.person@acme.com' }]) },
		);
	const history = (id: string, version: number, params: Json = {}) =>
		runWorkflow(
			inWorkflow('stage-moves.json', 'Advance Stage', id, version, {
				operation: 'history',
				options: { now: '2026-11-30T09:00:00Z' },
				...params,
			}),
			{ Leads: items([{ email: 'same.person@acme.com' }]) },
		);
	const stageOf = (r: Awaited<ReturnType<typeof runWorkflow>>) =>
		(r.output('Advance Stage', 0)[0]?.json.stage as Json | undefined)?.current ?? null;

	it("one email at two clients' workflows: two histories; a hint names where an unknown lead is remembered", async () => {
		await move('wf-client-a', 1.1);
		expect(stageOf(await history('wf-client-a', 1.1))).toBe('MQL');
		const other = await history('wf-client-b', 1.1);
		expect(stageOf(other)).toBeNull();
		expect(hints(other, 'Advance Stage')).toEqual([]);
		// Version 1 kept it under "lifecycle", for every workflow.
		await move('wf-old', 1, { targetStage: 'Lead' });
		const after = await history('wf-client-b', 1.1);
		expect(hints(after, 'Advance Stage')).toEqual([
			'1 lead has no stage history for this workflow, but the shared name "lifecycle" remembers 1 of them: to read those, set Remember For to A Shared Name, "lifecycle".',
		]);
		expect(stageOf(await history('wf-client-b', 1.1, { scope: 'shared', sharedName: 'lifecycle' }))).toBe('Lead');
	});
});

describe('Score Leads: models per workflow from version 1.1', () => {
	const next = seededRandom(3);
	const history = Array.from({ length: 600 }, (_, i) => {
		const size = ['small', 'enterprise'][Math.floor(next() * 2)];
		return { id: `h${i}`, size, status: next() < (size === 'enterprise' ? 0.8 : 0.15) ? 'won' : 'lost' };
	});
	const train = (id: string, version: number, params: Json = {}) =>
		runWorkflow(inWorkflow('score-model.json', 'Train', id, version, { modelName: 'fit', ...params }), {
			History: items(history),
		});
	const score = (id: string, version: number, params: Json = {}) =>
		runWorkflow(inWorkflow('score-model.json', 'Score', id, version, { modelName: 'fit', ...params }), {
			Leads: items([{ id: 'l', size: 'enterprise' }]),
		});

	it('retraining in one workflow does not replace the model another workflow scores with', async () => {
		const a = await train('wf-a', 1.1);
		expect(a.output('Train')[0].json).toMatchObject({ model: 'fit', version: 1, saved_for: 'this workflow' });
		expect((await score('wf-a', 1.1)).output('Score')[0].json.score).toMatchObject({
			model: { name: 'fit', version: 1 },
		});
		const b = await score('wf-b', 1.1);
		expect(b.error('Score')?.message).toBe(
			'No model named "fit" for this workflow (none saved yet: run Train Model first)',
		);
		// A model trained by version 1 is shared by its name; a 1.1 node is told where it is.
		await train('wf-old', 1);
		expect((await score('wf-b', 1.1)).error('Score')?.message).toMatch(
			/^No model named "fit" for this workflow \(none saved yet: run Train Model first\)\. A shared model "fit" exists/,
		);
		expect((await score('wf-b', 1.1, { scope: 'shared' })).output('Score')[0].json.score).toMatchObject({
			model: { name: 'fit', version: 1 },
		});
		expect((await score('wf-b', 1)).error('Score')).toBeUndefined();
	});
});
