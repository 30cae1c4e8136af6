// Child process for the event-loop test: another process that takes the state file's write lock
// and holds it, `rounds` times for `holdMs`, as a long transaction elsewhere would.
import { DatabaseSync } from 'node:sqlite';

const [path, rounds, holdMs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const db = new DatabaseSync(path, { timeout: 10_000 });
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
process.stdout.write('ready\n');
for (let i = 0; i < rounds; i++) {
	db.exec('BEGIN IMMEDIATE');
	db.prepare('INSERT OR REPLACE INTO kv (ns, key, value, expires_at) VALUES (?, ?, ?, NULL)').run(
		'holder',
		`k${i}`,
		'x',
	);
	pause(holdMs);
	db.exec('COMMIT');
	pause(20);
}
db.close();
