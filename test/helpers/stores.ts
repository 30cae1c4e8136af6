/**
 * The key-value stores a test runs against: embedded SQLite in memory (on the test's thread, and on
 * its own worker thread as the nodes use it), and a throw-away redis-server.
 */
import { RedisStore } from '../../lib/store/redis';
import { SqliteStore } from '../../lib/store/sqlite';
import { SqliteWorkerStore } from '../../lib/store/sqliteWorker';
import type { KeyValueStore } from '../../lib/store/types';
import { startRedis } from './redisServer';

export type OpenedKvStore = { store: KeyValueStore & { close(): unknown }; stop?: () => Promise<void> };

/** `[name, open]` pairs for `it.each`; Redis keys go under `keyPrefix`. */
export function kvStoreKinds(keyPrefix: string): Array<[string, () => Promise<OpenedKvStore>]> {
	return [
		['SQLite', async () => ({ store: new SqliteStore(':memory:') })],
		// As the nodes open it: the same store, its queries on a worker thread.
		['SQLite (own thread)', async () => ({ store: new SqliteWorkerStore(':memory:') })],
		[
			'Redis',
			async () => {
				const server = await startRedis();
				return {
					store: await RedisStore.open({ host: '127.0.0.1', port: server.port, keyPrefix }),
					stop: () => server.stop(),
				};
			},
		],
	];
}
