import { foldText } from './text';

/** Legal-form words dropped when comparing company names ("Acme, Inc." = "ACME" = "Acme SAS"). */
const LEGAL = new Set([
	'inc', 'incorporated', 'llc', 'l l c', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'plc',
	'lp', 'llp', 'pllc', 'pc', 'sas', 'sasu', 'sa', 'sarl', 'eurl', 'sci', 'snc', 'gmbh', 'ag', 'kg', 'ohg', 'ug',
	'ev', 'bv', 'nv', 'vof', 'srl', 'spa', 'sl', 'slu', 'sa de cv', 'ltda', 'pty', 'oy', 'oyj', 'ab', 'as', 'asa',
	'aps', 'kk', 'kft', 'zrt', 'sp', 'z', 'oo', 'sro', 'doo', 'ooo', 'pjsc', 'jsc', 'pte', 'bhd', 'sdn', 'group',
	'holding', 'holdings', 'the', 'et', 'cie', 'and',
]);

/** Comparable company name: folded, '&' as 'and', legal forms and "The" removed. */
export function normalizeCompany(raw: unknown): string {
	const folded = foldText(typeof raw === 'string' ? raw.replace(/&/g, ' and ') : raw);
	const words = folded.split(' ').filter((w) => w && !LEGAL.has(w));
	return words.join(' ');
}
