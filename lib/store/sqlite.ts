import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DatabaseSync as DatabaseSyncType, StatementSync } from 'node:sqlite';
import type { StateStore } from './types';

type SqliteModule = typeof import('node:sqlite');

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

export class SqliteStore implements StateStore {
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
