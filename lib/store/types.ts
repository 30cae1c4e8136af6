/**
 * State that outlives one execution goes through these interfaces, never through workflow static
 * data (saved at the end of an execution, so concurrent executions overwrite each other).
 */
import { checkGroups, type Contradiction, type GroupCheck } from '../dedupe/chaining';
export interface StateStore {
	/**
	 * Records `key` in `namespace` unless it is already there and younger than `ttlMs`.
	 * Check and record are one atomic step: of any number of concurrent calls with the same key,
	 * across processes, exactly one returns true.
	 */
	claim(namespace: string, key: string, ttlMs: number, now?: number): Promise<boolean>;
	/** Forgets a key (GDPR erasure, or a submission the workflow failed to process). */
	release(namespace: string, key: string): Promise<void>;
	close(): Promise<void>;
}

/** A remembered lead: its comparable values and the lead it was recognised as. */
export interface RememberedLead {
	recordId: string;
	canonicalId: string;
	values: Record<string, string | undefined>;
	seenAt: number;
}

/** A lead to look up and record: its id, comparable values and blocking keys. */
export interface RecallLead {
	recordId: string;
	values: Record<string, string | undefined>;
	keys: string[];
}

export interface Retention {
	/** Keep at most this many records per namespace; the oldest go first. 0 = no limit. */
	maxEntries: number;
	/** Forget records older than this. 0 = never. */
	maxAgeMs: number;
}

export interface RecallResult {
	/** The remembered lead this one duplicates, or undefined when it is new. */
	duplicateOf?: RememberedLead;
	score?: number;
	fields?: string[];
	/**
	 * Set when this very lead (same record id) was remembered before: a re-delivered submission or
	 * a retried execution, not a duplicate of another lead. Nothing else is looked up for it.
	 */
	repeat?: { canonicalId: string; firstSeenAt: number };
	/**
	 * Leads remembered as different people until this one matched records of each: their clusters
	 * were joined into the oldest one (whose id `duplicateOf.canonicalId` then is).
	 */
	merged?: string[];
	/** How a remembered group with contradicting records was judged (joined, or kept apart from `other`). */
	groupCheck?: GroupCheck & { other: string };
}

/**
 * Memory of leads seen in earlier executions (Dedupe). `recall` looks up candidates by blocking
 * key, lets the caller decide, and records the lead, all in one transaction: two executions
 * handling the same person at once get exactly one "new".
 */
export interface LeadMemory {
	recall(
		namespace: string,
		lead: RecallLead,
		decide: CandidateDecision,
		retention: Retention,
		now?: number,
	): Promise<RecallResult>;
	/**
	 * `recall` for several leads in order, in one transaction (SQLite) or under one lock with
	 * pipelined commands (Redis): each lead sees the ones before it. Same results as calling
	 * `recall` for each, with far fewer round trips.
	 */
	recallMany(
		namespace: string,
		leads: Array<{ lead: RecallLead; decide: CandidateDecision }>,
		retention: Retention,
		now?: number,
	): Promise<RecallResult[]>;
	/** GDPR erasure: forgets every record of these leads (by record or canonical id). Returns how many. */
	forget(namespace: string, leadIds: string[]): Promise<number>;
	/** Forgets every record remembered under a value key (e.g. an email), with its whole lead. */
	forgetByKey(namespace: string, key: string): Promise<number>;
	clear(namespace: string): Promise<number>;
	count(namespace: string): Promise<number>;
	/** The values of the `limit` most recently seen leads (what memory comparisons learn weights from). */
	recentValues(namespace: string, limit: number): Promise<Array<Record<string, string | undefined>>>;
	/** The lead memories whose namespace starts with `prefix` (erasure across workflows). */
	memoryNamespaces(prefix: string): Promise<string[]>;
}

/**
 * Candidates read per key, most recent first, so a look-up reads a bounded number of records
 * however many are remembered, and no flood of leads sharing one value can slow it down. Identity keys
 * (email, mailbox, phone, id, date) rarely have more than a few holders; name-like keys (names by
 * sound, company, city) have many at scale and only their most recent holders are compared.
 */
export const IDENTITY_KEY_CANDIDATES = 50;
export const WEAK_KEY_CANDIDATES = 10;

export function isIdentityKey(key: string): boolean {
	return /^(?:e|el|p|i|d):/.test(key);
}

export function candidateLimit(key: string): number {
	return isIdentityKey(key) ? IDENTITY_KEY_CANDIDATES : WEAK_KEY_CANDIDATES;
}

/**
 * Decides whether a remembered lead is the same person as the one looked up. With a `judge`, the
 * remembered groups it matches are judged as wholes where records contradict (see
 * lib/dedupe/chaining.ts): a group is joined through one link only when nothing contradicts.
 */
export type CandidateDecision = ((candidate: RememberedLead) => { match: boolean; score: number; fields: string[] }) & {
	judge?: CandidateJudge;
};

type Values = Record<string, string | undefined>;

export interface CandidateJudge {
	/** The looked-up lead's values. */
	values: Values;
	/** A pair's full score. */
	score(a: Values, b: Values): number;
	contradicts(a: Values, b: Values): Contradiction | undefined;
	bar: number;
}

/**
 * The strongest matching candidate (an empty result when none matches), and the clusters of every
 * matching candidate: more than one means this lead links leads remembered as different people.
 * A group is what the look-up read of it (the most recent holders of the lead's keys), not every
 * lead ever remembered in it.
 */
export function bestCandidate(
	candidates: Iterable<RememberedLead>,
	decide: CandidateDecision,
): RecallResult & { clusters: string[] } {
	const judge = decide.judge;
	const all = [...candidates];
	const decisions = all.map((c) => decide(c));
	// Matching groups, strongest first.
	const strongest = new Map<string, number>();
	decisions.forEach((d, k) => {
		const id = all[k].canonicalId;
		if (d.match && !(d.score <= (strongest.get(id) ?? -Infinity))) strongest.set(id, d.score);
	});
	let accepted = [...strongest.keys()];
	let check: GroupCheck | undefined;
	let checkedAgainst: string | undefined;
	if (judge && accepted.length) {
		accepted.sort((a, b) => strongest.get(b)! - strongest.get(a)!);
		const values = [judge.values, ...all.map((c) => c.values)];
		const membersOf = (id: string) => all.flatMap((c, k) => (c.canonicalId === id ? [k + 1] : []));
		const joined: number[] = [0];
		const kept: string[] = [];
		for (const id of accepted) {
			const members = membersOf(id);
			const c = checkGroups(
				joined,
				members,
				(x, y) => judge.contradicts(values[x], values[y]),
				(x, y) => judge.score(values[x], values[y]),
				judge.bar,
			);
			if (c && (!check || (check.joined && !c.joined))) {
				check = c;
				checkedAgainst = id;
			}
			if (c && !c.joined) continue;
			kept.push(id);
			joined.push(...members);
		}
		accepted = kept;
	}
	let best: RecallResult = {};
	const inAccepted = new Set(accepted);
	decisions.forEach((d, k) => {
		if (!d.match || !inAccepted.has(all[k].canonicalId)) return;
		if (best.score === undefined || d.score > best.score)
			best = { duplicateOf: all[k], score: d.score, fields: d.fields };
	});
	if (check) best = { ...best, groupCheck: { ...check, other: checkedAgainst! } };
	return { ...best, clusters: accepted };
}

/**
 * Joins the clusters a lead links into the oldest (by when its first lead was seen): the result's
 * `duplicateOf` then names that cluster, and `merged` the others.
 */
export function joinClusters(
	found: RecallResult & { clusters: string[] },
	firstSeen: Map<string, number>,
): { result: RecallResult; target?: string; others: string[] } {
	const { clusters, ...result } = found;
	if (clusters.length < 2 || !result.duplicateOf) return { result, others: [] };
	const target = [...clusters].sort(
		(a, b) => (firstSeen.get(a) ?? Infinity) - (firstSeen.get(b) ?? Infinity) || (a < b ? -1 : 1),
	)[0];
	const others = clusters.filter((c) => c !== target);
	return {
		result: { ...result, duplicateOf: { ...result.duplicateOf, canonicalId: target }, merged: others },
		target,
		others,
	};
}

/** A consistent view of some keys inside one transaction (Route: rotation pointers, counters). */
export interface KvView {
	/** The value of a key loaded for this transaction (undefined when absent or expired). */
	get(key: string): string | undefined;
	/** Writes a key when the transaction commits; `expiresAt` (ms) lets counters of past periods go. */
	set(key: string, value: string, expiresAt?: number): void;
	delete(key: string): void;
	/**
	 * Puts `member` in the namespace's sorted index `index` at `score` (null takes it out), when the
	 * transaction commits: `scored` then reads the members up to a score without reading the rest.
	 */
	score(index: string, member: string, score: number | null): void;
}

/**
 * Small keyed state updated atomically: `transact` loads `keys`, runs `fn` (synchronous, pure
 * decisions over the view) and commits its writes as one step. Concurrent transactions on one
 * namespace, in any process or on any host sharing the store, run one after the other.
 */
export interface KeyValueStore {
	transact<T>(namespace: string, keys: string[], fn: (view: KvView) => T, now?: number): Promise<T>;
	/** Every live key and value of a namespace whose key starts with `prefix`. */
	entries(namespace: string, prefix?: string, now?: number): Promise<Record<string, string>>;
	/**
	 * The same keys and values a page at a time (about `size` each), so a namespace of a million
	 * keys is read in bounded memory. Not a snapshot: keys written meanwhile may or may not appear,
	 * and on Redis a key may come twice.
	 */
	pages(namespace: string, prefix?: string, size?: number, now?: number): AsyncIterable<Array<[string, string]>>;
	/** Deletes every key of a namespace; returns how many. */
	clearKeys(namespace: string): Promise<number>;
	/**
	 * The live values of some keys, read outside any transaction and without the namespace's lock:
	 * each value as some write left it (a cache, where nothing is decided from two keys at once).
	 */
	peek(namespace: string, keys: string[], now?: number): Promise<Map<string, string>>;
	/**
	 * Writes (or deletes, `value` null) keys outside any transaction and without the namespace's
	 * lock: each key on its own, the last write wins (a cache).
	 */
	put(namespace: string, writes: Array<{ key: string; value: string | null; expiresAt?: number }>): Promise<void>;
	/** Members of a sorted index with a score up to `upTo`, lowest first, at most `limit`. */
	scored(namespace: string, index: string, upTo: number, limit: number): Promise<string[]>;
	/** How many members a sorted index holds. */
	scoredCount(namespace: string, index: string): Promise<number>;
	/** The key-value namespaces that start with `prefix` and hold keys (erasure across workflows). */
	namespaces(prefix: string): Promise<string[]>;
}

/** The view handed to `transact`: reads what was loaded, records the writes for the commit. */
export class BufferedView implements KvView {
	readonly writes = new Map<string, { value: string | null; expiresAt?: number }>();
	/** Sorted-index writes: `index` + NUL + `member` -> the write (the last one wins). */
	readonly scores = new Map<string, { index: string; member: string; score: number | null }>();
	private readonly known: Set<string>;

	constructor(
		keys: Iterable<string>,
		/** The keys' values as the transaction loaded them. */
		readonly loaded: Map<string, string>,
	) {
		this.known = new Set(keys);
	}

	get(key: string): string | undefined {
		const w = this.writes.get(key);
		if (w) return w.value ?? undefined;
		// Reading a key that was not loaded would read outside the transaction: a programming error.
		if (!this.known.has(key)) throw new Error(`State key "${key}" was read without being loaded first`);
		return this.loaded.get(key);
	}

	set(key: string, value: string, expiresAt?: number): void {
		this.known.add(key);
		this.writes.set(key, { value, expiresAt });
	}

	delete(key: string): void {
		this.known.add(key);
		this.writes.set(key, { value: null });
	}

	score(index: string, member: string, score: number | null): void {
		this.scores.set(`${index}\u0000${member}`, { index, member, score });
	}
}
