/**
 * The world region of a country, for rules a marketer can read ("region is Europe", "sales region
 * is EMEA") instead of lists of country codes. The continent comes from the country's first IANA
 * zone (Europe/Paris → Europe), with the islands whose zones are named after an ocean placed by
 * hand; the sales region is the usual three-way split (AMER, EMEA, APAC), the Middle East and the
 * Caucasus in EMEA.
 */
import { zonesOfCountry } from './zones';

export type Region = 'Africa' | 'Americas' | 'Asia' | 'Europe' | 'Oceania';
export type SalesRegion = 'AMER' | 'EMEA' | 'APAC';

/** Countries whose first zone is an ocean's (or misleads): placed by hand. */
const BY_HAND: Record<string, Region> = {
	IS: 'Europe',
	FO: 'Europe',
	CY: 'Europe',
	SJ: 'Europe',
	BM: 'Americas',
	FK: 'Americas',
	GS: 'Americas',
	CV: 'Africa',
	SH: 'Africa',
	MU: 'Africa',
	SC: 'Africa',
	RE: 'Africa',
	YT: 'Africa',
	KM: 'Africa',
	MG: 'Africa',
	TF: 'Africa',
	MV: 'Asia',
	IO: 'Asia',
	CX: 'Oceania',
	CC: 'Oceania',
};

const PREFIX: Record<string, Region> = {
	Europe: 'Europe',
	America: 'Americas',
	Asia: 'Asia',
	Africa: 'Africa',
	Australia: 'Oceania',
	Pacific: 'Oceania',
	Arctic: 'Europe',
};

/** Asian countries that sales teams count in EMEA: the Middle East and the Caucasus. */
const ASIA_IN_EMEA = new Set([
	'AE',
	'AM',
	'AZ',
	'BH',
	'GE',
	'IL',
	'IQ',
	'IR',
	'JO',
	'KW',
	'LB',
	'OM',
	'PS',
	'QA',
	'SA',
	'SY',
	'TR',
	'YE',
]);

/** The continent of an ISO 3166-1 alpha-2 country, or null (Antarctica, unknown codes). */
export function regionOf(code: string): Region | null {
	const upper = code.toUpperCase();
	if (BY_HAND[upper]) return BY_HAND[upper];
	const zone = zonesOfCountry(upper)[0];
	if (!zone) return null;
	return PREFIX[zone.slice(0, zone.indexOf('/'))] ?? null;
}

/** AMER, EMEA or APAC for a country, or null. */
export function salesRegionOf(code: string): SalesRegion | null {
	const region = regionOf(code);
	if (!region) return null;
	if (region === 'Americas') return 'AMER';
	if (region === 'Europe' || region === 'Africa') return 'EMEA';
	return ASIA_IN_EMEA.has(code.toUpperCase()) ? 'EMEA' : 'APAC';
}
