// Child process for the stage concurrency test: advances each lead to its next stage `rounds`
// times, one transaction per move, and prints how many moves advanced and how many were unchanged.
import { moveMany } from '../../lib/stage/memory';
import { defaultLifecycle } from '../../lib/stage/stages';
import { openRedisStore } from '../../lib/store/redis';
import { SqliteStore } from '../../lib/store/sqlite';
import type { KeyValueStore } from '../../lib/store/types';

async function main(): Promise<void> {
	const [kind, where, leadsText, roundsText, worker] = process.argv.slice(2);
	const store: KeyValueStore & { close(): Promise<void> | void } =
		kind === 'redis' ? await openRedisStore({ host: '127.0.0.1', port: Number(where) }) : new SqliteStore(where);
	const list = defaultLifecycle();
	const counts = { advanced: 0, unchanged: 0, refused: 0 };
	const leads = Array.from({ length: Number(leadsText) }, (_, i) => i);
	if (Number(worker) % 2) leads.reverse();
	for (let round = 0; round < Number(roundsText); round++) {
		for (const i of leads) {
			const [result] = await moveMany(
				store,
				'stage:race',
				list,
				{ allowBackward: false, allowSkip: false },
				[
					{
						lead: { ids: [`lead-${i}`], emails: [`p${i}@acme.com`] },
						request: { kind: 'next' },
						at: new Date(Date.parse('2026-12-01T00:00:00Z') + round * 1000).toISOString(),
						dims: {},
						missingFor: () => [],
					},
				],
				{ node: `worker ${worker}` },
			);
			counts[result.outcome.status]++;
		}
	}
	await store.close();
	process.stdout.write(JSON.stringify(counts));
}
void main();
