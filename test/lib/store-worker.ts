// Child process for the store concurrency test: claims every key in argv order and prints the wins.
// `thread`: the store as the nodes open it (its own worker thread), else on this thread;
// `thread-open`: the same, never closed (the process must still end by itself).
import { openSqliteStore, SqliteStore } from '../../lib/store/sqlite';

async function main(): Promise<void> {
	const [path, keysJson, where = 'inline'] = process.argv.slice(2);
	const store = where.startsWith('thread') ? openSqliteStore(path) : new SqliteStore(path);
	const keys = JSON.parse(keysJson) as string[];
	const wins: string[] = [];
	for (const key of keys) if (await store.claim('test', key, 60_000)) wins.push(key);
	if (where !== 'thread-open') await store.close();
	process.stdout.write(JSON.stringify(wins));
}
void main();
