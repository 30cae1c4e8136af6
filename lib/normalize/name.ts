import { foldText, cleanString } from './text';

const HONORIFICS = new Set([
	'mr',
	'mrs',
	'ms',
	'miss',
	'mx',
	'dr',
	'prof',
	'sir',
	'madam',
	'mme',
	'mlle',
	'm',
	'herr',
	'frau',
	'sr',
	'sra',
	'srta',
	'dott',
	'ing',
]);
const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'phd', 'md', 'esq', 'mba']);
/** Particles that belong to the last name: "Ludwig van Beethoven" → last "van Beethoven". */
const PARTICLES = new Set([
	'van',
	'von',
	'de',
	'der',
	'den',
	'del',
	'della',
	'di',
	'da',
	'du',
	'la',
	'le',
	'dos',
	'das',
	'ter',
	'ten',
	'bin',
	'al',
	'st',
]);

/** Folded name for comparison: accents, case and punctuation removed. */
export function normalizeName(raw: unknown): string {
	return foldText(raw);
}

export interface SplitName {
	first_name: string | null;
	last_name: string | null;
}

/** Split a full name typed into one box: honorifics and suffixes dropped, "Last, First" understood. */
export function splitFullName(raw: unknown): SplitName {
	const full = cleanString(raw, 300);
	if (!full) return { first_name: null, last_name: null };
	const comma = full.split(',');
	if (comma.length === 2 && comma[0].trim() && comma[1].trim() && !SUFFIXES.has(foldText(comma[1]))) {
		return { first_name: comma[1].trim(), last_name: comma[0].trim() };
	}
	const words = full.replace(/,/g, ' ').split(/\s+/).filter(Boolean);
	while (words.length > 1 && HONORIFICS.has(foldText(words[0]))) words.shift();
	while (words.length > 1 && SUFFIXES.has(foldText(words[words.length - 1]))) words.pop();
	if (words.length === 1) return { first_name: words[0], last_name: null };
	let lastStart = words.length - 1;
	while (lastStart > 1 && PARTICLES.has(foldText(words[lastStart - 1]))) lastStart--;
	return { first_name: words.slice(0, lastStart).join(' '), last_name: words.slice(lastStart).join(' ') };
}

/** Capitalize a name typed all in lower or upper case; leave mixed case ("McDonald", "de Vries") alone. */
export function tidyNameCase(raw: string): string {
	if (raw !== raw.toLowerCase() && raw !== raw.toUpperCase()) return raw;
	return raw.toLowerCase().replace(/(^|[\s\-'’])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}
