import { createHash, randomUUID } from 'node:crypto';
import { RespClient, type RedisOptions, type RedisReply } from './resp';
import { bestCandidate, BufferedView, isIdentityKey, WEAK_KEY_CANDIDATES, type CandidateDecision, type KeyValueStore, type KvView, type RecallLead, type LeadMemory, type RecallResult, type Retention, type StateStore } from './types';

const RELEASE_LOCK = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
/** The lock of a namespace's key-value transactions (apart from the lead memory's lock). */
const KV_LOCK = 'kvlock';
/**
 * Commits a transaction's writes only while its lock is still held (KEYS[1] = lock, ARGV[1] =
 * token): a worker that stalled past the lock's expiry cannot overwrite a newer state.
 * ARGV after the token: triples of op ('set' | 'del'), value, expiry in ms (0 = none) for KEYS[2..].
 * Keys set are added to the namespace's key index, `<lock>:keys`.
 */
const COMMIT_IF_LOCKED = `if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #KEYS do
	local op = ARGV[(i - 2) * 3 + 2]
	if op == 'del' then redis.call('del', KEYS[i])
	else
		local at = tonumber(ARGV[(i - 2) * 3 + 4])
		if at > 0 then redis.call('set', KEYS[i], ARGV[(i - 2) * 3 + 3], 'PXAT', at)
		else redis.call('set', KEYS[i], ARGV[(i - 2) * 3 + 3]) end
		redis.call('sadd', KEYS[1] .. ':keys', KEYS[i])
	end
end
return 1`;

interface StoredRecord {
	canonicalId: string;
	values: Record<string, string | undefined>;
	seenAt: number;
	keys: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * State in Redis, for n8n queue mode where executions run on workers on several hosts.
 * Claims are one `SET NX PX`. Lead memory updates hold a per-namespace lock (`SET NX PX`, released
 * by a compare-and-delete script), so look-up, decision and record are one atomic step for every
 * worker: fuzzy duplicates sharing no exact key are caught too.
 */
export class RedisStore implements StateStore, LeadMemory, KeyValueStore {
	private constructor(
		private readonly client: RespClient,
		private readonly prefix: string,
	) {}

	static async open(options: RedisOptions & { keyPrefix?: string }): Promise<RedisStore> {
		const client = new RespClient(options);
		await client.connect();
		return new RedisStore(client, options.keyPrefix ?? 'lead-management:');
	}

	private k(namespace: string, ...parts: string[]): string {
		return [`${this.prefix}${namespace}`, ...parts].join(':');
	}

	private async cmd(...args: Array<string | number>): Promise<RedisReply> {
		return await this.client.command(args);
	}

	async claim(namespace: string, key: string, ttlMs: number): Promise<boolean> {
		return (await this.cmd('SET', this.k(namespace, 'claim', key), '1', 'NX', 'PX', Math.max(1, Math.round(ttlMs)))) === 'OK';
	}

	async release(namespace: string, key: string): Promise<void> {
		await this.cmd('DEL', this.k(namespace, 'claim', key));
	}

	/** Runs `fn` holding the namespace's lock; waits for it up to 30 s. */
	private async locked<T>(namespace: string, fn: (token: string, lock: string) => Promise<T>, lockName = 'lock'): Promise<T> {
		const lock = this.k(namespace, lockName);
		const token = randomUUID();
		const deadline = Date.now() + 30_000;
		let wait = 2;
		while ((await this.cmd('SET', lock, token, 'NX', 'PX', 30_000)) !== 'OK') {
			if (Date.now() > deadline) throw new Error(`Timed out waiting for the Redis lock of ${namespace}`);
			await sleep(wait);
			wait = Math.min(wait * 2, 50);
		}
		try {
			return await fn(token, lock);
		} finally {
			await this.cmd('EVAL', RELEASE_LOCK, 1, lock, token);
		}
	}

	private async records(namespace: string, ids: string[]): Promise<Array<[string, StoredRecord]>> {
		if (!ids.length) return [];
		const raw = (await this.cmd('HMGET', this.k(namespace, 'rec'), ...ids)) as Array<string | null>;
		return ids.flatMap((id, i) => (raw[i] ? [[id, JSON.parse(raw[i]!) as StoredRecord] as [string, StoredRecord]] : []));
	}

	async recall(namespace: string, lead: RecallLead, decide: CandidateDecision, retention: Retention, now = Date.now()): Promise<RecallResult> {
		return (await this.recallMany(namespace, [{ lead, decide }], retention, now))[0];
	}

	async recallMany(namespace: string, leads: Array<{ lead: RecallLead; decide: CandidateDecision }>, retention: Retention, now = Date.now()): Promise<RecallResult[]> {
		if (!leads.length) return [];
		return await this.locked(namespace, async () => {
			// Writes are pipelined, not awaited one by one: one connection keeps them in order, so
			// the next lead's reads see them. All are awaited before the lock is released.
			const writes: Array<Promise<RedisReply>> = [];
			const results: RecallResult[] = [];
			try {
				for (const { lead, decide } of leads) results.push(await this.recallOne(namespace, lead, decide, retention, now, writes));
			} finally {
				await Promise.all(writes);
			}
			return results;
		});
	}

	private async recallOne(namespace: string, lead: RecallLead, decide: CandidateDecision, retention: Retention, now: number, writes: Array<Promise<RedisReply>>): Promise<RecallResult> {
		await this.applyRetention(namespace, retention, now);
		const keys = [...new Set(lead.keys)];
		const lists = await Promise.all(keys.map((key) => this.cmd('ZREVRANGE', this.k(namespace, 'k', key), 0, isIdentityKey(key) ? -1 : WEAK_KEY_CANDIDATES - 1) as Promise<string[]>));
		const ids = new Set(lists.flat());
		const found = await this.records(namespace, [...ids]);
		const best = bestCandidate(found.map(([recordId, rec]) => ({ recordId, canonicalId: rec.canonicalId, values: rec.values, seenAt: rec.seenAt })), decide);
		const canonicalId = best.duplicateOf?.canonicalId ?? lead.recordId;
		const rec: StoredRecord = { canonicalId, values: lead.values, seenAt: now, keys };
		const write = (...args: Array<string | number>) => {
			const reply = this.cmd(...args);
			reply.catch(() => undefined); // handled: recallMany awaits every write and rethrows
			writes.push(reply);
		};
		write('HSET', this.k(namespace, 'rec'), lead.recordId, JSON.stringify(rec));
		write('ZADD', this.k(namespace, 'age'), now, lead.recordId);
		write('SADD', this.k(namespace, 'c', canonicalId), lead.recordId);
		for (const key of keys) write('ZADD', this.k(namespace, 'k', key), now, lead.recordId);
		return best;
	}

	private async applyRetention(namespace: string, retention: Retention, now: number): Promise<void> {
		if (retention.maxAgeMs > 0) {
			const old = (await this.cmd('ZRANGEBYSCORE', this.k(namespace, 'age'), '-inf', `(${now - retention.maxAgeMs}`)) as string[];
			await this.deleteRecords(namespace, old);
		}
		if (retention.maxEntries > 0) {
			const count = (await this.cmd('ZCARD', this.k(namespace, 'age'))) as number;
			const excess = count - retention.maxEntries + 1;
			if (excess > 0) await this.deleteRecords(namespace, (await this.cmd('ZRANGE', this.k(namespace, 'age'), 0, excess - 1)) as string[]);
		}
	}

	/** Deletes records with their key entries; the commands are pipelined on the one connection. */
	private async deleteRecords(namespace: string, ids: string[]): Promise<number> {
		const found = await this.records(namespace, ids);
		const deletes: Array<Promise<RedisReply>> = [];
		for (const [id, rec] of found) {
			for (const key of rec.keys) deletes.push(this.cmd('ZREM', this.k(namespace, 'k', key), id));
			deletes.push(this.cmd('SREM', this.k(namespace, 'c', rec.canonicalId), id));
			deletes.push(this.cmd('HDEL', this.k(namespace, 'rec'), id));
			deletes.push(this.cmd('ZREM', this.k(namespace, 'age'), id));
		}
		await Promise.all(deletes);
		return found.length;
	}

	/** Every record of the leads these ids belong to (as record or as canonical lead). */
	private async groupOf(namespace: string, id: string): Promise<string[]> {
		const own = await this.records(namespace, [id]);
		const canonicals = new Set([id, ...own.map(([, r]) => r.canonicalId)]);
		const ids = new Set<string>([id]);
		for (const c of canonicals) for (const m of (await this.cmd('SMEMBERS', this.k(namespace, 'c', c))) as string[]) ids.add(m);
		return [...ids];
	}

	async forget(namespace: string, leadIds: string[]): Promise<number> {
		return await this.locked(namespace, async () => {
			let n = 0;
			for (const id of leadIds) n += await this.deleteRecords(namespace, await this.groupOf(namespace, id));
			return n;
		});
	}

	async forgetByKey(namespace: string, key: string): Promise<number> {
		const holders = (await this.cmd('ZRANGE', this.k(namespace, 'k', key), 0, -1)) as string[];
		const canonicals = (await this.records(namespace, holders)).map(([, r]) => r.canonicalId);
		return await this.forget(namespace, [...new Set(canonicals)]);
	}

	async clear(namespace: string): Promise<number> {
		return await this.locked(namespace, async () => {
			const all = (await this.cmd('ZRANGE', this.k(namespace, 'age'), 0, -1)) as string[];
			return await this.deleteRecords(namespace, all);
		});
	}

	async count(namespace: string): Promise<number> {
		return (await this.cmd('ZCARD', this.k(namespace, 'age'))) as number;
	}

	/** Every key-value key of a namespace, kept by the commit script (so listing needs no SCAN). */
	private kvIndex(namespace: string): string {
		return `${this.k(namespace, KV_LOCK)}:keys`;
	}

	async transact<T>(namespace: string, keys: string[], fn: (view: KvView) => T): Promise<T> {
		return await this.locked(
			namespace,
			async (token, lock) => {
				const unique = [...new Set(keys)];
				const loaded = new Map<string, string>();
				if (unique.length) {
					const values = (await this.cmd('MGET', ...unique.map((key) => this.k(namespace, 'kv', key)))) as Array<string | null>;
					unique.forEach((key, i) => values[i] !== null && loaded.set(key, values[i]!));
				}
				const view = new BufferedView(unique, loaded);
				const out = fn(view);
				if (view.writes.size) {
					const writeKeys: string[] = [];
					const args: Array<string | number> = [token];
					for (const [key, w] of view.writes) {
						writeKeys.push(this.k(namespace, 'kv', key));
						args.push(w.value === null ? 'del' : 'set', w.value ?? '', w.expiresAt ? Math.round(w.expiresAt) : 0);
					}
					const committed = await this.cmd('EVAL', COMMIT_IF_LOCKED, writeKeys.length + 1, lock, ...writeKeys, ...args);
					if (committed !== 1) throw new Error(`The Redis lock of ${namespace} expired before the update was saved; nothing was written`);
				}
				return out;
			},
			KV_LOCK,
		);
	}

	async entries(namespace: string, prefix = ''): Promise<Record<string, string>> {
		const all = ((await this.cmd('SMEMBERS', this.kvIndex(namespace))) as string[]).filter((k) => k.startsWith(this.k(namespace, 'kv', prefix)));
		if (!all.length) return {};
		const values = (await this.cmd('MGET', ...all)) as Array<string | null>;
		// Expired counters of past periods leave the key index here.
		const gone = all.filter((_, i) => values[i] === null);
		if (gone.length) await this.cmd('SREM', this.kvIndex(namespace), ...gone);
		const base = this.k(namespace, 'kv', '');
		const live = all.flatMap((k, i) => (values[i] !== null ? [[k.slice(base.length), values[i]!] as [string, string]] : []));
		return Object.fromEntries(live.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
	}

	async clearKeys(namespace: string): Promise<number> {
		return await this.locked(
			namespace,
			async () => {
				const index = this.kvIndex(namespace);
				const all = (await this.cmd('SMEMBERS', index)) as string[];
				let n = 0;
				for (let i = 0; i < all.length; i += 500) n += (await this.cmd('DEL', ...all.slice(i, i + 500))) as number;
				await this.cmd('DEL', index);
				return n;
			},
			KV_LOCK,
		);
	}

	get closed(): boolean {
		return this.client.closed;
	}

	async close(): Promise<void> {
		await this.client.close();
	}
}

const openStores = new Map<string, Promise<RedisStore>>();

/** One connection per server, database and prefix per process; a dropped one is reopened. */
export async function openRedisStore(options: RedisOptions & { keyPrefix?: string }): Promise<RedisStore> {
	// The password is part of the identity: another credential must never reuse this connection.
	const secret = createHash('sha256').update(options.password ?? '').digest('hex');
	const id = JSON.stringify([options.host, options.port, options.db ?? 0, options.username ?? '', secret, options.keyPrefix ?? '', !!options.tls]);
	const cached = openStores.get(id);
	if (cached) {
		const store = await cached.catch(() => undefined);
		if (store && !store.closed) return store;
	}
	const opening = RedisStore.open(options);
	openStores.set(id, opening);
	opening.catch(() => openStores.delete(id));
	return await opening;
}
