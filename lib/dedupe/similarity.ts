/** String comparators for fuzzy matching. Inputs are already folded (lower case, no accents). */

let scratchA = new Uint8Array(64);
let scratchB = new Uint8Array(64);

/** Jaro-Winkler similarity in [0, 1] (prefix scale 0.1, up to 4 characters). */
export function jaroWinkler(a: string, b: string): number {
	if (a === b) return a.length ? 1 : 0;
	const la = a.length;
	const lb = b.length;
	if (!la || !lb) return 0;
	const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
	// Reused scratch buffers: this runs millions of times per batch.
	if (la > scratchA.length || lb > scratchB.length) {
		scratchA = new Uint8Array(Math.max(la, scratchA.length * 2));
		scratchB = new Uint8Array(Math.max(lb, scratchB.length * 2));
	}
	const aMatch = scratchA;
	const bMatch = scratchB;
	aMatch.fill(0, 0, la);
	bMatch.fill(0, 0, lb);
	let matches = 0;
	for (let i = 0; i < la; i++) {
		const lo = Math.max(0, i - window);
		const hi = Math.min(lb - 1, i + window);
		for (let j = lo; j <= hi; j++) {
			if (!bMatch[j] && a.charCodeAt(i) === b.charCodeAt(j)) {
				aMatch[i] = 1;
				bMatch[j] = 1;
				matches++;
				break;
			}
		}
	}
	if (!matches) return 0;
	let t = 0;
	for (let i = 0, j = 0; i < la; i++) {
		if (!aMatch[i]) continue;
		while (!bMatch[j]) j++;
		if (a.charCodeAt(i) !== b.charCodeAt(j)) t++;
		j++;
	}
	const jaro = (matches / la + matches / lb + (matches - t / 2) / matches) / 3;
	let prefix = 0;
	while (prefix < 4 && prefix < la && prefix < lb && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
	return jaro + prefix * 0.1 * (1 - jaro);
}

/** Damerau-Levenshtein (optimal string alignment) distance, stopping early past `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
	if (a === b) return 0;
	if (Math.abs(a.length - b.length) > max) return max + 1;
	const la = a.length;
	const lb = b.length;
	let prev2 = new Array<number>(lb + 1).fill(0);
	let prev = Array.from({ length: lb + 1 }, (_, j) => j);
	let cur = new Array<number>(lb + 1).fill(0);
	for (let i = 1; i <= la; i++) {
		cur[0] = i;
		let rowMin = cur[0];
		for (let j = 1; j <= lb; j++) {
			const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
			let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (
				i > 1 &&
				j > 1 &&
				a.charCodeAt(i - 1) === b.charCodeAt(j - 2) &&
				a.charCodeAt(i - 2) === b.charCodeAt(j - 1)
			) {
				v = Math.min(v, prev2[j - 2] + 1);
			}
			cur[j] = v;
			if (v < rowMin) rowMin = v;
		}
		if (rowMin > max) return max + 1;
		[prev2, prev, cur] = [prev, cur, prev2];
	}
	return prev[lb];
}

/** Share of tokens in common (Jaccard on word sets), for addresses and free text. */
export function tokenSimilarity(a: string, b: string): number {
	if (a === b) return a ? 1 : 0;
	if (!a.includes(' ') && !b.includes(' ')) return 0;
	const ta = new Set(a.split(' ').filter(Boolean));
	const tb = new Set(b.split(' ').filter(Boolean));
	if (!ta.size || !tb.size) return 0;
	let common = 0;
	for (const t of ta) if (tb.has(t)) common++;
	return common / (ta.size + tb.size - common);
}

const SOUNDEX_CODES: Record<string, string> = {
	b: '1',
	f: '1',
	p: '1',
	v: '1',
	c: '2',
	g: '2',
	j: '2',
	k: '2',
	q: '2',
	s: '2',
	x: '2',
	z: '2',
	d: '3',
	t: '3',
	l: '4',
	m: '5',
	n: '5',
	r: '6',
};

/** American Soundex code, for blocking names that sound alike ("smith" / "smyth"). */
export function soundex(s: string): string {
	const letters = s.replace(/[^a-z]/g, '');
	if (!letters) return '';
	let out = letters[0].toUpperCase();
	let last = SOUNDEX_CODES[letters[0]] ?? '';
	for (let i = 1; i < letters.length && out.length < 4; i++) {
		const ch = letters[i];
		const code = SOUNDEX_CODES[ch] ?? '';
		if (code && code !== last) out += code;
		if (ch !== 'h' && ch !== 'w') last = code;
	}
	return out.padEnd(4, '0');
}
