import { normalizeEmail } from '../normalize/email';
import { normalizePhone, phoneKey } from '../normalize/phone';
import { foldText } from '../normalize/text';
import { canonicalFirstName } from '../normalize/nicknames';
import { normalizeCompany } from '../normalize/company';
import { normalizeDomain } from '../normalize/domain';

/** What a compared field holds; decides its normalizer, comparator and weights. */
export const FIELD_KINDS = [
	'email',
	'phone',
	'first_name',
	'last_name',
	'company',
	'domain',
	'date',
	'postcode',
	'city',
	'address',
	'id',
	'text',
] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export interface FieldSpec {
	/** Name used in rules and reasons ("email", "dob", ...). */
	name: string;
	kind: FieldKind;
}

/** One record's comparable values, by field name; absent when empty or unreadable. */
export type Prepared = Record<string, string | undefined>;

export interface PrepareOptions {
	defaultCountry?: string;
	stripPlusEverywhere?: boolean;
	/**
	 * Version 1.2: a phone that does not parse as a possible number of its country is kept as its
	 * country's calling code and the national digits (see phoneKey), so "+34 91 901 2005 9" and
	 * "91 901 2005 9" compare equal. Before, each kept its bare digits and the two differed.
	 */
	countryPhoneKeys?: boolean;
}

/** Prefix of a prepared email that is not a valid address (kept, lower-cased, to catch typos). */
export const INVALID_EMAIL_MARK = '!';

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * The longest text compared, in characters: items may come from anywhere, and the comparators
 * (Jaro-Winkler, edit distance) cost the product of two lengths. Emails, phones and domains have
 * shorter limits of their own in their normalisers.
 */
export const COMPARED_LENGTH_LIMIT = 256;

/** Normalizes one raw value for comparison according to its kind. */
export function prepareValue(kind: FieldKind, raw: unknown, options: PrepareOptions = {}): string | undefined {
	if (raw === null || raw === undefined || raw === '') return undefined;
	if (Array.isArray(raw)) return raw.length ? prepareValue(kind, raw[0], options) : undefined;
	if (typeof raw === 'string' && raw.length > COMPARED_LENGTH_LIMIT && kind !== 'email' && kind !== 'domain') {
		raw = raw.slice(0, COMPARED_LENGTH_LIMIT);
	}
	let out: string | undefined;
	switch (kind) {
		case 'email':
			out = normalizeEmail(raw, { stripPlusEverywhere: options.stripPlusEverywhere })?.key;
			// A mistyped address (jane@acme,com) is kept to catch its typo'd twin; text without an @
			// ("none", "n/a", "null") is no address at all, and equal junk must not link people.
			if (!out && typeof raw === 'string' && raw.includes('@'))
				out = INVALID_EMAIL_MARK + raw.slice(0, COMPARED_LENGTH_LIMIT).trim().toLowerCase();
			break;
		case 'phone':
			// Already E.164 (what the capture trigger stores): no need to parse it again.
			if (typeof raw === 'string' && E164.test(raw)) out = raw;
			else
				out =
					normalizePhone(raw, options.defaultCountry)?.e164 ??
					(options.countryPhoneKeys ? phoneKey(raw, options.defaultCountry) : undefined) ??
					(String(raw).replace(/\D/g, '') || undefined);
			break;
		case 'first_name':
			out = canonicalFirstName(foldText(raw));
			break;
		case 'last_name':
		case 'city':
		case 'address':
		case 'text':
			out = foldText(raw);
			break;
		case 'company':
			out = normalizeCompany(raw);
			break;
		case 'domain':
			out = normalizeDomain(raw) ?? undefined;
			break;
		case 'date':
			out = String(raw).replace(/\D/g, '');
			break;
		case 'postcode':
		case 'id':
			out = String(raw)
				.toUpperCase()
				.replace(/[^0-9A-Z]/g, '');
			break;
	}
	return out ? out : undefined;
}
