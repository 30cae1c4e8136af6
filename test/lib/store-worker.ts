// Child process for the store concurrency test: claims every key in argv order and prints the wins.
import { SqliteStore } from '../../lib/store/sqlite';

async function main(): Promise<void> {
	const [path, keysJson] = process.argv.slice(2);
	const store = new SqliteStore(path);
	const keys = JSON.parse(keysJson) as string[];
	const wins: string[] = [];
	for (const key of keys) if (await store.claim('test', key, 60_000)) wins.push(key);
	await store.close();
	process.stdout.write(JSON.stringify(wins));
}
void main();
