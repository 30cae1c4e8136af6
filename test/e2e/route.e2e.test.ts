/**
 * Route Leads in a real n8n: form submissions arrive 20 at a time, each starting its own
 * execution that captures the lead and routes it. 200 leads by round robin over 4 equal owners
 * must end exactly 50 each, a weighted pool must give its exact shares, and a capped owner must
 * stop at the cap, with the embedded SQLite store and with Redis. (Sized to prove exactness under
 * concurrency on a busy 2-core machine; `npm run bench` has the larger loads.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeItems, useN8nAndRedis } from './n8n';

const env = useN8nAndRedis('e2e-route-pass');

const fixture = () =>
	JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'workflows', 'e2e-route.json'), 'utf8'));

it.each(['sqlite', 'redis'])(
	'%s store: 240 leads in bursts of 20 give exactly 50 to each of 4 owners, 3:1 weights until a cap of 24',
	async (store) => {
		const wf = fixture();
		const path = `e2e-route-${store}`;
		wf.name = `E2E route ${store}`;
		wf.nodes[0].parameters.path = path;
		wf.nodes[0].webhookId =
			store === 'redis' ? 'f2000000-0000-4000-8000-0000000000c2' : 'f2000000-0000-4000-8000-0000000000c1';
		wf.nodes[1].parameters.options.memoryName = `e2e-${store}`;
		const owners = wf.nodes[1].parameters.owners.owner as Array<Record<string, unknown>>;
		owners.find((o) => o.id === 'e')!.cap_month = 24;
		let credentials: Record<string, unknown> | undefined;
		if (store === 'redis') {
			const cred = await env.n8n.createCredential('leadManagementRedisApi', 'Redis route e2e', {
				host: '127.0.0.1',
				port: env.redis.port,
				password: 'e2e-route-pass',
				database: 0,
				tls: false,
				keyPrefix: 'e2e-route:',
				user: '',
			});
			credentials = { leadManagementRedisApi: { id: cred.id, name: cred.name } };
			wf.nodes[1].parameters.store = 'redis';
			wf.nodes[1].credentials = credentials;
		}
		const id = await env.n8n.deploy(wf, path);

		// 200 leads outside the US (round robin over a, b, c, d), 40 from the US (weighted e:f = 3:1, e capped at 24 a month)
		const submissions = Array.from({ length: 240 }, (_, i) => ({
			email: `lead${i}@company${i}.example`,
			first_name: `Lead${i}`,
			country: i % 6 === 5 ? 'US' : 'FR',
		}));
		const answers: Array<{ status: number; owner?: string }> = [];
		for (let batch = 0; batch < 12; batch++) {
			const slice = submissions.slice(batch * 20, batch * 20 + 20);
			answers.push(
				...(await Promise.all(
					slice.map(async (body) => {
						const res = await fetch(`${env.n8n.base}/webhook/${path}`, {
							method: 'POST',
							headers: { 'content-type': 'application/json' },
							body: JSON.stringify(body),
						});
						const json = (await res.json().catch(() => ({}))) as { owner?: { id?: string } };
						return { status: res.status, owner: json.owner?.id };
					}),
				)),
			);
		}
		expect(answers.filter((a) => a.status !== 200)).toEqual([]);
		const tally: Record<string, number> = {};
		for (const a of answers) tally[a.owner ?? 'none'] = (tally[a.owner ?? 'none'] ?? 0) + 1;
		expect(tally).toEqual({ a: 50, b: 50, c: 50, d: 50, e: 24, f: 16 });

		// Read back: every execution finished, and the owner loads kept in the store agree.
		let executions = await env.n8n.allExecutions(id);
		for (
			let wait = 0;
			wait < 360 && executions.filter((e) => e.status !== 'running' && e.status !== 'new').length < 240;
			wait++
		) {
			await new Promise((r) => setTimeout(r, 500));
			executions = await env.n8n.allExecutions(id);
		}
		expect(executions).toHaveLength(240);
		expect(executions.filter((e) => e.status !== 'success')).toEqual([]);

		const loads = fixture();
		const loadsPath = `e2e-route-loads-${store}`;
		loads.name = `E2E route loads ${store}`;
		loads.nodes[0].parameters.path = loadsPath;
		loads.nodes[0].webhookId =
			store === 'redis' ? 'f2000000-0000-4000-8000-0000000000d2' : 'f2000000-0000-4000-8000-0000000000d1';
		loads.nodes[1].parameters = { ...wf.nodes[1].parameters, operation: 'loads' };
		if (credentials) loads.nodes[1].credentials = credentials;
		const loadsId = await env.n8n.deploy(loads, loadsPath);
		const res = await fetch(`${env.n8n.base}/webhook/${loadsPath}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: 'report@x.example' }),
		});
		expect(res.status).toBe(200);
		const [run] = await env.n8n.waitForExecutions(loadsId, 1, 30_000);
		const counts = Object.fromEntries(
			nodeItems(run, 'Route Leads').map((i) => [i.json.id, (i.json.counts as { this_month: number }).this_month]),
		);
		expect(counts).toEqual({ a: 50, b: 50, c: 50, d: 50, e: 24, f: 16 });
		expect(nodeItems(run, 'Route Leads').find((i) => i.json.id === 'e')?.json).toMatchObject({
			available: false,
			unavailable_reason: 'monthly cap reached (24/24)',
		});
	},
	300_000,
);
