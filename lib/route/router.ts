import type { KvView } from '../store/types';
import { zoneTime } from '../time/words';
import type { Owner } from './owners';
import {
	describeWorkingHours,
	isInDateRanges,
	isWithinWorkingHours,
	isValidTimeZone,
	periodEnd,
	periodKey,
	PERIODS,
	type Period,
} from './time';

/** How a pool picks among its eligible members. */
export type Strategy = 'roundRobin' | 'weighted' | 'lowestLoad';

/** Where a rule (or "no rule matched") sends a lead. */
export type Target =
	| { type: 'owner'; owner: string }
	| { type: 'pool'; pool: string }
	| { type: 'output' }
	| { type: 'unassigned' };

export interface RuleSpec {
	/** Shown in the routing log and as the output's name. */
	name: string;
	target: Target;
}

export interface PoolSpec {
	name: string;
	strategy: Strategy;
	/** Owner IDs or team names, in rotation order; empty = the owners in the team of this name. */
	members?: string[];
}

/** The pool of every owner, usable wherever a pool name is expected. */
export const ALL_OWNERS = '*';

export interface RouterSettings {
	owners: Owner[];
	pools?: PoolSpec[];
	rules: RuleSpec[];
	/** Where leads go when no rule matches. */
	noMatch: Target;
	/** Gets the lead when nobody in the target is eligible (still never over a cap, never inactive). */
	fallbackOwner?: string;
	/** Zone of quota periods, and of owners who state none. */
	timeZone: string;
	respectWorkingHours: boolean;
	/** When nobody is within working hours: fall back, or pick among those otherwise eligible. */
	whenNobodyAvailable: 'fallback' | 'ignoreWorkingHours';
	/** Strategy of team pools not listed in `pools`. */
	defaultStrategy: Strategy;
	/** What "load" counts in lowest-load pools. */
	loadPeriod: Period | 'all';
	accountOwnerFirst: boolean;
	/** Record the first owner of a company domain, for account-owner-first routing later. */
	rememberAccountOwners: boolean;
}

/** One lead, as the router needs it: which rule matched (by n8n's condition builder) and its company. */
export interface RouteRequest {
	/** Index of the first matching rule, or -1. */
	ruleIndex: number;
	domain?: string | null;
	/** An owner ID for the lead's account from the lead or a reference list; beats the remembered one. */
	accountOwnerId?: string | null;
}

export type RouteMethod = 'account_owner' | 'owner' | 'pool' | 'fallback';

export interface Skip {
	id: string;
	name: string;
	reason: string;
}

export interface RouteDecision {
	status: 'assigned' | 'output' | 'unassigned';
	owner?: Owner;
	method?: RouteMethod;
	/** Index of the matched rule, -1 when none matched. */
	ruleIndex: number;
	rule?: string;
	pool?: string;
	strategy?: Strategy;
	reason: string;
	skipped: Skip[];
	/** The owner's counts after this assignment. */
	counts?: Record<Period | 'all', number>;
}

export class RouteConfigError extends Error {}

interface Pool {
	name: string;
	strategy: Strategy;
	members: Owner[];
}

const DAY_MS = 86_400_000;
/** Every assignment is counted per day, ISO week and month (for caps and loads) and for ever. */
const COUNTED: Array<Period | 'all'> = [...PERIODS, 'all'];

/** Pointer, weights and counter keys in the state store, per routing memory. */
export const stateKey = {
	pointer: (pool: string) => `rr:${pool}`,
	weights: (pool: string) => `wrr:${pool}`,
	count: (owner: string, period: string) => `n:${owner}:${period}`,
	account: (domain: string) => `acct:${domain}`,
};

/**
 * Assigns leads to owners: account owner first, then the first matching rule's owner or pool,
 * then the fallback owner; never silently drops a lead. Decisions read and write rotation
 * pointers, weights and counters through a `KvView`, so the caller makes each batch one
 * transaction of the state store (exact under concurrent executions).
 */
export class Router {
	readonly owners: Owner[];
	private readonly byId = new Map<string, Owner>();
	private readonly pools = new Map<string, Pool>();

	constructor(readonly settings: RouterSettings) {
		if (!isValidTimeZone(settings.timeZone))
			throw new RouteConfigError(`Time zone "${settings.timeZone}" is not an IANA time zone such as Europe/Paris`);
		this.owners = settings.owners;
		for (const o of this.owners) this.byId.set(o.id.toLowerCase(), o);
		const teams = new Set(this.owners.flatMap((o) => o.teams));
		for (const spec of settings.pools ?? []) {
			if (!spec.name.trim()) throw new RouteConfigError('Every pool needs a name');
			if (this.pools.has(spec.name.toLowerCase())) throw new RouteConfigError(`Pool "${spec.name}" is defined twice`);
			this.pools.set(spec.name.toLowerCase(), {
				name: spec.name,
				strategy: spec.strategy,
				members: this.resolveMembers(spec),
			});
		}
		for (const team of teams) {
			if (!this.pools.has(team.toLowerCase()))
				this.pools.set(team.toLowerCase(), {
					name: team,
					strategy: settings.defaultStrategy,
					members: this.resolveMembers({ name: team, strategy: settings.defaultStrategy }),
				});
		}
		settings.rules.forEach((rule, i) => this.checkTarget(rule.target, `Rule ${i + 1} ("${rule.name}")`));
		this.checkTarget(settings.noMatch, 'When no rule matches');
		if (settings.fallbackOwner && !this.owner(settings.fallbackOwner)) {
			throw new RouteConfigError(
				`Fallback owner "${settings.fallbackOwner}" is not among the owners (${this.ownerList()})`,
			);
		}
	}

	private ownerList(): string {
		const ids = this.owners.map((o) => o.id);
		return ids.length ? ids.slice(0, 10).join(', ') + (ids.length > 10 ? ', ...' : '') : 'none defined';
	}

	owner(id: string): Owner | undefined {
		return this.byId.get(id.trim().toLowerCase());
	}

	/** The owners in a team (names compared without case). */
	private team(name: string): Owner[] {
		const wanted = name.toLowerCase();
		return this.owners.filter((o) => o.teams.some((t) => t.toLowerCase() === wanted));
	}

	private resolveMembers(spec: PoolSpec): Owner[] {
		const names = (spec.members ?? []).map((m) => m.trim()).filter(Boolean);
		if (!names.length) {
			const members = this.team(spec.name);
			if (!members.length)
				throw new RouteConfigError(
					`Pool "${spec.name}" has no members: list owner IDs or teams, or put owners in team "${spec.name}"`,
				);
			return members;
		}
		const members: Owner[] = [];
		for (const name of names) {
			const owner = this.owner(name);
			const team = this.team(name);
			if (!owner && !team.length)
				throw new RouteConfigError(
					`Pool "${spec.name}": "${name}" is neither an owner ID nor a team (owners: ${this.ownerList()})`,
				);
			for (const o of owner ? [owner] : team) if (!members.includes(o)) members.push(o);
		}
		return members;
	}

	private pool(name: string): Pool | undefined {
		const n = name.trim();
		if (n === ALL_OWNERS || n === '')
			return this.owners.length
				? { name: 'All Owners', strategy: this.settings.defaultStrategy, members: this.owners }
				: undefined;
		return this.pools.get(n.toLowerCase());
	}

	private checkTarget(target: Target, label: string): void {
		if (target.type === 'owner' && !target.owner)
			throw new RouteConfigError(`${label}: choose the owner ID to assign to`);
		if (target.type === 'owner' && !this.owner(target.owner)) {
			throw new RouteConfigError(`${label}: no owner with the ID "${target.owner}" (owners: ${this.ownerList()})`);
		}
		if (target.type === 'pool' && !this.pool(target.pool)) {
			const known = [...this.pools.values()].map((p) => p.name);
			throw new RouteConfigError(
				`${label}: no pool or team named "${target.pool}" (${known.length ? `known: ${known.join(', ')}` : 'no pools or teams defined'}; "*" means all owners)`,
			);
		}
	}

	/** Every state key a batch of leads may read, so the store can load them in one go. */
	keysFor(requests: RouteRequest[], now: number): string[] {
		const keys = new Set<string>();
		for (const o of this.owners) for (const period of COUNTED) keys.add(this.countKey(o, period, now));
		for (const pool of [...this.pools.values(), { name: 'All Owners' }]) {
			keys.add(stateKey.pointer(pool.name));
			keys.add(stateKey.weights(pool.name));
		}
		if (this.settings.accountOwnerFirst || this.settings.rememberAccountOwners) {
			for (const r of requests) if (r.domain) keys.add(stateKey.account(r.domain));
		}
		return [...keys];
	}

	/** The batch's instant, with the period keys and ends at it (quota zone): worked out once per batch. */
	private periods: { now: number; keys: Record<Period | 'all', string>; ends: Record<Period, number> } | undefined;

	private periodsAt(now: number): NonNullable<Router['periods']> {
		if (this.periods?.now !== now) {
			const zone = this.settings.timeZone;
			this.periods = {
				now,
				keys: {
					day: periodKey('day', now, zone),
					week: periodKey('week', now, zone),
					month: periodKey('month', now, zone),
					all: 'all',
				},
				ends: {
					day: periodEnd('day', now, zone),
					week: periodEnd('week', now, zone),
					month: periodEnd('month', now, zone),
				},
			};
		}
		return this.periods;
	}

	/** When the period containing `now` ends (quota zone). */
	private periodEndOf(period: Period, now: number): number {
		return this.periodsAt(now).ends[period];
	}

	/** The counter key of an owner for the period containing `now` (quota zone), or for ever. */
	private countKey(owner: Owner, period: Period | 'all', now: number): string {
		// A batch routes at one instant: the period keys are worked out once, not per owner and lead.
		return stateKey.count(owner.id, this.periodsAt(now).keys[period]);
	}

	/** How many leads an owner got in the period containing `now` (quota zone), or ever. */
	count(view: KvView, owner: Owner, period: Period | 'all', now: number): number {
		return Number(view.get(this.countKey(owner, period, now)) ?? 0);
	}

	/** Why an owner cannot take a lead now, or undefined when they can. */
	unavailable(
		owner: Owner,
		view: KvView,
		now: number,
		check: { schedule: boolean; hours: boolean },
	): string | undefined {
		if (!owner.active) return 'inactive';
		const zone = owner.timeZone ?? this.settings.timeZone;
		if (check.schedule && isInDateRanges(owner.outOfOffice, now, zone)) return 'out of office';
		if (check.hours && this.settings.respectWorkingHours && !isWithinWorkingHours(owner.workingHours, now, zone))
			return `outside working hours (${describeWorkingHours(owner.workingHours)}, ${zoneTime(zone)})`;
		for (const period of PERIODS) {
			const cap = owner.caps[period];
			if (cap === undefined) continue;
			const n = this.count(view, owner, period, now);
			if (n >= cap) return `${period === 'day' ? 'daily' : `${period}ly`} cap reached (${n}/${cap})`;
		}
		return undefined;
	}

	/** Routes one lead, recording its effects (counters, pointers, account owner) in `view`. */
	route(request: RouteRequest, view: KvView, now: number): RouteDecision {
		const skipped: Skip[] = [];
		const rule = request.ruleIndex >= 0 ? this.settings.rules[request.ruleIndex] : undefined;
		const base = { ruleIndex: rule ? request.ruleIndex : -1, rule: rule?.name, skipped };
		const domain = request.domain || undefined;

		if (this.settings.accountOwnerFirst) {
			const id = request.accountOwnerId?.trim() || (domain ? view.get(stateKey.account(domain)) : undefined);
			if (id) {
				const owner = this.owner(id);
				// The account owner keeps the account outside working hours; inactive, away or capped, the lead moves on.
				const why = owner
					? this.unavailable(owner, view, now, { schedule: true, hours: false })
					: 'not among the owners';
				if (owner && !why)
					return this.assign(
						view,
						now,
						owner,
						{ ...base, method: 'account_owner', reason: `account owner of ${domain ?? 'this lead'}` },
						domain,
					);
				skipped.push({ id, name: owner?.name ?? id, reason: `account owner: ${why}` });
			}
		}

		const target = rule ? rule.target : this.settings.noMatch;
		const where = rule ? `rule "${rule.name}"` : 'no rule matched';
		if (target.type === 'output')
			return { ...base, status: 'output', reason: `${where}: sent to its output without an owner` };
		if (target.type === 'unassigned')
			return this.fallback(view, now, base, domain, `${where} and no owner is set for that case`);

		const pool: Pool =
			target.type === 'owner'
				? { name: '', strategy: 'roundRobin', members: [this.owner(target.owner)!] }
				: this.pool(target.pool)!;
		const inPool = target.type === 'pool' ? { ...base, pool: pool.name, strategy: pool.strategy } : base;
		const picked = this.pick(pool, view, now, skipped);
		if (picked) {
			const method: RouteMethod = target.type === 'owner' ? 'owner' : 'pool';
			const reason =
				target.type === 'owner'
					? `${where}: assigned to ${picked.name}`
					: `${where}: ${describe(pool.strategy)} in ${pool.name}`;
			return this.assign(view, now, picked, { ...inPool, method, reason }, domain);
		}
		const nobody =
			target.type === 'owner' ? `${pool.members[0].name} is not available` : `nobody in ${pool.name} is available`;
		return this.fallback(view, now, inPool, domain, `${where}, but ${nobody}`);
	}

	private fallback(
		view: KvView,
		now: number,
		base: Omit<RouteDecision, 'status' | 'reason'>,
		domain: string | undefined,
		why: string,
	): RouteDecision {
		const id = this.settings.fallbackOwner;
		if (!id) return { ...base, status: 'unassigned', reason: `${why}; no fallback owner is set` };
		const owner = this.owner(id)!;
		const blocked = this.unavailable(owner, view, now, { schedule: false, hours: false });
		if (blocked) {
			base.skipped.push({ id: owner.id, name: owner.name, reason: `fallback owner: ${blocked}` });
			return { ...base, status: 'unassigned', reason: `${why}; the fallback owner is ${blocked}` };
		}
		return this.assign(
			view,
			now,
			owner,
			{ ...base, method: 'fallback', reason: `${why}: fallback owner` },
			domain,
			false,
		);
	}

	/** The pool's pick among eligible members; records skipped members and why. */
	private pick(pool: Pool, view: KvView, now: number, skipped: Skip[]): Owner | undefined {
		const attempt = (hours: boolean) => {
			const reasons = new Map<Owner, string>();
			const eligible = pool.members.filter((o) => {
				const why =
					this.unavailable(o, view, now, { schedule: true, hours }) ??
					(pool.strategy !== 'roundRobin' && o.weight <= 0 ? 'weight 0' : undefined);
				if (why) reasons.set(o, why);
				return !why;
			});
			return { eligible, reasons };
		};
		let { eligible, reasons } = attempt(true);
		if (
			!eligible.length &&
			this.settings.whenNobodyAvailable === 'ignoreWorkingHours' &&
			this.settings.respectWorkingHours
		) {
			const second = attempt(false);
			if (second.eligible.length) {
				for (const [o, why] of reasons)
					if (!second.reasons.has(o))
						skipped.push({ id: o.id, name: o.name, reason: `${why}; taken anyway: nobody is within working hours` });
				({ eligible, reasons } = second);
			}
		}
		for (const [o, why] of reasons) skipped.push({ id: o.id, name: o.name, reason: why });
		if (!eligible.length) return undefined;
		if (pool.strategy === 'weighted') return this.pickWeighted(pool, eligible, view);
		if (pool.strategy === 'lowestLoad') return this.pickLowestLoad(pool, eligible, view, now);
		return this.pickRoundRobin(pool, eligible, view);
	}

	/** Members in turn order: the one after the last assigned first. */
	private turnOrder(pool: Pool, view: KvView): Owner[] {
		if (!pool.name) return pool.members;
		const last = view.get(stateKey.pointer(pool.name));
		const at = last ? pool.members.findIndex((o) => o.id === last) : -1;
		return [...pool.members.slice(at + 1), ...pool.members.slice(0, at + 1)];
	}

	private pickRoundRobin(pool: Pool, eligible: Owner[], view: KvView): Owner {
		const picked = this.turnOrder(pool, view).find((o) => eligible.includes(o))!;
		if (pool.name) view.set(stateKey.pointer(pool.name), picked.id);
		return picked;
	}

	/**
	 * Smooth weighted round robin (as in nginx): every turn each eligible member gains its weight,
	 * the richest is picked and pays the total. Over any run of N turns with the same eligible
	 * members, each gets its exact share of N, spread out rather than in bursts.
	 */
	private pickWeighted(pool: Pool, eligible: Owner[], view: KvView): Owner {
		const key = stateKey.weights(pool.name);
		const current = JSON.parse(view.get(key) ?? '{}') as Record<string, number>;
		const total = eligible.reduce((s, o) => s + o.weight, 0);
		let best: Owner | undefined;
		for (const o of eligible) {
			current[o.id] = round((current[o.id] ?? 0) + o.weight);
			if (!best || current[o.id] > current[best.id]) best = o;
		}
		current[best!.id] = round(current[best!.id] - total);
		// Members no longer in the pool leave the state.
		const kept = Object.fromEntries(Object.entries(current).filter(([id]) => pool.members.some((o) => o.id === id)));
		view.set(key, JSON.stringify(kept));
		return best!;
	}

	/** Fewest leads in the load period per unit of weight; ties go in turn order. */
	private pickLowestLoad(pool: Pool, eligible: Owner[], view: KvView, now: number): Owner {
		let best: Owner | undefined;
		let bestLoad = Infinity;
		for (const o of this.turnOrder(pool, view)) {
			if (!eligible.includes(o)) continue;
			const load = (this.count(view, o, this.settings.loadPeriod, now) + o.baseLoad) / o.weight;
			if (load < bestLoad - 1e-9) {
				best = o;
				bestLoad = load;
			}
		}
		view.set(stateKey.pointer(pool.name), best!.id);
		return best!;
	}

	private assign(
		view: KvView,
		now: number,
		owner: Owner,
		decision: Omit<RouteDecision, 'status' | 'owner' | 'counts'>,
		domain: string | undefined,
		remember = true,
	): RouteDecision {
		const counts = {} as Record<Period | 'all', number>;
		for (const period of COUNTED) {
			const n = this.count(view, owner, period, now) + 1;
			view.set(
				this.countKey(owner, period, now),
				String(n),
				period === 'all' ? undefined : this.periodEndOf(period, now) + DAY_MS,
			);
			counts[period] = n;
		}
		if (remember && domain && this.settings.rememberAccountOwners && !view.get(stateKey.account(domain)))
			view.set(stateKey.account(domain), owner.id);
		return { ...decision, status: 'assigned', owner, counts };
	}
}

const round = (n: number) => Math.round(n * 1e9) / 1e9;

function describe(strategy: Strategy): string {
	return strategy === 'weighted' ? 'weighted round robin' : strategy === 'lowestLoad' ? 'lowest load' : 'round robin';
}
