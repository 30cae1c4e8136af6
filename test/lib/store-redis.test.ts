import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createServer, type Socket } from 'node:net';
import IORedis from 'ioredis';
import { LockLostError, RedisStore, openRedisStore, type RedisStoreOptions } from '../../lib/store/redis';
import { IDENTITY_KEY_CANDIDATES } from '../../lib/store/types';
import { dedupeAgainstMemory, type DedupeConfig } from '../../lib/dedupe/dedupe';
import { DEFAULT_SOURCES, LEAD_FIELDS, prepareLead } from '../../lib/dedupe/leads';
import { blockingKeys, DEFAULT_THRESHOLD } from '../../lib/dedupe/matcher';
import { memoryModel } from '../../lib/dedupe/memoryModel';
import { formTraffic } from '../../bench/traffic';
import { trainModel } from '../../lib/score/model';
import { loadModel, modelNames, saveModel } from '../../lib/score/modelStore';
import { leadManagementRedisConnectionTest } from '../../nodes/shared/store';
import { expectJoin, expectKeptApart } from './joinScenario';
import { startRedis, startRedisCluster, startSentinel, type RedisServer } from '../helpers/redisServer';
import { freePort } from '../helpers/net';

const run = promisify(execFile);
let server: RedisServer;
beforeAll(async () => (server = await startRedis('t3st-pass')), 20_000);
afterAll(async () => await server?.stop());

const config: DedupeConfig = {
	sources: DEFAULT_SOURCES,
	matcher: { fields: LEAD_FIELDS, mode: 'score', threshold: 9, maxBlockSize: 500 },
	onDuplicate: 'keepFirst',
	prepare: {},
};
const open = (prefix = 'unit:') =>
	RedisStore.open({ host: '127.0.0.1', port: server.port, password: 't3st-pass', keyPrefix: prefix });

describe('RedisStore', () => {
	it('refuses a wrong password with a readable error', async () => {
		await expect(RedisStore.open({ host: '127.0.0.1', port: server.port, password: 'wrong' })).rejects.toThrow(
			/Cannot connect to Redis \(127\.0\.0\.1:\d+\): WRONGPASS/,
		);
	});
	it('claims with SET NX PX and forgets', async () => {
		const store = await open();
		expect(await store.claim('ns', 'k', 60_000)).toBe(true);
		expect(await store.claim('ns', 'k', 60_000)).toBe(false);
		await store.release('ns', 'k');
		expect(await store.claim('ns', 'k', 50)).toBe(true);
		await new Promise((r) => setTimeout(r, 120));
		expect(await store.claim('ns', 'k', 50)).toBe(true);
		await store.close();
	});
	it('remembers leads, evicts the oldest when full, forgets and clears', async () => {
		const store = await open('mem:');
		const retention = { maxEntries: 3, maxAgeMs: 0 };
		const t = (ms: number) => ({ ...config, now: new Date(1_700_000_000_000 + ms) });
		expect(
			(await dedupeAgainstMemory([{ id: 'a', email: 'jane@acme.com' }], t(0), store, 'ns', retention)).kept,
		).toHaveLength(1);
		const second = await dedupeAgainstMemory([{ id: 'b', email: 'JANE@acme.com' }], t(1), store, 'ns', retention);
		expect(second.duplicates[0].json.dedupe).toMatchObject({ duplicate_of: 'a' });
		await dedupeAgainstMemory(
			[
				{ id: 'c', email: 'c@x.io' },
				{ id: 'd', email: 'd@x.io' },
			],
			t(2),
			store,
			'ns',
			retention,
		);
		expect(await store.count('ns')).toBe(3);
		expect(
			(await dedupeAgainstMemory([{ id: 'e', email: 'jane@acme.com' }], t(3), store, 'ns', retention)).kept,
		).toHaveLength(1);
		expect(await store.forgetByKey('ns', 'e:jane@acme.com')).toBe(1);
		expect(await store.forget('ns', ['c'])).toBe(1);
		expect(await store.clear('ns')).toBe(1);
		expect(await store.count('ns')).toBe(0);
		await store.close();
	});
	it.each([
		['Max Entries lowered', { maxEntries: 10, maxAgeMs: 0 }, 10],
		['Max Age set on an old memory', { maxEntries: 0, maxAgeMs: 60_000 }, 1],
	])(
		'%s: a large eviction goes 2,000 records at a time, never all in one read',
		async (_, retention, left) => {
			const store = await open(`evict-${left}:`);
			const decideNo = () => ({ match: false, score: 0, fields: [] });
			const then = Date.now() - 3_600_000;
			for (let start = 0; start < 10_000; start += 5000) {
				const chunk = Array.from({ length: 5000 }, (_, k) => ({
					lead: { recordId: `old${start + k}`, keys: [`e:p${start + k}@d.example`], values: { email: 'x' } },
					decide: decideNo,
				}));
				await store.recallMany('evict', chunk, { maxEntries: 0, maxAgeMs: 0 }, then);
			}
			const steps: number[] = [];
			const internals = store as unknown as { deleteRecords(ns: string, ids: string[]): Promise<number> };
			const original = internals.deleteRecords.bind(store);
			internals.deleteRecords = async (ns: string, ids: string[], ...rest: unknown[]) => {
				steps.push(ids.length);
				return await (original as (...a: unknown[]) => Promise<number>)(ns, ids, ...rest);
			};
			await store.recall('evict', { recordId: 'new', keys: ['e:new@d.example'], values: {} }, decideNo, retention);
			expect(await store.count('evict')).toBe(left);
			expect(steps.reduce((a, b) => a + b, 0)).toBe(10_001 - left);
			expect(Math.max(...steps)).toBeLessThanOrEqual(2000);
			if (left === 10) {
				// Clear goes the same way.
				await store.recallMany(
					'evict',
					Array.from({ length: 4990 }, (_, k) => ({
						lead: { recordId: `more${k}`, keys: [`e:m${k}@d.example`], values: {} },
						decide: decideNo,
					})),
					{ maxEntries: 0, maxAgeMs: 0 },
				);
				steps.length = 0;
				expect(await store.clear('evict')).toBe(5000);
				expect(steps).toEqual([2000, 2000, 1000]);
				expect(await store.count('evict')).toBe(0);
			}
			await store.close();
		},
		60_000,
	);
	it('shares and reopens connections', async () => {
		const opts = { host: '127.0.0.1', port: server.port, password: 't3st-pass', keyPrefix: 'shared:' };
		const a = await openRedisStore(opts);
		expect(await openRedisStore(opts)).toBe(a);
		await a.close();
		const b = await openRedisStore(opts);
		expect(b).not.toBe(a);
		expect(await b.claim('ns', 'x', 1000)).toBe(true);
		await b.close();
	});
});

describe('RedisStore keeps trained models', () => {
	it('saves concurrent trainings from two clients as distinct versions, none lost, each loaded back whole', async () => {
		const [a, b] = [await open('models:'), await open('models:')];
		// A model trained on real-looking rows (plan and region drive conversion).
		const rows = Array.from({ length: 400 }, (_, i) => ({
			plan: ['free', 'pro', 'team'][i % 3],
			region: ['eu', 'us'][Math.floor(i / 3) % 2],
		}));
		const y = rows.map((r, i) => (r.plan === 'team' || (r.plan === 'pro' && i % 2 === 0) ? 1 : 0));
		const model = await trainModel(rows, y, ['plan', 'region'], { interactions: 0 });
		const saved = await Promise.all(
			Array.from(
				{ length: 12 },
				async (_, i) =>
					await saveModel(i % 2 ? a : b, {
						name: 'fit',
						trainedAt: `run-${i}`,
						fields: ['plan', 'region'],
						outcomeField: 'won',
						model,
					}),
			),
		);
		expect(saved.map((m) => m.version).sort((x, z) => x - z)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
		for (const m of saved) expect((await loadModel(a, 'fit', m.version))?.trainedAt).toBe(m.trainedAt);
		const latest = await loadModel(b, 'fit');
		expect(latest?.version).toBe(12);
		expect(latest?.model).toEqual(JSON.parse(JSON.stringify(model)));
		expect(await loadModel(a, 'unknown')).toBeUndefined();
		expect(await modelNames(b)).toEqual(['fit']);
		await a.close();
		await b.close();
	});
});

describe('RedisStore across processes', () => {
	it('gives exactly one winner per key and one "new" per person across 4 processes', async () => {
		const plain = await startRedis();
		try {
			const keys = Array.from({ length: 120 }, (_, i) => `person${i % 10}`);
			const worker = join(__dirname, 'store-redis-worker.ts');
			const results = await Promise.all(
				[0, 1, 2, 3].map((w) =>
					run(
						process.execPath,
						[
							'-r',
							'ts-node/register/transpile-only',
							worker,
							String(plain.port),
							JSON.stringify(w % 2 ? [...keys].reverse() : keys),
						],
						{ cwd: join(__dirname, '..', '..') },
					),
				),
			);
			const parsed = results.map((r) => JSON.parse(r.stdout) as { claims: string[]; fresh: string[] });
			expect(parsed.flatMap((p) => p.claims).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `person${i}`).sort());
			expect(parsed.flatMap((p) => p.fresh).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `person${i}`).sort());
		} finally {
			await plain.stop();
		}
	}, 60_000);
});

const keysOf = (lead: Record<string, unknown>) => {
	const values = prepareLead(lead, DEFAULT_SOURCES);
	return { values, keys: blockingKeys(values, LEAD_FIELDS) };
};
const none = { maxEntries: 0, maxAgeMs: 0 };
const busy = (ms: number) => {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		// a worker stalled (a long event-loop block): the lock may expire meanwhile
	}
};

describe('RedisStore lead memory', () => {
	it('the same lead again is a repeat with its first sighting; a shared mailbox brings a bounded number of candidates', async () => {
		const store = await open('repeat:');
		const decideNo = () => ({ match: false, score: 0, fields: [] });
		const lead = { recordId: 'lead-1', ...keysOf({ email: 'ann@acme.example' }) };
		expect(await store.recall('ns', lead, decideNo, none, 1000)).toEqual({});
		expect(await store.recall('ns', lead, decideNo, none, 5000)).toEqual({
			repeat: { canonicalId: 'lead-1', firstSeenAt: 1000 },
		});
		await store.recallMany(
			'ns',
			Array.from({ length: 300 }, (_, i) => ({
				lead: { recordId: `j${i}`, ...keysOf({ email: `jsmithson@d${i}.example` }) },
				decide: decideNo,
			})),
			none,
		);
		let compared = 0;
		await store.recall(
			'ns',
			{ recordId: 'new', ...keysOf({ email: 'jsmithson@another.example' }) },
			() => (compared++, { match: false, score: 0, fields: [] }),
			none,
		);
		expect(compared).toBe(IDENTITY_KEY_CANDIDATES);
		expect(await store.count('ns')).toBe(302);
		await store.clear('ns');
		await store.close();
	});

	it('a lock that expires mid-batch never lets two workers record the same person as new', async () => {
		// Worker A holds a 150 ms lock without renewal and stalls 40 ms per lead; worker B checks the
		// same ten people meanwhile and takes the lock once A's expires. A's writes after that are
		// refused and A fails with a retryable error: in the memory, one "new" per person.
		const opts: RedisStoreOptions = {
			host: '127.0.0.1',
			port: server.port,
			password: 't3st-pass',
			keyPrefix: 'fence:',
			lockTtlMs: 150,
			renewLock: false,
			lockWaitMs: 10_000,
		};
		const a = await RedisStore.open(opts);
		// B runs in the same process, so A's stalls stall it too: B keeps the default, renewed lock.
		const b = await RedisStore.open({ ...opts, lockTtlMs: undefined, renewLock: undefined });
		const people = Array.from({ length: 10 }, (_, i) => `person${i}@acme.example`);
		const decideEmail = (email: string) => (c: { values: Record<string, string | undefined> }) =>
			c.values.email === email ? { match: true, score: 20, fields: ['email'] } : { match: false, score: 0, fields: [] };
		// Every lead shares a key with an unrelated seed record, so each look-up compares (and stalls).
		const lead = (recordId: string, email: string) => ({
			recordId,
			values: { email },
			keys: [`e:${email}`, 'c:common'],
		});
		await b.recall('ns', lead('seed', 'someone@else.example'), () => ({ match: false, score: 0, fields: [] }), none);
		const batch = (who: string, stall: number) =>
			people.map((email) => ({
				lead: lead(`${who}-${email}`, email),
				decide: (c: { recordId: string; values: Record<string, string | undefined> }) => (
					c.recordId === 'seed' && busy(stall),
					decideEmail(email)(c)
				),
			}));
		const aRun = a.recallMany('ns', batch('a', 40), none).then(
			(r) => ({ ok: true as const, r }),
			(e: Error) => ({ ok: false as const, e }),
		);
		await new Promise((r) => setTimeout(r, 60));
		const bRun = await b.recallMany('ns', batch('b', 0), none);
		const aOut = await aRun;
		expect(aOut.ok).toBe(false);
		if (!aOut.ok) {
			expect(aOut.e).toBeInstanceOf(LockLostError);
			expect(aOut.e.message).toMatch(/expired before every lead was saved .* retry the execution/);
		}
		// What is remembered: each person's records, and which of them is its own cluster ("new").
		const raw = new IORedis({ host: '127.0.0.1', port: server.port, password: 't3st-pass' });
		const records = Object.entries(await raw.hgetall('fence:{ns}:rec'))
			.filter(([id]) => id !== 'seed')
			.map(([id, json]) => ({ id, ...(JSON.parse(json) as { canonicalId: string; values: { email: string } }) }));
		await raw.quit();
		for (const email of people) {
			const mine = records.filter((r) => r.values.email === email);
			expect([email, mine.filter((r) => r.canonicalId === r.id).length]).toEqual([email, 1]);
			expect(new Set(mine.map((r) => r.canonicalId)).size).toBe(1);
		}
		// B's answers agree with the memory: new exactly where it holds B's own record as the cluster.
		bRun.forEach((result, i) => {
			const own = records.find((r) => r.id === `b-${people[i]}`)!;
			expect(!result.duplicateOf).toBe(own.canonicalId === own.id);
		});
		await a.clear('ns');
		await Promise.all([a.close(), b.close()]);
	}, 30_000);

	it('with renewal on, a worker slower than the lock keeps it and saves everything', async () => {
		const store = await RedisStore.open({
			host: '127.0.0.1',
			port: server.port,
			password: 't3st-pass',
			keyPrefix: 'renew:',
			lockTtlMs: 150,
		});
		await store.recall(
			'ns',
			{ recordId: 'seed', values: {}, keys: ['c:common'] },
			() => ({ match: false, score: 0, fields: [] }),
			none,
		);
		const leads = Array.from({ length: 10 }, (_, i) => ({
			lead: { recordId: `r${i}`, values: {}, keys: [`e:p${i}`, 'c:common'] },
			decide: (c: { recordId: string }) => (c.recordId === 'seed' && busy(40), { match: false, score: 0, fields: [] }),
		}));
		expect(await store.recallMany('ns', leads, none)).toHaveLength(10);
		expect(await store.count('ns')).toBe(11);
		await store.clear('ns');
		await store.close();
	});
});

describe('RedisStore key-value transactions lock their keys, not the namespace', () => {
	it("another lead's transaction does not wait for a held key; one on the held key does, and fences", async () => {
		const store = await open('kv-keys:');
		const raw = new IORedis({ host: '127.0.0.1', port: server.port, password: 't3st-pass' });
		try {
			// A worker elsewhere holds the record key of one lead (its lock as a stalled worker leaves it).
			await raw.set('kv-keys:{stage:x}:kl:r:e:held@acme.com', 'other-worker', 'PX', 1500);
			let t0 = performance.now();
			await store.transact('stage:x', ['r:e:free@acme.com'], (view) => view.set('r:e:free@acme.com', 'moved'));
			const free = performance.now() - t0;
			t0 = performance.now();
			await store.transact('stage:x', ['r:e:held@acme.com'], (view) => view.set('r:e:held@acme.com', 'moved'));
			const held = performance.now() - t0;
			expect(free).toBeLessThan(500);
			expect(held).toBeGreaterThan(1000);
			expect(Object.keys(await store.entries('stage:x')).sort()).toEqual(['r:e:free@acme.com', 'r:e:held@acme.com']);
			// A transaction that outlived its lock (no renewal, a 100 ms lock, 300 ms of work) writes nothing.
			const brief = await RedisStore.open({
				host: '127.0.0.1',
				port: server.port,
				password: 't3st-pass',
				keyPrefix: 'kv-keys:',
				lockTtlMs: 100,
				renewLock: false,
			});
			const busy = (ms: number) => {
				const end = performance.now() + ms;
				while (performance.now() < end);
			};
			await expect(
				brief.transact('stage:x', ['n'], (view) => {
					busy(300);
					view.set('n', 'late');
				}),
			).rejects.toThrow(LockLostError);
			expect(await store.peek('stage:x', ['n'])).toEqual(new Map());
			await brief.close();
		} finally {
			await raw.quit();
			await store.close();
		}
	}, 30_000);
});

describe('RedisStore: an update the worker stopped waiting for is never written later', () => {
	it('a commit or a claim queued on a paused server times out, and when the server wakes it writes nothing (the retry counts once)', async () => {
		const paused = await startRedis();
		const opts = { host: '127.0.0.1', port: paused.port, keyPrefix: 'late:', commandTimeoutMs: 500 };
		const store = await RedisStore.open(opts);
		try {
			await store.transact('route:x', ['rr:pool'], (view) => view.set('rr:pool', '1'));
			// The worker decides, then the server stops answering before the commit arrives (a paused
			// or overloaded Redis): the commit waits in the server's socket while the worker gives up.
			let resumed: Promise<void> = Promise.resolve();
			await expect(
				store.transact('route:x', ['rr:pool'], (view) => {
					view.set('rr:pool', '2');
					paused.pause();
					resumed = new Promise((resolve) =>
						setTimeout(() => {
							paused.resume();
							resolve();
						}, 1500),
					);
				}),
			).rejects.toThrow(/timed out/i);
			await resumed;
			// The server runs the queued commit after the worker's timeout: it must write nothing, or
			// the execution's retry would move the rotation twice for one lead.
			const again = await RedisStore.open({ ...opts, keyPrefix: 'late:', commandTimeoutMs: 5000 });
			await new Promise((r) => setTimeout(r, 200));
			expect(await again.peek('route:x', ['rr:pool'])).toEqual(new Map([['rr:pool', '1']]));
			// The retry's own update goes through.
			await again.transact('route:x', ['rr:pool'], (view) => view.set('rr:pool', '2'));
			expect(await again.peek('route:x', ['rr:pool'])).toEqual(new Map([['rr:pool', '2']]));
			// A claim (the capture trigger's "seen this submission") sent to the paused server: the
			// worker fails; a claim written when the server wakes would make the retry a repeat, and
			// the lead would be lost.
			paused.pause();
			const wake = new Promise<void>((resolve) =>
				setTimeout(() => {
					paused.resume();
					resolve();
				}, 1500),
			);
			await expect(store.claim('capture:x', 'submission-1', 60_000)).rejects.toThrow(/timed out/i);
			await wake;
			await new Promise((r) => setTimeout(r, 200));
			expect(await again.claim('capture:x', 'submission-1', 60_000)).toBe(true);
			expect(await again.claim('capture:x', 'submission-1', 60_000)).toBe(false);
			await again.close();
		} finally {
			await store.close();
			await paused.stop();
		}
	}, 30_000);
});

describe('RedisStore joins clusters (the scenarios the SQLite tests run too, joinScenario.ts)', () => {
	it.each([
		['a lead that links two remembered people joins them', 'join:', expectJoin],
		['a lead that links two remembered namesakes joins one of them (issue #31)', 'apart:', expectKeptApart],
	])('%s', async (_title, prefix, scenario) => {
		const store = await open(prefix);
		await scenario(store);
		await store.close();
	});
	it('memory comparisons learn their weights from the remembered leads, kept in Redis beside them', async () => {
		const store = await open('weights:');
		const none = { maxEntries: 0, maxAgeMs: 0 };
		const matcher = { fields: LEAD_FIELDS, mode: 'score' as const, threshold: DEFAULT_THRESHOLD, maxBlockSize: 500 };
		const config = { sources: DEFAULT_SOURCES, matcher, onDuplicate: 'keepFirst' as const, prepare: {} };
		await dedupeAgainstMemory(formTraffic(1100, 7), config, store, 'w', none);
		expect(await store.recentValues('w', 5000)).toHaveLength(1100);
		const now = Date.now();
		const first = await memoryModel(store, store, 'w', matcher, now);
		expect(first.trained).toBe(true);
		expect(first.stored!.remembered).toBe(1100);
		const again = await memoryModel(store, store, 'w', matcher, now);
		expect(again.trained).toBe(false);
		expect(again.model!.learned!.get('email')!.level.exact).toBe(first.model!.learned!.get('email')!.level.exact);
		await store.close();
	}, 60_000);
});

describe('Redis deployments', () => {
	it('Cluster: memory, claims and key-value transactions (every key of a namespace in one slot)', async () => {
		const cluster = await startRedisCluster(3);
		try {
			const store = await RedisStore.open({
				mode: 'cluster',
				host: '',
				port: 0,
				nodes: cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
				keyPrefix: 'c:',
				connectTimeoutMs: 30_000,
			});
			for (const ns of ['dedupe:w1', 'dedupe:w2', 'dedupe:shared:{odd}']) {
				const first = await dedupeAgainstMemory([{ id: 'a', email: 'jane@acme.com' }], config, store, ns, {
					maxEntries: 2,
					maxAgeMs: 0,
				});
				expect(first.kept).toHaveLength(1);
				const second = await dedupeAgainstMemory(
					[
						{ id: 'b', email: 'JANE@acme.com' },
						{ id: 'c', email: 'c@x.io' },
						{ id: 'a', email: 'jane@acme.com' },
					],
					config,
					store,
					ns,
					{ maxEntries: 2, maxAgeMs: 0 },
				);
				expect(second.duplicates.map((d) => d.json.dedupe)).toMatchObject([{ duplicate_of: 'a' }]);
				expect(await store.count(ns)).toBe(2);
				expect(await store.claim(ns, 'k', 60_000)).toBe(true);
				expect(await store.claim(ns, 'k', 60_000)).toBe(false);
				await store.transact(ns, ['x'], (v) => v.set('x', String(Number(v.get('x') ?? 0) + 1)));
				expect(await store.entries(ns)).toEqual({ x: '1' });
				expect(await store.clear(ns)).toBe(2);
			}
			await store.close();
		} finally {
			await cluster.stop();
		}
	}, 120_000);

	it('Sentinel: finds the primary through the sentinel', async () => {
		const primary = await startRedis();
		const sentinel = await startSentinel(primary.port);
		try {
			const store = await RedisStore.open({
				mode: 'sentinel',
				host: '',
				port: 0,
				nodes: [{ host: '127.0.0.1', port: sentinel.port }],
				sentinelName: 'mymaster',
				keyPrefix: 's:',
			});
			expect(await store.claim('ns', 'k', 60_000)).toBe(true);
			const direct = new IORedis({ host: '127.0.0.1', port: primary.port });
			expect(await direct.exists('s:{ns}:claim:k')).toBe(1);
			await direct.quit();
			await store.close();
		} finally {
			await sentinel.stop();
			await primary.stop();
		}
	}, 30_000);

	it('the credential test PINGs: an open port that is not Redis fails, a wrong password fails, the right one passes', async () => {
		const port = await freePort();
		const sockets: Socket[] = [];
		const silent = createServer((s) => sockets.push(s));
		await new Promise<void>((r) => silent.listen(port, '127.0.0.1', () => r()));
		const test = (data: Record<string, unknown>) =>
			leadManagementRedisConnectionTest.call(
				{} as never,
				{ id: 'x', name: 'x', type: 'leadManagementRedisApi', data } as never,
			);
		try {
			expect(await test({ host: '127.0.0.1', port })).toMatchObject({ status: 'Error' });
			expect(await test({ host: '127.0.0.1', port: server.port, password: 'nope' })).toMatchObject({
				status: 'Error',
				message: expect.stringMatching(/WRONGPASS/),
			});
			expect(await test({ host: '127.0.0.1', port: server.port, password: 't3st-pass' })).toEqual({
				status: 'OK',
				message: 'Connection successful',
			});
		} finally {
			for (const s of sockets) s.destroy();
			silent.close();
		}
	}, 30_000);
});
