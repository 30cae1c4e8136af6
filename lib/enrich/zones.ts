import { foldText } from '../normalize/text';

/**
 * IANA time zones for a lead: from its country when the country keeps one time, else from its
 * phone number's prefix, else from its city. The lists ship in lib/data (see its manifest.json and
 * `npm run data:refresh`); each is loaded once, on first use.
 */
type CountryZones = Record<string, string[]>;
type PhoneZones = Record<string, string>;
type CityZones = Record<string, Record<string, string>>;

let countries: CountryZones | undefined;
let phones: PhoneZones | undefined;
let cities: CityZones | undefined;

/* eslint-disable @typescript-eslint/no-require-imports */
/** Country code → its IANA zones, loaded once (Enrich's zones, regions and the node panels' zone list). */
export const countryTable = () => (countries ??= require('../data/country-zones.json') as CountryZones);
const phoneTable = () => (phones ??= require('../data/phone-zones.json') as PhoneZones);
const cityTable = () => (cities ??= require('../data/city-zones.json') as CityZones);
/* eslint-enable @typescript-eslint/no-require-imports */

export type ZoneSource = 'country' | 'phone' | 'city';

export interface ZoneAnswer {
	zone: string | null;
	source: ZoneSource | null;
	/** The country's zones (one per distinct local time, most populous first) when it has several. */
	candidates?: string[];
}

/** The distinct local times of a country, one zone each, most populous first ([] when unknown). */
export function zonesOfCountry(country: string | null | undefined): string[] {
	return country ? (countryTable()[country.toUpperCase()] ?? []) : [];
}

/** The zone of a phone number's longest known prefix (E.164 digits), when it tells one. */
export function zoneOfPhone(e164: string | null | undefined): string | null {
	if (!e164) return null;
	const digits = e164.replace(/^\+/, '');
	const table = phoneTable();
	for (let n = Math.min(digits.length, 8); n > 0; n--) {
		const zone = table[digits.slice(0, n)];
		if (zone) return zone;
	}
	return null;
}

/** The zone of a city in a country with several (the most populous namesake). */
export function zoneOfCity(country: string | null | undefined, city: unknown): string | null {
	if (!country) return null;
	const name = foldText(typeof city === 'string' ? city.slice(0, 200) : city);
	if (!name) return null;
	return cityTable()[country.toUpperCase()]?.[name] ?? null;
}

/**
 * The lead's time zone: its country's when there is one; else its phone's region (when the phone
 * belongs to that country, or there is no country); else its city's. `candidates` lists the
 * country's zones when none could be chosen.
 */
export function timeZoneFor(input: {
	country?: string | null;
	phone?: string | null;
	phoneCountry?: string | null;
	city?: unknown;
}): ZoneAnswer {
	const country = input.country ?? input.phoneCountry ?? null;
	const zones = zonesOfCountry(country);
	if (zones.length === 1) return { zone: zones[0], source: 'country' };
	if (input.phone && (!input.country || !input.phoneCountry || input.phoneCountry === input.country)) {
		const zone = zoneOfPhone(input.phone);
		if (zone && (zones.length === 0 || zones.includes(zone))) return { zone, source: 'phone' };
	}
	const byCity = zoneOfCity(country, input.city);
	if (byCity) return { zone: byCity, source: 'city' };
	return zones.length ? { zone: null, source: null, candidates: zones } : { zone: null, source: null };
}
