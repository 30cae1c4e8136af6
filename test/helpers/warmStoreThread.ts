/**
 * Jest global setup of the unit and nodes projects: starts the embedded store's thread once before
 * any test, so it compiles its TypeScript sources into its cache (see startThread in
 * lib/store/sqliteWorker.ts) outside every test's time limit. A fresh clone has an empty cache,
 * and on a busy machine the first store of a test file otherwise paid the compilation inside its
 * test (a node test once passed jest's 5 s that way). Only a warm-up: where the store cannot run
 * (no node:sqlite), the tests that need it say so themselves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../lib/store/sqlite';

export default async function warmStoreThread(): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), 'lead-store-warm-'));
	try {
		const store = openSqliteStore(join(dir, 'warm.sqlite'));
		await store.count('warm-up').catch(() => undefined);
		await store.close().catch(() => undefined);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
