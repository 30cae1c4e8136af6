import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DatabaseSync as DatabaseSyncType, StatementSync } from 'node:sqlite';
import {
	bestCandidate,
	BufferedView,
	candidateLimit,
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

type SqliteModule = typeof import('node:sqlite');

/**
 * A key's most recent holders with their records: the key's own index range (ns, key, seen_at),
 * then each record by primary key. (Joining the tables with ORDER BY seen_at let SQLite walk every
 * remembered record in age order when a lead had a single key.)
 */
export const CANDIDATES_SQL = `SELECT r.record_id, r.canonical_id, r.vals, r.seen_at
	FROM (SELECT record_id FROM dedupe_keys WHERE ns = ?1 AND key = ?2 ORDER BY seen_at DESC LIMIT ?3) AS k
	CROSS JOIN dedupe_records AS r ON r.ns = ?1 AND r.record_id = k.record_id`;

/** The lead memory's schema version (PRAGMA user_version): 2 has per-key recency and first sightings. */
const MEMORY_SCHEMA = 2;

/**
 * Creates the lead memory's tables, or brings a file from an earlier version up to date
 * (version 1: key rows without their record's time, records without their first sighting).
 * Runs in a transaction, so concurrent processes opening one file migrate it once.
 */
function migrateLeadMemory(db: DatabaseSyncType): void {
	const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
	if (version >= MEMORY_SCHEMA) return;
	const columns = (table: string) => (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
	db.exec(`CREATE TABLE IF NOT EXISTS dedupe_records (
		ns TEXT NOT NULL, record_id TEXT NOT NULL, canonical_id TEXT NOT NULL, vals TEXT NOT NULL,
		seen_at INTEGER NOT NULL, first_seen_at INTEGER, PRIMARY KEY (ns, record_id))`);
	if (!columns('dedupe_records').includes('first_seen_at')) {
		db.exec('ALTER TABLE dedupe_records ADD COLUMN first_seen_at INTEGER');
		db.exec('UPDATE dedupe_records SET first_seen_at = seen_at');
	}
	db.exec('CREATE INDEX IF NOT EXISTS dedupe_records_age ON dedupe_records (ns, seen_at)');
	db.exec('CREATE INDEX IF NOT EXISTS dedupe_records_canonical ON dedupe_records (ns, canonical_id)');
	const keyColumns = columns('dedupe_keys');
	if (keyColumns.length && !keyColumns.includes('seen_at')) db.exec('ALTER TABLE dedupe_keys RENAME TO dedupe_keys_v1');
	db.exec(`CREATE TABLE IF NOT EXISTS dedupe_keys (
		ns TEXT NOT NULL, key TEXT NOT NULL, seen_at INTEGER NOT NULL, record_id TEXT NOT NULL,
		PRIMARY KEY (ns, key, seen_at, record_id)) WITHOUT ROWID`);
	if (keyColumns.length && !keyColumns.includes('seen_at')) {
		db.exec(`INSERT OR IGNORE INTO dedupe_keys (ns, key, seen_at, record_id)
			SELECT k.ns, k.key, r.seen_at, k.record_id FROM dedupe_keys_v1 k JOIN dedupe_records r ON r.ns = k.ns AND r.record_id = k.record_id`);
		db.exec('DROP TABLE dedupe_keys_v1');
	}
	db.exec('CREATE INDEX IF NOT EXISTS dedupe_keys_record ON dedupe_keys (ns, record_id)');
	db.exec(`PRAGMA user_version = ${MEMORY_SCHEMA}`);
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
	return join(env.N8N_USER_FOLDER || homedir(), '.n8n', 'lead-management.sqlite');
}

export class SqliteStore implements StateStore, LeadMemory, KeyValueStore {
	private readonly db: DatabaseSyncType;
	private readonly claimStmt: StatementSync;
	private readonly releaseStmt: StatementSync;
	private readonly purgeStmt: StatementSync;
	private claims = 0;

	constructor(readonly path: string) {
		if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
		const { DatabaseSync } = loadSqlite();
		this.db = new DatabaseSync(path, { timeout: 10000 });
		this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
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
		this.db.exec(`CREATE TABLE IF NOT EXISTS dedupe_counts (ns TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID`);
		this.transaction(() => migrateLeadMemory(this.db));
	}

	/** Runs `fn` inside BEGIN IMMEDIATE: the write lock is taken up front, so readers cannot race. */
	private transaction<T>(fn: () => T): T {
		this.db.exec('BEGIN IMMEDIATE');
		try {
			const out = fn();
			this.db.exec('COMMIT');
			return out;
		} catch (e) {
			this.db.exec('ROLLBACK');
			throw e;
		}
	}


	/**
	 * Remembered records sharing a key with the lead: for each key, its most recent holders
	 * (`candidateLimit`), each key read through its own index range, so a look-up costs the same
	 * with a thousand or a million remembered leads, and a value shared by thousands of leads
	 * (a switchboard phone) brings no more candidates than any other.
	 */
	private candidates(namespace: string, keys: string[]): RememberedLead[] {
		const out = new Map<string, RememberedLead>();
		const query = this.statement(CANDIDATES_SQL);
		for (const key of keys) {
			for (const row of query.all(namespace, key, candidateLimit(key)) as Array<{ record_id: string; canonical_id: string; vals: string; seen_at: number }>) {
				if (out.has(row.record_id)) continue;
				out.set(row.record_id, { recordId: row.record_id, canonicalId: row.canonical_id, values: JSON.parse(row.vals), seenAt: Number(row.seen_at) });
			}
		}
		return [...out.values()];
	}

	async recall(namespace: string, lead: RecallLead, decide: CandidateDecision, retention: Retention, now = Date.now()): Promise<RecallResult> {
		return this.transaction(() => this.recallOne(namespace, lead, decide, retention, now));
	}

	async recallMany(namespace: string, leads: Array<{ lead: RecallLead; decide: CandidateDecision }>, retention: Retention, now = Date.now()): Promise<RecallResult[]> {
		if (!leads.length) return [];
		return this.transaction(() => leads.map(({ lead, decide }) => this.recallOne(namespace, lead, decide, retention, now)));
	}

	/** Look up, decide and record one lead; runs inside a transaction. */
	private recallOne(namespace: string, lead: RecallLead, decide: CandidateDecision, retention: Retention, now: number): RecallResult {
		this.applyRetention(namespace, retention, now);
		const keys = [...new Set(lead.keys)];
		const known = this.statement('SELECT canonical_id, seen_at, first_seen_at FROM dedupe_records WHERE ns = ? AND record_id = ?').get(namespace, lead.recordId) as
			| { canonical_id: string; seen_at: number; first_seen_at: number | null }
			| undefined;
		if (known) {
			// The same lead again (a re-delivery, a retried execution): refreshed, not compared.
			this.statement('UPDATE dedupe_records SET vals = ?, seen_at = ? WHERE ns = ? AND record_id = ?').run(JSON.stringify(lead.values), now, namespace, lead.recordId);
			this.statement('DELETE FROM dedupe_keys WHERE ns = ? AND record_id = ?').run(namespace, lead.recordId);
			this.insertKeys(namespace, lead.recordId, keys, now);
			return { repeat: { canonicalId: known.canonical_id, firstSeenAt: Number(known.first_seen_at ?? known.seen_at) } };
		}
		const best = bestCandidate(this.candidates(namespace, keys), decide);
		// Remember this record too (under the lead it duplicates), so later variants match it.
		const canonical = best.duplicateOf?.canonicalId ?? lead.recordId;
		this.addCount(namespace, 1);
		this.statement('INSERT INTO dedupe_records (ns, record_id, canonical_id, vals, seen_at, first_seen_at) VALUES (?, ?, ?, ?, ?, ?)').run(namespace, lead.recordId, canonical, JSON.stringify(lead.values), now, now);
		this.insertKeys(namespace, lead.recordId, keys, now);
		return best;
	}

	private insertKeys(namespace: string, recordId: string, keys: string[], now: number): void {
		const insertKey = this.statement('INSERT OR IGNORE INTO dedupe_keys (ns, key, seen_at, record_id) VALUES (?, ?, ?, ?)');
		for (const key of keys) insertKey.run(namespace, key, now, recordId);
	}

	private readonly statements = new Map<string, StatementSync>();

	/** Prepared once per connection. */
	private statement(sql: string): StatementSync {
		let stmt = this.statements.get(sql);
		if (!stmt) {
			stmt = this.db.prepare(sql);
			this.statements.set(sql, stmt);
		}
		return stmt;
	}

	private applyRetention(namespace: string, retention: Retention, now: number): void {
		if (retention.maxAgeMs > 0) this.deleteRecords(namespace, 'seen_at < ?', [now - retention.maxAgeMs]);
		if (retention.maxEntries > 0) {
			// Evict the oldest, making room for the record about to be added: never refuse to work when full.
			const excess = this.recordCount(namespace) - retention.maxEntries + 1;
			if (excess > 0) {
				this.deleteRecords(namespace, `record_id IN (SELECT record_id FROM dedupe_records WHERE ns = ? ORDER BY seen_at ASC, rowid ASC LIMIT ?)`, [namespace, excess]);
			}
		}
	}

	private deleteRecords(namespace: string, where: string, params: Array<string | number>): number {
		const ids = this.statement(`SELECT record_id FROM dedupe_records WHERE ns = ? AND ${where}`).all(namespace, ...params) as Array<{ record_id: string }>;
		const delKeys = this.statement('DELETE FROM dedupe_keys WHERE ns = ? AND record_id = ?');
		const delRecord = this.statement('DELETE FROM dedupe_records WHERE ns = ? AND record_id = ?');
		for (const { record_id } of ids) {
			delKeys.run(namespace, record_id);
			delRecord.run(namespace, record_id);
		}
		if (ids.length) this.addCount(namespace, -ids.length);
		return ids.length;
	}

	/**
	 * Records remembered in a namespace, kept in a counter row updated in the same transactions as
	 * the records (a COUNT(*) per lookup would grow with the memory). Counted once for files
	 * written before the counter existed.
	 */
	private recordCount(namespace: string): number {
		const row = this.statement('SELECT n FROM dedupe_counts WHERE ns = ?').get(namespace) as { n: number } | undefined;
		if (row) return Number(row.n);
		const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM dedupe_records WHERE ns = ?').get(namespace) as { n: number };
		this.db.prepare('INSERT INTO dedupe_counts (ns, n) VALUES (?, ?)').run(namespace, Number(n));
		return Number(n);
	}

	/**
	 * Moves the counter with the records. Without a counter row there is nothing to move: the next
	 * `recordCount` counts the records themselves, this change included (same transaction).
	 */
	private addCount(namespace: string, delta: number): void {
		this.statement('UPDATE dedupe_counts SET n = n + ? WHERE ns = ?').run(delta, namespace);
	}

	async forget(namespace: string, leadIds: string[]): Promise<number> {
		return this.transaction(() => {
			let n = 0;
			for (const id of leadIds) n += this.deleteRecords(namespace, '(record_id = ? OR canonical_id = ? OR canonical_id IN (SELECT canonical_id FROM dedupe_records WHERE ns = ? AND record_id = ?))', [id, id, namespace, id]);
			return n;
		});
	}

	async forgetByKey(namespace: string, key: string): Promise<number> {
		const ids = this.db.prepare('SELECT DISTINCT r.canonical_id AS id FROM dedupe_keys k JOIN dedupe_records r ON r.ns = k.ns AND r.record_id = k.record_id WHERE k.ns = ? AND k.key = ?').all(namespace, key) as Array<{ id: string }>;
		return await this.forget(namespace, ids.map((r) => r.id));
	}

	async clear(namespace: string): Promise<number> {
		return this.transaction(() => {
			this.db.prepare('DELETE FROM dedupe_keys WHERE ns = ?').run(namespace);
			this.db.prepare('DELETE FROM dedupe_counts WHERE ns = ?').run(namespace);
			return Number(this.db.prepare('DELETE FROM dedupe_records WHERE ns = ?').run(namespace).changes);
		});
	}

	async count(namespace: string): Promise<number> {
		return this.transaction(() => this.recordCount(namespace));
	}

	private kvTransactions = 0;

	async transact<T>(namespace: string, keys: string[], fn: (view: KvView) => T, now = Date.now()): Promise<T> {
		return this.transaction(() => {
			const unique = [...new Set(keys)];
			const loaded = new Map<string, string>();
			// Bounded statement size: SQLite allows 32766 variables.
			for (let i = 0; i < unique.length; i += 500) {
				const chunk = unique.slice(i, i + 500);
				const rows = this.db
					.prepare(`SELECT key, value FROM kv WHERE ns = ? AND key IN (${chunk.map(() => '?').join(',')}) AND (expires_at IS NULL OR expires_at > ?)`)
					.all(namespace, ...chunk, now) as Array<{ key: string; value: string }>;
				for (const row of rows) loaded.set(row.key, row.value);
			}
			const view = new BufferedView(unique, loaded);
			const out = fn(view);
			const put = this.statement('INSERT INTO kv (ns, key, value, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at');
			const del = this.statement('DELETE FROM kv WHERE ns = ? AND key = ?');
			for (const [key, w] of view.writes) {
				if (w.value === null) del.run(namespace, key);
				else put.run(namespace, key, w.value, w.expiresAt ?? null);
			}
			if (++this.kvTransactions % 200 === 0) this.db.prepare('DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now);
			return out;
		});
	}

	async entries(namespace: string, prefix = '', now = Date.now()): Promise<Record<string, string>> {
		// Range scan on the primary key: keys from `prefix` up to `prefix` followed by the highest code point.
		const rows = this.db
			.prepare('SELECT key, value FROM kv WHERE ns = ? AND key >= ? AND key < ? AND (expires_at IS NULL OR expires_at > ?) ORDER BY key')
			.all(namespace, prefix, `${prefix}\u{10FFFF}`, now) as Array<{ key: string; value: string }>;
		return Object.fromEntries(rows.map((r) => [r.key, r.value]));
	}

	async clearKeys(namespace: string): Promise<number> {
		return Number(this.db.prepare('DELETE FROM kv WHERE ns = ?').run(namespace).changes);
	}

	async claim(namespace: string, key: string, ttlMs: number, now = Date.now()): Promise<boolean> {
		const result = this.claimStmt.run(namespace, key, now + Math.max(1, ttlMs), now);
		if (++this.claims % 1000 === 0) this.purgeStmt.run(now);
		return Number(result.changes) === 1;
	}

	async release(namespace: string, key: string): Promise<void> {
		this.releaseStmt.run(namespace, key);
	}

	async close(): Promise<void> {
		if (this.db.isOpen) this.db.close();
		openStores.delete(this.path);
	}
}

const openStores = new Map<string, SqliteStore>();

/** One connection per file per process, shared by every node and execution. */
export function openSqliteStore(path = defaultStorePath()): SqliteStore {
	let store = openStores.get(path);
	if (!store) {
		store = new SqliteStore(path);
		openStores.set(path, store);
	}
	return store;
}
