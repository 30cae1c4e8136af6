import { mkdirSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { DatabaseSync as DatabaseSyncType, StatementSync } from 'node:sqlite';
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
	type RememberedLead,
	type Retention,
	type StateStore,
} from './types';

import { DEFAULT_STORE_FILE } from './path';
import { SqliteWorkerStore } from './sqliteWorker';

type SqliteModule = typeof import('node:sqlite');

/**
 * The row ids of the most recent holders of each key, each key read through its own range of the
 * (ns, key, seen_at) primary key: one subquery per key, its limit written into the statement
 * (with a bound LIMIT, SQLite sorts instead of stopping early, several times slower).
 * Parameters: ?1 the namespace, then one per key.
 */
export function candidatesSql(keys: string[]): string {
	return keys
		.map(
			(key, i) =>
				`SELECT rid FROM (SELECT rid FROM dedupe_keys WHERE ns = ?1 AND key = ?${i + 2} ORDER BY seen_at DESC LIMIT ${candidateLimit(key)})`,
		)
		.join(' UNION ALL ');
}

/**
 * The candidates' records: each record once (a lead usually shares several keys with its
 * duplicate), read by row id. Parameters as `candidatesSql`.
 */
export function candidateRecordsSql(keys: string[]): string {
	return `SELECT r.record_id, r.canonical_id, r.vals, r.seen_at FROM (SELECT DISTINCT rid FROM (${candidatesSql(keys)})) AS k
		CROSS JOIN dedupe_records AS r ON r.rid = k.rid`;
}

/**
 * Moves a cluster's records under another canonical lead (?1 the new canonical id, ?2 the
 * namespace, ?3 the old one). Named index: without it SQLite reads the whole namespace through
 * the primary key, once per cluster joined (130 ms at a million remembered leads).
 */
export const JOIN_CLUSTER_SQL =
	'UPDATE dedupe_records INDEXED BY dedupe_records_canonical SET canonical_id = ?1 WHERE ns = ?2 AND canonical_id = ?3';

/**
 * The records of the lead `?2` belongs to (?1 the namespace): itself, the records it is canonical
 * for, and the records of its own canonical lead. Each part reads an index range (an OR of the
 * three read the whole namespace).
 */
export const FORGET_SQL = `SELECT rid, keys, seen_at FROM dedupe_records WHERE ns = ?1 AND record_id IN (
	SELECT ?2
	UNION SELECT record_id FROM dedupe_records INDEXED BY dedupe_records_canonical WHERE ns = ?1 AND canonical_id = ?2
	UNION SELECT record_id FROM dedupe_records INDEXED BY dedupe_records_canonical WHERE ns = ?1 AND canonical_id =
		(SELECT canonical_id FROM dedupe_records WHERE ns = ?1 AND record_id = ?2))`;

/**
 * Deletes expired keys (every 200 key-value transactions), at most 5,000 at a time, found through
 * the partial index of the keys that expire: without it, a walk of every key (a million-clock SLA
 * ledger included), in the middle of a commit that holds n8n's event loop. Expired keys left for
 * the next purge are never read (every read checks the expiry).
 */
export const PURGE_EXPIRED_SQL = `DELETE FROM kv WHERE (ns, key) IN
	(SELECT ns, key FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT 5000)`;

/**
 * The lead memory's schema version (PRAGMA user_version): 2 has per-key recency and first
 * sightings; 3 keeps records in a rowid table that key rows point at by row id.
 */
const MEMORY_SCHEMA = 3;

const exists = (db: DatabaseSyncType, table: string) =>
	!!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);

/**
 * Creates the lead memory's tables (version 3), or brings an older file up to date. Runs in a
 * transaction, so concurrent processes opening one file migrate it once. Rebuilding a version 2
 * memory takes about 20 s per million remembered leads, once.
 */
function migrateLeadMemory(db: DatabaseSyncType): void {
	const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
	if (version >= MEMORY_SCHEMA) return;
	if (!exists(db, 'dedupe_records') && !exists(db, 'dedupe_keys')) {
		createMemoryTables(db);
		createRecordIndexes(db);
	} else {
		if (version < 2) migrateToV2(db);
		migrateToV3(db);
	}
	db.exec(`PRAGMA user_version = ${MEMORY_SCHEMA}`);
}

/**
 * Records in a rowid table (interior pages of row ids only), key rows pointing at them by row id,
 * (ns, record_id) a narrow unique index. Row ids are never reused (AUTOINCREMENT), so a key row
 * can never point at another lead's record.
 */
function createMemoryTables(db: DatabaseSyncType): void {
	db.exec(`CREATE TABLE dedupe_records (
		rid INTEGER PRIMARY KEY AUTOINCREMENT, ns TEXT NOT NULL, record_id TEXT NOT NULL, canonical_id TEXT NOT NULL,
		vals TEXT NOT NULL, seen_at INTEGER NOT NULL, first_seen_at INTEGER NOT NULL, keys TEXT NOT NULL)`);
	db.exec(`CREATE TABLE dedupe_keys (
		ns TEXT NOT NULL, key TEXT NOT NULL, seen_at INTEGER NOT NULL, rid INTEGER NOT NULL,
		PRIMARY KEY (ns, key, seen_at, rid)) WITHOUT ROWID`);
}

function createRecordIndexes(db: DatabaseSyncType): void {
	db.exec('CREATE UNIQUE INDEX dedupe_records_id ON dedupe_records (ns, record_id)');
	db.exec('CREATE INDEX dedupe_records_age ON dedupe_records (ns, seen_at)');
	db.exec('CREATE INDEX dedupe_records_canonical ON dedupe_records (ns, canonical_id)');
}

/**
 * Version 1 to 2: there, key rows had no time (so a key's recent holders could not be read in
 * order) and a secondary index per key row; records had no first sighting. In version 2 each
 * record lists its own keys (so its key rows are deleted by primary key).
 */
function migrateToV2(db: DatabaseSyncType): void {
	const legacy = exists(db, 'dedupe_records');
	if (legacy) {
		db.exec('ALTER TABLE dedupe_records RENAME TO dedupe_records_v1');
		db.exec('DROP INDEX IF EXISTS dedupe_records_age');
		db.exec('DROP INDEX IF EXISTS dedupe_records_canonical');
	}
	if (exists(db, 'dedupe_keys')) {
		db.exec('ALTER TABLE dedupe_keys RENAME TO dedupe_keys_v1');
		db.exec('DROP INDEX IF EXISTS dedupe_keys_record');
	}
	db.exec(`CREATE TABLE dedupe_records (
		ns TEXT NOT NULL, record_id TEXT NOT NULL, canonical_id TEXT NOT NULL, vals TEXT NOT NULL,
		seen_at INTEGER NOT NULL, first_seen_at INTEGER NOT NULL, keys TEXT NOT NULL,
		PRIMARY KEY (ns, record_id)) WITHOUT ROWID`);
	db.exec(`CREATE TABLE dedupe_keys (
		ns TEXT NOT NULL, key TEXT NOT NULL, seen_at INTEGER NOT NULL, record_id TEXT NOT NULL,
		PRIMARY KEY (ns, key, seen_at, record_id)) WITHOUT ROWID`);
	if (legacy) {
		db.exec(`INSERT INTO dedupe_records (ns, record_id, canonical_id, vals, seen_at, first_seen_at, keys)
			SELECT r.ns, r.record_id, r.canonical_id, r.vals, r.seen_at, r.seen_at,
				COALESCE((SELECT json_group_array(k.key) FROM dedupe_keys_v1 k WHERE k.ns = r.ns AND k.record_id = r.record_id), '[]')
			FROM dedupe_records_v1 r`);
		if (exists(db, 'dedupe_keys_v1')) {
			db.exec(`INSERT OR IGNORE INTO dedupe_keys (ns, key, seen_at, record_id)
				SELECT k.ns, k.key, r.seen_at, k.record_id FROM dedupe_keys_v1 k JOIN dedupe_records_v1 r ON r.ns = k.ns AND r.record_id = k.record_id`);
		}
		db.exec('DROP TABLE dedupe_records_v1');
	}
	db.exec('DROP TABLE IF EXISTS dedupe_keys_v1');
}

/**
 * Version 2 to 3. Version 2 clustered the records, whole, by (ns, record_id) in a WITHOUT ROWID
 * table; rows of 300-500 bytes there put only a few per interior page (SQLite advises rows under
 * a twentieth of a page), so at a million records the tree was six levels deep with 21 MB of
 * interior pages, and every candidate read several pages outside SQLite's cache (see
 * `createMemoryTables` for version 3). Records are copied oldest first, so row ids follow the
 * age order, as they do for new records.
 */
function migrateToV3(db: DatabaseSyncType): void {
	db.exec('ALTER TABLE dedupe_records RENAME TO dedupe_records_v2');
	db.exec('ALTER TABLE dedupe_keys RENAME TO dedupe_keys_v2');
	db.exec('DROP INDEX IF EXISTS dedupe_records_age');
	db.exec('DROP INDEX IF EXISTS dedupe_records_canonical');
	createMemoryTables(db);
	// Indexes built after the copy (one sort each, not one insert per record).
	db.exec(`INSERT INTO dedupe_records (ns, record_id, canonical_id, vals, seen_at, first_seen_at, keys)
		SELECT ns, record_id, canonical_id, vals, seen_at, first_seen_at, keys FROM dedupe_records_v2 ORDER BY seen_at, ns, record_id`);
	createRecordIndexes(db);
	db.exec(`INSERT OR IGNORE INTO dedupe_keys (ns, key, seen_at, rid)
		SELECT k.ns, k.key, k.seen_at, r.rid FROM dedupe_keys_v2 k JOIN dedupe_records r ON r.ns = k.ns AND r.record_id = k.record_id
		ORDER BY k.ns, k.key, k.seen_at, r.rid`);
	db.exec('DROP TABLE dedupe_keys_v2');
	db.exec('DROP TABLE dedupe_records_v2');
}

/** A record as eviction and Forget read it: its row id, its keys (JSON) and when it was last seen. */
type RecordRow = { rid: number | bigint; keys: string; seen_at: number };

/** Records evicted per transaction when the retention catches up (about 65 ms each at a million). */
const RETENTION_STEP = 2000;

/** Rows of each lead-memory table deleted per transaction by Clear Memory. */
const CLEAR_STEP = 10_000;

/** Beyond this much write-ahead log, a commit checkpoints it itself. */
const WAL_LIMIT_BYTES = 256 * 1024 * 1024;

/**
 * A worker thread with its own connection that checkpoints the write-ahead log once it holds more
 * than 4 MB (PASSIVE: it never waits for, nor blocks, the writers). Unreferenced, so it never
 * keeps n8n alive.
 */
function startCheckpointer(path: string): Worker {
	const code = `
		const { workerData } = require('node:worker_threads');
		const { statSync } = require('node:fs');
		const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
		const db = new DatabaseSync(workerData.path, { timeout: 0 });
		setInterval(() => {
			try {
				if (statSync(workerData.path + '-wal').size > 4 * 1024 * 1024) db.exec('PRAGMA wal_checkpoint(PASSIVE)');
			} catch {}
		}, 250);`;
	const worker = new Worker(code, { eval: true, workerData: { path } });
	worker.on('error', () => undefined);
	worker.unref();
	return worker;
}

/** node:sqlite is built into Node >= 22.13 (always there in n8n 2.x, which needs Node 24). */
function loadSqlite(): SqliteModule {
	const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
	const mod = getBuiltin?.('node:sqlite') as SqliteModule | undefined;
	if (!mod) {
		throw new Error(
			`The embedded state store needs Node.js >= 22.13 with node:sqlite (this is ${process.version}); n8n 2.x runs on Node 24, or use the Redis store`,
		);
	}
	return mod;
}

/**
 * Where the embedded store lives: LEAD_MANAGEMENT_DB, else beside n8n's own data in
 * <N8N_USER_FOLDER or home>/.n8n/, so Docker volumes keep it.
 */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
	if (env.LEAD_MANAGEMENT_DB) return env.LEAD_MANAGEMENT_DB;
	return join(env.N8N_USER_FOLDER || homedir(), '.n8n', DEFAULT_STORE_FILE);
}

/** How long a transaction waits for another process's write lock before failing ("database is locked"). */
const BUSY_WAIT_MS = 10_000;

const isBusy = (error: unknown) => /SQLITE_BUSY|database is locked/i.test(String((error as Error)?.message ?? error));

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SqliteStore implements StateStore, LeadMemory, KeyValueStore {
	private readonly db: DatabaseSyncType;
	private readonly claimStmt: StatementSync;
	private readonly releaseStmt: StatementSync;
	private readonly purgeStmt: StatementSync;
	private claims = 0;

	constructor(readonly path: string) {
		if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
		const { DatabaseSync } = loadSqlite();
		// Opening (creating the tables, migrating) may wait up to 10 s for another process, once;
		// after that SQLite waits for no lock (see the end of the constructor).
		this.db = new DatabaseSync(path, { timeout: BUSY_WAIT_MS });
		this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
		if (path !== ':memory:') {
			// Checkpoints (copying the write-ahead log into the file, with two fsyncs) run on a worker
			// thread, not inside the commits that hold n8n's event loop (tens of ms each on slow disks).
			this.db.exec('PRAGMA wal_autocheckpoint = 0');
			this.checkpointer = startCheckpointer(path);
		}
		this.db.exec(`CREATE TABLE IF NOT EXISTS claims (
			ns TEXT NOT NULL, key TEXT NOT NULL, expires_at INTEGER NOT NULL,
			PRIMARY KEY (ns, key)) WITHOUT ROWID`);
		this.db.exec('CREATE INDEX IF NOT EXISTS claims_expiry ON claims (expires_at)');
		// One statement: insert, or take over an expired claim; SQLite serialises writers, so
		// exactly one concurrent caller changes a row.
		this.claimStmt = this.db.prepare(`INSERT INTO claims (ns, key, expires_at) VALUES (?, ?, ?)
			ON CONFLICT (ns, key) DO UPDATE SET expires_at = excluded.expires_at WHERE claims.expires_at <= ?`);
		this.releaseStmt = this.db.prepare('DELETE FROM claims WHERE ns = ? AND key = ?');
		this.purgeStmt = this.db.prepare('DELETE FROM claims WHERE expires_at <= ?');
		this.db.exec(`CREATE TABLE IF NOT EXISTS kv (
			ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER,
			PRIMARY KEY (ns, key)) WITHOUT ROWID`);
		// Only the keys that expire (Route's period counters): the purge reads them, not every key.
		this.db.exec('CREATE INDEX IF NOT EXISTS kv_expiry ON kv (expires_at) WHERE expires_at IS NOT NULL');
		this.db.exec(`CREATE TABLE IF NOT EXISTS dedupe_counts (ns TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID`);
		// Sorted indexes beside the keys (SLA Check's open clocks by when each may change).
		this.db.exec(`CREATE TABLE IF NOT EXISTS kv_scores (
			ns TEXT NOT NULL, idx TEXT NOT NULL, member TEXT NOT NULL, score INTEGER NOT NULL,
			PRIMARY KEY (ns, idx, member)) WITHOUT ROWID`);
		this.db.exec('CREATE INDEX IF NOT EXISTS kv_scores_by_score ON kv_scores (ns, idx, score)');
		this.transaction(() => migrateLeadMemory(this.db));
		// No busy wait inside SQLite from here: a wait for another process's write lock would hold
		// n8n's event loop (the synchronous API blocks the thread). `locked` waits on timers instead.
		this.db.exec('PRAGMA busy_timeout = 0');
	}

	private readonly checkpointer?: Worker;
	private commits = 0;

	/**
	 * Runs `fn` in a transaction (see `transaction`), waiting for the write lock without holding the
	 * event loop: when another process holds the file, BEGIN IMMEDIATE fails at once (SQLITE_BUSY)
	 * and is tried again after a short sleep on n8n's timers (1 ms doubling to 50 ms, with jitter),
	 * up to `BUSY_WAIT_MS`; then it fails with SQLite's "database is locked". Nothing of `fn` has run
	 * when BEGIN fails, so trying again is safe.
	 */
	private async locked<T>(fn: () => T): Promise<T> {
		const deadline = Date.now() + BUSY_WAIT_MS;
		let delay = 1;
		for (;;) {
			try {
				return this.transaction(fn);
			} catch (error) {
				if (!isBusy(error) || Date.now() > deadline) throw error;
				this.lockWaits++;
				await sleep(delay * (0.5 + Math.random()));
				delay = Math.min(50, delay * 2);
			}
		}
	}

	/** How often a transaction waited for another process's lock (for the tests and the bench). */
	lockWaits = 0;

	/** The longest a single synchronous transaction (waiting for the lock included) held the thread, in ms. */
	longestTransactionMs = 0;

	/** Runs `fn` inside BEGIN IMMEDIATE: the write lock is taken up front, so readers cannot race. */
	private transaction<T>(fn: () => T): T {
		const started = performance.now();
		try {
			return this.inTransaction(fn);
		} finally {
			this.longestTransactionMs = Math.max(this.longestTransactionMs, performance.now() - started);
		}
	}

	private inTransaction<T>(fn: () => T): T {
		this.db.exec('BEGIN IMMEDIATE');
		let out: T;
		try {
			out = fn();
			this.flushCounts();
			this.db.exec('COMMIT');
		} catch (e) {
			this.counts.clear();
			this.db.exec('ROLLBACK');
			throw e;
		}
		if (this.checkpointer && ++this.commits % 256 === 0) this.checkpointIfBehind();
		return out;
	}

	/** Should the checkpoint thread fall behind (or be gone), the log is checkpointed here. */
	private checkpointIfBehind(): void {
		try {
			if (statSync(`${this.path}-wal`).size > WAL_LIMIT_BYTES) this.db.exec('PRAGMA wal_checkpoint(PASSIVE)');
		} catch {
			// no log file yet
		}
	}

	/**
	 * Remembered records sharing a key with the lead: for each key, its most recent holders
	 * (`candidateLimit`), so a look-up reads a bounded number of records however many are
	 * remembered, and a value shared by thousands of leads (a switchboard phone) brings no more
	 * candidates than any other. One statement: each key's row ids, then each record once.
	 */
	private candidates(namespace: string, keys: string[]): RememberedLead[] {
		if (!keys.length) return [];
		const rows = this.statement(candidateRecordsSql(keys), true).all(namespace, ...keys) as unknown as Array<
			[string, string, string, number]
		>;
		return rows.map(([recordId, canonicalId, vals, seenAt]) => ({
			recordId,
			canonicalId,
			values: JSON.parse(vals),
			seenAt: Number(seenAt),
		}));
	}

	async recall(
		namespace: string,
		lead: RecallLead,
		decide: CandidateDecision,
		retention: Retention,
		now = Date.now(),
	): Promise<RecallResult> {
		await this.catchUpRetention(namespace, retention, now);
		return await this.locked(() => this.recallOne(namespace, lead, decide, retention, now));
	}

	async recallMany(
		namespace: string,
		leads: Array<{ lead: RecallLead; decide: CandidateDecision }>,
		retention: Retention,
		now = Date.now(),
	): Promise<RecallResult[]> {
		if (!leads.length) return [];
		await this.catchUpRetention(namespace, retention, now);
		return await this.locked(() =>
			leads.map(({ lead, decide }) => this.recallOne(namespace, lead, decide, retention, now)),
		);
	}

	/** Look up, decide and record one lead; runs inside a transaction. */
	private recallOne(
		namespace: string,
		lead: RecallLead,
		decide: CandidateDecision,
		retention: Retention,
		now: number,
	): RecallResult {
		this.applyRetention(namespace, retention, now);
		const keys = [...new Set(lead.keys)];
		const known = this.statement(
			'SELECT rid, canonical_id, first_seen_at, keys, seen_at FROM dedupe_records WHERE ns = ? AND record_id = ?',
			true,
		).get(namespace, lead.recordId) as [number, string, number, string, number] | undefined;
		if (known) {
			// The same lead again (a re-delivery, a retried execution): refreshed, not compared.
			const [rid, canonicalId, firstSeenAt, oldKeys, seenAt] = known;
			this.deleteKeys(namespace, rid, oldKeys, seenAt);
			this.statement('UPDATE dedupe_records SET vals = ?, seen_at = ?, keys = ? WHERE rid = ?').run(
				JSON.stringify(lead.values),
				now,
				JSON.stringify(keys),
				rid,
			);
			this.insertKeys(namespace, rid, keys, now);
			return { repeat: { canonicalId, firstSeenAt: Number(firstSeenAt) } };
		}
		const found = this.choose(this.candidates(namespace, keys), decide);
		const { result: best, target, others } = joinClusters(found, this.firstSeen(namespace, found.clusters));
		if (target) {
			const setCluster = this.statement(JOIN_CLUSTER_SQL);
			for (const other of others) setCluster.run(target, namespace, other);
		}
		// Remember this record too (under the lead it duplicates), so later variants match it.
		const canonical = best.duplicateOf?.canonicalId ?? lead.recordId;
		this.addCount(namespace, 1);
		const { lastInsertRowid } = this.statement(
			'INSERT INTO dedupe_records (ns, record_id, canonical_id, vals, seen_at, first_seen_at, keys) VALUES (?, ?, ?, ?, ?, ?, ?)',
		).run(namespace, lead.recordId, canonical, JSON.stringify(lead.values), now, now, JSON.stringify(keys));
		this.insertKeys(namespace, Number(lastInsertRowid), keys, now);
		return best;
	}

	/**
	 * Which candidates the lead matches (`bestCandidate`). In the store's worker thread this asks
	 * n8n's thread, where the decision lives (see sqliteThread.ts).
	 */
	protected choose(candidates: RememberedLead[], decide: CandidateDecision): ReturnType<typeof bestCandidate> {
		return bestCandidate(candidates, decide);
	}

	/** When each of these clusters' first lead was seen (only asked when a lead links several). */
	private firstSeen(namespace: string, clusters: string[]): Map<string, number> {
		if (clusters.length < 2) return new Map();
		const rows = this.statement(
			`SELECT record_id, first_seen_at FROM dedupe_records WHERE ns = ? AND record_id IN (${clusters.map(() => '?').join(',')})`,
			true,
		).all(namespace, ...clusters) as unknown as Array<[string, number]>;
		return new Map(rows.map(([id, at]) => [id, Number(at)]));
	}

	/** A record's key rows, in one statement. */
	private insertKeys(namespace: string, rid: number, keys: string[], now: number): void {
		if (!keys.length) return;
		const values = keys.map((_, i) => `(?1, ?${i + 4}, ?2, ?3)`).join(', ');
		this.statement(`INSERT OR IGNORE INTO dedupe_keys (ns, key, seen_at, rid) VALUES ${values}`).run(
			namespace,
			now,
			rid,
			...keys,
		);
	}

	/** A record's key rows, found by primary key from the keys the record lists. */
	private deleteKeys(namespace: string, rid: number, keysJson: string, seenAt: number): void {
		const del = this.statement('DELETE FROM dedupe_keys WHERE ns = ? AND key = ? AND seen_at = ? AND rid = ?');
		for (const key of JSON.parse(keysJson) as string[]) del.run(namespace, key, seenAt, rid);
	}

	private readonly statements = new Map<string, StatementSync>();

	/** Prepared once per connection (a bounded cache: look-up statements vary with the lead's keys). */
	private statement(sql: string, arrays = false): StatementSync {
		let stmt = this.statements.get(sql);
		if (!stmt) {
			if (this.statements.size >= 1000) this.statements.clear();
			stmt = this.db.prepare(sql);
			if (arrays) stmt.setReturnArrays(true);
			this.statements.set(sql, stmt);
		}
		return stmt;
	}

	/**
	 * Evicts what the retention no longer keeps a bounded number of records per transaction,
	 * letting n8n's event loop run between them, before a look-up: a large eviction (Max Entries
	 * lowered, Max Age set on an old memory) took one transaction that held n8n for half a minute
	 * at a million records. What is left for the look-up's own transaction is at most a few records.
	 */
	private async catchUpRetention(namespace: string, retention: Retention, now: number): Promise<void> {
		if (!(retention.maxAgeMs > 0) && !(retention.maxEntries > 0)) return;
		while (await this.evictableStep(namespace, retention, now)) {
			await this.locked(() => this.applyRetention(namespace, retention, now, RETENTION_STEP));
			await yieldToLoop();
		}
	}

	/**
	 * Whether at least `RETENTION_STEP` records are due for eviction, read outside any transaction
	 * (an index range and the counter row), so a look-up with little to evict takes no extra write
	 * lock: the few left go in its own transaction.
	 */
	private async evictableStep(namespace: string, retention: Retention, now: number): Promise<boolean> {
		if (retention.maxAgeMs > 0) {
			const [expired] = this.statement(
				`SELECT COUNT(*) FROM (SELECT 1 FROM dedupe_records WHERE ns = ? AND seen_at < ? LIMIT ${RETENTION_STEP})`,
				true,
			).get(namespace, now - retention.maxAgeMs) as unknown as [number];
			if (Number(expired) >= RETENTION_STEP) return true;
		}
		if (retention.maxEntries > 0) {
			let row = this.statement('SELECT n FROM dedupe_counts WHERE ns = ?').get(namespace) as { n: number } | undefined;
			// A file from before the counter row: counted once, in a transaction.
			if (!row) row = { n: await this.locked(() => this.recordCount(namespace)) };
			if (Number(row.n) - retention.maxEntries >= RETENTION_STEP) return true;
		}
		return false;
	}

	/** Evicts expired records, then the oldest beyond Max Entries (at most `limit` of each). */
	private applyRetention(namespace: string, retention: Retention, now: number, limit = Infinity): void {
		if (retention.maxAgeMs > 0) {
			this.deleteRecords(namespace, `seen_at < ? ORDER BY seen_at${Number.isFinite(limit) ? ` LIMIT ${limit}` : ''}`, [
				now - retention.maxAgeMs,
			]);
		}
		if (retention.maxEntries > 0) {
			// Evict the oldest, making room for the record about to be added: never refuse to work when full.
			const excess = Math.min(limit, this.recordCount(namespace) - retention.maxEntries + 1);
			if (excess > 0) {
				this.deleteRecords(
					namespace,
					`rid IN (SELECT rid FROM dedupe_records WHERE ns = ? ORDER BY seen_at ASC, rid ASC LIMIT ?)`,
					[namespace, excess],
				);
			}
		}
	}

	private deleteRecords(namespace: string, where: string, params: Array<string | number>): number {
		return this.deleteRows(
			namespace,
			this.statement(`SELECT rid, keys, seen_at FROM dedupe_records WHERE ns = ? AND ${where}`).all(
				namespace,
				...params,
			) as RecordRow[],
		);
	}

	private deleteRows(namespace: string, rows: RecordRow[]): number {
		const delRecord = this.statement('DELETE FROM dedupe_records WHERE rid = ?');
		for (const { rid, keys, seen_at } of rows) {
			this.deleteKeys(namespace, Number(rid), keys, seen_at);
			delRecord.run(rid);
		}
		if (rows.length) this.addCount(namespace, -rows.length);
		return rows.length;
	}

	/**
	 * Records remembered in a namespace, kept in a counter row updated in the same transactions as
	 * the records (a COUNT(*) per lookup would grow with the memory). Within a transaction the row
	 * is read once and its changes are written once, at the commit. Counted once for files written
	 * before the counter existed.
	 */
	private recordCount(namespace: string): number {
		const c = this.pendingCount(namespace);
		if (c.base === undefined) {
			const row = this.statement('SELECT n FROM dedupe_counts WHERE ns = ?').get(namespace) as
				| { n: number }
				| undefined;
			if (row) c.base = Number(row.n);
			else {
				// No counter row: the records are counted, this transaction's included.
				c.base = Number(
					(this.db.prepare('SELECT COUNT(*) AS n FROM dedupe_records WHERE ns = ?').get(namespace) as { n: number }).n,
				);
				this.db.prepare('INSERT INTO dedupe_counts (ns, n) VALUES (?, ?)').run(namespace, c.base);
				c.delta = 0;
			}
		}
		return c.base + c.delta;
	}

	private readonly counts = new Map<string, { base?: number; delta: number }>();

	private pendingCount(namespace: string): { base?: number; delta: number } {
		let c = this.counts.get(namespace);
		if (!c) this.counts.set(namespace, (c = { delta: 0 }));
		return c;
	}

	/** Moves the counter with the records (written at the commit, see `flushCounts`). */
	private addCount(namespace: string, delta: number): void {
		this.pendingCount(namespace).delta += delta;
	}

	/**
	 * Writes the counters' changes of the transaction. Without a counter row there is nothing to
	 * move: the next `recordCount` counts the records themselves.
	 */
	private flushCounts(): void {
		for (const [namespace, c] of this.counts)
			if (c.delta) this.statement('UPDATE dedupe_counts SET n = n + ? WHERE ns = ?').run(c.delta, namespace);
		this.counts.clear();
	}

	async forget(namespace: string, leadIds: string[]): Promise<number> {
		return await this.locked(() => {
			let n = 0;
			for (const id of leadIds)
				n += this.deleteRows(namespace, this.statement(FORGET_SQL).all(namespace, id) as RecordRow[]);
			return n;
		});
	}

	async forgetByKey(namespace: string, key: string): Promise<number> {
		const ids = this.db
			.prepare(
				'SELECT DISTINCT r.canonical_id AS id FROM dedupe_keys k CROSS JOIN dedupe_records r ON r.rid = k.rid WHERE k.ns = ? AND k.key = ?',
			)
			.all(namespace, key) as Array<{ id: string }>;
		return await this.forget(
			namespace,
			ids.map((r) => r.id),
		);
	}

	/**
	 * Forgets every remembered lead, `CLEAR_STEP` rows of each table per transaction with n8n's
	 * event loop free in between (one transaction held it 2.2 s at a million). Look-ups running
	 * meanwhile see a memory on its way out: key rows go first, and a key without its record
	 * brings no candidate.
	 */
	async clear(namespace: string): Promise<number> {
		let removed = 0;
		for (;;) {
			const [keys, records] = await this.locked(() => {
				const k = Number(
					this.statement(
						`DELETE FROM dedupe_keys WHERE (ns, key, seen_at, rid) IN
							(SELECT ns, key, seen_at, rid FROM dedupe_keys WHERE ns = ?1 LIMIT ${CLEAR_STEP})`,
					).run(namespace).changes,
				);
				const r = Number(
					this.statement(
						`DELETE FROM dedupe_records WHERE rid IN
							(SELECT rid FROM dedupe_records WHERE ns = ?1 LIMIT ${CLEAR_STEP})`,
					).run(namespace).changes,
				);
				if (r) this.addCount(namespace, -r);
				return [k, r];
			});
			removed += records;
			if (keys < CLEAR_STEP && records < CLEAR_STEP) break;
			await yieldToLoop();
		}
		return removed;
	}

	async count(namespace: string): Promise<number> {
		return await this.locked(() => this.recordCount(namespace));
	}

	async recentValues(namespace: string, limit: number): Promise<Array<Record<string, string | undefined>>> {
		const rows = await this.locked(
			() =>
				this.statement('SELECT vals FROM dedupe_records WHERE ns = ? ORDER BY seen_at DESC LIMIT ?', true).all(
					namespace,
					limit,
				) as unknown as Array<[string]>,
		);
		return rows.map(([vals]) => JSON.parse(vals) as Record<string, string | undefined>);
	}

	private kvTransactions = 0;

	async transact<T>(namespace: string, keys: string[], fn: (view: KvView) => T, now = Date.now()): Promise<T> {
		return await this.locked(() => {
			const unique = [...new Set(keys)];
			const view = new BufferedView(unique, this.readKeys(namespace, unique, now));
			const out = fn(view);
			const put = this.statement(
				'INSERT INTO kv (ns, key, value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
			);
			const del = this.statement('DELETE FROM kv WHERE ns = ? AND key = ?');
			for (const [key, w] of view.writes) {
				if (w.value === null) del.run(namespace, key);
				else put.run(namespace, key, w.value, w.expiresAt ?? null);
			}
			if (view.scores.size) {
				const setScore = this.statement(
					'INSERT INTO kv_scores (ns, idx, member, score) VALUES (?, ?, ?, ?) ON CONFLICT (ns, idx, member) DO UPDATE SET score = excluded.score',
				);
				const unscore = this.statement('DELETE FROM kv_scores WHERE ns = ? AND idx = ? AND member = ?');
				for (const { index, member, score } of view.scores.values()) {
					if (score === null) unscore.run(namespace, index, member);
					else setScore.run(namespace, index, member, Math.round(score));
				}
			}
			if (++this.kvTransactions % 200 === 0) this.statement(PURGE_EXPIRED_SQL).run(now);
			return out;
		});
	}

	/** Live values of keys, 500 per statement (SQLite allows 32766 variables). */
	private readKeys(namespace: string, keys: string[], now: number): Map<string, string> {
		const loaded = new Map<string, string>();
		for (let i = 0; i < keys.length; i += 500) {
			const chunk = keys.slice(i, i + 500);
			const rows = this.statement(
				`SELECT key, value FROM kv WHERE ns = ? AND key IN (${chunk.map(() => '?').join(',')}) AND (expires_at IS NULL OR expires_at > ?)`,
				true,
			).all(namespace, ...chunk, now) as unknown as Array<[string, string]>;
			for (const [key, value] of rows) loaded.set(key, value);
		}
		return loaded;
	}

	async entries(namespace: string, prefix = '', now = Date.now()): Promise<Record<string, string>> {
		// Range scan on the primary key: keys from `prefix` up to `prefix` followed by the highest code point.
		const rows = this.db
			.prepare(
				'SELECT key, value FROM kv WHERE ns = ? AND key >= ? AND key < ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY key',
			)
			.all(namespace, prefix, `${prefix}\u{10FFFF}`, now) as Array<{ key: string; value: string }>;
		return Object.fromEntries(rows.map((r) => [r.key, r.value]));
	}

	async *pages(namespace: string, prefix = '', size = 2000, now = Date.now()): AsyncIterable<Array<[string, string]>> {
		let rows = this.page(namespace, prefix, undefined, size, now);
		while (rows.length) {
			yield rows;
			if (rows.length < size) return;
			rows = this.page(namespace, prefix, rows[rows.length - 1][0], size, now);
		}
	}

	/**
	 * One page of `pages`: keyset pagination on the primary key, each page starting after the last
	 * key of the one before (`after`; undefined for the first page).
	 */
	page(
		namespace: string,
		prefix: string,
		after: string | undefined,
		size: number,
		now: number,
	): Array<[string, string]> {
		return this.statement(
			`SELECT key, value FROM kv WHERE ns = ? AND key ${after === undefined ? '>=' : '>'} ? AND key < ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY key LIMIT ?`,
			true,
		).all(namespace, after ?? prefix, `${prefix}\u{10FFFF}`, now, size) as unknown as Array<[string, string]>;
	}

	async clearKeys(namespace: string): Promise<number> {
		return await this.locked(() => {
			this.db.prepare('DELETE FROM kv_scores WHERE ns = ?').run(namespace);
			return Number(this.db.prepare('DELETE FROM kv WHERE ns = ?').run(namespace).changes);
		});
	}

	async scored(namespace: string, index: string, upTo: number, limit: number): Promise<string[]> {
		const rows = this.statement(
			'SELECT member FROM kv_scores WHERE ns = ? AND idx = ? AND score <= ? ORDER BY score LIMIT ?',
			true,
		).all(namespace, index, Math.floor(upTo), limit) as unknown as Array<[string]>;
		return rows.map(([member]) => member);
	}

	async scoredCount(namespace: string, index: string): Promise<number> {
		const [n] = this.statement('SELECT COUNT(*) FROM kv_scores WHERE ns = ? AND idx = ?', true).get(
			namespace,
			index,
		) as unknown as [number];
		return Number(n);
	}

	async namespaces(prefix: string): Promise<string[]> {
		const rows = this.statement('SELECT DISTINCT ns FROM kv WHERE ns >= ? AND ns < ? ORDER BY ns', true).all(
			prefix,
			`${prefix}\u{10FFFF}`,
		) as unknown as Array<[string]>;
		return rows.map(([ns]) => ns);
	}

	async memoryNamespaces(prefix: string): Promise<string[]> {
		const rows = this.statement(
			'SELECT ns FROM dedupe_counts WHERE ns >= ? AND ns < ? UNION SELECT DISTINCT ns FROM dedupe_records WHERE ns >= ? AND ns < ? ORDER BY ns',
			true,
		).all(prefix, `${prefix}\u{10FFFF}`, prefix, `${prefix}\u{10FFFF}`) as unknown as Array<[string]>;
		return rows.map(([ns]) => ns);
	}

	async peek(namespace: string, keys: string[], now = Date.now()): Promise<Map<string, string>> {
		// A plain read: in WAL mode it waits for no writer.
		return this.readKeys(namespace, [...new Set(keys)], now);
	}

	async put(
		namespace: string,
		writes: Array<{ key: string; value: string | null; expiresAt?: number }>,
	): Promise<void> {
		if (!writes.length) return;
		await this.locked(() => {
			const put = this.statement(
				'INSERT INTO kv (ns, key, value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
			);
			const del = this.statement('DELETE FROM kv WHERE ns = ? AND key = ?');
			for (const w of writes) {
				if (w.value === null) del.run(namespace, w.key);
				else put.run(namespace, w.key, w.value, w.expiresAt ?? null);
			}
		});
	}

	async claim(namespace: string, key: string, ttlMs: number, now = Date.now()): Promise<boolean> {
		return await this.locked(() => {
			const result = this.claimStmt.run(namespace, key, now + Math.max(1, ttlMs), now);
			if (++this.claims % 1000 === 0) this.purgeStmt.run(now);
			return Number(result.changes) === 1;
		});
	}

	async release(namespace: string, key: string): Promise<void> {
		await this.locked(() => this.releaseStmt.run(namespace, key));
	}

	async close(): Promise<void> {
		if (this.checkpointer) await this.checkpointer.terminate();
		if (this.db.isOpen) this.db.close();
	}
}

const openStores = new Map<string, SqliteWorkerStore>();

/**
 * One store per file per process, shared by every node and execution: its queries run on a worker
 * thread that owns the file's connection (sqliteWorker.ts), never on n8n's event loop.
 */
export function openSqliteStore(path = defaultStorePath()): SqliteWorkerStore {
	let store = openStores.get(path);
	if (!store) {
		store = new SqliteWorkerStore(path, () => openStores.delete(path));
		openStores.set(path, store);
	}
	return store;
}
