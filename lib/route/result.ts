import type { KvView } from '../store/types';
import type { Owner } from './owners';
import type { RouteDecision, Router } from './router';

/** Who an owner is, as leads and load reports show them. */
function ownerIdentity(o: Owner | undefined) {
	return { id: o?.id ?? null, name: o?.name ?? null, email: o?.email ?? null, crm_owner_id: o?.crmOwnerId ?? null };
}

/** The `owner` section a routed lead carries: who, how, and the routing log. */
export interface OwnerSection {
	id: string | null;
	name: string | null;
	email: string | null;
	crm_owner_id: string | null;
	status: RouteDecision['status'];
	method: string | null;
	assigned_at: string | null;
	/** The owner's own time zone (SLA Check reads business hours in it), or null. */
	time_zone: string | null;
	routing: {
		rule: string | null;
		/** 1-based, as the rules are numbered in the node. */
		rule_number: number | null;
		pool: string | null;
		strategy: string | null;
		reason: string;
		skipped: Array<{ id: string; name: string; reason: string }>;
		counts: Record<string, number> | null;
		routed_at: string;
	};
}

export function ownerSection(decision: RouteDecision, now: number): OwnerSection {
	const at = new Date(now).toISOString();
	const o = decision.owner;
	return {
		...ownerIdentity(o),
		status: decision.status,
		method: decision.method ?? null,
		assigned_at: o ? at : null,
		time_zone: o?.timeZone ?? null,
		routing: {
			rule: decision.rule ?? null,
			rule_number: decision.ruleIndex >= 0 ? decision.ruleIndex + 1 : null,
			pool: decision.pool ?? null,
			strategy: decision.strategy ?? null,
			reason: decision.reason,
			skipped: decision.skipped,
			counts: decision.counts ?? null,
			routed_at: at,
		},
	};
}

/**
 * The lead with its owner section (under `field`, `owner` by default) and, for canonical leads
 * (those with a `history` array), one history entry.
 */
export function withRouting(
	lead: Record<string, unknown>,
	decision: RouteDecision,
	now: number,
	field = 'owner',
	/** The node as the user named it, for the history entry. */
	nodeName = 'Route Leads',
): Record<string, unknown> {
	const section = ownerSection(decision, now);
	const out: Record<string, unknown> = { ...lead, [field]: section };
	if (Array.isArray(lead.history)) {
		out.history = [
			...lead.history,
			{
				at: section.routing.routed_at,
				node: nodeName,
				action: decision.status === 'assigned' ? 'assigned' : decision.status === 'output' ? 'routed' : 'unassigned',
				detail: {
					owner_id: section.id,
					method: section.method,
					rule: section.routing.rule,
					pool: section.routing.pool,
					reason: section.routing.reason,
				},
			},
		];
	}
	return out;
}

/** An owner's counts, caps and availability now (the Get Owner Loads operation). */
export function ownerLoad(router: Router, o: Owner, view: KvView, now: number) {
	const why = router.unavailable(o, view, now, { schedule: true, hours: true });
	return {
		...ownerIdentity(o),
		teams: o.teams,
		available: !why,
		unavailable_reason: why ?? null,
		counts: {
			today: router.count(view, o, 'day', now),
			this_week: router.count(view, o, 'week', now),
			this_month: router.count(view, o, 'month', now),
			all_time: router.count(view, o, 'all', now),
		},
		caps: { day: o.caps.day ?? null, week: o.caps.week ?? null, month: o.caps.month ?? null },
		time_zone: o.timeZone ?? router.settings.timeZone,
	};
}
