import { isRoleAddress } from '../normalize/email';
import { isFreeEmailDomain } from '../normalize/freeEmail';
import { editDistance, jaroWinkler, tokenSimilarity } from './similarity';
import { INVALID_EMAIL_MARK, type FieldKind, type FieldSpec, type Prepared } from './fields';

export type Level = 'exact' | 'fuzzy' | 'near' | 'diff' | 'far';

/**
 * Log-likelihood weights (bits) per field kind: agreement adds evidence, disagreement removes it.
 * `tf` fields weigh an exact agreement by how rare the value is in the batch (a shared "Smith" says
 * less than a shared "Okonkwo"), between lo and hi.
 */
interface KindWeights {
	exact: number;
	fuzzy: number;
	diff: number;
	tf?: { m: number; lo: number; hi: number };
}
export const WEIGHTS: Record<FieldKind, KindWeights> = {
	email: { exact: 20, fuzzy: 5, diff: -1 },
	phone: { exact: 9, fuzzy: 0, diff: -2 },
	first_name: { exact: 4, fuzzy: 2, diff: -3, tf: { m: 0.9, lo: 1.5, hi: 5 } },
	last_name: { exact: 5, fuzzy: 3, diff: -4, tf: { m: 0.9, lo: 2, hi: 7 } },
	company: { exact: 3, fuzzy: 2, diff: -4 },
	domain: { exact: 2, fuzzy: 0, diff: -2 },
	date: { exact: 6, fuzzy: 2.5, diff: -2 },
	postcode: { exact: 3, fuzzy: 0.5, diff: -1.5 },
	city: { exact: 2, fuzzy: 1, diff: -1, tf: { m: 0.85, lo: 0.5, hi: 4 } },
	address: { exact: 3.5, fuzzy: 2, diff: -1 },
	id: { exact: 10, fuzzy: 3, diff: -5 },
	text: { exact: 1, fuzzy: 0.5, diff: -0.5 },
};
/** Two different work addresses at the same company: colleagues, not one person. */
const COLLEAGUE_EMAIL_WEIGHT = -8;

/** How often each value occurs, per field, in the records being compared. */
export interface TermFrequencies {
	n: number;
	counts: Map<string, Map<string, number>>;
}

/** Below this many records, frequencies say more about the sample than about the names. */
export const MIN_RECORDS_FOR_FREQUENCIES = 1000;

export function termFrequencies(records: Prepared[], fields: FieldSpec[]): TermFrequencies | undefined {
	if (records.length < MIN_RECORDS_FOR_FREQUENCIES) return undefined;
	const counts = new Map<string, Map<string, number>>();
	for (const f of fields) {
		if (!WEIGHTS[f.kind].tf) continue;
		const m = new Map<string, number>();
		for (const r of records) {
			const v = r[f.name];
			if (v) m.set(v, (m.get(v) ?? 0) + 1);
		}
		counts.set(f.name, m);
	}
	return { n: records.length, counts };
}

/** Whether `length` characters of `a` from `atA` equal those of `b` from `atB` (no substrings made). */
function sameChars(a: string, atA: number, b: string, atB: number, length: number): boolean {
	for (let i = 0; i < length; i++) if (a.charCodeAt(atA + i) !== b.charCodeAt(atB + i)) return false;
	return true;
}

/** Whether the mailboxes (the parts before the @) of two prepared emails are the same. */
function sameMailbox(a: string, b: string, minLength: number): boolean {
	const ia = a.indexOf('@');
	return ia >= minLength && ia === b.indexOf('@') && sameChars(a, 0, b, 0, ia);
}

export function levelOf(kind: FieldKind, a: string, b: string): Level {
	if (a === b) return 'exact';
	switch (kind) {
		case 'email': {
			// A typo'd copy of an address (one side invalid, or the same mailbox at a misspelled domain).
			const oneInvalid = a[0] === INVALID_EMAIL_MARK || b[0] === INVALID_EMAIL_MARK;
			if ((oneInvalid && editDistance(a, b, 3) <= 3) || sameMailbox(a, b, 5)) return 'fuzzy';
			return 'diff';
		}
		case 'first_name':
			return jaroWinkler(a, b) >= 0.9 ? 'fuzzy' : 'diff';
		case 'last_name':
		case 'city':
		case 'text':
			return jaroWinkler(a, b) >= 0.92 ? 'fuzzy' : 'diff';
		case 'company': {
			if (jaroWinkler(a, b) < 0.92 && tokenSimilarity(a, b) < 0.5) return 'diff';
			// Alike only through their trade words ("Northprime Labs", "Northpixel Labs"; "Acme
			// Consulting", "Delta Consulting"): the names that tell companies apart must agree too.
			const x = distinctiveWords(a);
			const y = distinctiveWords(b);
			if (!x || !y || x === y) return 'fuzzy';
			return jaroWinkler(x, y) >= 0.92 || tokenSimilarity(x, y) >= 0.5 ? 'fuzzy' : 'diff';
		}
		case 'address':
			return tokenSimilarity(a, b) >= 0.5 || jaroWinkler(a, b) >= 0.9 ? 'fuzzy' : 'diff';
		case 'date': {
			if (editDistance(a, b, 1) <= 1) return 'fuzzy';
			if (a.length === 8 && b.length === 8 && a.slice(0, 4) === b.slice(0, 4) && a.slice(4, 6) === b.slice(6, 8) && a.slice(6, 8) === b.slice(4, 6)) return 'fuzzy';
			// Dates a year or less apart are weak evidence either way; years apart is strong evidence against.
			const days = daysApart(a, b);
			if (days === undefined) return 'diff';
			return days <= 366 ? 'near' : days > 3 * 365 ? 'far' : 'diff';
		}
		case 'postcode':
		case 'id':
			return editDistance(a, b, 1) <= 1 ? 'fuzzy' : 'diff';
		default:
			return 'diff';
	}
}

/** Words that say what a company does, not which company it is. */
const TRADE_WORDS = new Set([
	'systems', 'system', 'labs', 'lab', 'logistics', 'consulting', 'consultants', 'media', 'health', 'healthcare', 'foods', 'food',
	'software', 'partners', 'energy', 'solutions', 'services', 'service', 'technologies', 'technology', 'tech', 'digital', 'global',
	'international', 'industries', 'industry', 'enterprises', 'ventures', 'capital', 'management', 'marketing', 'agency', 'studio',
	'design', 'engineering', 'construction', 'realty', 'properties', 'financial', 'finance', 'insurance', 'networks', 'network',
	'communications', 'products', 'manufacturing', 'trading', 'retail', 'store', 'shop', 'clinic', 'bank', 'beratung', 'conseil',
	'services', 'servicios', 'soluciones', 'consultoria', 'technik', 'verwaltung', 'immobilien',
]);

/** A prepared company name without its trade words; '' when nothing else is left. */
function distinctiveWords(company: string): string {
	return company
		.split(' ')
		.filter((w) => w && !TRADE_WORDS.has(w))
		.join(' ');
}

function daysApart(a: string, b: string): number | undefined {
	const toDay = (s: string) => (s.length === 8 ? Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8)) / 86400000 : NaN);
	const d = Math.abs(toDay(a) - toDay(b));
	return Number.isFinite(d) ? d : undefined;
}

/** The same mailbox at two domains when the mailbox is made from the person's names. */
const NAME_MAILBOX_WEIGHT = 0.5;

/**
 * Whether a mailbox is one of the usual ways of writing a person's names (first.last, flast,
 * firstl, lastfirst, first, last, ...), digits and separators aside.
 */
export function mailboxFromName(local: string, first: string | undefined, last: string | undefined): boolean {
	if (!first && !last) return false;
	let letters = '';
	for (let i = 0; i < local.length; i++) {
		const c = local.charCodeAt(i);
		if (c >= 97 && c <= 122) letters += local[i];
	}
	const f = (first ?? '').replace(/[^a-z]/g, '');
	const l = (last ?? '').replace(/[^a-z]/g, '');
	const fi = f.slice(0, 1);
	const li = l.slice(0, 1);
	const forms = [f + l, l + f, fi + l, l + fi, f + li, li + f, f, l];
	return forms.some((form) => form.length >= 2 && form === letters);
}

/** Dates far apart (different people born years apart). */
const FAR_DATE_WEIGHT = -8;
/** Two valid addresses sharing neither mailbox nor domain. */
const UNRELATED_EMAIL_WEIGHT = -3;

/**
 * Two different valid addresses: colleagues when they share a company domain, unrelated when
 * neither domain nor the start of the mailbox agree. Index arithmetic only: this runs for most
 * compared pairs.
 */
function emailDiffWeight(a: string, b: string, diff: number): number {
	if (a[0] === INVALID_EMAIL_MARK || b[0] === INVALID_EMAIL_MARK) return diff;
	const ia = a.indexOf('@');
	const ib = b.indexOf('@');
	const domainLength = a.length - ia;
	if (domainLength === b.length - ib && sameChars(a, ia, b, ib, domainLength)) {
		// same domain, so the mailboxes differ (the addresses are not equal)
		return isFreeEmailDomain(a.slice(ia + 1)) ? diff : COLLEAGUE_EMAIL_WEIGHT;
	}
	// different domain and a mailbox that does not even start alike (first three characters)
	const start = Math.min(3, ia);
	return start === Math.min(3, ib) && sameChars(a, 0, b, 0, start) ? diff : UNRELATED_EMAIL_WEIGHT;
}

function weightOf(field: FieldSpec, level: Level, value: string, other: string, tf?: TermFrequencies): number {
	const w = WEIGHTS[field.kind];
	if (level === 'fuzzy') return w.fuzzy;
	if (level === 'near') return 0;
	if (level === 'far') return FAR_DATE_WEIGHT;
	if (level === 'diff') {
		if (field.kind === 'email') return emailDiffWeight(value, other, w.diff);
		return w.diff;
	}
	if (w.tf && tf) {
		const count = tf.counts.get(field.name)?.get(value);
		if (count && tf.n > 1) {
			const u = Math.max(count - 1, 1) / tf.n;
			return Math.min(w.tf.hi, Math.max(w.tf.lo, Math.log2(w.tf.m / u)));
		}
	}
	return w.exact;
}

export interface Comparison {
	score: number;
	levels: Record<string, Level>;
	/** Names of fields that agreed (exact or fuzzy), strongest first. */
	agreeing: string[];
}

type FieldVisitor = (field: FieldSpec, level: Level, weight: number) => void;

/** The most one field can add to a score: its exact weight (rare values weigh more) or fuzzy one. */
const MAX_WEIGHT = Object.fromEntries(
	Object.entries(WEIGHTS).map(([kind, w]) => [kind, Math.max(w.exact, w.fuzzy, w.tf?.hi ?? -Infinity)]),
) as Record<FieldKind, number>;

/**
 * Scores a pair field by field; first and last names are also tried swapped and the better
 * reading counts (typed into the wrong boxes is common on forms). Without a visitor nothing is
 * allocated: this is the hot path of batch matching.
 *
 * With a `floor`, it stops as soon as the fields left could not lift the score to it (most pairs
 * compared are different people, and the names, compared last, are the dearest part) and returns
 * that upper bound instead: the result is exact when it reaches `floor`, and below `floor` otherwise.
 */
function walkPair(a: Prepared, b: Prepared, fields: FieldSpec[], tf: TermFrequencies | undefined, visit?: FieldVisitor, floor = -Infinity): number {
	let score = 0;
	let first: FieldSpec | undefined;
	let last: FieldSpec | undefined;
	for (let i = 0; i < fields.length; i++) {
		const f = fields[i];
		if (f.kind === 'first_name' && !first) first = f;
		else if (f.kind === 'last_name' && !last) last = f;
	}
	const af = first ? a[first.name] : undefined;
	const al = last ? a[last.name] : undefined;
	const bf = first ? b[first.name] : undefined;
	const bl = last ? b[last.name] : undefined;
	// What the fields both records hold could add at most.
	let headroom = 0;
	if (floor > -Infinity) {
		if (bf || bl) headroom += (af ? MAX_WEIGHT.first_name : 0) + (al ? MAX_WEIGHT.last_name : 0);
		for (let i = 0; i < fields.length; i++) {
			const f = fields[i];
			if (f !== first && f !== last && a[f.name] && b[f.name]) headroom += MAX_WEIGHT[f.kind];
		}
		if (headroom < floor) return headroom;
	}
	for (let i = 0; i < fields.length; i++) {
		const f = fields[i];
		if (f === first || f === last) continue;
		const x = a[f.name];
		const y = b[f.name];
		if (!x || !y) continue;
		const level = levelOf(f.kind, x, y);
		let w = weightOf(f, level, x, y, tf);
		// The same mailbox at two domains says little when it is the person's name (jsmith@,
		// john.smith@: namesakes have it too) or a shared inbox, and much when it is distinctive.
		if (f.kind === 'email' && level === 'fuzzy' && x[0] !== INVALID_EMAIL_MARK && y[0] !== INVALID_EMAIL_MARK) {
			const local = x.slice(0, x.indexOf('@'));
			if (isRoleAddress(local)) w = 0;
			else if (mailboxFromName(local, af, al) || mailboxFromName(local, bf, bl)) w = NAME_MAILBOX_WEIGHT;
		}
		if (visit) visit(f, level, w);
		score += w;
		headroom -= MAX_WEIGHT[f.kind];
		if (score + headroom < floor) return score + headroom;
	}
	const straight = nameWeight(first, af, bf, tf) + nameWeight(last, al, bl, tf);
	const swapped = af && al && bf && bl && af !== bf ? nameWeight(first, af, bl, tf) + nameWeight(last, al, bf, tf) : -Infinity;
	if (visit) {
		const asSwapped = swapped > straight;
		nameWeight(first, af, asSwapped ? bl : bf, tf, visit);
		nameWeight(last, al, asSwapped ? bf : bl, tf, visit);
	}
	return score + Math.max(straight, swapped);
}

/** One name field's weight (0 when either side is empty). */
function nameWeight(f: FieldSpec | undefined, mine: string | undefined, theirs: string | undefined, tf: TermFrequencies | undefined, visit?: FieldVisitor): number {
	if (!f || !mine || !theirs) return 0;
	const level = levelOf(f.kind, mine, theirs);
	const w = weightOf(f, level, mine, theirs, tf);
	if (visit) visit(f, level, w);
	return w;
}

/**
 * The score alone (see walkPair). With a `floor`, the score is exact when it reaches the floor;
 * a pair that cannot reach it gets some value below it, found without comparing every field.
 */
export function scoreRecords(a: Prepared, b: Prepared, fields: FieldSpec[], tf?: TermFrequencies, floor?: number): number {
	return walkPair(a, b, fields, tf, undefined, floor);
}

/** The score with each field's level and the agreeing fields, for match reasons and rules. */
export function compareRecords(a: Prepared, b: Prepared, fields: FieldSpec[], tf?: TermFrequencies): Comparison {
	const levels: Record<string, Level> = {};
	const weights: Array<[string, number]> = [];
	const score = walkPair(a, b, fields, tf, (f, level, w) => {
		levels[f.name] = level;
		if (w > 0) weights.push([f.name, w]);
	});
	weights.sort((p, q) => q[1] - p[1]);
	return { score, levels, agreeing: weights.map((w) => w[0]) };
}
