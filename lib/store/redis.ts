import { createHash, randomUUID } from 'node:crypto';
import IORedis, { Cluster, type RedisOptions as IORedisOptions } from 'ioredis';
import {
	bestCandidate,
	BufferedView,
	candidateLimit,
	joinClusters,
	type CandidateDecision,
	type KeyValueStore,
	type KvView,
	type LeadMemory,
	type RecallLead,
	type RecallResult,
	type Retention,
	type StateStore,
} from './types';

/** How to reach Redis: one server, a Sentinel-managed primary, or a Cluster. */
export interface RedisConnection {
	mode?: 'standalone' | 'sentinel' | 'cluster';
	host: string;
	port: number;
	/** Sentinels (sentinel mode) or seed nodes (cluster mode); `host:port` when absent. */
	nodes?: Array<{ host: string; port: number }>;
	/** Sentinel mode: the monitored primary's name. */
	sentinelName?: string;
	sentinelPassword?: string;
	username?: string;
	password?: string;
	db?: number;
	tls?: boolean;
	/** Accept self-signed or otherwise unverifiable server certificates. */
	tlsAllowUnauthorized?: boolean;
	connectTimeoutMs?: number;
	/** A command with no answer in this time fails (the node then fails its items: retry later). */
	commandTimeoutMs?: number;
}

export interface RedisStoreOptions extends RedisConnection {
	keyPrefix?: string;
	/** How long a namespace lock lives before another worker may take it (default 30 s). */
	lockTtlMs?: number;
	/** Extend the lock while the work goes on (default true); tests turn it off to expire it. */
	renewLock?: boolean;
	/** How long to wait for a namespace lock held by another worker (default 30 s). */
	lockWaitMs?: number;
}

/** The lock was lost before the work was saved: nothing past that point was written; retry. */
export class LockLostError extends Error {}

type Client = IORedis | Cluster;
type Reply = string | number | null | Reply[];

/** Lua: `nowMs`, the server's time in ms. */
const SERVER_NOW = `local t = redis.call('time')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * Lua opening of a write fenced by a deadline: ARGV[arg] is the server time (ms) after which the
 * worker no longer waits for the answer (0: none); run later (the server was paused, the command
 * queued), the script writes nothing and returns 2. Effects replication first: the script reads
 * the clock before it writes.
 */
const unlessLate = (arg: number) => `if redis.replicate_commands then redis.replicate_commands() end
local notAfter = tonumber(ARGV[${arg}])
if notAfter > 0 then
${SERVER_NOW}
if nowMs > notAfter then return 2 end
end
`;

/** Scripts: every write of a transaction checks the lock token first (KEYS[1] = lock, ARGV[1] = token). */
const SCRIPTS = {
	/** The server's time in ms, read on the node that holds KEYS[1] (see claimBefore). */
	serverTime: {
		numberOfKeys: 1,
		lua: `${SERVER_NOW}
return nowMs`,
	},
	/**
	 * A claim (SET NX PX: ARGV[1] its lifetime) fenced by its deadline ARGV[2] (unlessLate): a
	 * claim left behind by a worker that stopped waiting would turn its retry into a repeat.
	 */
	claimBefore: {
		numberOfKeys: 1,
		lua: `${unlessLate(2)}if redis.call('set', KEYS[1], '1', 'PX', ARGV[1], 'NX') then return 1 end
return 0`,
	},
	/** Compare-and-delete: only the holder releases a lock. */
	leadRelease: {
		numberOfKeys: 1,
		lua: "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
	},
	/** Compare-and-extend: the holder keeps its lock alive while it works. */
	leadRenew: {
		numberOfKeys: 1,
		lua: "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end",
	},
	/**
	 * Records a lead while the lock is held. KEYS: lock, records hash, age index, cluster set, then
	 * ARGV[5] key indexes to add the record to and the rest to remove it from (a repeat whose values
	 * changed). ARGV: token, record id, record JSON, time, number of keys to add.
	 */
	leadRecord: {
		lua: `if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('hset', KEYS[2], ARGV[2], ARGV[3])
redis.call('zadd', KEYS[3], ARGV[4], ARGV[2])
redis.call('sadd', KEYS[4], ARGV[2])
local n = tonumber(ARGV[5])
for i = 5, 4 + n do redis.call('zadd', KEYS[i], ARGV[4], ARGV[2]) end
for i = 5 + n, #KEYS do redis.call('zrem', KEYS[i], ARGV[2]) end
return 1`,
	},
	/**
	 * Deletes a record and its index entries while the lock is held.
	 * KEYS: lock, records, age, cluster set, key indexes.
	 */
	leadDelete: {
		lua: `if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('hdel', KEYS[2], ARGV[2])
redis.call('zrem', KEYS[3], ARGV[2])
redis.call('srem', KEYS[4], ARGV[2])
for i = 5, #KEYS do redis.call('zrem', KEYS[i], ARGV[2]) end
return 1`,
	},
	/**
	 * Joins one cluster into another while the lock is held. KEYS: lock, records hash, target
	 * cluster set, joined cluster set. ARGV: token, then record id and its rewritten JSON in pairs.
	 */
	leadJoin: {
		lua: `if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #ARGV, 2 do
	redis.call('hset', KEYS[2], ARGV[i], ARGV[i + 1])
	redis.call('sadd', KEYS[3], ARGV[i])
end
redis.call('del', KEYS[4])
return 1`,
	},
	/**
	 * Commits a key-value transaction's writes while the lock is held. ARGV after the token: triples
	 * of op ('set' | 'del'), value, expiry in ms (0 = none) for KEYS[2..]. Keys set are added to the
	 * namespace's key index, `<lock>:keys`, and keys deleted leave it.
	 */
	leadCommit: {
		lua: `if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
for i = 2, #KEYS do
	local op = ARGV[(i - 2) * 3 + 2]
	if op == 'del' then
		redis.call('del', KEYS[i])
		redis.call('srem', KEYS[1] .. ':keys', KEYS[i])
	elseif op == 'zadd' then
		redis.call('zadd', KEYS[i], tonumber(ARGV[(i - 2) * 3 + 4]), ARGV[(i - 2) * 3 + 3])
		redis.call('sadd', KEYS[1] .. ':zkeys', KEYS[i])
	elseif op == 'zrem' then
		redis.call('zrem', KEYS[i], ARGV[(i - 2) * 3 + 3])
	else
		local at = tonumber(ARGV[(i - 2) * 3 + 4])
		if at > 0 then redis.call('set', KEYS[i], ARGV[(i - 2) * 3 + 3], 'PXAT', at)
		else redis.call('set', KEYS[i], ARGV[(i - 2) * 3 + 3]) end
		redis.call('sadd', KEYS[1] .. ':keys', KEYS[i])
	end
end
return 1`,
	},
	/**
	 * Takes the locks of a key-value transaction, all or none (no deadlock: nothing is held while
	 * waiting): KEYS are the keys' locks, ARGV[1] the token, ARGV[2] the lifetime in ms. Returns 0
	 * when a lock is taken, else the server's time in ms (for kvCommit's deadline).
	 */
	kvLockMany: {
		lua: `if redis.replicate_commands then redis.replicate_commands() end
for i = 1, #KEYS do
	if redis.call('exists', KEYS[i]) == 1 then return 0 end
end
for i = 1, #KEYS do redis.call('set', KEYS[i], ARGV[1], 'PX', ARGV[2]) end
${SERVER_NOW}
return nowMs`,
	},
	/** Extends the locks still held with this token; 0 when any was lost. */
	kvRenewMany: {
		lua: `local ok = 1
for i = 1, #KEYS do
	if redis.call('get', KEYS[i]) == ARGV[1] then redis.call('pexpire', KEYS[i], ARGV[2]) else ok = 0 end
end
return ok`,
	},
	/** Releases the locks held with this token. */
	kvReleaseMany: {
		lua: `for i = 1, #KEYS do
	if redis.call('get', KEYS[i]) == ARGV[1] then redis.call('del', KEYS[i]) end
end
return 1`,
	},
	/**
	 * A key-value transaction's writes, fenced by every lock it holds: KEYS[1..n] the locks
	 * (ARGV[2] = n), KEYS[n + 1] the namespace's index base, then the written keys with ARGV triples
	 * (op, value, expiry or score) from ARGV[4]; as leadCommit for the ops. ARGV[3]: its deadline
	 * (unlessLate), so an execution that failed on its timeout and is retried is not counted twice.
	 */
	kvCommit: {
		lua: `${unlessLate(3)}local n = tonumber(ARGV[2])
for i = 1, n do
	if redis.call('get', KEYS[i]) ~= ARGV[1] then return 0 end
end
local base = KEYS[n + 1]
for i = n + 2, #KEYS do
	local j = (i - n - 2) * 3 + 4
	local op = ARGV[j]
	if op == 'del' then
		redis.call('del', KEYS[i])
		redis.call('srem', base .. ':keys', KEYS[i])
	elseif op == 'zadd' then
		redis.call('zadd', KEYS[i], tonumber(ARGV[j + 2]), ARGV[j + 1])
		redis.call('sadd', base .. ':zkeys', KEYS[i])
	elseif op == 'zrem' then
		redis.call('zrem', KEYS[i], ARGV[j + 1])
	else
		local at = tonumber(ARGV[j + 2])
		if at > 0 then redis.call('set', KEYS[i], ARGV[j + 1], 'PXAT', at)
		else redis.call('set', KEYS[i], ARGV[j + 1]) end
		redis.call('sadd', base .. ':keys', KEYS[i])
	end
end
return 1`,
	},
	/** leadCommit's writes without the lock (a cache's keys, each on its own); KEYS[1] names the index. */
	kvPut: {
		lua: `for i = 2, #KEYS do
	local op = ARGV[(i - 2) * 3 + 1]
	if op == 'del' then
		redis.call('del', KEYS[i])
		redis.call('srem', KEYS[1] .. ':keys', KEYS[i])
	else
		local at = tonumber(ARGV[(i - 2) * 3 + 3])
		if at > 0 then redis.call('set', KEYS[i], ARGV[(i - 2) * 3 + 2], 'PXAT', at)
		else redis.call('set', KEYS[i], ARGV[(i - 2) * 3 + 2]) end
		redis.call('sadd', KEYS[1] .. ':keys', KEYS[i])
	end
end
return 1`,
	},
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Scripted = { [K in ScriptName]: (...args: Array<string | number>) => Promise<Reply> };

interface StoredRecord {
	canonicalId: string;
	values: Record<string, string | undefined>;
	seenAt: number;
	firstSeenAt?: number;
	keys: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A command with no answer in this time fails: the node fails its items, and a retry can succeed. */
export const COMMAND_TIMEOUT_MS = 15_000;
/** Time left for a commit's answer to reach the worker before its command timeout (see kvCommit). */
const COMMIT_REPLY_MARGIN_MS = 2_000;

/** A connection's command timeout: its own, or the default. */
const commandTimeoutOf = (c: RedisConnection) => c.commandTimeoutMs ?? COMMAND_TIMEOUT_MS;

/** The error of a write the server ran after its deadline (see unlessLate): nothing was written. */
function ranTooLate(what: string, namespace: string, nothing: string): Error {
	return new Error(
		`Redis ran the ${what} of ${namespace} after this worker had stopped waiting for it (the server was paused or overloaded); ${nothing}`,
	);
}

function clientOptions(c: RedisConnection): IORedisOptions {
	return {
		username: c.username || undefined,
		password: c.password || undefined,
		tls: c.tls ? { rejectUnauthorized: !c.tlsAllowUnauthorized } : undefined,
		connectTimeout: c.connectTimeoutMs ?? 10_000,
		// A dropped connection is re-established; commands meanwhile wait, then fail after a few
		// attempts rather than hang: the node fails its items with a retryable error.
		maxRetriesPerRequest: 3,
		// About a minute of reconnecting, then the client ends; the next execution opens a new one.
		retryStrategy: (times) => (times > 30 ? null : Math.min(times * 200, 2000)),
		lazyConnect: true,
		// On closing, how long ioredis waits for the server to close the socket before destroying
		// it (2 s by default, on a timer that holds the process): a closing store does not wait long.
		disconnectTimeout: 200,
	};
}

/** A connected ioredis client for the connection settings (the scripts defined on it). */
export async function connectRedis(c: RedisConnection): Promise<Client> {
	const seeds: Array<{ host: string; port: number }> = c.nodes?.length ? c.nodes : [{ host: c.host, port: c.port }];
	let client: Client;
	if (c.mode === 'cluster') {
		client = new Cluster(seeds, {
			redisOptions: { ...clientOptions(c), commandTimeout: commandTimeoutOf(c) },
			lazyConnect: true,
			clusterRetryStrategy: (times) => (times > 5 ? null : Math.min(times * 200, 2000)),
		});
	} else if (c.mode === 'sentinel') {
		client = new IORedis({
			...clientOptions(c),
			sentinels: seeds,
			name: c.sentinelName || 'mymaster',
			sentinelPassword: c.sentinelPassword || undefined,
			db: c.db ?? 0,
			...(c.tls
				? { enableTLSForSentinelMode: true, sentinelTLS: { rejectUnauthorized: !c.tlsAllowUnauthorized } }
				: {}),
		});
	} else {
		client = new IORedis({ ...clientOptions(c), host: c.host, port: c.port, db: c.db ?? 0 });
	}
	// Errors surface through the commands that hit them; without a listener ioredis would print them.
	// The last one explains a failed connection better than "Connection is closed" (WRONGPASS...).
	let lastError: Error | undefined;
	client.on('error', (e: Error) => (lastError = e));
	for (const [name, script] of Object.entries(SCRIPTS)) {
		client.defineCommand(
			name,
			'numberOfKeys' in script ? { lua: script.lua, numberOfKeys: script.numberOfKeys } : { lua: script.lua },
		);
	}
	const limit = c.connectTimeoutMs ?? 10_000;
	let timer: NodeJS.Timeout | undefined;
	try {
		// A port that accepts connections but never answers (not Redis) must fail too, in time.
		const silence = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`no Redis answer within ${Math.round(limit / 1000)} s`)), limit);
		});
		await Promise.race([
			(async () => {
				await client.connect();
				if ((await client.ping()) !== 'PONG') throw new Error('the server did not answer PING with PONG');
			})(),
			silence,
		]);
	} catch (error) {
		client.disconnect();
		const reason = lastError && /closed/i.test((error as Error).message) ? lastError.message : (error as Error).message;
		const where =
			c.mode === 'cluster' || c.mode === 'sentinel'
				? `the ${c.mode} at ${seeds.map((s) => `${s.host}:${s.port}`).join(', ')}`
				: `${c.host}:${c.port}`;
		throw new Error(`Cannot connect to Redis (${where}): ${reason}`);
	} finally {
		clearTimeout(timer);
	}
	// Set once connected: ioredis clears a command's timer only when it succeeds, so a timeout on
	// the commands of a failed connection would keep a timer running after the failure.
	if (!(client instanceof Cluster)) client.options.commandTimeout = commandTimeoutOf(c);
	return client;
}

/** Records evicted per lock when the retention catches up. */
const RETENTION_STEP = 2000;

/**
 * State in Redis, for n8n queue mode where executions run on workers on several hosts. All keys of
 * a namespace share one hash tag (`{namespace}`), so the scripts work on a Redis Cluster too.
 * Claims are one `SET NX PX`. Lead memory and key-value updates hold a per-namespace lock
 * (`SET NX PX`, renewed while the work goes on) and every write checks the lock's token in the
 * same script: a worker that stalled past the lock's expiry cannot write over a newer state.
 */
export class RedisStore implements StateStore, LeadMemory, KeyValueStore {
	private readonly lockTtlMs: number;
	private readonly lockWaitMs: number;
	private readonly renewLock: boolean;
	private readonly commandTimeoutMs: number;

	private constructor(
		private readonly client: Client,
		private readonly prefix: string,
		options: RedisStoreOptions,
	) {
		this.lockTtlMs = options.lockTtlMs ?? 30_000;
		this.lockWaitMs = options.lockWaitMs ?? 30_000;
		this.renewLock = options.renewLock ?? true;
		this.commandTimeoutMs = commandTimeoutOf(options);
	}

	static async open(options: RedisStoreOptions): Promise<RedisStore> {
		return new RedisStore(await connectRedis(options), options.keyPrefix ?? 'lead-management:', options);
	}

	private get scripts(): Scripted {
		return this.client as unknown as Scripted;
	}

	/** A namespace's key: its name is the hash tag (braces inside it would cut the tag short). */
	private k(namespace: string, ...parts: string[]): string {
		return [`${this.prefix}{${namespace.replace(/[{}]/g, '_')}}`, ...parts].join(':');
	}

	async claim(namespace: string, key: string, ttlMs: number): Promise<boolean> {
		const claimKey = this.k(namespace, 'claim', key);
		// The deadline in the server's clock, read on the key's own node just before.
		const notAfter = this.commandTimeoutMs > 0 ? this.deadline(Number(await this.scripts.serverTime(claimKey))) : 0;
		const claimed = await this.scripts.claimBefore(claimKey, Math.max(1, Math.round(ttlMs)), notAfter);
		if (claimed === 2) throw ranTooLate('claim', namespace, 'nothing was saved: retry');
		return claimed === 1;
	}

	/**
	 * The server time (ms) after which a write must not run: the worker's command timeout from
	 * `serverNow`, less the time its answer needs to come back.
	 */
	private deadline(serverNow: number): number {
		return Math.floor(serverNow + this.commandTimeoutMs - Math.min(COMMIT_REPLY_MARGIN_MS, this.commandTimeoutMs / 4));
	}

	async release(namespace: string, key: string): Promise<void> {
		await this.client.del(this.k(namespace, 'claim', key));
	}

	/**
	 * Runs `fn` holding the namespace's lock, renewed every third of its life while `fn` works.
	 * `fn` gets the token its writes must present; a renewal that finds the lock gone marks it lost.
	 */
	private async locked<T>(
		namespace: string,
		fn: (token: string, lock: string, lost: () => boolean) => Promise<T>,
		lockName = 'lock',
	): Promise<T> {
		const lock = this.k(namespace, lockName);
		const token = randomUUID();
		const deadline = Date.now() + this.lockWaitMs;
		let wait = 2;
		while ((await this.client.set(lock, token, 'PX', this.lockTtlMs, 'NX')) !== 'OK') {
			if (Date.now() > deadline) {
				throw new Error(
					`Timed out after ${Math.round(this.lockWaitMs / 1000)} s waiting for the Redis lock of ${namespace} (another execution holds it); retry the execution`,
				);
			}
			await sleep(wait);
			wait = Math.min(wait * 2, 50);
		}
		let lost = false;
		const timer = this.renewLock
			? setInterval(
					() => {
						this.scripts.leadRenew(lock, token, this.lockTtlMs).then(
							(ok) => (lost ||= ok !== 1),
							() => undefined,
						);
					},
					Math.max(10, Math.floor(this.lockTtlMs / 3)),
				)
			: undefined;
		timer?.unref?.();
		try {
			return await fn(token, lock, () => lost);
		} finally {
			if (timer) clearInterval(timer);
			await this.scripts.leadRelease(lock, token).catch(() => undefined);
		}
	}

	private async records(namespace: string, ids: string[]): Promise<Array<[string, StoredRecord]>> {
		if (!ids.length) return [];
		const raw = await this.client.hmget(this.k(namespace, 'rec'), ...ids);
		return ids.flatMap((id, i) =>
			raw[i] ? [[id, JSON.parse(raw[i]!) as StoredRecord] as [string, StoredRecord]] : [],
		);
	}

	async recall(
		namespace: string,
		lead: RecallLead,
		decide: CandidateDecision,
		retention: Retention,
		now = Date.now(),
	): Promise<RecallResult> {
		return (await this.recallMany(namespace, [{ lead, decide }], retention, now))[0];
	}

	async recallMany(
		namespace: string,
		leads: Array<{ lead: RecallLead; decide: CandidateDecision }>,
		retention: Retention,
		now = Date.now(),
	): Promise<RecallResult[]> {
		if (!leads.length) return [];
		await this.catchUpRetention(namespace, retention, now);
		return await this.locked(namespace, async (token, lock) => {
			// Writes are fenced scripts sent without waiting: the connection keeps them in order, so
			// the next lead's reads see them. All are checked before the lock is released.
			const writes: Array<Promise<Reply>> = [];
			const write = (reply: Promise<Reply>) => {
				reply.catch(() => undefined); // awaited below
				writes.push(reply);
			};
			const results: RecallResult[] = [];
			let failure: unknown;
			try {
				const room = await this.retention(namespace, retention, now, token, lock, write);
				for (const { lead, decide } of leads)
					results.push(await this.recallOne(namespace, lead, decide, now, token, lock, write, room));
			} catch (e) {
				failure = e;
			}
			const outcomes = await Promise.allSettled(writes);
			if (failure) throw failure;
			const refused = outcomes.findIndex((o) => o.status === 'fulfilled' && o.value !== 1);
			const broken = outcomes.find((o) => o.status === 'rejected');
			if (refused >= 0) {
				throw new LockLostError(
					`The Redis lock of ${namespace} expired before every lead was saved (a worker stalled for more than ${Math.round(this.lockTtlMs / 1000)} s); the leads after that point were not recorded: retry the execution`,
				);
			}
			if (broken) throw (broken as PromiseRejectedResult).reason;
			return results;
		});
	}

	private async recallOne(
		namespace: string,
		lead: RecallLead,
		decide: CandidateDecision,
		now: number,
		token: string,
		lock: string,
		write: (reply: Promise<Reply>) => void,
		room: () => Promise<void>,
	): Promise<RecallResult> {
		const keys = [...new Set(lead.keys)];
		const [own, lists] = await Promise.all([
			this.records(namespace, [lead.recordId]),
			Promise.all(keys.map((key) => this.client.zrevrange(this.k(namespace, 'k', key), 0, candidateLimit(key) - 1))),
		]);
		const record = (canonicalId: string, firstSeenAt: number, stale: string[] = []) => {
			const rec: StoredRecord = { canonicalId, values: lead.values, seenAt: now, firstSeenAt, keys };
			const keyIndexes = [...keys, ...stale].map((key) => this.k(namespace, 'k', key));
			write(
				this.scripts.leadRecord(
					4 + keyIndexes.length,
					lock,
					this.k(namespace, 'rec'),
					this.k(namespace, 'age'),
					this.k(namespace, 'c', canonicalId),
					...keyIndexes,
					token,
					lead.recordId,
					JSON.stringify(rec),
					now,
					keys.length,
				),
			);
		};
		if (own.length) {
			// The same lead again (a re-delivery, a retried execution): refreshed, not compared.
			const known = own[0][1];
			const firstSeenAt = known.firstSeenAt ?? known.seenAt;
			record(
				known.canonicalId,
				firstSeenAt,
				known.keys.filter((key) => !keys.includes(key)),
			);
			return { repeat: { canonicalId: known.canonicalId, firstSeenAt } };
		}
		await room();
		const found = await this.records(namespace, [...new Set(lists.flat())]);
		const matched = bestCandidate(
			found.map(([recordId, rec]) => ({
				recordId,
				canonicalId: rec.canonicalId,
				values: rec.values,
				seenAt: rec.seenAt,
			})),
			decide,
		);
		let firstSeen = new Map<string, number>();
		if (matched.clusters.length > 1) {
			firstSeen = new Map(
				(await this.records(namespace, matched.clusters)).map(([id, rec]) => [id, rec.firstSeenAt ?? rec.seenAt]),
			);
		}
		const { result, target, others } = joinClusters(matched, firstSeen);
		if (target) for (const other of others) await this.joinCluster(namespace, other, target, token, lock, write);
		record(result.duplicateOf?.canonicalId ?? lead.recordId, now);
		return result;
	}

	/** Moves every record of cluster `from` into cluster `to` (one fenced script). */
	private async joinCluster(
		namespace: string,
		from: string,
		to: string,
		token: string,
		lock: string,
		write: (reply: Promise<Reply>) => void,
	): Promise<void> {
		const members = await this.records(namespace, await this.client.smembers(this.k(namespace, 'c', from)));
		const pairs = members.flatMap(([id, rec]) => [id, JSON.stringify({ ...rec, canonicalId: to })]);
		write(
			this.scripts.leadJoin(
				4,
				lock,
				this.k(namespace, 'rec'),
				this.k(namespace, 'c', to),
				this.k(namespace, 'c', from),
				token,
				...pairs,
			),
		);
	}

	/**
	 * Forgets the records past their age, and returns the step that makes room for one more record
	 * (the oldest go first when full): the count is read once and kept here, so a lead costs no
	 * extra round trip until the memory is full.
	 */
	private async retention(
		namespace: string,
		retention: Retention,
		now: number,
		token: string,
		lock: string,
		write: (reply: Promise<Reply>) => void,
	): Promise<() => Promise<void>> {
		const age = this.k(namespace, 'age');
		if (retention.maxAgeMs > 0) {
			const old = await this.client.zrangebyscore(age, '-inf', `(${now - retention.maxAgeMs}`);
			await this.deleteRecords(namespace, old, token, lock, write);
		}
		if (retention.maxEntries <= 0) return async () => undefined;
		let count = await this.client.zcard(age);
		return async () => {
			const excess = count + 1 - retention.maxEntries;
			// The deletions pipelined before this read are applied before it (one connection, in order).
			if (excess > 0)
				count -= await this.deleteRecords(namespace, await this.client.zrange(age, 0, excess - 1), token, lock, write);
			count++;
		};
	}

	/**
	 * A large eviction (Max Entries lowered, Max Age set on an old memory) in steps of at most
	 * `RETENTION_STEP` records, each under its own lock: read whole, a million-record memory asked
	 * Redis for every record in one command and parsed them all in n8n's memory. What is left for
	 * the look-up's own transaction is less than a step. Checked without the lock first (one or two
	 * reads), so a memory with nothing to evict pays no extra lock.
	 */
	private async catchUpRetention(namespace: string, retention: Retention, now: number): Promise<void> {
		if (!(retention.maxAgeMs > 0) && !(retention.maxEntries > 0)) return;
		while ((await this.evictable(namespace, retention, now)).length >= RETENTION_STEP)
			await this.deleting(namespace, () => this.evictable(namespace, retention, now));
	}

	/** Up to `RETENTION_STEP` records the retention no longer keeps: expired first, then the oldest past Max Entries. */
	private async evictable(namespace: string, retention: Retention, now: number): Promise<string[]> {
		const age = this.k(namespace, 'age');
		if (retention.maxAgeMs > 0) {
			const old = await this.client.zrangebyscore(
				age,
				'-inf',
				`(${now - retention.maxAgeMs}`,
				'LIMIT',
				0,
				RETENTION_STEP,
			);
			if (old.length) return old;
		}
		if (retention.maxEntries > 0) {
			const excess = (await this.client.zcard(age)) - retention.maxEntries;
			if (excess > 0) return await this.client.zrange(age, 0, Math.min(excess, RETENTION_STEP) - 1);
		}
		return [];
	}

	/** Deletes records with their index entries, each in one fenced script. */
	private async deleteRecords(
		namespace: string,
		ids: string[],
		token: string,
		lock: string,
		write: (reply: Promise<Reply>) => void,
	): Promise<number> {
		const found = await this.records(namespace, ids);
		for (const [id, rec] of found) {
			const keyIndexes = rec.keys.map((key) => this.k(namespace, 'k', key));
			write(
				this.scripts.leadDelete(
					4 + keyIndexes.length,
					lock,
					this.k(namespace, 'rec'),
					this.k(namespace, 'age'),
					this.k(namespace, 'c', rec.canonicalId),
					...keyIndexes,
					token,
					id,
				),
			);
		}
		return found.length;
	}

	/** Runs deletions under the namespace lock and checks that every one was written. */
	private async deleting(namespace: string, pick: () => Promise<string[]>): Promise<number> {
		return await this.locked(namespace, async (token, lock) => {
			const writes: Array<Promise<Reply>> = [];
			const n = await this.deleteRecords(namespace, await pick(), token, lock, (w) => writes.push(w));
			if ((await Promise.all(writes)).some((r) => r !== 1)) {
				throw new LockLostError(`The Redis lock of ${namespace} expired before every record was deleted; retry`);
			}
			return n;
		});
	}

	/** Every record of the leads these ids belong to (as record or as canonical lead). */
	private async groupOf(namespace: string, id: string): Promise<string[]> {
		const own = await this.records(namespace, [id]);
		const canonicals = new Set([id, ...own.map(([, r]) => r.canonicalId)]);
		const ids = new Set<string>([id]);
		for (const c of canonicals) for (const m of await this.client.smembers(this.k(namespace, 'c', c))) ids.add(m);
		return [...ids];
	}

	async forget(namespace: string, leadIds: string[]): Promise<number> {
		return await this.deleting(namespace, async () => {
			const ids = new Set<string>();
			for (const id of leadIds) for (const m of await this.groupOf(namespace, id)) ids.add(m);
			return [...ids];
		});
	}

	async forgetByKey(namespace: string, key: string): Promise<number> {
		const holders = await this.client.zrange(this.k(namespace, 'k', key), 0, -1);
		const canonicals = (await this.records(namespace, holders)).map(([, r]) => r.canonicalId);
		return await this.forget(namespace, [...new Set(canonicals)]);
	}

	/** Forgets every remembered lead, `RETENTION_STEP` at a time (each step under its own lock). */
	async clear(namespace: string): Promise<number> {
		let cleared = 0;
		let step: number;
		do {
			step = await this.deleting(namespace, () => this.client.zrange(this.k(namespace, 'age'), 0, RETENTION_STEP - 1));
			cleared += step;
		} while (step >= RETENTION_STEP);
		return cleared;
	}

	async count(namespace: string): Promise<number> {
		return await this.client.zcard(this.k(namespace, 'age'));
	}

	async recentValues(namespace: string, limit: number): Promise<Array<Record<string, string | undefined>>> {
		const ids = await this.client.zrevrange(this.k(namespace, 'age'), 0, limit - 1);
		const out: Array<Record<string, string | undefined>> = [];
		for (let i = 0; i < ids.length; i += 1000)
			for (const [, rec] of await this.records(namespace, ids.slice(i, i + 1000))) out.push(rec.values);
		return out;
	}

	/** Every key-value key of a namespace, kept by the commit script (so listing needs no SCAN). */
	private kvIndex(namespace: string): string {
		return `${this.k(namespace, KV_LOCK)}:keys`;
	}

	/**
	 * A key-value transaction locks the keys it loads, not the namespace: transactions on other keys
	 * (other leads' stage records, other clocks) run at the same time, those sharing a key one after
	 * the other. The locks are taken all or none, renewed while the work goes on, and every write is
	 * fenced by all of them: a transaction whose lock expired writes nothing.
	 */
	async transact<T>(namespace: string, keys: string[], fn: (view: KvView) => T): Promise<T> {
		const unique = [...new Set(keys)];
		return await this.lockedKeys(namespace, unique, async (token, locks, lost, serverNow) => {
			const view = new BufferedView(unique, await this.read(namespace, unique));
			const out = fn(view);
			if (view.writes.size || view.scores.size) {
				const writeKeys: string[] = [];
				// The server must run the commit while this worker still waits for its answer.
				const now = serverNow();
				const notAfter = now && this.commandTimeoutMs > 0 ? this.deadline(now) : 0;
				const args: Array<string | number> = [token, locks.length, notAfter];
				for (const [key, w] of view.writes) {
					writeKeys.push(this.k(namespace, 'kv', key));
					args.push(w.value === null ? 'del' : 'set', w.value ?? '', w.expiresAt ? Math.round(w.expiresAt) : 0);
				}
				for (const { index, member, score } of view.scores.values()) {
					writeKeys.push(this.k(namespace, 'z', index));
					args.push(score === null ? 'zrem' : 'zadd', member, score === null ? 0 : Math.round(score));
				}
				const committed = lost()
					? 0
					: await this.scripts.kvCommit(
							locks.length + 1 + writeKeys.length,
							...locks,
							this.k(namespace, KV_LOCK),
							...writeKeys,
							...args,
						);
				if (committed === 2) throw ranTooLate('update', namespace, 'nothing was written: retry the execution');
				if (committed !== 1)
					throw new LockLostError(
						`The Redis lock of ${namespace} expired before the update was saved; nothing was written: retry the execution`,
					);
			}
			return out;
		});
	}

	/** Runs `fn` holding the locks of these keys (`kl:<key>`), taken all or none. */
	private async lockedKeys<T>(
		namespace: string,
		keys: string[],
		fn: (token: string, locks: string[], lost: () => boolean, serverNow: () => number) => Promise<T>,
	): Promise<T> {
		const locks = [...keys].sort().map((key) => this.k(namespace, 'kl', key));
		const token = randomUUID();
		// The server's clock at the lock, and this worker's monotonic one (the server's time is read
		// from them later: no clock of two hosts is compared, and no clock step moves it). An answer
		// that came late makes the estimate run early, which only makes the commit's deadline stricter.
		let serverAtLock = 0;
		let localAtLock = 0;
		if (locks.length) {
			const deadline = Date.now() + this.lockWaitMs;
			let wait = 2;
			while (
				(serverAtLock = Number(await this.scripts.kvLockMany(locks.length, ...locks, token, this.lockTtlMs))) === 0
			) {
				if (Date.now() > deadline) {
					throw new Error(
						`Timed out after ${Math.round(this.lockWaitMs / 1000)} s waiting for the Redis lock of ${namespace} (another execution holds it); retry the execution`,
					);
				}
				await sleep(wait * (0.5 + Math.random()));
				wait = Math.min(wait * 2, 50);
			}
			localAtLock = performance.now();
		}
		let lost = false;
		const timer =
			this.renewLock && locks.length
				? setInterval(
						() => {
							this.scripts.kvRenewMany(locks.length, ...locks, token, this.lockTtlMs).then(
								(ok) => (lost ||= ok !== 1),
								() => undefined,
							);
						},
						Math.max(10, Math.floor(this.lockTtlMs / 3)),
					)
				: undefined;
		timer?.unref?.();
		try {
			return await fn(
				token,
				locks,
				() => lost,
				() => (serverAtLock ? serverAtLock + (performance.now() - localAtLock) : 0),
			);
		} finally {
			if (timer) clearInterval(timer);
			if (locks.length) await this.scripts.kvReleaseMany(locks.length, ...locks, token).catch(() => undefined);
		}
	}

	/** Namespaces whose keys match `${prefix}{<ns>}<suffix>`, found by SCAN (erasure: rare, bounded steps). */
	private async scanNamespaces(nsPrefix: string, suffix: string): Promise<string[]> {
		const found = new Set<string>();
		const glob = (t: string) => t.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
		const head = `${this.prefix}{`;
		let cursor = '0';
		do {
			const [next, keys] = await this.client.scan(
				cursor,
				'MATCH',
				`${glob(head)}${glob(nsPrefix)}*}${glob(suffix)}`,
				'COUNT',
				1000,
			);
			cursor = next;
			for (const key of keys) {
				const end = key.lastIndexOf(`}${suffix}`);
				if (key.startsWith(head) && end > head.length) found.add(key.slice(head.length, end));
			}
		} while (cursor !== '0');
		return [...found].sort();
	}

	async scored(namespace: string, index: string, upTo: number, limit: number): Promise<string[]> {
		return await this.client.zrangebyscore(this.k(namespace, 'z', index), '-inf', Math.floor(upTo), 'LIMIT', 0, limit);
	}

	async scoredCount(namespace: string, index: string): Promise<number> {
		return await this.client.zcard(this.k(namespace, 'z', index));
	}

	async namespaces(prefix: string): Promise<string[]> {
		return await this.scanNamespaces(prefix.replace(/[{}]/g, '_'), `:${KV_LOCK}:keys`);
	}

	async memoryNamespaces(prefix: string): Promise<string[]> {
		return await this.scanNamespaces(prefix.replace(/[{}]/g, '_'), ':age');
	}

	async peek(namespace: string, keys: string[]): Promise<Map<string, string>> {
		return await this.read(namespace, keys);
	}

	async put(
		namespace: string,
		writes: Array<{ key: string; value: string | null; expiresAt?: number }>,
	): Promise<void> {
		for (let i = 0; i < writes.length; i += 200) {
			const chunk = writes.slice(i, i + 200);
			const args: Array<string | number> = [];
			for (const w of chunk)
				args.push(w.value === null ? 'del' : 'set', w.value ?? '', w.expiresAt ? Math.round(w.expiresAt) : 0);
			await this.scripts.kvPut(
				chunk.length + 1,
				this.k(namespace, KV_LOCK),
				...chunk.map((w) => this.k(namespace, 'kv', w.key)),
				...args,
			);
		}
	}

	/** The live values of these keys (500 per MGET). */
	private async read(namespace: string, keys: string[]): Promise<Map<string, string>> {
		const unique = [...new Set(keys)];
		const out = new Map<string, string>();
		for (let i = 0; i < unique.length; i += 500) {
			const chunk = unique.slice(i, i + 500);
			const values = await this.client.mget(...chunk.map((key) => this.k(namespace, 'kv', key)));
			chunk.forEach((key, n) => values[n] !== null && out.set(key, values[n]!));
		}
		return out;
	}

	async entries(namespace: string, prefix = ''): Promise<Record<string, string>> {
		const all = (await this.client.smembers(this.kvIndex(namespace))).filter((k) =>
			k.startsWith(this.k(namespace, 'kv', prefix)),
		);
		if (!all.length) return {};
		const values = await this.client.mget(...all);
		// Expired counters of past periods leave the key index here.
		const gone = all.filter((_, i) => values[i] === null);
		if (gone.length) await this.client.srem(this.kvIndex(namespace), ...gone);
		const base = this.k(namespace, 'kv', '');
		const live = all.flatMap((k, i) =>
			values[i] !== null ? [[k.slice(base.length), values[i]!] as [string, string]] : [],
		);
		return Object.fromEntries(live.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
	}

	async *pages(namespace: string, prefix = '', size = 2000): AsyncIterable<Array<[string, string]>> {
		// SSCAN walks the key index in steps (a key may come twice; none present throughout is missed).
		const wanted = this.k(namespace, 'kv', prefix);
		const base = this.k(namespace, 'kv', '');
		let cursor = '0';
		do {
			const [next, found] = await this.client.sscan(this.kvIndex(namespace), cursor, 'COUNT', size);
			cursor = next;
			const keys = found.filter((k) => k.startsWith(wanted));
			if (!keys.length) continue;
			const values = await this.client.mget(...keys);
			const page = keys.flatMap((k, i) =>
				values[i] !== null ? [[k.slice(base.length), values[i]!] as [string, string]] : [],
			);
			if (page.length) yield page;
		} while (cursor !== '0');
	}

	async clearKeys(namespace: string): Promise<number> {
		return await this.locked(
			namespace,
			async () => {
				const index = this.kvIndex(namespace);
				const all = await this.client.smembers(index);
				let n = 0;
				for (let i = 0; i < all.length; i += 500) n += await this.client.del(...all.slice(i, i + 500));
				await this.client.del(index);
				// The sorted indexes kept beside the keys.
				const zkeys = await this.client.smembers(`${this.k(namespace, KV_LOCK)}:zkeys`);
				if (zkeys.length) await this.client.del(...zkeys, `${this.k(namespace, KV_LOCK)}:zkeys`);
				return n;
			},
			KV_LOCK,
		);
	}

	private ended = false;

	get closed(): boolean {
		return this.ended || this.client.status === 'end';
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.ended = true;
		// A client cut off from its server (reconnecting) would hold QUIT, and its reconnection
		// timers the process, until it gave up: it is dropped at once instead.
		if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
		else this.client.disconnect();
	}
}

/** The lock of a namespace's key-value transactions (apart from the lead memory's lock). */
const KV_LOCK = 'kvlock';

const openStores = new Map<string, Promise<RedisStore>>();

/** One connection per server, database and prefix per process; a closed one is reopened. */
export async function openRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
	// The passwords are part of the identity: another credential must never reuse this connection.
	const secret = createHash('sha256')
		.update(`${options.password ?? ''}\u0000${options.sentinelPassword ?? ''}`)
		.digest('hex');
	const id = JSON.stringify([
		options.mode ?? 'standalone',
		options.host,
		options.port,
		options.nodes ?? [],
		options.sentinelName ?? '',
		options.db ?? 0,
		options.username ?? '',
		secret,
		options.keyPrefix ?? '',
		!!options.tls,
		!!options.tlsAllowUnauthorized,
	]);
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

/** Closes every connection this process opened (tests; n8n keeps them for its lifetime). */
export async function closeRedisStores(): Promise<void> {
	const all = [...openStores.values()];
	openStores.clear();
	for (const opening of all) await (await opening.catch(() => undefined))?.close();
}
