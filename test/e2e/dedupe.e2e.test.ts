/**
 * Dedupe Leads in a real n8n: 200 form submissions of 10 people (typed differently), 20 at a time,
 * each starting its own execution. Exactly 10 must come out as new: the SQLite memory's
 * check-and-record is one transaction (n8n's Remove Duplicates let 81 through in this setup).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeItems, useN8nAndRedis } from './n8n';

const env = useN8nAndRedis('e2e-redis-pass');

function variant(person: number, k: number): Record<string, string> {
	const local = `person.${person}`;
	const emails = [`${local}@gmail.com`, `${local.toUpperCase()}@Gmail.com`, `${local.replace('.', '')}+form${k}@googlemail.com`, ` ${local}@gmail.com `];
	return { email: emails[k % emails.length], name: k % 2 ? `Person ${person}` : `person ${person}`, company: `Company ${person}` };
}

it.each(['sqlite', 'redis'])('%s store: exactly one submission per person gets through a burst of 200 (20 concurrent)', async (store) => {
	const wf = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'workflows', 'e2e-dedupe.json'), 'utf8'));
	const path = `e2e-dedupe-${store}`;
	wf.name = `E2E dedupe ${store}`;
	wf.nodes[0].parameters.path = path;
	wf.nodes[0].webhookId = store === 'redis' ? 'f0000000-0000-4000-8000-0000000000c2' : 'f0000000-0000-4000-8000-0000000000c1';
	if (store === 'redis') {
		const cred = await env.n8n.createCredential('leadManagementRedisApi', 'Redis e2e', { host: '127.0.0.1', port: env.redis.port, password: 'e2e-redis-pass', database: 0, tls: false, keyPrefix: 'e2e:', user: '' });
		wf.nodes[1].parameters.store = 'redis';
		wf.nodes[1].credentials = { leadManagementRedisApi: { id: cred.id, name: cred.name } };
	}
	const id = await env.n8n.deploy(wf, path);
	const submissions = Array.from({ length: 200 }, (_, i) => variant(i % 10, Math.floor(i / 10)));
	for (let batch = 0; batch < 10; batch++) {
		const slice = submissions.slice(batch * 20, batch * 20 + 20);
		const answers = await Promise.all(
			slice.map((body) => fetch(`${env.n8n.base}/webhook/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })),
		);
		expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
	}
	const executions = await env.n8n.waitForExecutions(id, 200, 120_000);
	expect(executions.every((e) => e.status === 'success')).toBe(true);
	const fresh = executions.flatMap((e) => nodeItems(e, 'New'));
	const seen = executions.flatMap((e) => nodeItems(e, 'Seen before'));
	expect(fresh).toHaveLength(10);
	expect(seen).toHaveLength(190);
	expect(new Set(fresh.map((i) => String(i.json.email).trim().toLowerCase().replace('+form0', '')))).toHaveProperty('size', 10);
	const originals = new Set(fresh.map((i) => i.json.id));
	expect(seen.every((i) => originals.has((i.json.dedupe as { duplicate_of: string }).duplicate_of))).toBe(true);
}, 300_000);
