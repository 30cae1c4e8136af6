import type { KeyValueStore } from '../store/types';
import { Router, type RouteDecision, type RouteRequest } from './router';

/**
 * Routes a batch of leads in one transaction of the state store: the rotation pointers, weights,
 * counters and account owners every decision reads are the ones the previous decision wrote,
 * whichever executions, processes or hosts route at the same time.
 */
export async function routeLeads(
	router: Router,
	requests: RouteRequest[],
	store: KeyValueStore,
	namespace: string,
	now = Date.now(),
): Promise<RouteDecision[]> {
	if (!requests.length) return [];
	return await store.transact(
		namespace,
		router.keysFor(requests, now),
		(view) => requests.map((r) => router.route(r, view, now)),
		now,
	);
}
