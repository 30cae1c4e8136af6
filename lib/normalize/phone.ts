import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js/max';

export interface NormalizedPhone {
	/** E.164, e.g. +33612345678 */
	e164: string;
	/** ISO 3166-1 alpha-2 country the number belongs to, when known. */
	country?: string;
	/** mobile, fixed_line, toll_free, voip, ... when the metadata can tell. */
	type?: string;
}

/**
 * Normalize a phone number to E.164. Local formats ("06 12 34 56 78") need a default country;
 * "00" and "+" prefixes work without one. Numbers may arrive as JSON numbers (Webflow sends them so).
 * Returns null when the value is not a possible phone number.
 */
export function normalizePhone(raw: unknown, defaultCountry?: string): NormalizedPhone | null {
	return parsePhone(raw, defaultCountry)?.normalized ?? null;
}

/** normalizePhone with the parsed number kept, for callers that also validate or format it. */
export function parsePhone(
	raw: unknown,
	defaultCountry?: string,
): { normalized: NormalizedPhone; number: PhoneNumber } | null {
	let s: string;
	if (typeof raw === 'number' && Number.isFinite(raw)) s = String(Math.trunc(raw));
	else if (typeof raw === 'string') s = raw.trim();
	else return null;
	if (!s || s.length > 40 || !/\d/.test(s)) return null;
	// Letters other than extension markers mean this is not a phone number (vanity numbers excepted).
	if (/[a-wyz]/i.test(s.replace(/\b(ext|extension|x)\b\.?/gi, ''))) return null;
	s = s.replace(/^00(?=[1-9])/, '+');
	const country = toCountry(defaultCountry);
	// A national number with no country cannot be read (the library would throw and catch inside):
	// only the "calling code without +" reading below is left for it.
	let parsed =
		country || s.startsWith('+')
			? parsePhoneNumberFromString(s, country ? { defaultCountry: country } : undefined)
			: undefined;
	// A number typed without '+' but with its calling code (e.g. 15550000000 from Webflow).
	if ((!parsed || !parsed.isPossible()) && !s.startsWith('+') && s.replace(/\D/g, '').length > 10) {
		parsed = parsePhoneNumberFromString(`+${s.replace(/\D/g, '')}`);
	}
	if (!parsed || !parsed.isPossible()) return null;
	const type = parsed.getType();
	return {
		normalized: { e164: parsed.number, country: parsed.country, ...(type ? { type: type.toLowerCase() } : {}) },
		number: parsed,
	};
}

export function isValidPhone(raw: unknown, defaultCountry?: string): boolean {
	const n = normalizePhone(raw, defaultCountry);
	if (!n) return false;
	const parsed = parsePhoneNumberFromString(n.e164);
	return !!parsed && parsed.isValid();
}

function toCountry(code?: string): CountryCode | undefined {
	if (!code) return undefined;
	const c = code.trim().toUpperCase();
	return /^[A-Z]{2}$/.test(c) ? (c as CountryCode) : undefined;
}
