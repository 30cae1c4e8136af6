/**
 * SLA Check in a real n8n: captured leads start a clock, a touch arrives on another webhook (by
 * email), and a Check Due workflow (as a Schedule Trigger would run it, here called over HTTP with
 * a stated now) emits each change once, even when two checks overlap.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startN8nForTests, type N8n } from './n8n';

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

const post = async (path: string, body: unknown) => {
	const res = await fetch(`${n8n.base}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	expect(res.status).toBe(200);
	const text = await res.text();
	const parsed = text ? (JSON.parse(text) as unknown) : [];
	// n8n answers a last node without items with a message instead of an empty list
	return (Array.isArray(parsed) ? parsed : []) as Array<Record<string, any>>;
};

it('start clocks on capture, record a touch by email, Check Due emits each change once across overlapping checks', async () => {
	const id = await n8n.deploy(fixture('e2e-sla'), 'e2e-sla');
	await n8n.deploy(fixture('e2e-sla-touch'), 'e2e-sla-touch');
	await n8n.deploy(fixture('e2e-sla-due'), 'e2e-sla-due');
	const t0 = Date.now();
	for (const email of ['una@acme.com', 'dos@acme.com', 'tres@acme.com'])
		await post('e2e-sla', { email, first_name: 'Test' });
	await n8n.waitForExecutions(id, 3, 60_000);
	const at = (minutes: number) => new Date(t0 + minutes * 60_000).toISOString();

	const touched = await post('e2e-sla-touch', { email: 'UNA@acme.com', type: 'call', at: new Date().toISOString() });
	expect(touched[0].sla).toMatchObject({ result: 'recorded', status: 'met', touches: [{ kind: 'call' }] });

	// 50 of 60 minutes used: two leads newly at risk
	const risk = await post('e2e-sla-due', { now: at(50) });
	expect(risk.map((j) => [j.email, j.sla.newly]).sort()).toEqual([
		['dos@acme.com', 'at_risk'],
		['tres@acme.com', 'at_risk'],
	]);
	// two checks at once past the target: each breach comes out once between them
	const [a, b] = await Promise.all([post('e2e-sla-due', { now: at(70) }), post('e2e-sla-due', { now: at(70) })]);
	const breached = [...a, ...b].map((j) => [j.email, j.sla.newly, j.sla.escalation]).sort();
	expect(breached).toEqual([
		['dos@acme.com', 'breached', 'owner'],
		['tres@acme.com', 'breached', 'owner'],
	]);
	expect(await post('e2e-sla-due', { now: at(75) })).toEqual([]);
	const escalated = await post('e2e-sla-due', { now: at(95) });
	expect(escalated.map((j) => [j.email, j.sla.newly, j.sla.escalation_level, j.sla.previous_level]).sort()).toEqual([
		['dos@acme.com', 'escalated', 2, 1],
		['tres@acme.com', 'escalated', 2, 1],
	]);
}, 300_000);

// A Schedule Trigger running Check Due every few seconds (each status and level once per lead) is
// tested with the SLA escalation template in templates.e2e.test.ts.
