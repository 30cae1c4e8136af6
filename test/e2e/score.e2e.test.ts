/**
 * Score Leads in a real n8n: a training workflow (history posted to a Webhook, split into rows,
 * Train Model) saves a model in the package's state store; a capture workflow scores each new
 * lead with it and sends it out of the output of its label.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../lib/dedupe/learn';
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

it('trains a model from posted history, then scores captured leads with it onto their label outputs', async () => {
	// History with a known truth: German partner-sourced leads convert, French ad leads rarely.
	const next = seededRandom(11);
	const rows = Array.from({ length: 600 }, () => {
		const country = next() < 0.5 ? 'DE' : 'FR';
		const source = next() < 0.5 ? 'partner' : 'ads';
		const z = -3 + (country === 'DE' ? 2.5 : 0) + (source === 'partner' ? 3 : 0);
		return { country, attribution: { utm_source: source }, status: next() < 1 / (1 + Math.exp(-z)) ? 'won' : 'lost' };
	});
	await n8n.deploy(fixture('e2e-score-train'), 'e2e-score-train');
	const trained = await fetch(`${n8n.base}/webhook/e2e-score-train`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ rows }),
	});
	expect(trained.status).toBe(200);
	const report = (await trained.json()) as Record<string, unknown>;
	expect(report).toMatchObject({
		model: 'e2e-conversion',
		version: 1,
		rows: 600,
		fields: ['country', 'attribution.utm_source'],
	});
	expect((report.held_out as { auc: number }).auc).toBeGreaterThan(0.8);

	const id = await n8n.deploy(fixture('e2e-score'), 'e2e-score');
	const leads = [
		{ email: 'hot@firma.de', country: 'DE', utm_source: 'partner' },
		{ email: 'cold@societe.fr', country: 'FR', utm_source: 'ads' },
		{ email: 'mid@firma.de', country: 'DE', utm_source: 'ads' },
	];
	for (const lead of leads) {
		const res = await fetch(`${n8n.base}/webhook/e2e-score`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(lead),
		});
		expect(res.status).toBe(200);
	}
	const executions = await n8n.waitForExecutions(id, 3, 60_000);
	const landed = (label: string) =>
		executions.flatMap((e) => nodeItems(e, label)).map((i) => String((i.json as { email?: string }).email));
	expect(landed('SQL')).toEqual(['hot@firma.de']);
	expect(landed('Lead')).toEqual(['cold@societe.fr']);
	const all = executions.flatMap((e) => [...nodeItems(e, 'SQL'), ...nodeItems(e, 'MQL'), ...nodeItems(e, 'Lead')]);
	expect(all).toHaveLength(3);
	const hot = all.find((i) => (i.json as { email?: string }).email === 'hot@firma.de')!.json as Record<string, any>;
	expect(hot.score.model).toMatchObject({ name: 'e2e-conversion', version: 1 });
	expect(hot.score.model.probability).toBeGreaterThanOrEqual(80);
	expect(hot.history.map((h: { node: string }) => h.node)).toEqual(['Lead Capture Trigger', 'Score Leads']);
}, 240_000);
