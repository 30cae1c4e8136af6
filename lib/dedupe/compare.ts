import { isRoleAddress } from '../normalize/email';
import { isFreeEmailDomain } from '../normalize/freeEmail';
import { editDistance, jaroWinkler, tokenSimilarity } from './similarity';
import { INVALID_EMAIL_MARK, type FieldKind, type FieldSpec, type Prepared } from './fields';

/**
 * How two values of a field compare. `weak`: alike but less than fuzzy (names a transposition or
 * two apart). Emails have their own disagreements and partial agreements: `colleague` (two
 * mailboxes at one company domain), `unrelated` (neither domain nor mailbox start agree), `namebox`
 * (one mailbox at two domains, made from the person's names), `role` (one shared inbox, sales@).
 */
export type Level =
	| 'exact'
	| 'fuzzy'
	| 'weak'
	| 'near'
	| 'diff'
	| 'far'
	| 'colleague'
	| 'unrelated'
	| 'namebox'
	| 'role';
export const LEVELS: readonly Level[] = [
	'exact',
	'fuzzy',
	'weak',
	'near',
	'diff',
	'far',
	'colleague',
	'unrelated',
	'namebox',
	'role',
];
/** The levels at which a field agrees in a match rule: equal, a typo apart, one mailbox at two domains. */
export const AGREEING_LEVELS: ReadonlySet<string> = new Set<Level>(['exact', 'fuzzy', 'namebox', 'role']);

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

/**
 * Counts of each value of the frequency-weighted fields (names, city); undefined below `minRecords`.
 * Enrich Leads reads its first/last-name counts from here too (with no minimum).
 */
export function termFrequencies(
	records: Prepared[],
	fields: FieldSpec[],
	minRecords = MIN_RECORDS_FOR_FREQUENCIES,
): TermFrequencies | undefined {
	if (records.length < minRecords) return undefined;
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
		case 'last_name':
		case 'city':
		case 'text': {
			const jw = jaroWinkler(a, b);
			return jw >= (kind === 'first_name' ? 0.9 : 0.92) ? 'fuzzy' : jw >= WEAK_SIMILARITY ? 'weak' : 'diff';
		}
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
			if (
				a.length === 8 &&
				b.length === 8 &&
				a.slice(0, 4) === b.slice(0, 4) &&
				a.slice(4, 6) === b.slice(6, 8) &&
				a.slice(6, 8) === b.slice(4, 6)
			)
				return 'fuzzy';
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

/** Names this alike (Jaro-Winkler) are a `weak` agreement: worth something only where the data says so. */
const WEAK_SIMILARITY = 0.8;

/** Words that say what a company does, not which company it is. */
const TRADE_WORDS = new Set([
	'systems',
	'system',
	'labs',
	'lab',
	'logistics',
	'consulting',
	'consultants',
	'media',
	'health',
	'healthcare',
	'foods',
	'food',
	'software',
	'partners',
	'energy',
	'solutions',
	'services',
	'service',
	'technologies',
	'technology',
	'tech',
	'digital',
	'global',
	'international',
	'industries',
	'industry',
	'enterprises',
	'ventures',
	'capital',
	'management',
	'marketing',
	'agency',
	'studio',
	'design',
	'engineering',
	'construction',
	'realty',
	'properties',
	'financial',
	'finance',
	'insurance',
	'networks',
	'network',
	'communications',
	'products',
	'manufacturing',
	'trading',
	'retail',
	'store',
	'shop',
	'clinic',
	'bank',
	'beratung',
	'conseil',
	'services',
	'servicios',
	'soluciones',
	'consultoria',
	'technik',
	'verwaltung',
	'immobilien',
]);

/** A prepared company name without its trade words; '' when nothing else is left. */
function distinctiveWords(company: string): string {
	return company
		.split(' ')
		.filter((w) => w && !TRADE_WORDS.has(w))
		.join(' ');
}

function daysApart(a: string, b: string): number | undefined {
	const toDay = (s: string) =>
		s.length === 8 ? Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8)) / 86400000 : NaN;
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
 * The level of two emails that are neither equal nor typo'd copies, or of one mailbox at two
 * domains: colleagues when they share a company domain, unrelated when neither domain nor the start
 * of the mailbox agree; a shared mailbox that is a role inbox or made from either person's names.
 * Index arithmetic only: this runs for most compared pairs.
 */
function emailLevel(level: Level, a: string, b: string, names: readonly (string | undefined)[]): Level {
	if (a[0] === INVALID_EMAIL_MARK || b[0] === INVALID_EMAIL_MARK) return level;
	const ia = a.indexOf('@');
	if (level === 'fuzzy') {
		// The same mailbox at two domains says little when it is the person's name (jsmith@,
		// john.smith@: namesakes have it too) or a shared inbox, and much when it is distinctive.
		const local = a.slice(0, ia);
		if (isRoleAddress(local)) return 'role';
		return mailboxFromName(local, names[0], names[1]) || mailboxFromName(local, names[2], names[3])
			? 'namebox'
			: 'fuzzy';
	}
	if (level !== 'diff') return level;
	const ib = b.indexOf('@');
	const domainLength = a.length - ia;
	if (domainLength === b.length - ib && sameChars(a, ia, b, ib, domainLength)) {
		// same domain, so the mailboxes differ (the addresses are not equal)
		return isFreeEmailDomain(a.slice(ia + 1)) ? 'diff' : 'colleague';
	}
	// different domain and a mailbox that does not even start alike (first three characters)
	const start = Math.min(3, ia);
	return start === Math.min(3, ib) && sameChars(a, 0, b, 0, start) ? 'diff' : 'unrelated';
}

/** The hand-set weight of a level: what a batch too small to learn from uses. */
export function handWeight(kind: FieldKind, level: Level): number {
	const w = WEIGHTS[kind];
	switch (level) {
		case 'exact':
			return w.exact;
		case 'fuzzy':
			return w.fuzzy;
		case 'near':
		case 'role':
			return 0;
		case 'far':
			return FAR_DATE_WEIGHT;
		case 'colleague':
			return COLLEAGUE_EMAIL_WEIGHT;
		case 'unrelated':
			return UNRELATED_EMAIL_WEIGHT;
		case 'namebox':
			return NAME_MAILBOX_WEIGHT;
		default:
			// diff, and weak, which hand-set weights do not tell from diff
			return w.diff;
	}
}

/** Weights of one field's levels learned from the data (see learn.ts). */
export interface LearnedWeights {
	/** Bits per level (log2 of m / u). */
	level: Record<Level, number>;
	/** Probability that a true match agrees exactly: with a value's frequency, its own weight. */
	mExact: number;
	/** Bounds of a value's exact-agreement weight. */
	tfLo: number;
	tfHi: number;
	/** The most the field can add to a score. */
	max: number;
}

/**
 * What a pair's score is made of: the frequency of each value in the batch and, for batches big
 * enough to learn from, the weights learned from them. Without one, hand-set weights.
 */
export interface MatchModel {
	tf?: TermFrequencies;
	learned?: Map<string, LearnedWeights>;
	/** With learned weights, the least score of a match: the batch's prior odds plus POSTERIOR_BITS. */
	minScore?: number;
	/**
	 * Version 1.2: company names read as the names of entities. A name whose telling words all
	 * appear in the other ("Fenix" and "Fenix at the Argyle") is alike, and where neither record
	 * names a person or an email, two different names weigh ENTITY_NAME_DIFF_WEIGHT (businesses
	 * sharing a building's address and switchboard are different businesses) and a matching name
	 * and a different phone weigh ENTITY_NAME_WEIGHTS (a business with a new number is the same).
	 */
	entityNames?: boolean;
	/**
	 * Version 1.2: between two records that name a person, phones more than a digit apart weigh at
	 * most PERSON_PHONE_DIFF_WEIGHT (namesakes at one company, each with their own number).
	 */
	personPhones?: boolean;
}

/**
 * A different company name between two records that name no person and no email (account lists,
 * directories): the name is what such a record is, so it outweighs a shared street address and
 * phone (a building's switchboard) and city. Chosen on generated company listings
 * (bench/companies.ts, tuning draws), see the Dedupe guide.
 */
export const ENTITY_NAME_DIFF_WEIGHT = -9;

/**
 * Between two such records, a matching name weighs as a surname does (a business's name is its
 * identity: 3 and 2 bits otherwise), and a different phone less (businesses answer on several
 * numbers and change them: -2 otherwise), so a business listed again with a new number is found
 * by its name, street address and city. Chosen with ENTITY_NAME_DIFF_WEIGHT (see the Dedupe guide).
 */
export const ENTITY_NAME_WEIGHTS = { exact: 6, fuzzy: 5, phoneDiff: -1 };

/**
 * A phone more than a digit apart between two records naming a person (Dedupe 1.2; -2 by hand
 * before, and what EM learns is no lower: it counts namesakes at one company, each with their own
 * number, as matches). Chosen on the tuning draws of the namesake-heavy form traffic, the only
 * tuning data with people's phones: -4, -6 and -9 each bring 3 of 6 draws at 13,333 leads to the
 * operating target (1 of 6 before), with the same recall; the mildest was taken, as it forgives a
 * second number of one person (mobile and office) most. See the Dedupe guide.
 */
export const PERSON_PHONE_DIFF_WEIGHT = -4;

/** Words that join a name to its site or its parts ("at the", "and"): not telling either way. */
const JOINING_WORDS = new Set(['the', 'at', 'and', '&', 'of', 'in', 'on']);

/** Whether every telling word of the shorter company name appears in the longer one. */
function nameWithin(a: string, b: string): boolean {
	const words = (s: string) => s.split(' ').filter((w) => w && !JOINING_WORDS.has(w));
	const [short, long] = a.length <= b.length ? [words(a), words(b)] : [words(b), words(a)];
	const telling = short.filter((w) => !TRADE_WORDS.has(w));
	if (!telling.length) return false;
	const longSet = new Set(long);
	return short.every((w) => longSet.has(w));
}

/** A field's level for a pair, with version 1.2's reading of company names (see MatchModel). */
function modelLevel(
	f: FieldSpec,
	x: string,
	y: string,
	names: readonly (string | undefined)[],
	model: MatchModel | undefined,
): Level {
	const level = pairLevel(f, x, y, names);
	return model?.entityNames && f.kind === 'company' && level === 'diff' && nameWithin(x, y) ? 'fuzzy' : level;
}

/** A company or phone weight between two records that are both businesses (see ENTITY_NAME_WEIGHTS). */
function entityWeight(kind: FieldKind, level: Level, w: number): number {
	if (kind === 'phone') return Math.max(w, ENTITY_NAME_WEIGHTS.phoneDiff);
	if (level === 'diff') return Math.min(w, ENTITY_NAME_DIFF_WEIGHT);
	if (level === 'exact') return Math.max(w, ENTITY_NAME_WEIGHTS.exact);
	if (level === 'fuzzy') return Math.max(w, ENTITY_NAME_WEIGHTS.fuzzy);
	return w;
}

/** Whether neither record names a person or has an email: both are entities (businesses). */
function personless(a: Prepared, b: Prepared, fields: FieldSpec[], names: readonly (string | undefined)[]): boolean {
	if (names.some((n) => n)) return false;
	for (let i = 0; i < fields.length; i++) {
		const f = fields[i];
		if ((f.kind === 'email' || f.kind === 'first_name' || f.kind === 'last_name') && (a[f.name] || b[f.name]))
			return false;
	}
	return true;
}

/**
 * With learned weights, a match needs this many bits beyond even odds (match probability 0.74),
 * and at least the threshold: chosen on the public sets and generated form traffic in the bench.
 */
export const POSTERIOR_BITS = 1.5;

function weightOf(field: FieldSpec, level: Level, value: string, model: MatchModel | undefined): number {
	const learned = model?.learned?.get(field.name);
	if (level !== 'exact' || !model?.tf) return learned ? learned.level[level] : handWeight(field.kind, level);
	const hand = WEIGHTS[field.kind].tf;
	if (!hand) return learned ? learned.level.exact : WEIGHTS[field.kind].exact;
	const count = model.tf.counts.get(field.name)?.get(value);
	if (!count || model.tf.n < 2) return learned ? learned.level.exact : WEIGHTS[field.kind].exact;
	const u = Math.max(count - 1, 1) / model.tf.n;
	if (learned) return Math.min(learned.tfHi, Math.max(learned.tfLo, Math.log2(learned.mExact / u)));
	return Math.min(hand.hi, Math.max(hand.lo, Math.log2(hand.m / u)));
}

/** The most one field can add to a score. */
function maxWeight(field: FieldSpec, model: MatchModel | undefined): number {
	const learned = model?.learned?.get(field.name);
	const max = learned ? learned.max : MAX_WEIGHT[field.kind];
	// A company name between two businesses weighs more (ENTITY_NAME_WEIGHTS): the bound allows it.
	return model?.entityNames && field.kind === 'company' ? Math.max(max, ENTITY_NAME_WEIGHTS.exact) : max;
}

export interface Comparison {
	score: number;
	levels: Record<string, Level>;
	/** Names of fields that agreed (exact or fuzzy), strongest first. */
	agreeing: string[];
}

type FieldVisitor = (field: FieldSpec, level: Level, weight: number) => void;

/** The most one field can add to a score with hand-set weights: exact (rare values weigh more) or fuzzy. */
const MAX_WEIGHT = Object.fromEntries(
	Object.entries(WEIGHTS).map(([kind, w]) => [
		kind,
		Math.max(w.exact, w.fuzzy, NAME_MAILBOX_WEIGHT, w.tf?.hi ?? -Infinity),
	]),
) as Record<FieldKind, number>;

/** The first name and last name fields of a field list (the first of each kind). */
export function nameFields(fields: FieldSpec[]): { first?: FieldSpec; last?: FieldSpec } {
	let first: FieldSpec | undefined;
	let last: FieldSpec | undefined;
	for (let i = 0; i < fields.length; i++) {
		const f = fields[i];
		if (f.kind === 'first_name' && !first) first = f;
		else if (f.kind === 'last_name' && !last) last = f;
	}
	return { first, last };
}

/** The level of one field of a pair (both values present); emails refined by the names. */
export function pairLevel(f: FieldSpec, x: string, y: string, names: readonly (string | undefined)[]): Level {
	const level = levelOf(f.kind, x, y);
	return f.kind === 'email' ? emailLevel(level, x, y, names) : level;
}

/**
 * Whether the pair's names read better swapped (first typed into last and back), by the hand-set
 * or learned weights: forms get them in the wrong boxes often.
 */
function namesSwapped(
	first: FieldSpec | undefined,
	last: FieldSpec | undefined,
	names: readonly (string | undefined)[],
	model: MatchModel | undefined,
): { straight: number; swapped: number } {
	const [af, al, bf, bl] = names;
	const straight = nameWeight(first, af, bf, model) + nameWeight(last, al, bl, model);
	const swapped =
		af && al && bf && bl && af !== bf ? nameWeight(first, af, bl, model) + nameWeight(last, al, bf, model) : -Infinity;
	return { straight, swapped };
}

/**
 * Scores a pair field by field; first and last names are also tried swapped and the better
 * reading counts (typed into the wrong boxes is common on forms). Without a visitor nothing is
 * allocated: this is the hot path of batch matching.
 *
 * With a `floor`, it stops as soon as the fields left could not lift the score to it (most pairs
 * compared are different people, and the names, compared last, are the dearest part) and returns
 * that upper bound instead: the result is exact when it reaches `floor`, and below `floor` otherwise.
 */
function walkPair(
	a: Prepared,
	b: Prepared,
	fields: FieldSpec[],
	model: MatchModel | undefined,
	visit?: FieldVisitor,
	floor = -Infinity,
): number {
	let score = 0;
	let orgSum = 0;
	let orgMax = 0;
	const { first, last } = nameFields(fields);
	const names = [first && a[first.name], last && a[last.name], first && b[first.name], last && b[last.name]] as const;
	const [af, al, bf, bl] = names;
	// What the fields both records hold could add at most.
	let headroom = 0;
	if (floor > -Infinity) {
		if (bf || bl) headroom += (af && first ? maxWeight(first, model) : 0) + (al && last ? maxWeight(last, model) : 0);
		for (let i = 0; i < fields.length; i++) {
			const f = fields[i];
			if (f !== first && f !== last && a[f.name] && b[f.name]) headroom += maxWeight(f, model);
		}
		if (headroom < floor) return headroom;
	}
	let entities: boolean | undefined;
	for (let i = 0; i < fields.length; i++) {
		const f = fields[i];
		if (f === first || f === last) continue;
		const x = a[f.name];
		const y = b[f.name];
		if (!x || !y) continue;
		const level = modelLevel(f, x, y, names, model);
		let w = weightOf(f, level, x, model);
		if (
			(model?.entityNames || model?.personPhones) &&
			(f.kind === 'company' || (f.kind === 'phone' && level === 'diff'))
		) {
			entities ??= personless(a, b, fields, names);
			if (entities) {
				if (model.entityNames) w = entityWeight(f.kind, level, w);
			} else if (model.personPhones && f.kind === 'phone') w = Math.min(w, PERSON_PHONE_DIFF_WEIGHT);
		}
		if (visit) visit(f, level, w);
		score += w;
		if (w > 0 && model?.learned && (f.kind === 'company' || f.kind === 'domain')) {
			orgSum += w;
			orgMax = Math.max(orgMax, w);
		}
		headroom -= maxWeight(f, model);
		if (score + headroom < floor) return score + headroom;
	}
	const { straight, swapped } = namesSwapped(first, last, names, model);
	if (visit) {
		const asSwapped = swapped > straight;
		nameWeight(first, af, asSwapped ? bl : bf, model, visit);
		nameWeight(last, al, asSwapped ? bf : bl, model, visit);
	}
	// A company name and a website agreeing say one thing, the organisation: learned weights,
	// estimated as if fields were independent, count it once (the hand-set ones allow for it).
	return score - (orgSum - orgMax) + Math.max(straight, swapped);
}

/** One name field's weight (0 when either side is empty). */
function nameWeight(
	f: FieldSpec | undefined,
	mine: string | undefined,
	theirs: string | undefined,
	model: MatchModel | undefined,
	visit?: FieldVisitor,
): number {
	if (!f || !mine || !theirs) return 0;
	const level = levelOf(f.kind, mine, theirs);
	const w = weightOf(f, level, mine, model);
	if (visit) visit(f, level, w);
	return w;
}

/**
 * Each field's level for a pair (names read swapped when that scores better), in field order,
 * undefined where either side is empty: what learning weights counts.
 */
export function pairLevels(
	a: Prepared,
	b: Prepared,
	fields: FieldSpec[],
	model?: MatchModel,
): Array<Level | undefined> {
	const out: Array<Level | undefined> = new Array(fields.length);
	const { first, last } = nameFields(fields);
	const names = [first && a[first.name], last && a[last.name], first && b[first.name], last && b[last.name]] as const;
	const { straight, swapped } = namesSwapped(first, last, names, model);
	for (let i = 0; i < fields.length; i++) {
		const f = fields[i];
		let y = b[f.name];
		if (swapped > straight && f === first) y = names[3];
		else if (swapped > straight && f === last) y = names[2];
		const x = a[f.name];
		out[i] = x && y ? modelLevel(f, x, y, names, model) : undefined;
	}
	return out;
}

/**
 * The score alone (see walkPair). With a `floor`, the score is exact when it reaches the floor;
 * a pair that cannot reach it gets some value below it, found without comparing every field.
 */
export function scoreRecords(
	a: Prepared,
	b: Prepared,
	fields: FieldSpec[],
	model?: MatchModel,
	floor?: number,
): number {
	return walkPair(a, b, fields, model, undefined, floor);
}

/** The score with each field's level and the agreeing fields, for match reasons and rules. */
export function compareRecords(a: Prepared, b: Prepared, fields: FieldSpec[], model?: MatchModel): Comparison {
	const levels: Record<string, Level> = {};
	const weights: Array<[string, number]> = [];
	const score = walkPair(a, b, fields, model, (f, level, w) => {
		levels[f.name] = level;
		if (w > 0) weights.push([f.name, w]);
	});
	weights.sort((p, q) => q[1] - p[1]);
	return { score, levels, agreeing: weights.map((w) => w[0]) };
}
