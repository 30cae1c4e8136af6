/**
 * Queue mode: n8n 2.41 with one main process and two workers sharing Redis (the queue) and
 * PostgreSQL (n8n's database), all on 127.0.0.1, the packed package installed for every process.
 * A burst of concurrent submissions runs the whole pipeline (Capture -> Dedupe -> Enrich -> Score
 * -> Route -> Advance Stage -> Start SLA Clock) on the Redis state store; then the faults: workers
 * and the main process stopped or killed mid-burst, the store's Redis unanswering mid-burst. The
 * same burst then runs over two regular n8n processes sharing the embedded SQLite file. Every case
 * must give the same exact results.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisServer } from '../helpers/redisServer';
import { loopStalls, N8n, nodeItems, startN8nForTests, type ExecutionSummary } from './n8n';
import { bareWebhook, pipeline } from './pipeline';
import { startQueueCluster, type QueueCluster } from './queueCluster';

type Json = Record<string, any>;
/** The new leads of the last burst checked (the SLA test reads their clocks). */
let lastFresh: Json[] = [];
const US = 30;
const FR = 6;

/** Two submissions per person, the second typed differently, all at once (12 in flight). */
async function burst(bases: string | string[], path: string): Promise<number> {
	const hosts = Array.isArray(bases) ? bases : [bases];
	const people = [
		...Array.from({ length: US }, (_, k) => ({
			email: `us.person${k}@example.com`,
			country: 'US',
			phone: `+1 415 555 ${String(1000 + k)}`,
		})),
		...Array.from({ length: FR }, (_, k) => ({
			email: `fr.personne${k}@example.fr`,
			country: 'FR',
			phone: `+33 6 12 34 56 ${String(10 + k)}`,
		})),
	];
	const posts = people.flatMap((p, k) => [
		{ ...p, first_name: `Person${k}`, last_name: 'Test', company: `Company ${k}` },
		{ ...p, email: p.email.toUpperCase(), first_name: `person${k}`, last_name: 'test', company: `Company ${k}` },
	]);
	let ok = 0;
	let next = 0;
	await Promise.all(
		Array.from({ length: 12 }, async () => {
			while (next < posts.length) {
				const k = next++;
				const body = posts[k];
				const res = await fetch(`${hosts[k % hosts.length]}/webhook/${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});
				if (res.status === 200) ok++;
			}
		}),
	);
	return ok;
}

/** Waits (bounded) until every submission is a finished execution; reads them all, every page. */
async function finished(n8n: N8n, workflowId: string, count: number, atLeast = false): Promise<ExecutionSummary[]> {
	const deadline = Date.now() + 180_000;
	let done: ExecutionSummary[] = [];
	while (Date.now() < deadline) {
		done = (await n8n.allExecutions(workflowId)).filter((e) => !['running', 'new', 'waiting'].includes(e.status));
		if (done.length >= count) break;
		await new Promise((r) => setTimeout(r, 500));
	}
	if (atLeast) expect(done.length).toBeGreaterThanOrEqual(count);
	else expect(done).toHaveLength(count);
	return await n8n.allExecutions(workflowId, true);
}

/** What the burst must give, whatever the mode. */
function checkExact(executions: ExecutionSummary[]): Json {
	expect(executions.map((e) => e.status)).toEqual(executions.map(() => 'success'));
	const items = (node: string, output = 0) =>
		executions.flatMap((e) => nodeItems(e, node, output)).map((i) => i.json as Json);
	const fresh = items('New lead');
	lastFresh = fresh;
	const known = items('Already known');
	// exactly one "new" per distinct person, whatever order the two submissions ran in
	expect(fresh).toHaveLength(US + FR);
	expect(new Set(fresh.map((l) => l.email.toLowerCase())).size).toBe(US + FR);
	expect(known).toHaveLength(US + FR);
	const owners: Record<string, number> = {};
	for (const l of fresh) owners[l.owner?.id ?? 'unassigned'] = (owners[l.owner?.id ?? 'unassigned'] ?? 0) + 1;
	// weighted 2:1 in the Americas pool, exact; the EMEA owner's daily cap of 4 never passed
	expect(owners['grace@example.com']).toBe(20);
	expect(owners['alan@example.com']).toBe(10);
	expect(owners['marie@example.com']).toBe(4);
	// each lead's stage history: one entry, its first stage; one SLA clock started per person
	for (const l of fresh) {
		expect(l.stage.history).toHaveLength(1);
		expect(l.sla.result).toBe('started');
	}
	return owners;
}

/**
 * Items a node put on one output in its last run. A retry of an execution n8n recovered after a
 * crash runs again from the stored trigger data and appends its runs after the placeholders n8n's
 * crash recovery wrote (`isArtificialRecoveredEventItem`) for the nodes that had run.
 */
function lastRun(execution: ExecutionSummary, node: string, output = 0) {
	const runs = execution.data?.resultData.runData[node] ?? [];
	return (runs.at(-1)?.data?.main[output] ?? []).filter((i) => !(i?.json as Json)?.isArtificialRecoveredEventItem);
}

describe('queue mode: one main, two workers, Redis and PostgreSQL', () => {
	let cluster: QueueCluster;
	let main: N8n;
	let workers: N8n[];
	let env: Record<string, string>;
	let cred: { id: string; name: string };
	let storeRedis: RedisServer;
	beforeAll(async () => {
		cluster = await startQueueCluster(2);
		({ main, workers, env, credential: cred, storeRedis } = cluster);
	}, 300_000);
	afterAll(async () => await cluster?.stop(), 180_000);

	it('a burst through the whole pipeline on the Redis store: exact, and spread over both workers', async () => {
		const id = await main.deploy(pipeline('queue-burst', 'redis', { id: cred.id, name: cred.name }), 'queue-burst');
		expect(await burst(main.base, 'queue-burst')).toBe(2 * (US + FR));
		const executions = await finished(main, id, 2 * (US + FR));
		const owners = checkExact(executions);
		const perWorker = cluster.executionsPerWorker();
		console.log(`queue mode: executions per worker ${JSON.stringify(perWorker)}; owners ${JSON.stringify(owners)}`);
		expect(perWorker.reduce((a, b) => a + b, 0)).toBe(2 * (US + FR));
		for (const n of perWorker) expect(n).toBeGreaterThan(0);
	}, 360_000);

	it('Check Due run by both workers at once: each escalation is emitted once', async () => {
		const wf = JSON.parse(
			readFileSync(join(__dirname, '..', 'fixtures', 'workflows', 'e2e-sla-due.json'), 'utf8'),
		) as Json;
		wf.name = 'Queue Check Due';
		wf.nodes[0].parameters.path = 'queue-sla-due';
		wf.nodes[0].webhookId = 'queue-sla-due-hook';
		const check = wf.nodes[1];
		check.parameters.store = 'redis';
		check.parameters.options = { now: check.parameters.options.now };
		check.credentials = { leadManagementRedisApi: { id: cred.id, name: cred.name } };
		await main.deploy(wf, 'queue-sla-due');
		const before = cluster.executionsPerWorker();

		// The clocks the burst started (leads left unassigned wait for an owner: nothing is due).
		const due = lastFresh.filter((l) => l.sla.due_at).map((l) => [l.email.toLowerCase(), Date.parse(l.sla.due_at)]);
		expect(due.length).toBe(US + FR - 2);
		const round = async (now: string) => {
			const answers = await Promise.all(
				Array.from({ length: 6 }, async () => {
					const res = await fetch(`${main.base}/webhook/queue-sla-due`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ now }),
					});
					expect(res.status).toBe(200);
					const body = (await res.json()) as Json | Json[];
					return (Array.isArray(body) ? body : [body]).filter((j) => j.sla);
				}),
			);
			return answers.flat().map((j) => [String(j.email).toLowerCase(), j.sla.escalation_level] as [string, number]);
		};
		// Just past the last due time every clock is breached (level 1); a month later, level 3.
		const breached = await round(new Date(Math.max(...due.map((d) => d[1] as number)) + 60_000).toISOString());
		const later = await round(new Date(Date.now() + 30 * 86_400_000).toISOString());
		const again = await round(new Date(Date.now() + 30 * 86_400_000).toISOString());
		const emails = due.map((d) => d[0]).sort();
		// Every clock comes out once in the first round (at level 1, or higher for a lead whose
		// owner's business hours ran on while others were not yet due: it depends on the hour).
		expect(breached.map((b) => b[0]).sort()).toEqual(emails);
		// A month later each lead that was not at level 3 yet comes out once more, at level 3.
		const first = new Map(breached);
		const rest = later.map((b) => b[0]).sort();
		expect(rest).toEqual(emails.filter((e) => first.get(e) !== 3));
		expect(new Set(later.map((b) => b[1]))).toEqual(new Set(later.length ? [3] : []));
		expect(again).toEqual([]);
		const after = cluster.executionsPerWorker();
		const checks = after.map((n, k) => n - before[k]);
		console.log(`queue mode: Check Due executions per worker ${JSON.stringify(checks)}`);
		expect(checks.reduce((a, b) => a + b, 0)).toBe(18);
		for (const n of checks) expect(n).toBeGreaterThan(0);
	}, 240_000);

	/** Submissions of `people` people, each twice (the second typed differently). */
	const twice = (prefix: string, people: number) =>
		Array.from({ length: people }, (_, k) => ({
			email: `${prefix}${k}@example.com`,
			country: 'US',
			phone: `+1 212 555 ${String(2000 + k)}`,
		})).flatMap((p, k) => [
			{ ...p, first_name: `${prefix}${k}`, last_name: 'Case' },
			{ ...p, email: p.email.toUpperCase(), first_name: `${prefix.toUpperCase()}${k}`, last_name: 'case' },
		]);

	/**
	 * Every execution that did not succeed (crashed with its worker, failed on the store) retried as
	 * an admin does from the Executions list, until each accepted lead is in a successful execution
	 * (bounded). Returns the successful executions and how many retries it took.
	 */
	async function retryUntilDone(workflowId: string, accepted: string[]) {
		let retries = 0;
		for (let round = 0; round < 4; round++) {
			const all = await n8n_settled(workflowId, accepted.length);
			const done = all.filter((e) => e.status === 'success');
			const captured = new Set(
				done.flatMap((e) => lastRun(e, 'Lead Capture Trigger')).map((i) => (i.json as Json).id as string),
			);
			if (accepted.every((lead) => captured.has(lead))) return { done, retries, all };
			// A retried execution is a new one (retryOf); the original is retried once.
			const retried = new Set(all.map((e) => (e as Json).retryOf).filter(Boolean));
			const failed = all.filter((e) => e.status !== 'success' && !retried.has(e.id) && !(e as Json).retrySuccessId);
			for (const e of failed) {
				retries++;
				await main.retryExecution(e.id).catch((err: Error) => console.log(`retry ${e.id}: ${err.message}`));
			}
		}
		const all = await main.allExecutions(workflowId, true);
		const done = new Set(
			all
				.filter((e) => e.status === 'success')
				.flatMap((e) => lastRun(e, 'Lead Capture Trigger'))
				.map((i) => (i.json as Json).id as string),
		);
		const missing = accepted.filter((lead) => !done.has(lead));
		const where = (lead: string) =>
			all.filter((e) => JSON.stringify(e.data ?? {}).includes(lead)).map((e) => `${e.id}:${e.status}`);
		const summary = all.map(
			(e) =>
				`${e.id}:${e.status}${(e as Json).retryOf ? `<-${(e as Json).retryOf}` : ''}:${Object.keys(e.data?.resultData.runData ?? {}).length}`,
		);
		throw new Error(
			`accepted leads missing from successful executions after 4 rounds of retries: ${missing
				.map((m) => `${m} in [${where(m).join(' ')}]`)
				.join('; ')}; executions ${summary.join(' ')}`,
		);
	}

	/** Waits (bounded) until at least `count` executions exist and none is still queued or running. */
	async function n8n_settled(workflowId: string, count: number): Promise<ExecutionSummary[]> {
		const deadline = Date.now() + 240_000;
		for (;;) {
			const all = await main.allExecutions(workflowId);
			const open = all.filter((e) => ['running', 'new', 'waiting'].includes(e.status));
			if (all.length >= count && open.length === 0) return await main.allExecutions(workflowId, true);
			if (Date.now() > deadline) {
				throw new Error(`${open.length} executions still open (${open.map((e) => `${e.id}:${e.status}`).join(', ')})`);
			}
			await new Promise((r) => setTimeout(r, 1000));
		}
	}

	/** What a burst of `people` US people must leave, however often its executions were retried. */
	function checkCountedOnce(done: ExecutionSummary[], people: number) {
		const fresh = done.flatMap((e) => lastRun(e, 'New lead')).map((i) => i.json as Json);
		expect(fresh).toHaveLength(people);
		expect(new Set(fresh.map((l) => l.email.toLowerCase())).size).toBe(people);
		const grace = fresh.filter((l) => l.owner?.id === 'grace@example.com').length;
		expect([grace, people - grace]).toEqual([(people * 2) / 3, people / 3]);
		for (const l of fresh) {
			expect(l.stage.history).toHaveLength(1);
			// a retried lead finds its clock already started by the run that crashed
			expect(['started', 'running']).toContain(l.sla.result);
		}
		return fresh;
	}

	/** Four senders that send each submission again until it gets a 2xx, as form vendors do (bounded). */
	async function sendAll(path: string, posts: Json[], during: (sent: number) => Promise<unknown> | void) {
		const accepted: string[] = [];
		let attempts = 0;
		let next = 0;
		// What `during` returns holds every sender until it settles.
		let gate: Promise<unknown> = Promise.resolve();
		const send = async (body: Json) => {
			for (let attempt = 0; attempt < 120; attempt++) {
				attempts++;
				try {
					const res = await fetch(`${main.base}/webhook/${path}`, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify(body),
						signal: AbortSignal.timeout(10_000),
					});
					if (res.status === 200) {
						accepted.push(...((await res.json()) as { lead_ids: string[] }).lead_ids);
						return;
					}
				} catch {
					// n8n is restarting: try again
				}
				await new Promise((r) => setTimeout(r, 500));
			}
			throw new Error(`not accepted after 120 attempts: ${JSON.stringify(body)}`);
		};
		await Promise.all(
			Array.from({ length: 4 }, async () => {
				while (next < posts.length) {
					const body = posts[next++];
					const hold = during(next);
					if (hold) gate = hold;
					await gate;
					await send(body);
					await new Promise((r) => setTimeout(r, 100));
				}
			}),
		);
		return { accepted, attempts };
	}

	it('a worker killed (SIGKILL), the other worker and the main process stopped (SIGTERM) mid-burst: every accepted submission ends in a successful execution, counted once', async () => {
		const id = await main.deploy(pipeline('queue-restart', 'redis', { id: cred.id, name: cred.name }), 'queue-restart');
		const posts = twice('restart', 24);
		let restarted: Promise<void> | undefined;
		const { accepted, attempts } = await sendAll('queue-restart', posts, (sent) => {
			if (sent !== 16 || restarted) return;
			let down: () => void = () => undefined;
			const isDown = new Promise<void>((r) => (down = r));
			restarted = (async () => {
				await workers[1].kill();
				await Promise.all([workers[0].stop(), main.stop()]);
				down();
				await main.start(env);
				for (const w of workers) await w.start(env);
			})();
			// the next submissions arrive while n8n is down: refused until it is back
			return isDown;
		});
		await restarted;
		expect(accepted).toHaveLength(posts.length);
		expect(attempts).toBeGreaterThan(posts.length); // some posts met the restart
		// Jobs the killed worker held are not re-delivered by n8n 2.x (its queue fails stalled jobs);
		// n8n marks their executions crashed (queue recovery) and the admin retries them.
		const { done, retries, all } = await retryUntilDone(id, accepted);
		checkCountedOnce(done, 24);
		const statuses: Record<string, number> = {};
		for (const e of all) statuses[e.status] = (statuses[e.status] ?? 0) + 1;
		console.log(
			`queue mode restart: ${attempts} attempts for ${posts.length} submissions; executions ${JSON.stringify(statuses)}; ${retries} retried`,
		);
	}, 420_000);

	it('the state-store Redis unanswering for 20 s mid-burst: items fail with a retryable error, the retries give exact counts', async () => {
		const id = await main.deploy(
			pipeline('queue-store-down', 'redis', { id: cred.id, name: cred.name }),
			'queue-store-down',
		);
		const posts = twice('storedown', 24);
		let paused = false;
		const { accepted } = await sendAll('queue-store-down', posts, (sent) => {
			if (sent !== 12 || paused) return;
			paused = true;
			storeRedis.pause();
			setTimeout(() => storeRedis.resume(), 20_000);
		});
		expect(accepted).toHaveLength(posts.length);
		await new Promise((r) => setTimeout(r, 21_000)); // the pause is over
		const first = await n8n_settled(id, posts.length);
		const failed = first.filter((e) => e.status !== 'success');
		expect(failed.length).toBeGreaterThan(0); // the pause did hit executions
		// The error says what happened and what to do: Redis did not answer, or (an execution that
		// queued behind one stuck on the paused server) the Redis lock was not free in time.
		for (const e of failed) {
			const error = (e.data?.resultData as Json).error as Json;
			expect(`${error?.node?.name}: ${error?.message}`).toMatch(/: .*Redis.*retry/i);
		}
		const { done, retries } = await retryUntilDone(id, accepted);
		checkCountedOnce(done, 24);
		console.log(`queue mode store pause: ${failed.length} executions failed, ${retries} retried, counts exact`);
	}, 420_000);
});

describe('regular mode: two n8n processes sharing one embedded SQLite file', () => {
	const instances: N8n[] = [];
	// Each process measures its own event-loop stalls (test/e2e/loopProbe.cjs).
	const probeDir = mkdtempSync(join(tmpdir(), 'loop-probe-'));
	beforeAll(async () => {
		// Both inherit the same LEAD_MANAGEMENT_DB (test/helpers/env.ts): one state file, two processes.
		for (let k = 0; k < 2; k++) instances.push(await startN8nForTests({ LEAD_LOOP_PROBE_DIR: probeDir }));
	}, 240_000);
	afterAll(async () => {
		for (const n8n of instances) await n8n.stop();
		rmSync(probeDir, { recursive: true, force: true });
	}, 120_000);

	it('the same burst split over both gives the same exact results, and no event-loop stall reaches the busy timeout', async () => {
		// The workflow in each n8n has its own ID: the memories are shared by name.
		const ids: string[] = [];
		for (const n8n of instances) {
			const wf = pipeline('shared-sqlite-burst', 'sqlite');
			const node = (name: string) => wf.nodes.find((n: Json) => n.name === name) as Json;
			node('Dedupe Leads').parameters.options = {
				...node('Dedupe Leads').parameters.options,
				scope: 'shared',
				memoryName: 'two-processes',
			};
			node('Route Leads').parameters.options.memoryName = 'two-processes';
			ids.push(await n8n.deploy(wf, 'shared-sqlite-burst'));
		}
		// Each n8n has run the pipeline once before (the first run loads the package's modules and
		// data lists: a one-time cost of a fresh process, not a wait for the other one).
		for (const n8n of instances) {
			const warm = pipeline('warm-up', 'sqlite');
			await n8n.deploy(warm, 'warm-up');
			const res = await fetch(`${n8n.base}/webhook/warm-up`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ email: 'warm.up@example.org', first_name: 'Warm', last_name: 'Up' }),
			});
			expect(res.status).toBe(200);
		}
		// n8n's own floor: the same burst through a bare Webhook -> No Op workflow in each process.
		for (const n8n of instances) await n8n.deploy(bareWebhook('floor-burst'), 'floor-burst');
		const pids = instances.map((n) => n.pid!);
		const stallsOf = (from: number, to: number) => pids.map((pid) => loopStalls(probeDir, pid, from, to));
		let from = Date.now();
		expect(
			await burst(
				instances.map((n) => n.base),
				'floor-burst',
			),
		).toBe(2 * (US + FR));
		const floor = stallsOf(from, Date.now());
		from = Date.now();
		expect(
			await burst(
				instances.map((n) => n.base),
				'shared-sqlite-burst',
			),
		).toBe(2 * (US + FR));
		const executions: ExecutionSummary[] = [];
		// each n8n ran its half
		for (const [k, n8n] of instances.entries()) executions.push(...(await finished(n8n, ids[k], US + FR)));
		const stalls = stallsOf(from, Date.now());
		checkExact(executions);
		const show = (xs: typeof stalls) =>
			xs.map((x) => `${x.longestMs} ms (${x.over50} over 50 ms; working ${x.longestCpuMs} ms)`).join(' / ');
		console.log(
			`two processes on one SQLite file, event-loop stalls measured inside n8n: the pipeline ${show(stalls)}; ` +
				`a bare Webhook -> No Op, same burst: ${show(floor)} (busy timeout 10,000 ms)`,
		);
		// The probe ran (n8n starting up stalls its loop for far longer than 10 ms)
		for (const pid of pids) expect(loopStalls(probeDir, pid, 0, Date.now()).longestMs).toBeGreaterThan(10);
		for (const s of stalls) expect(s.longestMs).toBeLessThan(10_000);
		// Work run on n8n's main thread during one stall (its CPU time): 32-59 ms measured on
		// 2026-12-06, the bare Webhook's 18-20 ms, where whole stalls reached 93-247 ms (two n8n,
		// their task runners and this client on two cores: a stall is mostly the thread waiting for a
		// core). A bound four times the issue's 50 ms: a guard against synchronous work returning to
		// the loop (a big read, a training step), not a measure of the target.
		for (const s of stalls) expect(s.longestCpuMs).toBeLessThan(200);
	}, 360_000);
});
