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

/**
 * Capitalize each word of a name typed in lower or upper case, also when other words of it are
 * mixed ("ludwig VAN beethoven" -> "Ludwig van Beethoven"); a word typed in mixed case
 * ("McDonald", "DeShawn") is left alone. Particles inside a name stay lower-case ("Maria de la
 * Cruz"), Mc takes a capital after it ("McDonald") and so does a letter after an apostrophe
 * ("O'Brien").
 */
export function tidyNameCase(raw: string): string {
	const words = raw.split(' ');
	return words
		.map((word, k) => {
			const lower = word.toLowerCase();
			// A word typed in mixed case was typed with care (McDonald, DeShawn, O'Neil): kept.
			if (word !== lower && word !== word.toUpperCase()) return word;
			if (k > 0 && ROMAN.has(lower)) return word.toUpperCase();
			if (k < words.length - 1 && lower !== 'st' && PARTICLES.has(lower)) return lower;
			let w = lower.replace(/(^|[-'’])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
			if (/^Mc\p{L}/u.test(w) && w.length > 3) w = `Mc${w[2].toUpperCase()}${w.slice(3)}`;
			return w;
		})
		.join(' ');
}

/** Generation suffixes kept in capitals (John Smith III). */
const ROMAN = new Set(['ii', 'iii', 'iv']);

const SALUTATIONS: Record<string, { salutation: string; gender: 'male' | 'female' | null }> = {
	mr: { salutation: 'Mr', gender: 'male' },
	mister: { salutation: 'Mr', gender: 'male' },
	herr: { salutation: 'Herr', gender: 'male' },
	m: { salutation: 'M.', gender: 'male' },
	monsieur: { salutation: 'M.', gender: 'male' },
	sr: { salutation: 'Sr.', gender: 'male' },
	senor: { salutation: 'Sr.', gender: 'male' },
	sig: { salutation: 'Sig.', gender: 'male' },
	signor: { salutation: 'Sig.', gender: 'male' },
	dhr: { salutation: 'Dhr.', gender: 'male' },
	mrs: { salutation: 'Mrs', gender: 'female' },
	ms: { salutation: 'Ms', gender: 'female' },
	miss: { salutation: 'Miss', gender: 'female' },
	frau: { salutation: 'Frau', gender: 'female' },
	mme: { salutation: 'Mme', gender: 'female' },
	madame: { salutation: 'Mme', gender: 'female' },
	mlle: { salutation: 'Mlle', gender: 'female' },
	mademoiselle: { salutation: 'Mlle', gender: 'female' },
	sra: { salutation: 'Sra.', gender: 'female' },
	senora: { salutation: 'Sra.', gender: 'female' },
	srta: { salutation: 'Srta.', gender: 'female' },
	sigra: { salutation: 'Sig.ra', gender: 'female' },
	signora: { salutation: 'Sig.ra', gender: 'female' },
	mevr: { salutation: 'Mevr.', gender: 'female' },
	mx: { salutation: 'Mx', gender: null },
	dr: { salutation: 'Dr', gender: null },
	prof: { salutation: 'Prof.', gender: null },
};

/**
 * The salutation a person gave (a "Salutation" answer, or the first word of a full name), and the
 * gender it states. Nothing is guessed from a first name: gender comes only from a stated title.
 */
export function salutationOf(...values: unknown[]): { salutation: string; gender: 'male' | 'female' | null } | null {
	for (const value of values) {
		const text = cleanString(value, 300);
		if (!text) continue;
		const word = foldText(text.split(/\s+/)[0]);
		const found = SALUTATIONS[word] ?? SALUTATIONS[foldText(text)];
		if (found) return found;
	}
	return null;
}
