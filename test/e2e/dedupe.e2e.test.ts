/**
 * Dedupe Leads in a real n8n: 200 form submissions of 10 people (typed differently), 20 at a time,
 * each starting its own execution. Exactly 10 must come out as new: the SQLite memory's
 * check-and-record is one transaction (n8n's Remove Duplicates let 81 through in this setup).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MockServer } from '../nodes/mockServer';
import { nodeItems, useN8nAndRedis } from './n8n';

const env = useN8nAndRedis('e2e-redis-pass');

function variant(person: number, k: number): Record<string, string> {
	const local = `person.${person}`;
	const emails = [
		`${local}@gmail.com`,
		`${local.toUpperCase()}@Gmail.com`,
		`${local.replace('.', '')}+form${k}@googlemail.com`,
		` ${local}@gmail.com `,
	];
	return {
		email: emails[k % emails.length],
		name: k % 2 ? `Person ${person}` : `person ${person}`,
		company: `Company ${person}`,
	};
}

it.each(['sqlite', 'redis'])(
	'%s store: exactly one submission per person gets through a burst of 200 (20 concurrent)',
	async (store) => {
		const wf = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'workflows', 'e2e-dedupe.json'), 'utf8'));
		const path = `e2e-dedupe-${store}`;
		wf.name = `E2E dedupe ${store}`;
		wf.nodes[0].parameters.path = path;
		wf.nodes[0].webhookId =
			store === 'redis' ? 'f0000000-0000-4000-8000-0000000000c2' : 'f0000000-0000-4000-8000-0000000000c1';
		if (store === 'redis') {
			const cred = await env.n8n.createCredential('leadManagementRedisApi', 'Redis e2e', {
				host: '127.0.0.1',
				port: env.redis.port,
				password: 'e2e-redis-pass',
				database: 0,
				tls: false,
				keyPrefix: 'e2e:',
				user: '',
			});
			wf.nodes[1].parameters.store = 'redis';
			wf.nodes[1].credentials = { leadManagementRedisApi: { id: cred.id, name: cred.name } };
		}
		const id = await env.n8n.deploy(wf, path);
		const submissions = Array.from({ length: 200 }, (_, i) => variant(i % 10, Math.floor(i / 10)));
		for (let batch = 0; batch < 10; batch++) {
			const slice = submissions.slice(batch * 20, batch * 20 + 20);
			const answers = await Promise.all(
				slice.map((body) =>
					fetch(`${env.n8n.base}/webhook/${path}`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify(body),
					}),
				),
			);
			expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
		}
		const executions = await env.n8n.waitForExecutions(id, 200, 120_000);
		expect(executions.every((e) => e.status === 'success')).toBe(true);
		const fresh = executions.flatMap((e) => nodeItems(e, 'New'));
		const seen = executions.flatMap((e) => nodeItems(e, 'Seen before'));
		expect(fresh).toHaveLength(10);
		expect(seen).toHaveLength(190);
		expect(new Set(fresh.map((i) => String(i.json.email).trim().toLowerCase().replace('+form0', '')))).toHaveProperty(
			'size',
			10,
		);
		const originals = new Set(fresh.map((i) => i.json.id));
		expect(seen.every((i) => originals.has((i.json.dedupe as { duplicate_of: string }).duplicate_of))).toBe(true);
	},
	300_000,
);

describe('a lead is never lost to a retry', () => {
	const crm = new MockServer({ '/crm': { status: 500, body: { error: 'CRM is down' } } });
	afterAll(async () => await crm.stop());

	it('a failed CRM step: the vendor re-delivers (same submission) and n8n retries the execution; the lead reaches the CRM both times as a repeat or as itself, never as its own duplicate', async () => {
		const base = await crm.start();
		const wf = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'workflows', 'e2e-dedupe-crm.json'), 'utf8'));
		wf.nodes[2].parameters.url = `${base}/crm`;
		const id = await env.n8n.deploy(wf, 'e2e-dedupe-crm');
		const submission = JSON.stringify({
			submission_id: 'sub-42',
			email: 'Retry.Me@acme.example',
			first_name: 'Ruth',
			company: 'Acme',
		});
		const post = () =>
			fetch(`${env.n8n.base}/webhook/e2e-dedupe-crm`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: submission,
			});

		// 1. The CRM is down: the execution fails after Dedupe recorded the lead.
		expect((await post()).status).toBe(500);
		const [failed] = await env.n8n.waitForExecutions(id, 1, 60_000);
		expect(failed.status).toBe('error');
		const leadId = nodeItems(failed, 'Dedupe Leads')[0].json.id;
		expect(nodeItems(failed, 'Dedupe Leads')[0].json.dedupe).toMatchObject({ status: 'unique' });

		// 2. The vendor re-delivers the same submission (same lead id): a repeat, on the Kept output,
		// so it goes on to the CRM, which is back.
		crm.set('/crm', { status: 200, body: { ok: true } });
		expect((await post()).status).toBe(200);
		const executions = await env.n8n.waitForExecutions(id, 2, 60_000);
		const redelivered = executions.find((e) => e.id !== failed.id)!;
		expect(redelivered.status).toBe('success');
		expect(nodeItems(redelivered, 'Dedupe Leads', 1)).toEqual([]);
		expect(nodeItems(redelivered, 'Dedupe Leads')[0].json).toMatchObject({
			id: leadId,
			dedupe: { status: 'repeat', first_status: 'unique', duplicate_of: null, first_seen_at: expect.any(String) },
		});

		// 3. n8n's Retry of the failed execution resumes at the CRM step with the lead as Dedupe first saw it.
		const retried = await env.n8n.retryExecution(failed.id);
		expect(retried.status).toBe('success');
		expect(crm.bodies['/crm']).toEqual([
			{ id: leadId, email: 'retry.me@acme.example', status: 'unique' },
			{ id: leadId, email: 'retry.me@acme.example', status: 'repeat' },
			{ id: leadId, email: 'retry.me@acme.example', status: 'unique' },
		]);
	}, 180_000);
});
