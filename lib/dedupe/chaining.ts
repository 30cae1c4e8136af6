/**
 * No chaining through one weak link. Pairwise matching is transitive once clustered: a link between
 * two records of different people (namesakes with the same name-made mailbox at two companies, the
 * same name at two companies) would merge their two whole groups. So when a link would join two
 * groups, or join a group through one member while a record of the other side contradicts one of
 * its members (two different work domains or two mailboxes at one company domain, two different
 * phones, two different companies), the
 * link alone is not enough: the two sides must match as wholes, the average score of every pair
 * across them at least the bar. Without a contradiction nothing changes: heavily corrupted records
 * of one person (typos everywhere, missing fields) still chain through their neighbours.
 */
import { isFreeEmailDomain } from '../normalize/freeEmail';
import { levelOf } from './compare';
import { INVALID_EMAIL_MARK, type FieldSpec, type Prepared } from './fields';
import { editDistance } from './similarity';

/** Two values that two records of one person would not hold. */
export interface Contradiction {
	field: string;
	/** What differs, in words: "work domains", "work addresses", "phones", "companies", "websites". */
	what: string;
	a: string;
	b: string;
}

/** The domain of a valid work address (undefined for free mail and for addresses that did not parse). */
function workDomain(email: string): string | undefined {
	if (email[0] === INVALID_EMAIL_MARK) return undefined;
	const at = email.lastIndexOf('@');
	if (at < 0) return undefined;
	const domain = email.slice(at + 1);
	return domain && !isFreeEmailDomain(domain) ? domain : undefined;
}

/** Two values more than a typo apart (`typo` edits). */
const apart = (a: string, b: string, typo: number) => a !== b && editDistance(a, b, typo) > typo;

/**
 * The first contradiction between two records, or undefined. A typo (two characters in a domain,
 * one digit in a phone) is not a contradiction: the same person mistyping is what fuzzy matching
 * is for.
 */
export function contradiction(a: Prepared, b: Prepared, fields: FieldSpec[]): Contradiction | undefined {
	for (const f of fields) {
		const x = a[f.name];
		const y = b[f.name];
		if (!x || !y || x === y) continue;
		switch (f.kind) {
			case 'email': {
				const dx = workDomain(x);
				const dy = workDomain(y);
				if (!dx || !dy) break;
				if (apart(dx, dy, 2)) return { field: f.name, what: 'work domains', a: dx, b: dy };
				// two mailboxes at one company: colleagues
				if (dx === dy && apart(x, y, 2)) return { field: f.name, what: 'work addresses', a: x, b: y };
				break;
			}
			case 'phone':
				if (apart(x, y, 1)) return { field: f.name, what: 'phones', a: x, b: y };
				break;
			case 'company':
				if (levelOf('company', x, y) === 'diff') return { field: f.name, what: 'companies', a: x, b: y };
				break;
			case 'domain':
				if (apart(x, y, 2)) return { field: f.name, what: 'websites', a: x, b: y };
				break;
			default:
				break;
		}
	}
	return undefined;
}

/** What a whole-group check found (kept with the record whose link it judged, for `why`). */
export interface GroupCheck {
	contradiction: Contradiction;
	/** Average score of the pairs across the two sides. */
	average: number;
	pairs: number;
	bar: number;
	joined: boolean;
}

/** A check kept with the record whose link it judged, and the record on the link's other end. */
export interface RecordGroupCheck extends GroupCheck {
	other: number;
}

/** Largest number of cross pairs checked; bigger joins are judged on their first this-many pairs. */
export const GROUP_CHECK_LIMIT = 2500;

/**
 * Judges a link between two sides (record indexes): undefined when no record of one side
 * contradicts one of the other (the link stands as it is), else the average score across them
 * against the bar. `score` scores a pair in full (no early exit).
 */
export function checkGroups(
	left: readonly number[],
	right: readonly number[],
	contradicts: (x: number, y: number) => Contradiction | undefined,
	score: (x: number, y: number) => number,
	bar: number,
): GroupCheck | undefined {
	if (left.length + right.length < 3) return undefined;
	// Contradictions first (cheap): most links contradict nothing and need no scores.
	let found: Contradiction | undefined;
	let pairs = 0;
	for (let i = 0; i < left.length && !found && pairs < GROUP_CHECK_LIMIT; i++)
		for (let j = 0; j < right.length && !found && pairs < GROUP_CHECK_LIMIT; j++, pairs++)
			found = contradicts(left[i], right[j]);
	if (!found) return undefined;
	let sum = 0;
	pairs = 0;
	for (const x of left) {
		for (const y of right) {
			if (pairs >= GROUP_CHECK_LIMIT) break;
			sum += score(x, y);
			pairs++;
		}
	}
	const average = Math.round((sum / pairs) * 100) / 100;
	return { contradiction: found, average, pairs, bar, joined: average >= bar };
}

/** The check in words, for `dedupe.why`; `other` names the lead at the link's other end. */
export function groupCheckText(check: GroupCheck, other: string): string {
	const { contradiction: c, average, pairs, bar } = check;
	const differ = `${c.what} differ (${c.a}, ${c.b})`;
	const over = `average score ${average} over ${pairs} pairs`;
	return check.joined
		? `Joined through lead ${other} although ${differ}: the two groups match as wholes (${over}, at least ${bar})`
		: `Kept apart from lead ${other}'s group: ${differ}, and one link is not enough (${over}, below ${bar})`;
}
