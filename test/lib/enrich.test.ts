import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { companyNameFromDomain, emailFacts, domainPatterns, addressPattern } from '../../lib/enrich/email';
import { enrichLocally, type LocalInput, type LocalOptions } from '../../lib/enrich/local';
import { checkMailDomains, clearMailCache } from '../../lib/enrich/mx';
import { countNames, countryFacts, looksSwapped, nameFacts, phoneFacts } from '../../lib/enrich/person';
import { timeZoneFor, zonesOfCountry } from '../../lib/enrich/zones';
import { startDns } from '../helpers/dnsServer';

const DATA = join(__dirname, '..', '..', '..', 'shared', 'datasets');
const blank: LocalInput = {
	email: '',
	phone: '',
	first_name: '',
	last_name: '',
	full_name: '',
	country: '',
	city: '',
	website: '',
	salutation: '',
};
const all: LocalOptions = {
	email: true,
	phone: true,
	name: true,
	country: true,
	language: 'en',
	detectSwaps: true,
	salutation: true,
};

describe('email facts', () => {
	it.each([
		['  John.Smith@ACME.com. ', 'john.smith@acme.com', { free: false, disposable: false, role: false }],
		['mailto:Jane@Example.ORG', 'jane@example.org', { free: false, role: false }],
		['Jane Doe <jane@gmail.com>', 'jane@gmail.com', { free: true, disposable: false, company_domain: null }],
		['max@web.de', 'max@web.de', { free: true }],
		['x7q@mailinator.com', 'x7q@mailinator.com', { disposable: true, free: false, company_domain: null }],
		['kontakt@firma-mueller.de', 'kontakt@firma-mueller.de', { role: true, company_domain: 'firma-mueller.de' }],
		['ventas@empresa.es', 'ventas@empresa.es', { role: true }],
		['info+newsletter@shop.fr', 'info+newsletter@shop.fr', { role: true }],
	])('%j', (raw, address, expected) => {
		const facts = emailFacts(raw)!;
		expect(facts.valid).toBe(true);
		expect(facts.address).toBe(address);
		expect(facts).toMatchObject(expected);
	});
	it.each(['john@@acme.com', 'john.acme.com', 'john@acme', '@acme.com', 'a'.repeat(600) + '@x.com'])(
		'%j is invalid and says so',
		(raw) => {
			const facts = emailFacts(raw)!;
			expect(facts.valid).toBe(false);
			expect(facts.company_domain).toBeNull();
			expect(facts.address.length).toBeLessThanOrEqual(254);
		},
	);
	it.each([
		['acme-robotics.co.uk', 'Acme Robotics'],
		['ibm.com', 'IBM'],
		['mail.stripe.com', 'Stripe'],
		['northwind-traders.com.au', 'Northwind Traders'],
		['www.example.io', 'Example'],
		['xn--bcher-kva.de', null],
		['', null],
	])('company name from %j', (domain, name) => expect(companyNameFromDomain(domain)).toBe(name));
});

describe('mistyped free-mail domains', () => {
	it.each([
		['lukas@gmial.com', 'gmail.com'],
		['ana@gmail.co', 'gmail.com'],
		['joe@hotmial.com', 'hotmail.com'],
		['li@yahooo.com', 'yahoo.com'],
		['sam@outlok.com', 'outlook.com'],
		['kim@icloud.con', 'icloud.com'],
	])('%s is a free mailbox, a typo of %s', (address, provider) => {
		const facts = emailFacts(address)!;
		expect(facts).toMatchObject({ free: true, typo_of: provider, company_domain: null });
	});
	it.each(['x@gmail.com', 'x@mail.com', 'x@gmx.de', 'x@acme.com', 'x@hotmail.fr', 'x@ymail.com', 'x@gmai.company.com'])(
		'%s is no typo',
		(address) => {
			expect(emailFacts(address)!.typo_of).toBeNull();
		},
	);
	it('a company one letter away from nothing big stays a company', () => {
		expect(emailFacts('eva@gmbh-solutions.de')).toMatchObject({ free: false, company_domain: 'gmbh-solutions.de' });
	});
});

describe('address patterns', () => {
	it.each([
		['john.smith', '{first}.{last}'],
		['jsmith', '{f}{last}'],
		['john', '{first}'],
		['smith.john', '{last}.{first}'],
		['johns', '{first}{l}'],
		['j.smith', '{f}.{last}'],
		['john_smith+news', '{first}_{last}'],
		['sales', null],
	])('%j for John Smith is %j', (local, pattern) => expect(addressPattern(local, 'John', 'Smith')).toBe(pattern));
	it('accents and particles fold like an address does', () => {
		expect(addressPattern('zoe.obrien', 'Zoë', "O'Brien")).toBe('{first}.{last}');
		expect(addressPattern('l.vanbeethoven', 'Ludwig', 'van Beethoven')).toBe('{f}.{last}');
	});
	it('a domain needs two leads following one pattern, and half of those readable', () => {
		const people = [
			{ domain: 'acme.com', local: 'ann.lee', first: 'Ann', last: 'Lee' },
			{ domain: 'acme.com', local: 'bob.ray', first: 'Bob', last: 'Ray' },
			{ domain: 'acme.com', local: 'cfox', first: 'Cy', last: 'Fox' },
			{ domain: 'solo.com', local: 'dan.kim', first: 'Dan', last: 'Kim' },
			{ domain: 'mixed.com', local: 'eve.ng', first: 'Eve', last: 'Ng' },
			{ domain: 'mixed.com', local: 'fmoss', first: 'Fay', last: 'Moss' },
			{ domain: 'mixed.com', local: 'gus', first: 'Gus', last: 'Bell' },
		];
		const patterns = domainPatterns(people);
		expect(patterns.get('acme.com')).toEqual({ pattern: '{first}.{last}', seen: 2, of: 3 });
		expect(patterns.has('solo.com')).toBe(false);
		expect(patterns.has('mixed.com')).toBe(false);
	});
	it('a lead with names and a website but no email gets an address built with its domain pattern', () => {
		const results = enrichLocally(
			[
				{ ...blank, email: 'ann.lee@acme.com', first_name: 'Ann', last_name: 'Lee' },
				{ ...blank, email: 'bob.ray@acme.com', first_name: 'Bob', last_name: 'Ray' },
				{ ...blank, website: 'https://www.acme.com/contact', first_name: 'Cara', last_name: 'Diaz' },
			],
			all,
		);
		expect(results[0].enrichment.email).toMatchObject({ pattern: '{first}.{last}', pattern_seen: 2 });
		expect(results[2].enrichment.email_guess).toBe('cara.diaz@acme.com');
		expect(results[2].enrichment.company).toEqual({ domain: 'acme.com', name_guess: 'Acme' });
	});
});

describe('phone facts', () => {
	it.each([
		['020 7946 0958', ['GB'], { e164: '+442079460958', country: 'GB', valid: true, type: 'fixed_line' }],
		['06 12 34 56 78', ['FR'], { e164: '+33612345678', country: 'FR', valid: true, type: 'mobile' }],
		['(415) 555-2671', ['US'], { e164: '+14155552671', country: 'US', valid: true }],
		['0049 30 12345678', [null], { e164: '+493012345678', country: 'DE', valid: true }],
		['+1 800 253 0000', [null], { country: 'US', type: 'toll_free', valid: true }],
		['0151 23456789', ['DE'], { e164: '+4915123456789', type: 'mobile', valid: true }],
	])('%j read with %j', (raw, countries, expected) => {
		expect(phoneFacts(raw, countries)).toMatchObject(expected);
	});
	it('formats national and international', () => {
		expect(phoneFacts('020 7946 0958', ['GB'])).toMatchObject({
			national: '020 7946 0958',
			international: '+44 20 7946 0958',
		});
	});
	it('the lead country first, then the default country', () => {
		// a French mobile typed nationally by a lead who says France, on a form defaulting to the US
		expect(phoneFacts('06 12 34 56 78', ['FR', 'US'])!.country).toBe('FR');
		expect(phoneFacts('06 12 34 56 78', [null, 'FR'])!.country).toBe('FR');
	});
	it.each(['12345', 'call me', '+44 20 7946', '555-0100-555-0100-555'])('%j is kept as typed, not valid', (raw) => {
		const facts = phoneFacts(raw, ['US'])!;
		expect(facts.valid).toBe(false);
		expect(facts.raw).toBe(raw);
	});
});

describe('names', () => {
	it.each([
		[
			{ first: 'MARIA', last: 'DE LA CRUZ' },
			{ first_name: 'Maria', last_name: 'de la Cruz', case_fixed: true },
		],
		[
			{ first: 'sean', last: "o'brien" },
			{ first_name: 'Sean', last_name: "O'Brien" },
		],
		[{ first: 'ronald', last: 'mcdonald' }, { last_name: 'McDonald' }],
		[
			{ first: 'Jean-Luc', last: 'Picard' },
			{ first_name: 'Jean-Luc', case_fixed: false },
		],
		[{ full: 'Smith, John' }, { first_name: 'John', last_name: 'Smith', full_name: 'John Smith' }],
		[{ full: 'ludwig van beethoven' }, { first_name: 'Ludwig', last_name: 'van Beethoven' }],
	])('%j', (input, expected) => {
		const facts = nameFacts(
			{ first: null, last: null, full: null, ...input },
			{ detectSwaps: false, salutation: false },
		)!;
		expect(facts).toMatchObject(expected);
	});
	it('mixed-case names: each word typed in one case is tidied, a word typed in mixed case kept', () => {
		const facts = nameFacts(
			{ first: null, last: null, full: 'ludwig VAN beethoven' },
			{ detectSwaps: false, salutation: false },
		);
		expect(facts).toMatchObject({ first_name: 'Ludwig', last_name: 'van Beethoven', case_fixed: true });
		expect(
			nameFacts(
				{ first: 'DeShawn', last: 'JONES III', full: null },
				{ detectSwaps: false, salutation: false },
			) as object,
		).toMatchObject({
			first_name: 'DeShawn',
			last_name: 'Jones III',
			case_fixed: true,
		});
		expect(
			nameFacts({ first: 'Anne-Marie', last: 'DUPONT', full: null }, { detectSwaps: false, salutation: false }),
		).toMatchObject({
			first_name: 'Anne-Marie',
			last_name: 'Dupont',
		});
	});
	it.each([
		['jean.dupont@acme-robotics.fr', 'Jean', 'Dupont'],
		['maria_garcia@gmail.com', 'Maria', 'Garcia'],
		['hans-mueller@firma.de', 'Hans', 'Mueller'],
		['Laura.Bianchi@azienda.it', 'Laura', 'Bianchi'],
		['dupont.jean@acme.fr', 'Jean', 'Dupont'],
	])('a name read from %s, marked as a guess', (email, first, last) => {
		expect(
			nameFacts({ first: null, last: null, full: null, email }, { detectSwaps: false, salutation: false }),
		).toEqual({
			first_name: first,
			last_name: last,
			full_name: `${first} ${last}`,
			swapped: false,
			case_fixed: false,
			guessed: true,
			source: 'email',
		});
	});
	it.each([
		'x7@gmail.com',
		'info@acme.com',
		'sales@acme.com',
		'sales.team@acme.com',
		'jd@acme.com',
		'j.dupont@acme.fr',
		'john.j.smith@acme.com',
		'marketing.paris@acme.fr',
	])('no name from %s', (email) => {
		expect(
			nameFacts({ first: null, last: null, full: null, email }, { detectSwaps: false, salutation: false }),
		).toBeNull();
	});
	it('a guessed name stays in the enrichment section: the lead keeps its empty name fields', () => {
		const input = {
			email: 'jean.dupont@acme-robotics.fr',
			phone: '',
			first_name: '',
			last_name: '',
			full_name: '',
			country: '',
			city: '',
			website: '',
			salutation: '',
		};
		const [out] = enrichLocally([input], {
			email: true,
			phone: false,
			name: true,
			country: false,
			language: 'en',
			detectSwaps: true,
			salutation: false,
		});
		expect(out.enrichment.name).toMatchObject({
			first_name: 'Jean',
			last_name: 'Dupont',
			guessed: true,
			source: 'email',
		});
		expect(out.updates).toEqual({});
		// a lead that gives its name keeps it: nothing is guessed
		const [given] = enrichLocally([{ ...input, first_name: 'Jean-Luc', last_name: 'Picard' }], {
			email: true,
			phone: false,
			name: true,
			country: false,
			language: 'en',
			detectSwaps: true,
			salutation: false,
		});
		expect(given.enrichment.name).toMatchObject({ first_name: 'Jean-Luc', last_name: 'Picard', swapped: false });
		expect(given.enrichment.name?.guessed).toBeUndefined();
	});
	it('salutation and gender only from what the lead said, never from a first name', () => {
		const opts = { detectSwaps: false, salutation: true };
		expect(nameFacts({ first: null, last: null, full: 'Mrs. Jane Doe' }, opts)).toMatchObject({
			first_name: 'Jane',
			salutation: 'Mrs',
			gender: 'female',
		});
		expect(nameFacts({ first: 'Klaus', last: 'Weber', full: null, salutation: 'Herr' }, opts)).toMatchObject({
			salutation: 'Herr',
			gender: 'male',
		});
		expect(nameFacts({ first: 'Mary', last: 'Smith', full: null }, opts)).toMatchObject({
			salutation: null,
			gender: null,
		});
		expect(
			nameFacts({ first: 'Ada', last: 'Byron', full: null }, { detectSwaps: false, salutation: false }),
		).not.toHaveProperty('gender');
	});
	it('a swap needs evidence on both names: one lead alone is left as typed', () => {
		expect(looksSwapped('Smith', 'Robert')).toBe(false);
		const counts = countNames([
			{ first: 'Smith', last: 'Robert' },
			...Array.from({ length: 4 }, () => ({ first: 'Anna', last: 'Smith' })),
			...Array.from({ length: 3 }, () => ({ first: 'Robert', last: 'Jones' })),
		]);
		expect(looksSwapped('Smith', 'Robert', counts)).toBe(true);
		expect(looksSwapped('Anna', 'Smith', counts)).toBe(false);
	});

	/**
	 * Splink's fake_20000 (synthetic people with first/last-name swaps). Truth comes from a signal
	 * the detector does not read: the cluster's email addresses, which start with the person's first
	 * name ("ameliaallen84@..."). Records whose addresses start with neither name are left out.
	 */
	it('swapped names in Splink fake_20000: precision >= 0.98, recall >= 0.7 against the email-derived truth', () => {
		const rows = readFileSync(join(DATA, 'splink-fake-people', 'fake_20000.csv'), 'utf8')
			.trim()
			.split('\n')
			.slice(1)
			.map((l) => l.split(','));
		const people = rows.map((r) => ({
			first: r[1]?.trim() || null,
			last: r[2]?.trim() || null,
			email: r[5],
			cluster: r[6],
		}));
		const byCluster = new Map<string, typeof people>();
		for (const p of people) byCluster.set(p.cluster, [...(byCluster.get(p.cluster) ?? []), p]);
		const counts = countNames(people);
		let tp = 0;
		let fp = 0;
		let fn = 0;
		for (const members of byCluster.values()) {
			const locals = members
				.map((m) => m.email)
				.filter(Boolean)
				.map((e) =>
					e
						.split('@')[0]
						.toLowerCase()
						.replace(/[^a-z]/g, ''),
				);
			for (const p of members) {
				if (!p.first || !p.last) continue;
				const f = p.first.toLowerCase();
				const l = p.last.toLowerCase();
				const firstLeads = locals.some((x) => x.startsWith(f) && !x.startsWith(l));
				const lastLeads = locals.some((x) => x.startsWith(l) && !x.startsWith(f));
				if (firstLeads === lastLeads) continue;
				const said = looksSwapped(p.first, p.last, counts);
				if (said && lastLeads) tp++;
				else if (said) fp++;
				else if (lastLeads) fn++;
			}
		}
		const precision = tp / (tp + fp);
		const recall = tp / (tp + fn);
		expect(tp + fn).toBeGreaterThan(500);
		expect(precision).toBeGreaterThanOrEqual(0.98);
		expect(recall).toBeGreaterThanOrEqual(0.7);
	});
	it('the node swaps them back and says so', () => {
		const batch = [
			{ ...blank, first_name: 'Smith', last_name: 'Robert' },
			...Array.from({ length: 4 }, () => ({ ...blank, first_name: 'Anna', last_name: 'Smith' })),
			...Array.from({ length: 3 }, () => ({ ...blank, first_name: 'Robert', last_name: 'Jones' })),
		];
		const [first] = enrichLocally(batch, all);
		expect(first.enrichment.name).toMatchObject({ first_name: 'Robert', last_name: 'Smith', swapped: true });
		expect(first.updates).toMatchObject({ first_name: 'Robert', last_name: 'Smith' });
	});
});

describe('country and time zone', () => {
	it.each([
		['FR', 'Europe', 'EMEA'],
		['Deutschland', 'Europe', 'EMEA'],
		['United States', 'Americas', 'AMER'],
		['BR', 'Americas', 'AMER'],
		['IS', 'Europe', 'EMEA'],
		['CY', 'Europe', 'EMEA'],
		['AE', 'Asia', 'EMEA'],
		['IL', 'Asia', 'EMEA'],
		['JP', 'Asia', 'APAC'],
		['IN', 'Asia', 'APAC'],
		['AU', 'Oceania', 'APAC'],
		['NZ', 'Oceania', 'APAC'],
		['ZA', 'Africa', 'EMEA'],
		['MU', 'Africa', 'EMEA'],
	])('%s is in %s (%s)', (country, region, salesRegion) => {
		expect(countryFacts(country, 'en')).toMatchObject({ region, sales_region: salesRegion });
	});

	it.each([
		['Deutschland', 'DE'],
		['Allemagne', 'DE'],
		['Alemania', 'DE'],
		['germany ', 'DE'],
		['U.K.', 'GB'],
		['usa', 'US'],
		['Schweiz', 'CH'],
		["Côte d'Ivoire", 'CI'],
		['ch', 'CH'],
		['NLD', 'NL'],
	])('%j → %s', (raw, code) => expect(countryFacts(raw, 'en')?.code).toBe(code));
	it('names the country in the chosen language', () => {
		expect(countryFacts('DE', 'fr')).toMatchObject({ code: 'DE', name: 'Allemagne' });
		expect(countryFacts('United Kingdom', 'de')).toMatchObject({ code: 'GB', name: 'Vereinigtes Königreich' });
		expect(countryFacts('Atlantis', 'en')).toBeNull();
	});
	it('a country that keeps one time has one zone; several zones that keep the same time count as one', () => {
		expect(timeZoneFor({ country: 'FR' })).toEqual({ zone: 'Europe/Paris', source: 'country' });
		expect(timeZoneFor({ country: 'DE' })).toEqual({ zone: 'Europe/Berlin', source: 'country' });
		expect(timeZoneFor({ country: 'IN' })).toEqual({ zone: 'Asia/Kolkata', source: 'country' });
		expect(zonesOfCountry('US').slice(0, 3)).toEqual(['America/New_York', 'America/Chicago', 'America/Los_Angeles']);
	});
	it('else the phone region: US area codes, Brazilian DDDs, the Canary Islands', () => {
		expect(timeZoneFor({ country: 'US', phone: '+12125550100', phoneCountry: 'US' })).toEqual({
			zone: 'America/New_York',
			source: 'phone',
		});
		expect(timeZoneFor({ country: 'US', phone: '+14155552671', phoneCountry: 'US' }).zone).toBe('America/Los_Angeles');
		expect(timeZoneFor({ country: 'US', phone: '+13125550100', phoneCountry: 'US' }).zone).toBe('America/Chicago');
		expect(timeZoneFor({ phone: '+5511987654321', phoneCountry: 'BR' }).zone).toBe('America/Sao_Paulo');
		expect(timeZoneFor({ country: 'ES', phone: '+34928123456', phoneCountry: 'ES' }).zone).toBe('Atlantic/Canary');
	});
	it('else the city; else the candidates', () => {
		expect(timeZoneFor({ country: 'US', city: 'Denver' })).toEqual({ zone: 'America/Denver', source: 'city' });
		expect(timeZoneFor({ country: 'AU', city: 'perth' }).zone).toBe('Australia/Perth');
		expect(timeZoneFor({ country: 'BR', city: 'Manaus' }).zone).toBe('America/Manaus');
		const unknown = timeZoneFor({ country: 'US', city: 'Nowhere Special' });
		expect(unknown.zone).toBeNull();
		expect(unknown.candidates).toContain('America/Chicago');
	});
	it('a phone from another country does not set the zone of the stated one', () => {
		// A US lead with a UK mobile: the phone says London, the country says several US zones
		expect(timeZoneFor({ country: 'US', phone: '+447400123456', phoneCountry: 'GB' }).zone).toBeNull();
	});
	it('a lead without a country gets it from its valid phone', () => {
		const [r] = enrichLocally([{ ...blank, phone: '+33 6 12 34 56 78' }], all);
		expect(r.enrichment.country).toEqual({ code: 'FR', name: 'France', region: 'Europe', sales_region: 'EMEA' });
		expect(r.enrichment.time_zone).toEqual({ zone: 'Europe/Paris', source: 'country' });
	});
	it('every zone in the shipped lists is one this Node knows', () => {
		const valid = (zone: string) => {
			try {
				new Intl.DateTimeFormat('en', { timeZone: zone });
				return true;
			} catch {
				return false;
			}
		};
		const lists = [
			...Object.values(require('../../lib/data/country-zones.json') as Record<string, string[]>).flat(),
			...Object.values(require('../../lib/data/phone-zones.json') as Record<string, string>),
			...Object.values(require('../../lib/data/city-zones.json') as Record<string, Record<string, string>>).flatMap(
				(m) => Object.values(m),
			),
		];
		const unknown = [...new Set(lists)].filter((z) => !valid(z));
		expect(unknown).toEqual([]);
		expect(lists.length).toBeGreaterThan(5000);
	});
});

describe('whole lead, messy values', () => {
	it('fills what it can and writes back only what changed', () => {
		const [r] = enrichLocally(
			[
				{
					...blank,
					email: ' MARIA.DELACRUZ@Acme-Robotics.CO.UK ',
					full_name: 'Mrs. MARIA DE LA CRUZ',
					phone: '07400 123456',
					country: 'Royaume-Uni',
					city: 'London',
				},
			],
			all,
		);
		expect(r.updates).toEqual({
			email: 'maria.delacruz@acme-robotics.co.uk',
			first_name: 'Maria',
			last_name: 'de la Cruz',
			full_name: 'Maria de la Cruz',
			phone: '+447400123456',
			country: 'GB',
		});
		expect(r.enrichment.time_zone).toEqual({ zone: 'Europe/London', source: 'country' });
		expect(r.enrichment.phone).toMatchObject({ type: 'mobile', valid: true });
		expect(r.enrichment.name).toMatchObject({ salutation: 'Mrs', gender: 'female' });
		expect(r.enrichment.company).toEqual({ domain: 'acme-robotics.co.uk', name_guess: 'Acme Robotics' });
	});
	it('long and hostile values are bounded, not parsed for ever', () => {
		const long = (s: string) => s.repeat(200_000);
		const [r] = enrichLocally(
			[
				{
					...blank,
					email: long('.') + 'a',
					phone: long('1'),
					first_name: long('a '),
					last_name: long("o'"),
					full_name: long('de '),
					country: long('ü'),
					city: long('<'),
					website: long('x.'),
				},
			],
			all,
		);
		expect(r.enrichment.email?.valid).toBe(false);
		expect(r.enrichment.phone?.valid ?? false).toBe(false);
		expect(r.enrichment.country).toBeNull();
	});
});

describe('mail check (MX) against a DNS server on 127.0.0.1', () => {
	afterEach(() => clearMailCache());
	it('MX hosts by preference, null MX, A fallback, no domain, no answer in time; answers cached', async () => {
		const dns = await startDns({
			mx: {
				'good.test': [
					[20, 'mx2.good.test'],
					[10, 'mx1.good.test'],
				],
				'nullmx.test': [[0, '.']],
				'amail.test': [],
			},
			a: { 'amail.test': ['127.0.0.1'] },
			silent: ['slow.test'],
		});
		try {
			const options = { timeoutMs: 400, cacheMs: 60_000, servers: [dns.server] };
			const domains = ['good.test', 'nullmx.test', 'amail.test', 'bad.test', 'slow.test'];
			const first = await checkMailDomains(domains, options);
			expect(first.get('good.test')).toMatchObject({ status: 'mx', hosts: ['mx1.good.test', 'mx2.good.test'] });
			expect(first.get('nullmx.test')).toMatchObject({ status: 'none' });
			expect(first.get('amail.test')).toMatchObject({ status: 'a', hosts: ['amail.test'] });
			expect(first.get('bad.test')).toMatchObject({ status: 'none' });
			expect(first.get('slow.test')).toMatchObject({ status: 'unknown' });
			const asked = dns.queries.length;
			const again = await checkMailDomains(domains, options);
			expect(again.get('good.test')).toEqual(first.get('good.test'));
			// only the unanswered domain is asked again
			expect(dns.queries.slice(asked).every((q) => q.startsWith('slow.test'))).toBe(true);
		} finally {
			await dns.stop();
		}
	});
});
