import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RedisStore, openRedisStore } from '../../lib/store/redis';
import { parseReply, RedisReplyError } from '../../lib/store/resp';
import { dedupeAgainstMemory, type DedupeConfig } from '../../lib/dedupe/dedupe';
import { DEFAULT_SOURCES, LEAD_FIELDS } from '../../lib/dedupe/leads';
import { startRedis, type RedisServer } from '../helpers/redisServer';

const run = promisify(execFile);
let server: RedisServer;
beforeAll(async () => (server = await startRedis('t3st-pass')), 20_000);
afterAll(async () => await server?.stop());

const config: DedupeConfig = { sources: DEFAULT_SOURCES, matcher: { fields: LEAD_FIELDS, mode: 'score', threshold: 9, maxBlockSize: 500 }, onDuplicate: 'keepFirst', prepare: {} };
const open = (prefix = 'unit:') => RedisStore.open({ host: '127.0.0.1', port: server.port, password: 't3st-pass', keyPrefix: prefix });

describe('RESP parsing', () => {
	it('reads every reply type, incomplete buffers and errors', () => {
		expect(parseReply(Buffer.from('+OK\r\n'), 0)?.value).toBe('OK');
		expect(parseReply(Buffer.from(':42\r\n'), 0)?.value).toBe(42);
		expect(parseReply(Buffer.from('$-1\r\n'), 0)?.value).toBeNull();
		expect(parseReply(Buffer.from('*2\r\n$3\r\nfoo\r\n:1\r\n'), 0)?.value).toEqual(['foo', 1]);
		expect(parseReply(Buffer.from('$5\r\nhel'), 0)).toBeUndefined();
		expect(parseReply(Buffer.from('-ERR nope\r\n'), 0)?.value).toBeInstanceOf(RedisReplyError);
	});
});

describe('RedisStore', () => {
	it('refuses a wrong password with a readable error', async () => {
		await expect(RedisStore.open({ host: '127.0.0.1', port: server.port, password: 'wrong' })).rejects.toThrow(/WRONGPASS|invalid/i);
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
		expect((await dedupeAgainstMemory([{ id: 'a', email: 'jane@acme.com' }], t(0), store, 'ns', retention)).kept).toHaveLength(1);
		const second = await dedupeAgainstMemory([{ id: 'b', email: 'JANE@acme.com' }], t(1), store, 'ns', retention);
		expect(second.duplicates[0].json.dedupe).toMatchObject({ duplicate_of: 'a' });
		await dedupeAgainstMemory([{ id: 'c', email: 'c@x.io' }, { id: 'd', email: 'd@x.io' }], t(2), store, 'ns', retention);
		expect(await store.count('ns')).toBe(3);
		expect((await dedupeAgainstMemory([{ id: 'e', email: 'jane@acme.com' }], t(3), store, 'ns', retention)).kept).toHaveLength(1);
		expect(await store.forgetByKey('ns', 'e:jane@acme.com')).toBe(1);
		expect(await store.forget('ns', ['c'])).toBe(1);
		expect(await store.clear('ns')).toBe(1);
		expect(await store.count('ns')).toBe(0);
		await store.close();
	});
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

describe('RedisStore across processes', () => {
	it('gives exactly one winner per key and one "new" per person across 4 processes', async () => {
		const plain = await startRedis();
		try {
			const keys = Array.from({ length: 120 }, (_, i) => `person${i % 10}`);
			const worker = join(__dirname, 'store-redis-worker.ts');
			const results = await Promise.all(
				[0, 1, 2, 3].map((w) => run(process.execPath, ['-r', 'ts-node/register/transpile-only', worker, String(plain.port), JSON.stringify(w % 2 ? [...keys].reverse() : keys)], { cwd: join(__dirname, '..', '..') })),
			);
			const parsed = results.map((r) => JSON.parse(r.stdout) as { claims: string[]; fresh: string[] });
			expect(parsed.flatMap((p) => p.claims).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `person${i}`).sort());
			expect(parsed.flatMap((p) => p.fresh).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `person${i}`).sort());
		} finally {
			await plain.stop();
		}
	}, 60_000);
});
