/** Text helpers shared by the name and company normalizers. */

/** Lower-case, strip accents and punctuation, fold whitespace: "  Zoë  O'Brien-Smith " → "zoe obrien smith". */
export function foldText(raw: unknown): string {
	if (typeof raw !== 'string' && typeof raw !== 'number') return '';
	return String(raw)
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

/** Trim, fold inner whitespace, drop control characters; null for empty. */
export function cleanString(raw: unknown, maxLength = 10000): string | null {
	if (raw === null || raw === undefined) return null;
	let s: string;
	if (typeof raw === 'string') s = raw;
	else if (typeof raw === 'number' || typeof raw === 'boolean') s = String(raw);
	else if (Array.isArray(raw)) s = raw.map((v) => cleanString(v) ?? '').filter(Boolean).join(', ');
	else return null;
	s = s
		.toWellFormed()
		.replace(/\p{Cc}/gu, (c) => (c === '\n' || c === '\r' || c === '\t' ? c : ''))
		.replace(/[ \t]+/g, ' ')
		.trim();
	if (s.length > maxLength) s = s.slice(0, maxLength);
	return s === '' ? null : s;
}
