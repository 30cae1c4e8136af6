/**
 * Advance Stage in a real n8n: captured leads are scored and staged from their score label (a
 * burst of the same new lead gives exactly one move), then a report workflow answers with the
 * funnel figures and, from a second webhook, the SVG chart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeItems, startN8nForTests, type N8n } from './n8n';

let n8n: N8n;
beforeAll(async () => {
	n8n = await startN8nForTests();
}, 180_000);
afterAll(async () => {
	await n8n?.stop();
}, 60_000);

const fixture = (name: string) =>
	JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'workflows', `${name}.json`), 'utf8')) as Record<
		string,
		unknown
	>;

const post = async (lead: Record<string, unknown>) => {
	const res = await fetch(`${n8n.base}/webhook/e2e-stage`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(lead),
	});
	expect(res.status).toBe(200);
};

it('capture -> score -> stage from the score, exact under a burst; the funnel report and its chart', async () => {
	const id = await n8n.deploy(fixture('e2e-stage'), 'e2e-stage');
	await post({ email: 'dana@acme.com', job_title: 'Sales Director' });
	await post({ email: 'sam@school.edu', job_title: 'Student' });
	// The same new lead five times at once: one move, four "already there".
	await Promise.all(Array.from({ length: 5 }, () => post({ email: 'max@corp.io', job_title: 'IT Director' })));
	const executions = await n8n.waitForExecutions(id, 7, 90_000);
	const out = (node: string) => executions.flatMap((e) => nodeItems(e, node)).map((i) => i.json as Record<string, any>);
	const advanced = out('Advanced');
	expect(advanced.map((j) => [j.email, j.stage.current]).sort()).toEqual([
		['dana@acme.com', 'MQL'],
		['max@corp.io', 'MQL'],
		['sam@school.edu', 'Lead'],
	]);
	const unchanged = out('Unchanged');
	expect(unchanged).toHaveLength(4);
	for (const j of unchanged) {
		expect(j.email).toBe('max@corp.io');
		expect(j.stage.why).toMatch(/^Already at MQL since /);
		expect(j.stage.history).toHaveLength(1);
	}
	expect(out('Refused')).toEqual([]);
	const dana = advanced.find((j) => j.email === 'dana@acme.com')!;
	expect(dana.stage.history).toEqual([
		expect.objectContaining({ from: null, to: 'MQL', node: 'Stage From Score', workflow: id }),
	]);
	expect(dana.history.map((h: { node: string; action: string }) => `${h.node}:${h.action}`)).toEqual([
		'Lead Capture Trigger:captured',
		'Score Leads:scored',
		'Stage From Score:stage_changed',
	]);

	await n8n.deploy(fixture('e2e-stage-report'), 'e2e-stage-report');
	const res = await fetch(`${n8n.base}/webhook/e2e-stage-report`, { method: 'POST' });
	expect(res.status).toBe(200);
	const rows = (await res.json()) as Array<Record<string, unknown>>;
	const byStage = Object.fromEntries(rows.map((r) => [r.stage, r]));
	expect(rows.map((r) => r.stage)).toEqual([
		'Subscriber',
		'Lead',
		'MQL',
		'PQL',
		'SAL',
		'SQL',
		'Opportunity',
		'Customer',
		'Evangelist',
		'Nurture',
		'Other',
		'Disqualified',
	]);
	expect(byStage.Lead).toMatchObject({ leads: 3, reached: 1, next_stage: 'MQL', conversion_to_next: 0 });
	expect(byStage.MQL).toMatchObject({ reached: 2, reached_rate: 0.6667, median_days_to_reach: 0, next_stage: 'SAL' });
	expect(byStage.Customer).toMatchObject({ reached: 0, won: 0, lead_to_won_rate: 0 });

	await n8n.deploy(fixture('e2e-stage-chart'), 'e2e-stage-chart');
	const chart = await fetch(`${n8n.base}/webhook/e2e-stage-chart`, { method: 'POST' });
	expect(chart.status).toBe(200);
	expect(chart.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
	const svg = await chart.text();
	expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
	expect(svg).toContain('>2 (66.7%)</text>');
	expect(svg).toContain('3 leads · Customer: 0 (0%)');
}, 300_000);
