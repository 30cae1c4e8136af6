/** Text helpers shared by the name and company normalizers. */

/** Lower-case, strip accents and punctuation, fold whitespace: "  Zoë  O'Brien-Smith " → "zoe obrien smith". */
const PLAIN_ASCII = /^[a-z0-9 ]*$/;

export function foldText(raw: unknown): string {
	if (typeof raw !== 'string' && typeof raw !== 'number') return '';
	const s = String(raw);
	const lower = s.toLowerCase();
	// Fast path: already plain (most names and cities in Latin-script leads).
	if (PLAIN_ASCII.test(lower) && !lower.startsWith(' ') && !lower.endsWith(' ') && !lower.includes('  ')) return lower;
	return s
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.replace(/ß/g, 'ss')
		.replace(/[æ]/g, 'ae')
		.replace(/[ø]/g, 'o')
		.replace(/[ł]/g, 'l')
		.toLowerCase()
		.replace(/['’`´]/g, '')
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

/** `s` without the run of `ch` at its end, in linear time (a regex like /\.+$/ is quadratic). */
export function trimTrailing(s: string, ch: string): string {
	let end = s.length;
	while (end > 0 && s[end - 1] === ch) end--;
	return end === s.length ? s : s.slice(0, end);
}

/** Trim, fold inner whitespace, drop control characters; null for empty. */
export function cleanString(raw: unknown, maxLength = 10000): string | null {
	if (raw === null || raw === undefined) return null;
	let s: string;
	if (typeof raw === 'string') s = raw;
	else if (typeof raw === 'number' || typeof raw === 'boolean') s = String(raw);
	else if (Array.isArray(raw))
		s = raw
			.map((v) => cleanString(v) ?? '')
			.filter(Boolean)
			.join(', ');
	else return null;
	s = s
		.toWellFormed()
		.replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\r' || c === '\t' ? c : ''))
		.replace(/[ \t]+/g, ' ')
		.trim();
	if (s.length > maxLength) s = s.slice(0, maxLength);
	return s === '' ? null : s;
}
