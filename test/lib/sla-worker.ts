// Child process for the SLA concurrency test: runs Check Due at a given time and prints the
// alerts it emitted (lead uid, status, level).
import { checkDue } from '../../lib/sla/ledger';
import { openRedisStore } from '../../lib/store/redis';
import { SqliteStore } from '../../lib/store/sqlite';
import type { KeyValueStore } from '../../lib/store/types';

async function main(): Promise<void> {
	const [kind, where, nowText, batch] = process.argv.slice(2);
	const store: KeyValueStore & { close(): Promise<void> | void } =
		kind === 'redis' ? await openRedisStore({ host: '127.0.0.1', port: Number(where) }) : new SqliteStore(where);
	const { alerts } = await checkDue(store, 'sla:race', Date.parse(nowText), Number(batch));
	await store.close();
	process.stdout.write(JSON.stringify(alerts.map((a) => [a.entry.uid, a.result.status, a.result.escalation_level])));
}
void main();
