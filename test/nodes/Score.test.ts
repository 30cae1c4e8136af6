import type { IWorkflowBase } from 'n8n-workflow';
import { loadWorkflow, runWorkflow, useStateFile } from './harness';
import { seededRandom } from '../../lib/dedupe/learn';

useStateFile('score-node-', 'models.sqlite');

const items = (list: Array<Record<string, unknown>>) => list.map((json) => ({ json }));
const daysAgo = (d: number) => new Date(Date.parse('2026-12-01T00:00:00Z') - d * 86_400_000).toISOString();

function withParams(file: string, node: string, params: Record<string, unknown>): IWorkflowBase {
	const wf = loadWorkflow(file);
	const n = wf.nodes.find((x) => x.name === node)!;
	n.parameters = { ...n.parameters, ...params } as typeof n.parameters;
	return wf;
}

describe('Score Leads in the n8n engine', () => {
	const leads = items([
		// director, business email, 3 clicks (two recent, one 30 days old: half), pricing visit 60 days old (quarter)
		{
			id: 'a',
			email: 'ana@acme.com',
			job_title: 'Sales Director',
			history: [],
			events: [
				{ type: 'email_click', at: daysAgo(0) },
				{ type: 'email_click', at: daysAgo(0) },
				{ type: 'email_click', at: daysAgo(30) },
				{ type: 'page_view', at: daysAgo(60), url: 'https://acme.example/pricing' },
			],
		},
		// free email, nothing else: -10, no label
		{ id: 'b', email: 'bob@gmail.com', job_title: 'Student' },
		// director, one click today: 30 + 10 = 40 -> Lead
		{ id: 'c', email: 'cy@corp.io', job_title: 'Director of IT', events: [{ type: 'email_click', at: daysAgo(0) }] },
	]);

	it('adds fit and engagement points with caps and decay, labels and routes per label, explains every point', async () => {
		const r = await runWorkflow(loadWorkflow('score-rules.json'), { Leads: leads });
		const a = r.output('Score Leads', 1)[0].json;
		const score = a.score as Record<string, unknown>;
		// clicks: 10 + 10 + 5 = 25 capped to 20 by the Email group; pricing: 25 * 0.25 = 6.25
		expect(score).toMatchObject({ fit: 30, engagement: 26.25, total: 56.25, label: 'MQL', grade: 'C' });
		expect(score.reasons).toEqual([
			{ rule: 'Decision maker', kind: 'fit', points: 30, raw: 30 },
			expect.objectContaining({
				rule: 'Email clicks',
				points: 20,
				raw: 30,
				occurrences: 3,
				decayed: true,
				capped: true,
				group: 'Email',
			}),
			expect.objectContaining({ rule: 'Visited pricing', points: 6.25, raw: 25, decayed: true }),
		]);
		expect((a.history as Array<Record<string, unknown>>)[0]).toMatchObject({
			node: 'Score Leads',
			action: 'scored',
			detail: { total: 56.25, label: 'MQL' },
		});
		expect(r.output('Score Leads', 3).map((i) => [i.json.id, (i.json.score as { total: number }).total])).toEqual([
			['b', -10],
		]);
		expect(r.output('Score Leads', 0).map((i) => i.json.id)).toEqual(['c']);
		expect(r.output('Score Leads', 0)[0].pairedItem).toEqual({ item: 2 });
	});

	it('an event with an unreadable time stops with the item index, or becomes an error item with Continue On Fail', async () => {
		const bad = items([{ id: 'x', job_title: 'CEO', events: [{ type: 'email_click', at: 'last tuesday' }] }]);
		const r = await runWorkflow(loadWorkflow('score-rules.json'), { Leads: bad });
		const error = r.error('Score Leads') as Error & { context?: { itemIndex?: number } };
		expect(error.message).toMatch(/event 1 \("email_click"\) has no readable time in "at"/);
		expect(error.context?.itemIndex).toBe(0);
		const wf = loadWorkflow('score-rules.json');
		wf.nodes.find((n) => n.name === 'Score Leads')!.continueOnFail = true;
		const soft = await runWorkflow(wf, { Leads: bad });
		expect(soft.output('Score Leads', 3)[0].json.error).toMatch(/no readable time/);
	});

	it('trains a model on won/lost history, saves it by name, and scores new leads with it', async () => {
		// Generated history with a known truth: enterprise and referral convert far more often.
		const next = seededRandom(7);
		const history = Array.from({ length: 1500 }, (_, i) => {
			const size = ['small', 'mid', 'enterprise'][Math.floor(next() * 3)];
			const source = ['ads', 'seo', 'referral'][Math.floor(next() * 3)];
			const z = -2 + (size === 'enterprise' ? 2 : size === 'mid' ? 1 : 0) + (source === 'referral' ? 1.5 : 0);
			return {
				id: `h${i}`,
				email: `p${i}@x.io`,
				size,
				source,
				status: next() < 1 / (1 + Math.exp(-z)) ? 'won' : 'lost',
			};
		});
		const trained = await runWorkflow(loadWorkflow('score-model.json'), { History: items(history) });
		const report = trained.output('Train')[0].json as Record<string, unknown>;
		expect(report).toMatchObject({ model: 'conversion', version: 1, rows: 1500, fields: ['size', 'source'] });
		expect((report.held_out as { auc: number }).auc).toBeGreaterThan(0.7);
		const scored = await runWorkflow(loadWorkflow('score-model.json'), {
			Leads: items([
				{ id: 'hot', size: 'enterprise', source: 'referral' },
				{ id: 'cold', size: 'small', source: 'ads' },
				{ id: 'partial', size: 'enterprise' },
			]),
		});
		const [hot, cold, partial] = scored.output('Score').map((i) => i.json.score as Record<string, any>);
		expect(hot.model.probability).toBeGreaterThan(70);
		expect(cold.model.probability).toBeLessThan(25);
		expect(hot.label).toBe('Hot');
		expect(hot.model.contributions[0]).toMatchObject({ field: expect.stringMatching(/size|source/) });
		expect(hot.model.contributions.every((c: { effect: number }) => c.effect > 0)).toBe(true);
		expect(partial.model.missing_fields).toEqual(['source']);
		// training again saves version 2
		const again = await runWorkflow(loadWorkflow('score-model.json'), { History: items(history) });
		expect(again.output('Train')[0].json.version).toBe(2);
	});

	it('combines rules and model: the model as fit, a weighted blend, or the model as points', async () => {
		const next = seededRandom(11);
		const history = Array.from({ length: 1200 }, (_, i) => {
			const size = ['small', 'enterprise'][Math.floor(next() * 2)];
			return { id: `c${i}`, size, status: next() < (size === 'enterprise' ? 0.8 : 0.1) ? 'won' : 'lost' };
		});
		await runWorkflow(loadWorkflow('score-model.json'), { History: items(history) });
		const decisionMaker = loadWorkflow('score-rules.json').nodes.find((n) => n.name === 'Score Leads')!.parameters
			.fitRules as { values: Array<Record<string, unknown>> };
		const score = async (params: Record<string, unknown>) => {
			const wf = withParams('score-model.json', 'Score', {
				scoreWith: 'both',
				fitRules: { values: [decisionMaker.values[0]] },
				engagementRules: { values: [] },
				thresholds: { values: [{ label: 'MQL', min: 40 }] },
				...params,
			});
			const r = await runWorkflow(wf, { Leads: items([{ id: 'l', size: 'enterprise', job_title: 'Sales Director' }]) });
			return r.output('Score')[0].json.score as Record<string, any>;
		};
		const asFit = await score({});
		const p = asFit.model.probability as number;
		expect(p).toBeGreaterThan(60);
		expect(asFit).toMatchObject({ fit: p, engagement: 0, total: p });
		const blend = await score({ combine: 'blend', modelWeight: 25 });
		expect(blend.fit).toBe(30);
		expect(blend.total).toBeCloseTo(0.25 * p + 0.75 * 30, 1);
		expect(blend.reasons.map((r: { rule: string }) => r.rule)).toContain('Decision maker');
		expect(blend.reasons.find((r: { rule: string }) => r.rule.startsWith('Blend: 25% model'))).toBeDefined();
		const points = await score({ combine: 'modelPoints', modelPoints: 20 });
		expect(points.fit).toBeCloseTo(30 + (p / 100) * 20, 1);
		expect(points.total).toBeCloseTo(30 + (p / 100) * 20, 1);
		expect(points.label).toBe('MQL');
		expect(points.reasons[0]).toMatchObject({
			kind: 'model',
			rule: `Model "conversion": ${p}% likely to convert`,
			raw: 20,
		});
		const bad = await runWorkflow(
			withParams('score-model.json', 'Score', { scoreWith: 'both', combine: 'blend', modelWeight: 150 }),
			{ Leads: items([{ id: 'l', size: 'enterprise' }]) },
		);
		expect(bad.error('Score')?.message).toBe('Model Weight (%) must be between 0 and 100 (got 150)');
	});

	it('the starter B2B preset scores from mapped fields, before the own rules', async () => {
		const wf = withParams('score-rules.json', 'Score Leads', {
			preset: 'b2b',
			presetFields: { jobTitle: 'role', countries: 'DE' },
			fitRules: { values: [] },
			engagementRules: { values: [] },
			outputPerLabel: false,
		});
		const r = await runWorkflow(wf, {
			Leads: items([{ id: 'p', role: 'Geschäftsführer', company_size: '51-200', email: 'p@firma.de', country: 'DE' }]),
		});
		const score = r.output('Score Leads')[0].json.score as {
			total: number;
			grade: string;
			reasons: Array<{ rule: string }>;
		};
		expect(score.reasons.map((x) => x.rule)).toEqual([
			'C-level or founder',
			'Company of 20 to 199 employees',
			'Business email',
			'Target country',
		]);
		expect(score.total).toBe(53);
		expect(score.grade).toBe('B');
	});

	it('thresholds out of lifecycle order stop version 1.1 and are only hinted at in version 1; a rule on a field no lead has is named', async () => {
		const swapped = {
			values: [
				{ label: 'Lead', min: 0 },
				{ label: 'MQL', min: 80 },
				{ label: 'SQL', min: 50 },
			],
		};
		const wf = withParams('score-rules.json', 'Score Leads', { thresholds: swapped, outputPerLabel: false });
		const node = wf.nodes.find((n) => n.name === 'Score Leads')!;
		node.typeVersion = 1.1;
		const refused = await runWorkflow(wf, { Leads: leads });
		expect(refused.error('Score Leads')?.message).toBe(
			'Thresholds out of lifecycle order: "MQL" starts at 80 but "SQL", a later stage, at 50; give "SQL" the higher score',
		);
		node.typeVersion = 1;
		const kept = await runWorkflow(wf, { Leads: leads });
		expect(kept.output('Score Leads')).toHaveLength(3);
		const hints = (r: typeof kept) =>
			(r.run.data.resultData.runData['Score Leads'][0].hints ?? []).map((h) => h.message);
		expect(hints(kept)).toEqual([
			expect.stringMatching(/^Thresholds out of lifecycle order: .* \(Score Leads 1\.1 stops here\)$/),
		]);
		// $json.jobtitle on leads that carry job_title: the rule can never fire, and the hint says so.
		const typo = loadWorkflow('score-rules.json');
		const rules = typo.nodes.find((n) => n.name === 'Score Leads')!.parameters.fitRules as {
			values: Array<{ conditions: { conditions: Array<{ leftValue: string }> } }>;
		};
		rules.values[0].conditions.conditions[0].leftValue = '={{ $json.jobtitle }}';
		expect(hints(await runWorkflow(typo, { Leads: leads }))).toEqual([
			'Rule "Decision maker": no input item has the field "jobtitle", so its condition on it never holds (the items have "job_title")',
		]);
		// No hint when the field is there.
		expect(hints(await runWorkflow(loadWorkflow('score-rules.json'), { Leads: leads }))).toEqual([]);
	});

	it('Train Model: an outcome with many values stops version 1.1, Lost Values leave open deals out, lifecycle fields stay out, a leaking field is named', async () => {
		const next = seededRandom(5);
		const history = Array.from({ length: 1200 }, (_, i) => {
			const size = ['small', 'mid', 'enterprise'][Math.floor(next() * 3)];
			const open = i % 5 === 0;
			const won = !open && next() < (size === 'enterprise' ? 0.7 : 0.2);
			return {
				id: `d${i}`,
				size,
				page_views: Math.floor(next() * 40),
				// recorded after the outcome: left out of the automatic choice
				stage: open ? 'SQL' : won ? 'Customer' : 'Disqualified',
				owner: `rep${i % 4}`,
				close_date: open ? '' : '2026-10-01',
				// a field the CRM fills when a deal closes: it gives the outcome away
				loss_note: open ? '' : won ? 'signed' : ['no budget', 'went silent', 'chose a rival'][i % 3],
				status: open ? 'Open' : won ? 'Closed Won' : 'Closed Lost',
			};
		});
		const train = (params: Record<string, unknown>, version = 1.1) => {
			const wf = withParams('score-model.json', 'Train', { modelName: 'deals', ...params });
			wf.nodes.find((n) => n.name === 'Train')!.typeVersion = version;
			return runWorkflow(wf, { History: items(history) });
		};
		// A count as the outcome with the default Converted Values: refused, naming what was found.
		const count = await train({
			outcomeField: 'page_views',
			positiveValues: 'won, closed won, yes, converted, customer, true, 1',
		});
		expect(count.error('Train')?.message).toMatch(
			/^Outcome field "page_views" has 40 different values \(".*" \(\d+\), .*, \.\.\.\); a model learns converted or not: set Converted Values/,
		);
		// Closed Won / Closed Lost / Open with the defaults: refused too (open deals would count as lost).
		const three = await train({ positiveValues: 'won, closed won, yes, converted, customer, true, 1' });
		expect(three.error('Train')?.message).toMatch(/^Outcome field "status" has 3 different values/);
		// Version 1 trains as before, and says so.
		const old = await train({ positiveValues: 'won, closed won, yes, converted, customer, true, 1' }, 1);
		expect((old.output('Train')[0].json as Record<string, any>).rows).toBe(1200);
		// Lost Values given: the open deals are left out, not counted as lost.
		const trained = await train({ positiveValues: 'Closed Won', negativeValues: 'Closed Lost' });
		const report = trained.output('Train')[0].json as Record<string, any>;
		expect(report.rows).toBe(960);
		expect(report.rows_without_outcome).toBe(240);
		// stage, owner and close_date are left out; loss_note is used, and named as a leak.
		expect(report.fields).toEqual(['loss_note', 'page_views', 'size']);
		expect(report.separating_fields).toEqual([{ field: 'loss_note', auc: 1 }]);
		expect(report.warnings).toEqual([
			'"loss_note" alone tells won from lost almost perfectly (held-out AUC 1): if it is recorded after the outcome (a stage, an owner, a close date), leave it out under Fields to Learn From',
		]);
	});

	it('names the saved models when the requested one does not exist', async () => {
		const wf = withParams('score-model.json', 'Score', { modelName: 'nope' });
		const r = await runWorkflow(wf, { Leads: items([{ id: 'x' }]) });
		expect(r.error('Score')?.message).toMatch(/No model named "nope" \(saved models: conversion, deals\)/);
	});
});
