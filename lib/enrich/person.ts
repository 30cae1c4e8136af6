import { normalizeCountry } from '../normalize/country';
import { regionOf, salesRegionOf, type Region, type SalesRegion } from './regions';
import { splitFullName, tidyNameCase, salutationOf } from '../normalize/name';
import { isKnownGivenName } from '../normalize/nicknames';
import { isRoleAddress } from '../normalize/email';
import { nameFromMailbox } from './nameFromEmail';
import { parsePhone } from '../normalize/phone';
import { termFrequencies } from '../dedupe/compare';
import type { FieldSpec } from '../dedupe/fields';
import { foldText } from '../normalize/text';

/** What a phone number tells offline (libphonenumber-js metadata). */
export interface PhoneFacts {
	raw: string;
	e164: string | null;
	valid: boolean;
	country: string | null;
	/** mobile, fixed_line, fixed_line_or_mobile, toll_free, voip, ... when the metadata knows. */
	type: string | null;
	national: string | null;
	international: string | null;
}

/** The phone read with the lead's own country first, then the default country. */
export function phoneFacts(raw: string, countries: Array<string | null | undefined>): PhoneFacts | null {
	if (!raw) return null;
	let best: PhoneFacts | null = null;
	// Each country once (the lead's and the default are often the same), then no country; a number
	// written with its calling code (+, 00) reads the same in every country: once.
	const international = /^\s*(\+|00)/.test(raw);
	const tried = international ? [undefined] : [...new Set(countries.filter(Boolean)), undefined];
	for (const country of tried as Array<string | undefined>) {
		const p = parsePhone(raw, country);
		if (!p) continue;
		const { normalized: n, number } = p;
		// libphonenumber's isValid() is "has a known type": the type, already computed, says it.
		const valid = n.type !== undefined;
		const facts: PhoneFacts = {
			raw: raw.slice(0, 40),
			e164: n.e164,
			valid,
			country: n.country ?? null,
			type: n.type ?? null,
			national: valid ? number.formatNational() : null,
			international: valid ? number.formatInternational() : null,
		};
		if (facts.valid) return facts;
		best ??= facts;
	}
	return (
		best ?? {
			raw: raw.slice(0, 40),
			e164: null,
			valid: false,
			country: null,
			type: null,
			national: null,
			international: null,
		}
	);
}

/** A country as an ISO code and its name in the chosen language. */
export interface CountryFacts {
	code: string;
	name: string;
	/** The continent: Africa, Americas, Asia, Europe or Oceania (null for Antarctica). */
	region: Region | null;
	/** AMER, EMEA or APAC. */
	sales_region: SalesRegion | null;
}

/** A country's facts from its ISO code. */
export function countryOf(code: string, language: string): CountryFacts {
	return { code, name: countryName(code, language), region: regionOf(code), sales_region: salesRegionOf(code) };
}

const namers = new Map<string, Intl.DisplayNames>();
const names = new Map<string, string>();

/** The country's name in a language ("DE" in "fr" → "Allemagne"); English when the language is unknown. */
export function countryName(code: string, language: string): string {
	const key = `${language}:${code}`;
	const known = names.get(key);
	if (known) return known;
	let namer = namers.get(language);
	if (!namer) {
		try {
			namer = new Intl.DisplayNames([language || 'en'], { type: 'region', fallback: 'code' });
		} catch {
			namer = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
		}
		namers.set(language, namer);
	}
	const name = namer.of(code) ?? code;
	if (names.size < 10_000) names.set(key, name);
	return name;
}

export function countryFacts(raw: string, language: string): CountryFacts | null {
	const code = normalizeCountry(raw);
	return code ? countryOf(code, language) : null;
}

/** How often each folded word is a first and a last name in the batch (Dedupe's term frequencies). */
export interface NameCounts {
	first: Map<string, number>;
	last: Map<string, number>;
}

const NAME_FIELDS: FieldSpec[] = [
	{ name: 'first_name', kind: 'first_name' },
	{ name: 'last_name', kind: 'last_name' },
];

export function countNames(people: Array<{ first: string | null; last: string | null }>): NameCounts {
	const tf = termFrequencies(
		people.map((p) => ({
			first_name: foldText(p.first ?? '') || undefined,
			last_name: foldText(p.last ?? '') || undefined,
		})),
		NAME_FIELDS,
		0,
	);
	return { first: tf?.counts.get('first_name') ?? new Map(), last: tf?.counts.get('last_name') ?? new Map() };
}

/**
 * Whether first and last name look swapped. Evidence, in log-odds: each name's use as a first or a
 * last name elsewhere in the batch (one occurrence, the lead's own, is taken away), and the given
 * names of the nickname table. A swap needs the last name to look like a given name and the first
 * name like a family name, on both counts together.
 */
export function looksSwapped(first: string | null, last: string | null, counts?: NameCounts): boolean {
	const f = foldText(first ?? '');
	const l = foldText(last ?? '');
	if (!f || !l || f === l || f.includes(' ') || l.includes(' ')) return false;
	const asFirst = (w: string, own: 'first' | 'last') =>
		Math.max(0, (counts?.first.get(w) ?? 0) - (own === 'first' ? 1 : 0)) + (isKnownGivenName(w) ? 3 : 0);
	const asLast = (w: string, own: 'first' | 'last') =>
		Math.max(0, (counts?.last.get(w) ?? 0) - (own === 'last' ? 1 : 0));
	// Log-odds that the word is a given name rather than a family name, smoothed.
	const given = (w: string, own: 'first' | 'last') => Math.log((asFirst(w, own) + 0.5) / (asLast(w, own) + 0.5));
	const lastIsGiven = given(l, 'last');
	const firstIsGiven = given(f, 'first');
	return lastIsGiven > 1 && firstIsGiven < -1;
}

export interface NameFacts {
	first_name: string | null;
	last_name: string | null;
	full_name: string | null;
	/** The first and last names were given the wrong way round (and are swapped back here). */
	swapped: boolean;
	/** Words of the names were typed all in lower or upper case and are capitalised here. */
	case_fixed: boolean;
	/** The lead gave no name: these are read from its address (`jean.dupont@`), a guess. */
	guessed?: boolean;
	/** Where a guessed name comes from: `email`. */
	source?: 'email';
	salutation?: string | null;
	gender?: 'male' | 'female' | null;
}

export function nameFacts(
	input: {
		first: string | null;
		last: string | null;
		full: string | null;
		salutation?: string | null;
		/** The lead's address: a name is read from it when the lead gives none. */
		email?: string | null;
	},
	options: { detectSwaps: boolean; salutation: boolean },
	counts?: NameCounts,
): NameFacts | null {
	let first = input.first;
	let last = input.last;
	if (!first && !last && input.full) {
		const split = splitFullName(input.full);
		first = split.first_name;
		last = split.last_name;
	}
	if (!first && !last) return input.email ? guessedFromEmail(input.email) : null;
	const swapped = options.detectSwaps && looksSwapped(first, last, counts);
	if (swapped) [first, last] = [last, first];
	const tidyFirst = first ? tidyNameCase(first) : null;
	const tidyLast = last ? tidyNameCase(last) : null;
	const facts: NameFacts = {
		first_name: tidyFirst,
		last_name: tidyLast,
		full_name: [tidyFirst, tidyLast].filter(Boolean).join(' ') || null,
		swapped,
		case_fixed: tidyFirst !== first || tidyLast !== last,
	};
	if (options.salutation) {
		const said = salutationOf(input.salutation, input.full);
		facts.salutation = said?.salutation ?? null;
		facts.gender = said?.gender ?? null;
	}
	return facts;
}

/** A name read from a personal mailbox (`jean.dupont@acme.fr`), marked as a guess; null otherwise. */
function guessedFromEmail(email: string): NameFacts | null {
	const at = email.lastIndexOf('@');
	if (at <= 0 || email.length > 254) return null;
	const local = email.slice(0, at).trim();
	if (isRoleAddress(local.toLowerCase())) return null;
	const name = nameFromMailbox(local);
	if (!name) return null;
	const first = tidyNameCase(name.first);
	const last = tidyNameCase(name.last);
	return {
		first_name: first,
		last_name: last,
		full_name: `${first} ${last}`,
		swapped: false,
		case_fixed: false,
		guessed: true,
		source: 'email',
	};
}
