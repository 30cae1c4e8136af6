/**
 * State layer figures (#28): n8n's event loop while a second process works on the same SQLite
 * file, and Enrich executions running side by side on one cache (SQLite and Redis).
 *
 *   node -r ts-node/register/transpile-only bench/state.ts worker <file> <ms>   (the second process)
 */
import { spawn } from 'node:child_process';
import { track } from '../test/helpers/children';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dedupeAgainstMemory, type DedupeConfig } from '../lib/dedupe/dedupe';
import { DEFAULT_SOURCES, LEAD_FIELDS } from '../lib/dedupe/leads';
import { DEFAULT_THRESHOLD } from '../lib/dedupe/matcher';
import { runProvider } from '../lib/enrich/client';
import { VENDOR_ADAPTERS } from '../lib/enrich/providers/vendors';
import { fieldState } from '../lib/enrich/section';
import { RedisStore } from '../lib/store/redis';
import { openSqliteStore, SqliteStore } from '../lib/store/sqlite';
import type { SqliteWorkerStore } from '../lib/store/sqliteWorker';
import { fetchSender, ProviderMock } from '../test/helpers/providerMock';
import { startRedis } from '../test/helpers/redisServer';
import { syntheticLeads } from './synthetic';

type Case = () => Promise<Record<string, unknown>>;

const CONFIG: DedupeConfig = {
	sources: DEFAULT_SOURCES,
	matcher: { fields: LEAD_FIELDS, mode: 'score', threshold: DEFAULT_THRESHOLD, maxBlockSize: 500 },
	onDuplicate: 'keepFirst',
	prepare: {},
};
const RETENTION = { maxEntries: 1_000_000, maxAgeMs: 0 };

/**
 * Dedupe look-ups against the memory in batches of 20 (a webhook's few leads at a time), each batch
 * its own turn of the event loop, for `ms`; returns how many leads and how often the lock was waited for.
 */
async function lookUps(
	store: SqliteStore | SqliteWorkerStore,
	tag: string,
	ms: number,
): Promise<{ leads: number; lockWaits: number }> {
	const leads = syntheticLeads(20_000, tag.length * 7 + 1).map((l, i) => ({ ...l, id: `${tag}-${i}` }));
	let n = 0;
	const t0 = performance.now();
	for (let i = 0; performance.now() - t0 < ms && i < leads.length; i += 20) {
		await dedupeAgainstMemory(leads.slice(i, i + 20), CONFIG, store, 'dedupe:shared:bench-two', RETENTION);
		n += 20;
		await new Promise((resolve) => setImmediate(resolve));
	}
	const lockWaits = store instanceof SqliteStore ? store.lockWaits : (await store.stats()).lockWaits;
	return { leads: n, lockWaits };
}

/** The store as the nodes open it (its own thread), or on the calling thread (as before 0.2). */
const openFor = (file: string, where: Where) => (where === 'thread' ? openSqliteStore(file) : new SqliteStore(file));
type Where = 'thread' | 'inline';

/**
 * Two processes on one SQLite file, both looking leads up; the longest event-loop stall of this
 * one. `thread`: the store as the nodes open it, its queries on a worker thread; `inline`: the
 * same store on the event loop's thread (what 0.1 did), for comparison.
 */
export function storeEventLoop(ms: number, where: Where): Case {
	return async () => {
		const dir = mkdtempSync(join(tmpdir(), 'bench-stall-'));
		const file = join(dir, 'two.sqlite');
		const store = openFor(file, where);
		try {
			const other = track(
				spawn(
					process.execPath,
					['-r', 'ts-node/register/transpile-only', __filename, 'worker', file, String(ms), where],
					{
						cwd: join(__dirname, '..'),
						stdio: ['ignore', 'pipe', 'inherit'],
					},
				),
			);
			let out = '';
			other.stdout.on('data', (d: Buffer) => (out += d.toString()));
			const exited = new Promise((resolve) => other.once('exit', resolve));
			// Warm up (lists, code) before the measure: what a running n8n has done long before.
			await dedupeAgainstMemory(syntheticLeads(40, 3), CONFIG, store, 'dedupe:warm-up', RETENTION);
			const delay = monitorEventLoopDelay({ resolution: 1 });
			delay.enable();
			const start = performance.now();
			const mine = await lookUps(store, 'a', ms);
			await exited;
			delay.disable();
			const theirs = JSON.parse(out || '{}') as { leads?: number; lockWaits?: number };
			return {
				name: `sqlite store event loop two processes (dedupe look-ups, batches of 20, ${where === 'thread' ? 'store on its worker thread' : 'store on the event loop thread'})`,
				seconds: (performance.now() - start) / 1000,
				leadsThisProcess: mine.leads,
				leadsOtherProcess: theirs.leads ?? 0,
				lockWaits: mine.lockWaits + (theirs.lockWaits ?? 0),
				maxStallMs: Math.round((delay.max / 1e6) * 10) / 10,
				p99StallMs: Math.round((delay.percentile(99) / 1e6) * 10) / 10,
			};
		} finally {
			await store.close();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/**
 * Enrich With Provider on a mock provider answering in 100 ms: one execution of 40 leads (each a
 * domain of its own), then four at once on distinct domains; the speed-up of four against one.
 */
export function enrichConcurrent(kind: 'sqlite' | 'redis'): Case {
	return async () => {
		const dir = mkdtempSync(join(tmpdir(), 'bench-enrich-conc-'));
		const mock = new ProviderMock({
			'/organizations/enrich': (req) => ({
				status: 200,
				body: { organization: { name: req.query.domain, industry: 'software' } },
				delayMs: 100,
			}),
		});
		const base = await mock.start();
		const redis = kind === 'redis' ? await startRedis() : undefined;
		const store = redis
			? await RedisStore.open({ host: '127.0.0.1', port: redis.port, keyPrefix: 'bench-enrich:' })
			: openSqliteStore(join(dir, 'cache.sqlite'));
		const run = (tag: string) =>
			runProvider(
				Array.from({ length: 40 }, (_, i) => ({
					input: {
						email: null,
						first_name: null,
						last_name: null,
						full_name: null,
						company: null,
						domain: `${tag}-${i}.example`,
					},
					has: (f: string) => fieldState({}, f),
				})),
				{
					adapter: VENDOR_ADAPTERS['apollo.organization'],
					baseUrl: base,
					send: fetchSender(),
					store,
					cacheTtlMs: 86_400_000,
					cacheNamespace: 'enrich:cache:bench',
					rateKey: 'bench',
					requestsPerSecond: 0,
					maxRetries: 0,
					maxRetryWaitMs: 0,
					concurrency: 4,
				},
			);
		try {
			let t0 = performance.now();
			await run('one');
			const one = (performance.now() - t0) / 1000;
			t0 = performance.now();
			await Promise.all(['w', 'x', 'y', 'z'].map((tag) => run(tag)));
			const four = (performance.now() - t0) / 1000;
			return {
				name: `enrich concurrent ${kind} (4 executions x 40 leads, provider 100 ms, 4 calls at a time each)`,
				seconds: four,
				oneExecutionSeconds: Math.round(one * 1000) / 1000,
				fourExecutionsSeconds: Math.round(four * 1000) / 1000,
				providerCalls: mock.requests.length,
				speedup: Math.round(((4 * one) / four) * 100) / 100,
			};
		} finally {
			await store.close();
			await redis?.stop();
			await mock.stop();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

if (require.main === module && process.argv[2] === 'worker') {
	const [file, ms, where] = [process.argv[3], Number(process.argv[4]), process.argv[5] as Where];
	const store = openFor(file, where);
	void lookUps(store, 'bb', ms).then(async (r) => {
		await store.close();
		process.stdout.write(JSON.stringify(r));
	});
}
