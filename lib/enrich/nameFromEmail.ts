/**
 * A person's name read from an address written as their name: `jean.dupont@`, `jean_dupont@`,
 * `jean-dupont@` (and `dupont.jean@`) when one part reads as a given name and the other as a
 * family name (the name lists in lib/data/names.json); mailboxes such as `x7@`, `info@`,
 * `sales@` or `jd@` give nothing. A guess, and marked as one by the caller.
 */
import { isKnownGivenName } from '../normalize/nicknames';

let lists: { given: Set<string>; family: Set<string> } | undefined;
function names(): { given: Set<string>; family: Set<string> } {
	if (!lists) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const raw = require('../data/names.json') as { given: string; family: string };
		lists = { given: new Set(raw.given.split('|')), family: new Set(raw.family.split('|')) };
	}
	return lists;
}

const isGiven = (w: string) => names().given.has(w) || isKnownGivenName(w);
const isFamily = (w: string) => names().family.has(w);

/** First and last name as typed in the mailbox (letters only), or null. */
export function nameFromMailbox(local: string): { first: string; last: string } | null {
	if (local.length > 64) return null;
	const parts = local.split(/[._-]/);
	if (parts.length !== 2) return null;
	const [a, b] = parts;
	if (!/^\p{L}{2,30}$/u.test(a) || !/^\p{L}{2,30}$/u.test(b)) return null;
	const fa = fold(a);
	const fb = fold(b);
	if (fa === fb) return null;
	// first.last: a given name, then a family name (or a word no list takes for a given name)
	if (isGiven(fa) && (isFamily(fb) || (!isGiven(fb) && fb.length >= 3))) return { first: a, last: b };
	// last.first: a family name that is no given name, then a given name
	if (isFamily(fa) && !isGiven(fa) && isGiven(fb)) return { first: b, last: a };
	return null;
}

function fold(s: string): string {
	return s
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase();
}
