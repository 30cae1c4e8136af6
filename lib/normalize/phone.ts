import {
	getCountryCallingCode,
	parsePhoneNumberFromString,
	type CountryCode,
	type PhoneNumber,
} from 'libphonenumber-js/max';

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

/**
 * A comparison key for a number that does not parse as a possible number of its country (a digit
 * too many or too few, a range the metadata lacks): "+", the country's calling code and the
 * national digits without leading (trunk) zeros, so the number typed nationally and typed with its
 * calling code give one key. A number written with "+" or "00" and another country's calling code
 * keeps its own digits. Undefined without a known country or with fewer than four national digits.
 */
export function phoneKey(raw: unknown, country?: string): string | undefined {
	const s =
		typeof raw === 'number' && Number.isFinite(raw)
			? String(Math.trunc(raw))
			: typeof raw === 'string'
				? raw.trim()
				: '';
	const code = toCountry(country);
	if (!s || s.length > 40 || !code) return undefined;
	let cc: string;
	try {
		cc = getCountryCallingCode(code);
	} catch {
		return undefined; // not a country the metadata knows
	}
	let digits = s.replace(/\D/g, '');
	if (s.startsWith('+') || s.startsWith('00')) {
		if (s.startsWith('00')) digits = digits.slice(2);
		if (!digits.startsWith(cc)) return digits.length >= 4 ? `+${digits}` : undefined;
		digits = digits.slice(cc.length);
	}
	digits = digits.replace(/^0+/, '');
	return digits.length >= 4 ? `+${cc}${digits}` : undefined;
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
