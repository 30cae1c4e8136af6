import { compareRecords, scoreRecords, termFrequencies, type Comparison, type TermFrequencies } from './compare';
import type { FieldSpec, Prepared } from './fields';
import { evalRule, type RuleExpr } from './rules';
import { soundex } from './similarity';

export interface MatcherConfig {
	fields: FieldSpec[];
	/** 'score': weighted evidence over every field; 'rules': the user's match equation. */
	mode: 'score' | 'rules';
	/** Bits of evidence needed in score mode. */
	threshold: number;
	rule?: RuleExpr;
	/** Blocks holding more records than this are too unspecific to pair (e.g. "city:london"). */
	maxBlockSize: number;
	/**
	 * In blocks larger than this, each record is compared with its this-many neighbours in name
	 * order (sorted neighbourhood) rather than with every member, so cost stays linear.
	 */
	window?: number;
}

export const DEFAULT_WINDOW = 8;
const TYPO_KEY_WINDOW = 2;

export const DEFAULT_THRESHOLD = 9;

export interface MatchDecision {
	match: boolean;
	score: number;
	/** Why: the rule's fields, or the agreeing fields in score mode. */
	fields: string[];
}

const agreeing = (level: string | undefined) => level === 'exact' || level === 'fuzzy';

/** Decides whether two prepared records are the same person. */
export function decide(a: Prepared, b: Prepared, config: MatcherConfig, tf?: TermFrequencies): MatchDecision {
	const round = (x: number) => Math.round(x * 100) / 100;
	if (config.mode !== 'rules') {
		// Cheap score first; the field-by-field account only for the few pairs that match.
		const score = scoreRecords(a, b, config.fields, tf);
		if (score < config.threshold) return { match: false, score: round(score), fields: [] };
	}
	const cmp: Comparison = compareRecords(a, b, config.fields, tf);
	if (config.mode === 'rules' && config.rule) {
		const agrees = (name: string): boolean => {
			if (name === 'name') {
				const first = config.fields.find((f) => f.kind === 'first_name')?.name;
				const last = config.fields.find((f) => f.kind === 'last_name')?.name;
				return !!first && !!last && agreeing(cmp.levels[first]) && agreeing(cmp.levels[last]);
			}
			return agreeing(cmp.levels[name]);
		};
		const fields = evalRule(config.rule, agrees);
		return { match: fields !== null, score: round(cmp.score), fields: fields ?? [] };
	}
	return { match: cmp.score >= config.threshold, score: round(cmp.score), fields: cmp.agreeing };
}

/** The blocking key under which a prepared email is remembered (for forgetting by email). */
export function emailBlockingKey(prepared: string): string {
	return `e:${prepared}`;
}

/**
 * Candidate keys: records sharing none are never compared, which keeps cost near-linear. Each key
 * is specific enough that its group stays small (full email, mailbox, phone, date, id; names with
 * one of them allowed a typo, and in either order so swapped first/last names meet).
 */
export function blockingKeys(r: Prepared, fields: FieldSpec[]): string[] {
	const keys: string[] = [];
	let first: string | undefined;
	let last: string | undefined;
	for (const f of fields) {
		const v = r[f.name];
		if (!v) continue;
		switch (f.kind) {
			case 'email': {
				keys.push(emailBlockingKey(v));
				// the same mailbox at a misspelled domain
				const local = v.split('@')[0];
				if (local.length >= 5) keys.push(`el:${local}`);
				break;
			}
			case 'phone':
				keys.push(`p:${v}`);
				break;
			case 'first_name':
				first = v;
				break;
			case 'last_name':
				last = v;
				break;
			case 'date':
				keys.push(`d:${f.name}:${v}`);
				break;
			case 'id':
				keys.push(`i:${f.name}:${v}`);
				break;
			default:
				break;
		}
	}
	if (last) {
		// a typo in the first name, a typo in the last name (by sound), names swapped
		keys.push(`n:${last}:${first ? first.slice(0, 3) : ''}`);
		if (first) {
			keys.push(`t:${first}:${soundex(last)}`);
			keys.push(`w:${[first, last].sort().join(':')}`);
		}
	} else if (first) keys.push(`f:${first}`);
	const initial = (last ?? first)?.slice(0, 2);
	for (const f of fields) {
		const v = r[f.name];
		if (!v) continue;
		if ((f.kind === 'postcode' || f.kind === 'city') && initial) keys.push(`g:${f.name}:${v}:${initial}`);
		if (f.kind === 'date' && first) keys.push(`df:${v.slice(0, 4)}:${first.slice(0, 3)}`);
		if (f.kind === 'company' && (last || first)) keys.push(`c:${v}:${soundex((last ?? first)!)}`);
	}
	return keys;
}

export interface PairMatch {
	a: number;
	b: number;
	score: number;
	fields: string[];
}

/** All matching pairs among the records (a < b), through blocking. */
/** 31-bit FNV-1a hash of a blocking key. */
function hashKey(key: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < key.length; i++) {
		h ^= key.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return (h >>> 1) & 0x7fffffff;
}

const INDEX_BITS = 2 ** 21;
const LOOSE = 0x80000000;

/**
 * Groups records by blocking key. Keys are hashed and (hash, record) pairs sorted in one typed
 * array: no map of millions of strings, so the cost per record stays flat up to 2M records (a hash
 * collision only merges two groups, costing a few extra comparisons). Loose keys carry a flag.
 */
function* blockGroups(records: Prepared[], fields: FieldSpec[]): Generator<{ loose: boolean; members: number[] }> {
	const n = records.length;
	if (n >= INDEX_BITS) {
		const blocks = new Map<string, number[]>();
		for (let i = 0; i < n; i++) {
			for (const key of blockingKeys(records[i], fields)) {
				const list = blocks.get(key);
				if (list) list.push(i);
				else blocks.set(key, [i]);
			}
		}
		for (const [key, members] of blocks) yield { loose: isLooseKey(key), members };
		return;
	}
	let entries = new Float64Array(n * 8);
	let count = 0;
	for (let i = 0; i < n; i++) {
		for (const key of blockingKeys(records[i], fields)) {
			if (count === entries.length) {
				const bigger = new Float64Array(entries.length * 2);
				bigger.set(entries);
				entries = bigger;
			}
			const h = hashKey(key) + (isLooseKey(key) ? LOOSE : 0);
			entries[count++] = h * INDEX_BITS + i;
		}
	}
	const sorted = entries.subarray(0, count).sort();
	let start = 0;
	while (start < count) {
		const h = Math.floor(sorted[start] / INDEX_BITS);
		let end = start + 1;
		while (end < count && Math.floor(sorted[end] / INDEX_BITS) === h) end++;
		if (end - start > 1) {
			const members: number[] = [];
			for (let j = start; j < end; j++) {
				const idx = sorted[j] - h * INDEX_BITS;
				if (members[members.length - 1] !== idx) members.push(idx);
			}
			if (members.length > 1) yield { loose: h >= LOOSE, members };
		}
		start = end;
	}
}

/** The loosest name keys (typo in the last name, swapped names). */
function isLooseKey(key: string): boolean {
	return key.startsWith('t:') || key.startsWith('w:');
}

/** All matching pairs among the records (a < b), through blocking. */
export function findMatches(records: Prepared[], config: MatcherConfig, tf: TermFrequencies | undefined = termFrequencies(records, config.fields)): PairMatch[] {
	const n = records.length;
	const window = config.window ?? DEFAULT_WINDOW;
	const matches: PairMatch[] = [];
	// Pairs sharing several keys are compared again rather than remembered: a set of every
	// compared pair costs more (tens of millions of entries at 1M leads) than the repeats.
	const matched = new Set<number>();
	const sortKeys: Array<string | undefined> = new Array(n);
	const sortKey = (i: number) => (sortKeys[i] ??= config.fields.map((f) => records[i][f.name] ?? '').join('|'));
	const compare = (a: number, b: number) => {
		if (a > b) [a, b] = [b, a];
		const d = decide(records[a], records[b], config, tf);
		if (!d.match) return;
		const id = a * n + b;
		if (matched.has(id)) return;
		matched.add(id);
		matches.push({ a, b, score: d.score, fields: d.fields });
	};
	for (const { loose, members: list } of blockGroups(records, config.fields)) {
		if (list.length > config.maxBlockSize) continue;
		// A narrow window on the loose keys keeps their cost flat as n grows.
		const width = loose ? Math.min(window, TYPO_KEY_WINDOW) : window;
		if (list.length <= width + 1) {
			for (let x = 0; x < list.length; x++) for (let y = x + 1; y < list.length; y++) compare(list[x], list[y]);
			continue;
		}
		const sorted = [...list].sort((p, q) => (sortKey(p) < sortKey(q) ? -1 : sortKey(p) > sortKey(q) ? 1 : p - q));
		for (let x = 0; x < sorted.length; x++) {
			for (let y = x + 1; y <= x + width && y < sorted.length; y++) compare(sorted[x], sorted[y]);
		}
	}
	return matches;
}

export interface ClusterResult {
	/** Cluster id of each record: the index of its earliest member. */
	cluster: Int32Array;
	/** For each record, the strongest match to a record of the same cluster (earlier ones first). */
	bestMatch: Array<{ other: number; score: number; fields: string[] } | undefined>;
}

/** Cross-cluster pairs scoring below this veto a merge (a namesake born decades apart, colleagues). */
export const VETO_SCORE = -2;
/** Largest cross product of two clusters checked for vetoes; bigger merges go unchecked. */
const VETO_CHECK_LIMIT = 2500;

/**
 * Transitive clusters (A~B, B~C → one cluster) by union-find, strongest links first. A link is
 * refused when any pair across the two clusters contradicts it strongly, so one fuzzy link cannot
 * chain two different people together.
 */
export function clusterMatches(n: number, matches: PairMatch[], veto?: (a: number, b: number) => boolean): ClusterResult {
	const parent = new Int32Array(n);
	for (let i = 0; i < n; i++) parent[i] = i;
	const members = new Map<number, number[]>();
	const find = (i: number): number => {
		while (parent[i] !== i) {
			parent[i] = parent[parent[i]];
			i = parent[i];
		}
		return i;
	};
	const bestMatch: ClusterResult['bestMatch'] = new Array(n);
	const ordered = [...matches].sort((x, y) => y.score - x.score);
	for (const m of ordered) {
		const ra = find(m.a);
		const rb = find(m.b);
		if (ra !== rb) {
			const ma = members.get(ra) ?? [ra];
			const mb = members.get(rb) ?? [rb];
			if (veto && ma.length * mb.length <= VETO_CHECK_LIMIT && ma.some((x) => mb.some((y) => veto(x, y)))) continue;
			const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
			parent[child] = root;
			members.set(root, ma.concat(mb));
			members.delete(child);
		}
		// The later record points at the earlier one; earlier records get a fallback pointer.
		const cur = bestMatch[m.b];
		if (!cur || cur.other > m.b || m.score > cur.score) bestMatch[m.b] = { other: m.a, score: m.score, fields: m.fields };
		const back = bestMatch[m.a];
		if (!back || (back.other > m.a && m.score > back.score)) bestMatch[m.a] = { other: m.b, score: m.score, fields: m.fields };
	}
	const cluster = new Int32Array(n);
	for (let i = 0; i < n; i++) cluster[i] = find(i);
	return { cluster, bestMatch };
}

/** Matching and clustering of one batch of prepared records. */
export function matchBatch(records: Prepared[], config: MatcherConfig): ClusterResult & { matches: PairMatch[] } {
	const tf = termFrequencies(records, config.fields);
	const matches = findMatches(records, config, tf);
	const veto = config.mode === 'score' ? (a: number, b: number) => scoreRecords(records[a], records[b], config.fields, tf) < VETO_SCORE : undefined;
	return { ...clusterMatches(records.length, matches, veto), matches };
}
