// Child process for the routing concurrency test: routes leads one transaction at a time through
// three routers sharing one store (round robin, weighted, capped) and prints how many each owner got.
import { routeLeads } from '../../lib/route/route';
import { parseOwners } from '../../lib/route/owners';
import { Router, type RouterSettings } from '../../lib/route/router';
import { openRedisStore } from '../../lib/store/redis';
import { SqliteStore } from '../../lib/store/sqlite';
import type { KeyValueStore } from '../../lib/store/types';

const base = {
	timeZone: 'UTC',
	respectWorkingHours: true,
	whenNobodyAvailable: 'fallback',
	loadPeriod: 'all',
	accountOwnerFirst: false,
	rememberAccountOwners: false,
} as const;
const make = (owners: object[], s: Partial<RouterSettings>) =>
	new Router({
		...base,
		owners: parseOwners(owners),
		rules: [],
		noMatch: { type: 'pool', pool: '*' },
		defaultStrategy: 'roundRobin',
		...s,
	});

async function main(): Promise<void> {
	const [kind, where, countText, nowText] = process.argv.slice(2);
	const store: KeyValueStore & { close(): Promise<void> } =
		kind === 'redis' ? await openRedisStore({ host: '127.0.0.1', port: Number(where) }) : new SqliteStore(where);
	const routers: Array<[string, Router]> = [
		['rr', make([{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }], {})],
		[
			'w',
			make(
				[
					{ id: 'a', weight: 2 },
					{ id: 'b', weight: 1 },
					{ id: 'c', weight: 1 },
				],
				{ defaultStrategy: 'weighted' },
			),
		],
		[
			'cap',
			make(
				[
					{ id: 'a', cap_month: 100 },
					{ id: 'b', cap_month: 50 },
				],
				{},
			),
		],
	];
	const counts: Record<string, number> = {};
	const now = Number(nowText);
	for (let i = 0; i < Number(countText); i++) {
		for (const [name, router] of routers) {
			const [d] = await routeLeads(router, [{ ruleIndex: -1 }], store, `race-${name}`, now);
			const key = `${name}:${d.owner?.id ?? d.status}`;
			counts[key] = (counts[key] ?? 0) + 1;
		}
	}
	await store.close();
	process.stdout.write(JSON.stringify(counts));
}
void main();
