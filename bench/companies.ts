/**
 * Generated company listings with ground truth (#31's company-only tuning data): two directories
 * (a CRM's account list and a purchased list, two guides, two trade shows' exhibitors) listing
 * overlapping sets of businesses by name, street address, city and phone, with no person and no
 * email, as account lists and business directories are. Written from what such lists hold, before
 * any value was chosen with it:
 * - a business listed twice is typed differently: "The" dropped or added, "&" and "and", its
 *   trade word added or dropped, its site added ("Cafe Luna at the Grand Plaza"), street words
 *   abbreviated (Street / St.), a suite dropped, the phone formatted another way, now and then a
 *   new phone, or the neighbouring city of the same metro ("West Hollywood" for "Los Angeles");
 * - businesses in one building (a hotel's restaurants, an office tower's tenants, a mall's shops)
 *   share its street address and, often, its switchboard number under different names;
 * - businesses of one name in other cities (branches of a chain, common names such as "Golden
 *   Dragon") are different entries.
 * `entity` is the ground truth; `CompanyListing` fields are the compared ones.
 */
import { seededRandom as rng } from '../lib/dedupe/learn';

export interface CompanyListing {
	entity: string;
	name: string;
	addr: string;
	city: string;
	phone: string;
}

const WORDS = [
	'luna',
	'golden',
	'harbor',
	'cedar',
	'maple',
	'silver',
	'blue',
	'river',
	'summit',
	'oak',
	'olive',
	'crescent',
	'red',
	'union',
	'pacific',
	'liberty',
	'granite',
	'willow',
	'coral',
	'north',
	'station',
	'garden',
	'copper',
	'lotus',
	'pine',
	'sierra',
	'ember',
	'iron',
	'market',
	'bay',
	'sun',
	'star',
	'palm',
	'stone',
	'bridge',
	'park',
	'lake',
	'hill',
	'meadow',
	'canyon',
];
const OWNERS = ['mario', 'rosa', 'chen', 'patel', 'murphy', 'nguyen', 'kowalski', 'garcia', 'sato', 'okafor'];
const TRADES = [
	'cafe',
	'grill',
	'bistro',
	'bakery',
	'kitchen',
	'diner',
	'tavern',
	'dental',
	'studio',
	'consulting',
	'design',
	'florist',
	'salon',
	'pharmacy',
	'books',
	'cleaners',
	'motors',
	'fitness',
	'law',
	'realty',
];
const SITES = ['grand plaza', 'harbor tower', 'the regent', 'union square mall', 'the biltmore', 'city center'];
const STREETS = ['main', 'market', 'broadway', 'sunset', 'mission', 'ocean', 'lincoln', 'park', 'elm', 'washington'];
const STREET_KINDS: Array<[string, string]> = [
	['street', 'st.'],
	['avenue', 'ave.'],
	['boulevard', 'blvd.'],
	['road', 'rd.'],
	['drive', 'dr.'],
];
/** Metros: the main city and neighbouring ones a listing may give instead. */
const METROS: Array<{ city: string; near: string[]; area: string[] }> = [
	{ city: 'los angeles', near: ['west hollywood', 'santa monica', 'beverly hills'], area: ['213', '310', '323'] },
	{ city: 'new york', near: ['brooklyn', 'manhattan', 'queens'], area: ['212', '718', '646'] },
	{ city: 'san francisco', near: ['oakland', 'daly city'], area: ['415', '510'] },
	{ city: 'atlanta', near: ['decatur', 'marietta'], area: ['404', '770'] },
	{ city: 'chicago', near: ['evanston', 'oak park'], area: ['312', '773'] },
	{ city: 'las vegas', near: ['henderson', 'paradise'], area: ['702'] },
];

const cap = (s: string) => s.replace(/(^|\s)[a-z]/g, (c) => c.toUpperCase());

/** A phone typed one of the ways directories print them. */
function formatPhone(digits: string, r: () => number): string {
	const [a, b, c] = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)];
	const styles = [`${a}/${b}-${c}`, `(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `+1 ${a} ${b} ${c}`];
	return styles[Math.floor(r() * styles.length)];
}

/**
 * About `n` businesses in two directories (each listed in one or both): one row per listing, in
 * directory order, shuffled within each.
 */
export function companyListings(n: number, seed = 7): CompanyListing[] {
	const r = rng(seed);
	const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
	const digits = (k: number) => Array.from({ length: k }, () => Math.floor(r() * 10)).join('');
	interface Business {
		id: string;
		name: string;
		trade: string;
		site?: string;
		street: string;
		suite?: string;
		metro: (typeof METROS)[number];
		phone: string;
	}
	const businesses: Business[] = [];
	// Buildings shared by several businesses: one street address, often one switchboard.
	const buildings: Array<{ site: string; street: string; metro: (typeof METROS)[number]; phone: string }> = [];
	for (let i = 0; i < n; i++) {
		const metro = pick(METROS);
		const trade = pick(TRADES);
		const style = r();
		const word = pick(WORDS);
		// Names recur across cities (chains, common names), and within a metro now and then.
		const base =
			style < 0.4
				? `${word} ${trade}`
				: style < 0.6
					? `the ${word} ${pick(WORDS)}`
					: style < 0.75
						? `${pick(OWNERS)}'s ${trade}`
						: style < 0.9
							? `${word} & ${pick(WORDS)} ${trade}`
							: `${word} ${pick(WORDS)}`;
		const street = `${1 + Math.floor(r() * 9000)} ${pick(STREETS)} ${pick(STREET_KINDS)[0]}`;
		const phone = `${pick(metro.area)}${digits(7)}`;
		const b: Business = { id: `c${seed}-${i}`, name: base, trade, street, metro, phone };
		if (r() < 0.2) {
			// In a building: a new one, or one of the same metro's.
			const here = buildings.filter((x) => x.metro === metro);
			const building =
				here.length && r() < 0.5
					? pick(here)
					: (() => {
							const made = { site: pick(SITES), street, metro, phone: `${pick(metro.area)}${digits(7)}` };
							buildings.push(made);
							return made;
						})();
			b.site = building.site;
			b.street = building.street;
			// Half of a building's businesses answer on its switchboard.
			if (r() < 0.5) b.phone = building.phone;
		} else if (r() < 0.15) b.suite = `suite ${100 + Math.floor(r() * 900)}`;
		businesses.push(b);
	}
	const listing = (b: Business, variant: boolean): CompanyListing => {
		let name = b.name;
		let addr = b.suite ? `${b.street} ${b.suite}` : b.street;
		let city = b.metro.city;
		let phone = b.phone;
		if (variant) {
			const v = r();
			if (v < 0.15 && name.startsWith('the ')) name = name.slice(4);
			else if (v < 0.25 && !name.startsWith('the ')) name = `the ${name}`;
			else if (v < 0.35) name = name.replace(' & ', ' and ');
			else if (v < 0.5 && !name.endsWith(b.trade)) name = `${name} ${b.trade}`;
			else if (v < 0.6 && name.endsWith(` ${b.trade}`) && name.split(' ').length > 2)
				name = name.slice(0, -b.trade.length - 1);
			if (b.site && r() < 0.4) name = `${name} at ${b.site}`;
			if (r() < 0.5) for (const [long, short] of STREET_KINDS) addr = addr.replace(` ${long}`, ` ${short}`);
			if (b.suite && r() < 0.5) addr = b.street;
			if (r() < 0.15) city = pick(b.metro.near);
			if (r() < 0.1) phone = `${pick(b.metro.area)}${digits(7)}`;
		}
		return {
			entity: b.id,
			name: r() < 0.5 ? cap(name) : name,
			addr: cap(addr),
			city: cap(city),
			phone: formatPhone(phone, r),
		};
	};
	// Directory A lists 70% of the businesses, directory B 60%: about 30% appear in both.
	const a: CompanyListing[] = [];
	const bList: CompanyListing[] = [];
	for (const b of businesses) {
		const inA = r() < 0.7;
		const inB = !inA || r() < 0.43;
		if (inA) a.push(listing(b, false));
		if (inB) bList.push(listing(b, inA));
	}
	return [...a, ...bList];
}
