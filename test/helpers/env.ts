import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// One state file per jest worker and run (a name from the pid alone was reused by a later run whose
// worker got the same pid, which then read that run's leads, rotations and clocks), removed when the
// worker exits. The n8n processes the e2e tests start inherit it.
if (!process.env.LEAD_MANAGEMENT_DB) {
	const file = join(tmpdir(), `lead-management-test-${process.pid}-${randomUUID()}.sqlite`);
	process.env.LEAD_MANAGEMENT_DB = file;
	process.once('exit', () => {
		for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
	});
}
