/**
 * `npm run bench:queue`: sustained submissions per second and p50/p95 capture-to-routed latency,
 * side by side in one run, one JSON line per case:
 * - regular mode (one n8n process) with the embedded SQLite store, with n8n's defaults and with
 *   N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true, each beside a bare Webhook -> No Op workflow in the
 *   same n8n (the floor n8n itself sets; `ratioToFloor` on the pipeline's line);
 * - queue mode (one main, two workers, PostgreSQL, Redis) with the Redis store, and its floor.
 * Each case sends BENCH_QUEUE_N distinct leads (default 600) from 16 concurrent senders, as fast as
 * n8n accepts them. Latency runs from the moment a submission is sent to the end of its Route
 * Leads node (the floor: the end of its No Op), read from each execution's run data; the rate is
 * submissions divided by the time from the first send to the last lead routed.
 * BENCH_QUEUE_CASES=regular,lazy,queue picks some of the cases (all by default); with
 * LEAD_CPU_PROF_DIR each regular-mode n8n writes a CPU profile there (read by bench/longTasks.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loopStalls, N8n, startN8nForTests, type ExecutionSummary } from '../test/e2e/n8n';
import { bareWebhook as bare, nodeOf, pipeline } from '../test/e2e/pipeline';
import { startQueueCluster } from '../test/e2e/queueCluster';

type Json = Record<string, any>;
const N = Number(process.env.BENCH_QUEUE_N ?? 600);
const SENDERS = 16;
/** Which cases run (BENCH_QUEUE_CASES, comma-separated): regular, lazy, queue; all by default. */
const CASES = new Set((process.env.BENCH_QUEUE_CASES ?? 'regular,lazy,queue').split(','));

function lead(k: number): Json {
	const fr = k % 6 === 5;
	return {
		email: `bench.lead${k}@company${k % 97}.example`,
		first_name: `Lead${k}`,
		last_name: 'Bench',
		company: `Company ${k % 97}`,
		country: fr ? 'FR' : 'US',
		phone: fr ? `+33 6 ${String(10_000_000 + k).slice(-8)}` : `+1 415 555 ${String(k % 10_000).padStart(4, '0')}`,
	};
}

/** Sends every lead, returns each one's send time (epoch ms) by email and the accepted count. */
async function send(base: string, path: string): Promise<{ sentAt: Map<string, number>; accepted: number }> {
	const sentAt = new Map<string, number>();
	let accepted = 0;
	let next = 0;
	await Promise.all(
		Array.from({ length: SENDERS }, async () => {
			while (next < N) {
				const body = lead(next++);
				sentAt.set(body.email, Date.now());
				const res = await fetch(`${base}/webhook/${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});
				await res.text();
				if (res.status === 200) accepted++;
			}
		}),
	);
	return { sentAt, accepted };
}

/** Waits (bounded: 10 minutes) for `count` finished executions, then reads them with their data. */
async function settled(n8n: N8n, workflowId: string, count: number): Promise<ExecutionSummary[]> {
	const deadline = Date.now() + 600_000;
	while (Date.now() < deadline) {
		const all = await n8n.allExecutions(workflowId);
		if (all.filter((e) => !['new', 'running', 'waiting'].includes(e.status)).length >= count) break;
		await new Promise((r) => setTimeout(r, 1000));
	}
	return await n8n.allExecutions(workflowId, true);
}

/** When a node finished in an execution (epoch ms), and the email it carried. */
function finishedAt(e: ExecutionSummary, node: string, emailOf: (json: Json) => string) {
	const run = (e.data?.resultData.runData[node]?.[0] ?? undefined) as Json | undefined;
	const item = run?.data?.main?.find((o: Json[] | null) => o && o.length)?.[0]?.json as Json | undefined;
	if (!run || !item) return undefined;
	return { email: emailOf(item), at: (run.startTime as number) + (run.executionTime as number) };
}

async function measure(
	name: string,
	n8n: N8n,
	workflowId: string,
	path: string,
	endNode: string,
	emailOf: (json: Json) => string,
	extra: Json = {},
	/** Where this n8n writes its event-loop stalls, when it was started with the probe. */
	probeDir?: string,
): Promise<Json> {
	const t0 = Date.now();
	const { sentAt, accepted } = await send(n8n.base, path);
	const acceptSeconds = (Date.now() - t0) / 1000;
	const executions = await settled(n8n, workflowId, N);
	const ends = executions.flatMap((e) => finishedAt(e, endNode, emailOf) ?? []);
	const latencies = ends
		.filter((x) => sentAt.has(x.email))
		.map((x) => x.at - sentAt.get(x.email)!)
		.sort((a, b) => a - b);
	const last = Math.max(...ends.map((x) => x.at));
	const seconds = (last - t0) / 1000;
	// n8n's event-loop stalls while it took the burst and ran it (regular mode: the probe's process),
	// before the executions were read back with their data.
	const probe = probeDir && n8n.pid ? loopStalls(probeDir, n8n.pid, t0, last) : undefined;
	const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))];
	return {
		name,
		n: N,
		accepted,
		routed: latencies.length,
		failed: executions.filter((e) => e.status !== 'success').length,
		seconds: Math.round(seconds * 100) / 100,
		submissionsPerSecond: Math.round((latencies.length / seconds) * 10) / 10,
		acceptedPerSecond: Math.round((accepted / acceptSeconds) * 10) / 10,
		p50Ms: pct(0.5),
		p95Ms: pct(0.95),
		...(probe
			? { longestStallMs: probe.longestMs, stallsOver50Ms: probe.over50, longestWorkInStallMs: probe.longestCpuMs }
			: {}),
		...extra,
	};
}

function withoutCaps(wf: Json): Json {
	for (const o of nodeOf(wf, 'Route Leads').parameters.owners.owner as Json[]) o.cap_day = 0;
	return wf;
}

async function main(): Promise<void> {
	const folder = mkdtempSync(join(tmpdir(), 'bench-queue-'));
	process.env.E2E_N8N_USER_FOLDER = folder;
	process.env.LEAD_MANAGEMENT_DB = join(folder, 'state.sqlite');
	execFileSync('bash', [join(__dirname, '..', 'scripts', 'install-package.sh'), folder], { stdio: 'ignore' });
	const leadEmail = (j: Json) => String(j.email);
	try {
		// Regular mode with n8n's defaults, then with its lazy expression isolate
		// (N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE, which the README recommends for capture): each time the
		// pipeline beside the bare Webhook -> No Op floor, in the same settings.
		const settings: Array<{ label: string; slug: string; env: Record<string, string> }> = [
			{ label: 'regular mode', slug: 'regular', env: {} },
			{ label: 'regular mode lazy', slug: 'lazy', env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } },
		];
		for (const { label, slug, env } of settings.filter((s) => CASES.has(s.slug))) {
			// Each regular-mode n8n measures its own event-loop stalls (test/e2e/loopProbe.cjs).
			const probeDir = mkdtempSync(join(folder, 'loop-probe-'));
			const n8n = await startN8nForTests({
				...env,
				LEAD_LOOP_PROBE_DIR: probeDir,
				...(process.env.LEAD_CPU_PROF_DIR ? { LEAD_CPU_PROF_DIR: `${process.env.LEAD_CPU_PROF_DIR}/${slug}` } : {}),
			});
			try {
				const id = await n8n.deploy(withoutCaps(pipeline(`bench-${slug}`, 'sqlite')), `bench-${slug}`);
				const line = await measure(
					`queue bench ${label}, SQLite store (seven-node pipeline)`,
					n8n,
					id,
					`bench-${slug}`,
					'Route Leads',
					leadEmail,
					{},
					probeDir,
				);
				const floorId = await n8n.deploy(bare(`bench-${slug}-floor`), `bench-${slug}-floor`);
				const floor = await measure(
					`queue bench ${label}, bare Webhook -> No Op (floor)`,
					n8n,
					floorId,
					`bench-${slug}-floor`,
					'Done',
					(j) => String((j.body as Json)?.email),
					{},
					probeDir,
				);
				process.stdout.write(
					JSON.stringify({
						...line,
						floorSubmissionsPerSecond: floor.submissionsPerSecond,
						ratioToFloor: Math.round((line.submissionsPerSecond / floor.submissionsPerSecond) * 100) / 100,
					}) + '\n',
				);
				process.stdout.write(JSON.stringify(floor) + '\n');
			} finally {
				await n8n.stop();
			}
		}
		if (!CASES.has('queue')) return;
		const cluster = await startQueueCluster(2);
		try {
			const id = await cluster.main.deploy(
				withoutCaps(pipeline('bench-queue', 'redis', cluster.credential)),
				'bench-queue',
			);
			const before = cluster.executionsPerWorker();
			const line = await measure(
				'queue bench queue mode 2 workers, Redis store',
				cluster.main,
				id,
				'bench-queue',
				'Route Leads',
				leadEmail,
			);
			const perWorker = cluster.executionsPerWorker().map((n, k) => n - before[k]);
			process.stdout.write(JSON.stringify({ ...line, perWorker }) + '\n');
			const floorId = await cluster.main.deploy(bare('bench-floor'), 'bench-floor');
			const floor = await measure(
				'queue bench queue mode 2 workers, bare Webhook -> No Op (floor)',
				cluster.main,
				floorId,
				'bench-floor',
				'Done',
				(j) => String((j.body as Json)?.email),
			);
			process.stdout.write(JSON.stringify(floor) + '\n');
		} finally {
			await cluster.stop();
		}
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

void main().catch((e) => {
	console.error(e);
	process.exit(1);
});
