import { jaroWinkler, editDistance, soundex, tokenSimilarity } from '../../lib/dedupe/similarity';
import { parseRule, evalRule, RuleSyntaxError } from '../../lib/dedupe/rules';
import { prepareValue } from '../../lib/dedupe/fields';
import {
	DEFAULT_THRESHOLD,
	blockingKeys,
	decide,
	findMatches,
	keyOptions,
	matchBatch,
	type MatcherConfig,
} from '../../lib/dedupe/matcher';
import {
	AGREEING_LEVELS,
	compareRecords,
	handWeight,
	mailboxFromName,
	scoreRecords,
	termFrequencies,
} from '../../lib/dedupe/compare';
import { syntheticLeads } from '../../bench/synthetic';
import { LEAD_FIELDS, DEFAULT_SOURCES, prepareLead, fieldSources } from '../../lib/dedupe/leads';
import { clusterIdsOf, dedupeBatch, dedupeAgainstMemory, type DedupeConfig } from '../../lib/dedupe/dedupe';
import { mergeLeads, mergeConsent } from '../../lib/dedupe/merge';
import { normalizeCompany } from '../../lib/normalize/company';
import { canonicalFirstName } from '../../lib/normalize/nicknames';
import { SqliteStore } from '../../lib/store/sqlite';
import { BARE_NAMESAKE, expectJoin, expectKeptApart, NAMESAKE_GROUPS } from './joinScenario';
import { contradiction } from '../../lib/dedupe/chaining';
import { memoryModel, modelNamespace } from '../../lib/dedupe/memoryModel';
import { erasePerson } from '../../lib/store/erase';
import {
	datasetsAvailable,
	loadFebrl,
	loadCompanyListings,
	loadFodorsZagat,
	loadSplink,
	pairwiseScores,
	prepareRow,
	prepareSet,
	type LabelledSet,
} from '../../bench/datasets';
import { formTraffic } from '../../bench/traffic';
import { NAMESAKES_OWN_PHONES, ONE_NUMBER_TWO_WAYS } from './peoplePhones';
import type { FieldSpec } from '../../lib/dedupe/fields';
import { learnModel } from '../../lib/dedupe/learn';

const matcher = (over: Partial<MatcherConfig> = {}): MatcherConfig => ({
	fields: LEAD_FIELDS,
	mode: 'score',
	threshold: DEFAULT_THRESHOLD,
	maxBlockSize: 500,
	...over,
});
const config = (over: Partial<DedupeConfig> = {}): DedupeConfig => ({
	sources: DEFAULT_SOURCES,
	matcher: matcher(),
	onDuplicate: 'keepFirst',
	prepare: { defaultCountry: 'FR' },
	now: new Date('2026-11-20T12:00:00Z'),
	...over,
});
const lead = (o: Record<string, unknown>) => prepareLead(o, DEFAULT_SOURCES, { defaultCountry: 'FR' });

describe('comparators', () => {
	it('Jaro-Winkler matches the textbook values', () => {
		expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 3);
		expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
		expect(jaroWinkler('dixon', 'dicksonx')).toBeCloseTo(0.8133, 3);
		expect(jaroWinkler('', 'a')).toBe(0);
		expect(jaroWinkler('same', 'same')).toBe(1);
	});
	it('edit distance counts transpositions as one and stops early', () => {
		expect(editDistance('kitten', 'sitting')).toBe(3);
		expect(editDistance('19560409', '19560490')).toBe(1);
		expect(editDistance('abcdef', 'zzzzzz', 2)).toBe(3);
	});
	it('soundex and token similarity', () => {
		expect(soundex('robert')).toBe('R163');
		expect(soundex('rupert')).toBe('R163');
		expect(soundex('tymczak')).toBe('T522');
		expect(tokenSimilarity('12 main street', 'main street 12')).toBe(1);
	});
	it('folds company legal forms and nicknames', () => {
		expect(normalizeCompany('Acme, Inc.')).toBe('acme');
		expect(normalizeCompany('ACME SAS')).toBe('acme');
		expect(normalizeCompany('Martin & Fils SARL')).toBe('martin fils');
		expect(normalizeCompany('The Boring Company')).toBe('boring');
		expect(canonicalFirstName('bob')).toBe('robert');
		expect(canonicalFirstName('zoe')).toBe('zoe');
		expect(prepareValue('date', '1956-04-09')).toBe('19560409');
	});
});

describe('rules mode', () => {
	const known = new Set(['email', 'phone', 'name', 'company', 'first_name', 'last_name', 'domain', 'city']);
	it('parses AND / OR / NOT with precedence and parentheses', () => {
		const r = parseRule('email OR phone OR (name AND company)', known);
		expect(evalRule(r, (f) => f === 'name' || f === 'company')).toEqual(['name', 'company']);
		expect(evalRule(r, (f) => f === 'name')).toBeNull();
		expect(evalRule(parseRule('email and not company', known), (f) => f === 'email')).toEqual(['email']);
	});
	it('names the problem in a bad rule', () => {
		expect(() => parseRule('email OR (phone', known)).toThrow(RuleSyntaxError);
		expect(() => parseRule('email OR (phone', known)).toThrow('expected ")" at the end (position 16)');
		expect(() => parseRule('email OR fax', known)).toThrow(/^unknown field "fax" at position 10 \(known: /);
		expect(() => parseRule('email phone', known)).toThrow(
			'unexpected "phone" at position 7 (join fields with AND or OR)',
		);
		expect(() => parseRule('email AND (phone OR', known)).toThrow(
			'the rule ends too early: a field is missing at the end (position 20)',
		);
		expect(() => parseRule('(email OR phone company', known)).toThrow('expected ")" at position 17, found "company"');
	});
	it('decides with the rule instead of the score', () => {
		const rule = parseRule('name AND company', known);
		const a = lead({ first_name: 'Jon', last_name: 'Smith', company: 'Acme Inc' });
		const b = lead({ first_name: 'John', last_name: 'Smith', company: 'ACME' });
		expect(decide(a, b, matcher({ mode: 'rules', rule })).match).toBe(true);
		expect(
			decide(a, lead({ first_name: 'John', last_name: 'Smith', company: 'Globex' }), matcher({ mode: 'rules', rule }))
				.match,
		).toBe(false);
	});
});

describe('rules mode blocking: every field the UI offers, alone and combined', () => {
	// One field of each kind the Fields parameter offers.
	const FIELDS = [
		...LEAD_FIELDS,
		{ name: 'dob', kind: 'date' as const },
		{ name: 'zip', kind: 'postcode' as const },
		{ name: 'street', kind: 'address' as const },
		{ name: 'customer', kind: 'id' as const },
		{ name: 'notes', kind: 'text' as const },
	];
	const SOURCES = FIELDS.map((f) => ({ ...f, path: f.name }));
	const pick = <T>(list: T[], i: number) => list[i % list.length];
	const FIRST = ['anna', 'bruno', 'chiara', 'dmitri', 'emeka', 'fatima', 'gustav', 'hana'];
	const LAST = ['okonkwo', 'lindqvist', 'moreau', 'castellano', 'nakamura', 'petrov', 'fischer'];
	const COMPANY = ['globex logistics', 'initech software', 'umbrella pharma', 'stark industries', 'wayne enterprises'];
	const CITY = ['rotterdam', 'valencia', 'bordeaux', 'hamburg', 'krakow', 'porto'];
	const typo = (s: string, i: number) =>
		s.length < 4
			? s
			: i % 3 === 0
				? s.slice(0, -2) + s.slice(-1) + s.slice(-2, -1)
				: i % 3 === 1
					? s.slice(0, 2) + 'x' + s.slice(3)
					: s + 'e';
	// 240 people; each second one has a near copy: one or two fields typed differently, and some
	// fields left empty, so every field agrees exactly, fuzzily or not at all across pairs.
	const people: Array<Record<string, unknown>> = [];
	for (let i = 0; i < 240; i++) {
		const p: Record<string, unknown> = {
			email: `${pick(FIRST, i)}.${pick(LAST, i * 7)}${i % 40}@${pick(['gmail.com', 'acme.example', 'globex.example'], i)}`,
			phone: i % 5 === 0 ? null : `+3161234${String(i % 97).padStart(4, '0')}`,
			first_name: pick(FIRST, i * 3),
			last_name: pick(LAST, i * 5),
			company: pick(COMPANY, i),
			website: pick(['acme.example', 'globex.example', 'initech.example', ''], i * 11),
			city: pick(CITY, i * 13),
			dob: `19${60 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`,
			zip: `${1000 + ((i * 37) % 90)}AB`,
			street: `${1 + (i % 50)} ${pick(['harbour road', 'station street', 'market square', 'canal lane'], i)}`,
			customer: `C${10000 + (i % 150)}`,
			notes: pick(['wants a demo', 'pricing question', 'partner enquiry', 'support request'], i * 17),
		};
		people.push(p);
		if (i % 2) {
			const copy = { ...p };
			const fields = Object.keys(copy);
			for (const k of [pick(fields, i), pick(fields, i * 7 + 3)])
				if (typeof copy[k] === 'string' && k !== 'phone' && k !== 'email') copy[k] = typo(String(copy[k]), i);
			if (i % 3 === 0) copy.email = String(copy.email).toUpperCase();
			people.push(copy);
		}
	}
	const prepared = people.map((p) => prepareLead(p, SOURCES));
	const known = new Set([...FIELDS.map((f) => f.name), 'name']);
	const RULES = [
		...FIELDS.map((f) => f.name),
		'name',
		'company AND city',
		'domain AND last_name',
		'zip AND street',
		'first_name AND dob',
		'name AND company',
		'email OR (company AND city AND NOT phone)',
		'(notes OR customer) AND first_name',
	];
	// Every pair compared once, field by field; each rule is then judged on these comparisons
	// exactly as `decide` judges it (a field agrees exactly or fuzzily; `name` is both names).
	const pairs: Array<{ id: string; levels: Record<string, string> }> = [];
	for (let a = 0; a < prepared.length; a++) {
		for (let b = a + 1; b < prepared.length; b++)
			pairs.push({ id: `${a}-${b}`, levels: compareRecords(prepared[a], prepared[b], FIELDS).levels });
	}
	const agrees = (levels: Record<string, string>) => (name: string) =>
		name === 'name'
			? AGREEING_LEVELS.has(levels.first_name) && AGREEING_LEVELS.has(levels.last_name)
			: AGREEING_LEVELS.has(levels[name]);
	it.each(RULES)('%s: blocking finds exactly the pairs the rule matches among all pairs', (text) => {
		const rule = parseRule(text, known);
		const config: MatcherConfig = {
			fields: FIELDS,
			mode: 'rules',
			rule,
			threshold: DEFAULT_THRESHOLD,
			maxBlockSize: 100_000,
			window: 100_000,
		};
		const expected = pairs.filter((p) => evalRule(rule, agrees(p.levels)) !== null).map((p) => p.id);
		expect(expected.length).toBeGreaterThan(0);
		const found = findMatches(prepared, config).map((m) => `${m.a}-${m.b}`);
		expect(found.sort()).toEqual(expected.sort());
	});
});

describe('default preset on leads', () => {
	const same = (a: Record<string, unknown>, b: Record<string, unknown>) => decide(lead(a), lead(b), matcher()).match;
	it('matches the same person typed differently', () => {
		expect(same({ email: 'Laura.Dupont+x@gmail.com' }, { email: 'lauradupont@googlemail.com' })).toBe(true);
		expect(
			same({ phone: '06 12 34 56 78', last_name: 'Dupont' }, { phone: '+33 6 12 34 56 78', last_name: 'dupont' }),
		).toBe(true);
		expect(
			same(
				{ first_name: 'Bob', last_name: 'Smith', company: 'Acme Inc' },
				{ first_name: 'Robert', last_name: 'Smith', company: 'ACME' },
			),
		).toBe(true);
		expect(
			same(
				{ first_name: 'Smith', last_name: 'Robert', company: 'Acme' },
				{ first_name: 'Robert', last_name: 'Smith', company: 'Acme' },
			),
		).toBe(true);
		expect(
			same(
				{ first_name: 'Katherine', last_name: 'Johnson', website: 'nasa.gov' },
				{ first_name: 'Kathy', last_name: 'Jonson', email: 'kj@nasa.gov' },
			),
		).toBe(true);
	});
	it("reads a national phone with the lead's own country when no default country is set", () => {
		const own = (o: Record<string, unknown>) => prepareLead(o, DEFAULT_SOURCES);
		expect(own({ phone: '06 12 34 56 78', country: 'FR' }).phone).toBe('+33612345678');
		expect(own({ phone: '030 1234567', country: 'Germany' }).phone).toBe('+49301234567');
		expect(
			decide(
				own({ phone: '06 12 34 56 78', country: 'FR', last_name: 'Dupont' }),
				own({ phone: '+33 6 12 34 56 78', last_name: 'dupont' }),
				matcher(),
			).match,
		).toBe(true);
	});
	it('keeps namesakes at different companies apart', () => {
		expect(
			same(
				{ first_name: 'John', last_name: 'Smith', company: 'Acme' },
				{ first_name: 'John', last_name: 'Smith', company: 'Globex' },
			),
		).toBe(false);
		// A mailbox made from the name (janderson@) says nothing the name does not: two Joseph
		// Andersons at different companies stay two people...
		const joseph = {
			first_name: 'Joseph',
			last_name: 'Anderson',
			email: 'janderson@blue.example',
			phone: '+15500094086',
			company: 'Blue Sun',
		};
		expect(
			same(joseph, {
				first_name: 'Joseph',
				last_name: 'Anderson',
				email: 'janderson@yahoo.com',
				company: 'Kowalski Budowa',
			}),
		).toBe(false);
		expect(
			same(joseph, {
				first_name: 'Joseph',
				last_name: 'Anderson',
				email: 'joseph.anderson@yahoo.com',
				company: 'Kowalski Budowa',
			}),
		).toBe(false);
		// ...while a distinctive mailbox at another domain is the same person.
		expect(
			same(
				{ ...joseph, email: 'zorro1984@blue.example' },
				{ first_name: 'Joseph', last_name: 'Anderson', email: 'zorro1984@yahoo.com', company: 'Kowalski Budowa' },
			),
		).toBe(true);
	});
	it('recognises the usual ways of writing a name as a mailbox', () => {
		for (const box of [
			'josephanderson',
			'joseph.anderson',
			'janderson',
			'j_anderson',
			'andersonj',
			'josepha',
			'anderson.joseph',
			'joseph',
			'anderson77',
		]) {
			expect([box, mailboxFromName(box, 'joseph', 'anderson')]).toEqual([box, true]);
		}
		for (const box of ['zorro1984', 'jsmith', 'ja'])
			expect([box, mailboxFromName(box, 'joseph', 'anderson')]).toEqual([box, false]);
	});
	it('keeps colleagues at the same company apart', () => {
		expect(
			same(
				{ first_name: 'Anna', last_name: 'Lee', email: 'anna.lee@acme.com', company: 'Acme' },
				{ first_name: 'Ben', last_name: 'Lee', email: 'ben.lee@acme.com', company: 'Acme' },
			),
		).toBe(false);
		expect(
			same(
				{ email: 'john.smith@acme.com', first_name: 'John', last_name: 'Smith' },
				{ email: 'jane.smith@acme.com', first_name: 'Jane', last_name: 'Smith' },
			),
		).toBe(false);
		// a shared switchboard number is not one person
		expect(
			same(
				{ phone: '+33 1 40 00 00 00', first_name: 'Anna', last_name: 'Lee' },
				{ phone: '+33140000000', first_name: 'Marc', last_name: 'Dubois' },
			),
		).toBe(false);
	});
	it('does not match on nothing', () => {
		expect(same({ city: 'Paris' }, { city: 'Paris' })).toBe(false);
		expect(same({}, {})).toBe(false);
	});
});

describe('email evidence', () => {
	const EMAIL = [{ name: 'email', kind: 'email' as const }];
	const score = (a: string, b: string) =>
		scoreRecords({ email: prepareValue('email', a) }, { email: prepareValue('email', b) }, EMAIL);
	it('weighs two different addresses by what they share', () => {
		expect(score('jane@acme.com', 'JANE@acme.com')).toBe(20);
		// colleagues: same company domain, different mailboxes
		expect(score('jane@acme.com', 'john@acme.com')).toBe(-8);
		// same free webmail domain says nothing
		expect(score('jane.doe@gmail.com', 'john.roe@gmail.com')).toBe(-1);
		// the same mailbox at a misspelt domain
		expect(score('jane.doe@acme.com', 'jane.doe@acme.co')).toBe(5);
		// different domains, mailboxes starting alike / not alike
		expect(score('jan@acme.com', 'jane.doe@globex.com')).toBe(-1);
		expect(score('ja@acme.com', 'jane@globex.com')).toBe(-3);
		expect(score('jane@acme.com', 'bob@globex.com')).toBe(-3);
		// an invalid address is compared by edit distance, never as a colleague
		expect(score('jane@acme,com', 'jane@acme.com')).toBe(5);
		expect(score('zz@acme', 'jane@acme.com')).toBe(-1);
	});
});

describe('blocking', () => {
	const keys = (o: Record<string, unknown>, over: Partial<MatcherConfig> = {}) =>
		blockingKeys(lead(o), LEAD_FIELDS, keyOptions(matcher(over)));
	const soundKey = (k: string[]) => k.filter((x) => x.startsWith('t:'));
	it('keys by surname sound only where names alone can match or nothing else can find the lead', () => {
		const withEmail = { first_name: 'Anna', last_name: 'Smith', email: 'anna@acme.com' };
		expect(soundKey(keys(withEmail))).toEqual([]);
		expect(soundKey(keys({ first_name: 'Anna', last_name: 'Smith', company: 'Acme' }))).toEqual(['t:anna:S530']);
		expect(soundKey(keys(withEmail, { threshold: 8 }))).toEqual(['t:anna:S530']);
		expect(soundKey(keys(withEmail, { mode: 'rules', rule: parseRule('name', new Set(['name'])) }))).toEqual([
			't:anna:S530',
		]);
		// the other name keys are always there
		expect(keys(withEmail)).toEqual(expect.arrayContaining(['n:smith:ann', 'w:anna:smith', 'e:anna@acme.com']));
	});

	// Leads with typos of every kind the keys are for; blocks stay under the window, so the pairs
	// found must be exactly the matching pairs among those sharing a key.
	const people = syntheticLeads(1200, 7).map((l, i) => {
		const o = { ...l } as Record<string, unknown>;
		const f = String(o.first_name);
		const last = String(o.last_name);
		if (i % 7 === 1) o.first_name = f.slice(0, -1) + 'x';
		if (i % 7 === 2) [o.first_name, o.last_name] = [last, f];
		if (i % 7 === 3) Object.assign(o, { email: null, phone: null, last_name: last.slice(0, -1) + 'e' });
		if (i % 7 === 4) o.company = String(o.company).toUpperCase();
		return o;
	});
	const prepared = people.map(lead);
	it('compares each pair sharing a key exactly once and finds every match among them', () => {
		const config = matcher();
		const found = findMatches(prepared, config);
		const ids = found.map((m) => `${m.a}-${m.b}`);
		expect(new Set(ids).size).toBe(ids.length);
		expect(found.every((m) => m.a < m.b)).toBe(true);
		const opts = keyOptions(config);
		const keySets = prepared.map((p) => new Set(blockingKeys(p, config.fields, opts)));
		// the same name frequencies findMatches weighs names by (1,200 records)
		const model = { tf: termFrequencies(prepared, config.fields) };
		const expected: string[] = [];
		for (let a = 0; a < prepared.length; a++) {
			for (let b = a + 1; b < prepared.length; b++) {
				if (![...keySets[b]].some((k) => keySets[a].has(k))) continue;
				if (decide(prepared[a], prepared[b], config, model).match) expected.push(`${a}-${b}`);
			}
		}
		expect(expected.length).toBeGreaterThan(100);
		expect(ids.sort()).toEqual(expected.sort());
	});
	it('compares only neighbours in name order inside a block larger than the window', () => {
		// 30 records sharing one email: each is compared with its 8 neighbours either side, so the
		// chain still links all 30 into one cluster.
		const same = Array.from({ length: 30 }, (_, i) =>
			lead({ email: 'shared@acme.com', first_name: `name${String(i).padStart(2, '0')}` }),
		);
		const found = findMatches(same, matcher());
		expect(found.length).toBe(30 * 8 - (8 * 9) / 2);
		const { cluster } = matchBatch(same, matcher());
		expect(new Set(cluster).size).toBe(1);
	});
	it('indexes batches of over 2^21 records, where record numbers take more bits from the key hash', () => {
		const n = 2 ** 21 + 1000;
		const records = Array.from({ length: n }, (_, i) => ({ id: String(i % (n - 500)) }));
		const found = findMatches(records, matcher({ fields: [{ name: 'id', kind: 'id' }] }), undefined);
		expect(found.length).toBe(500);
		expect(found.every((m) => m.b - m.a === n - 500 && m.fields[0] === 'id')).toBe(true);
	});
});

describe('batch dedupe', () => {
	const items = [
		{
			id: 'a',
			email: 'jane@acme.com',
			first_name: 'Jane',
			last_name: 'Doe',
			source: { submitted_at: '2026-11-01T00:00:00Z' },
			consent: { marketing: true },
		},
		{
			id: 'b',
			email: 'JANE@ACME.COM',
			phone: '+33612345678',
			source: { submitted_at: '2026-11-03T00:00:00Z' },
			consent: { marketing: false },
		},
		{ id: 'c', phone: '06 12 34 56 78', last_name: 'Doe', source: { submitted_at: '2026-11-02T00:00:00Z' } },
		{ id: 'd', email: 'someone@else.org', first_name: 'Sam' },
		{ id: 'e', foo: 'nothing comparable' },
	];
	it('clusters transitively and says which lead each duplicate matched', () => {
		const out = dedupeBatch(items, config());
		expect(out.kept.map((k) => k.json.id)).toEqual(['a', 'd', 'e']);
		expect(out.duplicates.map((d) => [d.json.id, (d.json.dedupe as Record<string, unknown>).duplicate_of])).toEqual([
			['b', 'a'],
			['c', 'a'],
		]);
		const c = out.duplicates[1].json.dedupe as Record<string, unknown>;
		expect(c).toMatchObject({
			status: 'duplicate',
			matched_id: 'b',
			matched_on: expect.arrayContaining(['phone']),
			mode: 'batch',
		});
		expect(out.kept[2].json.dedupe).toMatchObject({ unmatchable: true, status: 'unique' });
	});
	it('keeps the latest when asked', () => {
		const out = dedupeBatch(items, config({ onDuplicate: 'keepLatest' }));
		expect(out.kept.map((k) => k.json.id)).toEqual(['b', 'd', 'e']);
		expect(out.duplicates.map((d) => d.json.id)).toEqual(['a', 'c']);
	});
	it('merges: blanks filled, newest wins, original id kept, consent never widened', () => {
		const out = dedupeBatch(items, config({ onDuplicate: 'merge' }));
		const merged = out.kept[0].json;
		expect(merged).toMatchObject({
			id: 'a',
			email: 'JANE@ACME.COM',
			phone: '+33612345678',
			first_name: 'Jane',
			last_name: 'Doe',
		});
		expect(merged.consent).toEqual({ marketing: false, at: null, ip: null, source: null, text: null });
		expect(merged.dedupe).toMatchObject({ merged_ids: ['b', 'c'] });
	});
	it('matches against a reference list given first', () => {
		const reference = [{ id: 'crm-1', email: 'jane@acme.com', first_name: 'Jane', last_name: 'Doe', company: 'Acme' }];
		const out = dedupeBatch(
			[
				{ id: 'n1', email: 'Jane@Acme.com' },
				{ id: 'n2', email: 'new@lead.io' },
			],
			config({ onDuplicate: 'merge' }),
			reference,
		);
		expect(out.kept.map((k) => k.json.id)).toEqual(['n2']);
		expect(out.duplicates[0].json).toMatchObject({
			id: 'crm-1',
			company: 'Acme',
			dedupe: { duplicate_of: 'crm-1', mode: 'reference' },
		});
		expect(out.duplicates[0].index).toBe(0);
	});
	it('lets users add fields by path', () => {
		const sources = fieldSources([{ name: 'dob', kind: 'date', path: 'custom.dob' }]);
		expect(sources.find((s) => s.name === 'dob')).toEqual({ name: 'dob', kind: 'date', path: 'custom.dob' });
		expect(prepareLead({ custom: { dob: '1990-01-02' } }, sources).dob).toBe('19900102');
	});
});

describe('repeats: the same lead again is not a duplicate of another', () => {
	const jane = { id: 'a', email: 'jane@acme.com', first_name: 'Jane' };
	const janeAgain = { id: 'b', email: 'JANE@acme.com' };
	it('in a batch, a second item with the same id follows the first one, as a repeat', () => {
		const out = dedupeBatch([jane, janeAgain, { ...jane }, { ...janeAgain }], config());
		expect(out.kept.map((k) => [k.index, (k.json.dedupe as Record<string, unknown>).status])).toEqual([
			[0, 'unique'],
			[2, 'repeat'],
		]);
		expect(out.duplicates.map((k) => [k.index, (k.json.dedupe as Record<string, unknown>).status])).toEqual([
			[1, 'duplicate'],
			[3, 'repeat'],
		]);
		expect(out.duplicates[1].json.dedupe).toMatchObject({
			status: 'repeat',
			first_status: 'duplicate',
			duplicate_of: 'a',
			cluster_id: 'a',
		});
		const separate = dedupeBatch([jane, { ...jane }], config({ repeats: 'separate' }));
		expect([separate.kept.length, separate.duplicates.length, separate.repeats.length]).toEqual([1, 0, 1]);
	});
	it('against earlier executions, a retried execution sends each lead where it went first', async () => {
		const store = new SqliteStore(':memory:');
		const run = async (over: Partial<DedupeConfig> = {}) =>
			await dedupeAgainstMemory([jane, janeAgain], config(over), store, 'retry', { maxEntries: 0, maxAgeMs: 0 });
		const first = await run();
		expect([first.kept.map((k) => k.json.id), first.duplicates.map((k) => k.json.id)]).toEqual([['a'], ['b']]);
		const retried = await run();
		expect(retried.kept.map((k) => [k.json.id, k.json.dedupe])).toEqual([
			[
				'a',
				expect.objectContaining({
					status: 'repeat',
					first_status: 'unique',
					cluster_id: 'a',
					duplicate_of: null,
					first_seen_at: '2026-11-20T12:00:00.000Z',
				}),
			],
		]);
		expect(retried.duplicates.map((k) => [k.json.id, k.json.dedupe])).toEqual([
			['b', expect.objectContaining({ status: 'repeat', first_status: 'duplicate', duplicate_of: 'a' })],
		]);
		const toKept = await run({ repeats: 'kept' });
		expect(toKept.kept.map((k) => k.json.id)).toEqual(['a', 'b']);
		expect(await store.count('retry')).toBe(2);
		await store.close();
	});
});

describe('consent merge', () => {
	it('never turns a missing or refused consent into a granted one', () => {
		expect(mergeConsent({ marketing: null }, [{ marketing: true }])).toEqual({ marketing: null });
		expect(mergeConsent({ marketing: true }, [{ marketing: false }])).toEqual({
			marketing: false,
			at: null,
			ip: null,
			source: null,
			text: null,
		});
		expect(mergeConsent({ marketing: true, terms: true }, [{}])).toEqual({ marketing: true, terms: true });
		expect(
			mergeLeads({ id: 'x', consent: { marketing: false } }, [{ id: 'y', consent: { marketing: true } }]).consent,
		).toEqual({ marketing: false });
	});
	it("when a refusal wins, when, where and how consent was recorded are the refusal's", () => {
		const grant = {
			marketing: true,
			terms: true,
			text: 'Send me news',
			at: '2026-10-01T09:00:00.000Z',
			ip: '203.0.113.1',
			source: 'https://acme.example/demo',
		};
		const refusal = {
			marketing: false,
			terms: true,
			text: 'Keep me posted',
			at: '2026-11-02T10:00:00.000Z',
			ip: '198.51.100.7',
			source: 'https://acme.example/unsubscribe',
		};
		expect(mergeConsent(grant, [refusal])).toEqual({ ...refusal, terms: true });
		// a later grant elsewhere does not bring the old record of consent back
		expect(mergeConsent(grant, [{ ...grant, at: '2026-12-01T00:00:00.000Z' }, refusal])).toEqual({
			...refusal,
			terms: true,
		});
		// the kept lead's own refusal already describes itself
		expect(mergeConsent(refusal, [{ marketing: false, at: '2026-12-01T00:00:00.000Z', ip: '192.0.2.9' }])).toEqual(
			refusal,
		);
	});
});

describe('memory against earlier executions (SQLite)', () => {
	it('recognises a lead from an earlier run, evicts the oldest when full, and forgets on request', async () => {
		const store = new SqliteStore(':memory:');
		const retention = { maxEntries: 3, maxAgeMs: 0 };
		const run1 = await dedupeAgainstMemory([{ id: 'l1', email: 'jane@acme.com' }], config(), store, 'ns', retention);
		expect(run1.kept).toHaveLength(1);
		const run2 = await dedupeAgainstMemory(
			[
				{ id: 'l2', email: 'Jane@Acme.com', first_name: 'Jane' },
				{ id: 'l3', email: 'other@x.io' },
			],
			config(),
			store,
			'ns',
			retention,
		);
		expect(run2.duplicates.map((d) => [d.json.id, (d.json.dedupe as Record<string, unknown>).duplicate_of])).toEqual([
			['l2', 'l1'],
		]);
		expect(run2.kept.map((k) => k.json.id)).toEqual(['l3']);
		// full: adding more evicts the oldest instead of failing
		await dedupeAgainstMemory(
			[
				{ id: 'l4', email: 'four@x.io' },
				{ id: 'l5', email: 'five@x.io' },
			],
			config(),
			store,
			'ns',
			retention,
		);
		expect(await store.count('ns')).toBe(3);
		const again = await dedupeAgainstMemory([{ id: 'l6', email: 'jane@acme.com' }], config(), store, 'ns', retention);
		expect(again.kept).toHaveLength(1); // l1 and l2 were evicted
		expect(await store.forget('ns', ['l6'])).toBe(1);
		const merged = await dedupeAgainstMemory(
			[{ id: 'l7', email: 'five@x.io' }],
			config({ onDuplicate: 'merge' }),
			store,
			'ns',
			{ maxEntries: 0, maxAgeMs: 0 },
		);
		expect(merged.duplicates[0].json).toMatchObject({ id: 'l5', dedupe: { merged_ids: ['l7'] } });
		expect(await store.clear('ns')).toBeGreaterThan(0);
		expect(await store.count('ns')).toBe(0);
		await store.close();
	});
	it('forgets by age', async () => {
		const store = new SqliteStore(':memory:');
		const day = 86_400_000;
		await dedupeAgainstMemory([{ id: 'old', email: 'old@x.io' }], config({ now: new Date(0) }), store, 'ns', {
			maxEntries: 0,
			maxAgeMs: day,
		});
		const later = await dedupeAgainstMemory(
			[{ id: 'new', email: 'old@x.io' }],
			config({ now: new Date(2 * day) }),
			store,
			'ns',
			{ maxEntries: 0, maxAgeMs: day },
		);
		expect(later.kept).toHaveLength(1);
		await store.close();
	});
});

describe('held out: Fodors-Zagat restaurants (bench/data/fodors-zagats, shipped with the bench)', () => {
	const set = loadFodorsZagat();
	const prepared = prepareSet(set);
	it('reads both guides whole: 533 + 331 restaurants, 112 in both, national phones read as US numbers', () => {
		expect(set.rows).toHaveLength(864);
		expect(
			pairwiseScores(
				set.rows.map((_, i) => i),
				set.truth,
			).truePairs,
		).toBe(112);
		// '310/246-1501' (Fodor's) and '310-246-1501' (Zagat) are one number; '310/788-' is no
		// number (its digits are kept to compare, never read as a valid one)
		expect(prepared[0].phone).toBe('+13102461501');
		expect(prepared[set.truth.indexOf('z219', 1)].phone).toBe('+13102461501');
		expect(prepared[set.rows.findIndex((r) => r.name === 'dive!')].phone).toBe('310788');
	});
	it('company leads without person names: version 1.2 beats the exact phone, version 1.1 did not (floors with room)', () => {
		// Measured 0.880 / 0.920 (F1 0.900) at its first run with version 1.1 (2026-12-06), below the
		// exact phone's F1 (0.923): restaurants of one hotel share its switchboard and address, and a
		// name with its site added in another city reads as another company. Version 1.2's reading of
		// company names was chosen on generated listings (bench/companies.ts) and then run here: 0.948
		// / 0.973 (F1 0.960). The set's errors had been looked at before, so it is marked seenBefore.
		const scores = (entityNames: boolean) =>
			pairwiseScores(
				matchBatch(prepared, matcher({ fields: set.fields, wholeGroups: true, entityNames })).cluster,
				set.truth,
			);
		const phone = pairwiseScores(
			prepared.map((p, i) => p.phone ?? `i:${i}`),
			set.truth,
		);
		const v12 = scores(true);
		expect(v12.precision).toBeGreaterThanOrEqual(0.92);
		expect(v12.recall).toBeGreaterThanOrEqual(0.94);
		expect(v12.f1).toBeGreaterThan(phone.f1);
		expect(scores(false).f1).toBeLessThan(phone.f1);
	});
});

describe('company names read as entity names (Dedupe 1.2)', () => {
	const fields: FieldSpec[] = [
		{ name: 'company', kind: 'company' },
		{ name: 'address', kind: 'address' },
		{ name: 'city', kind: 'city' },
		{ name: 'phone', kind: 'phone' },
		{ name: 'first_name', kind: 'first_name' },
		{ name: 'last_name', kind: 'last_name' },
	];
	const prep = (r: Record<string, string>) => prepareRow(r, fields, { defaultCountry: 'US' });
	const building = { address: '506 S Grand Ave', city: 'Los Angeles', phone: '213-555-0142' };
	const grill = prep({ ...building, company: 'Harbor Grill' });
	const room = prep({ ...building, company: 'Cedar Room' });
	it('two names at one address and switchboard are two businesses; with people named, the hand-set weight stands', () => {
		const at = (entityNames: boolean) => scoreRecords(grill, room, fields, { entityNames });
		expect(at(false)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
		expect(at(true)).toBeLessThan(DEFAULT_THRESHOLD);
		expect(at(false) - at(true)).toBe(5); // -4 -> -9
		// Two people at one office: the company name is theirs, not what they are.
		const ana = prep({ ...building, company: 'Harbor Grill', first_name: 'Ana', last_name: 'Souza' });
		const alsoAna = prep({ ...building, company: 'Cedar Room', first_name: 'Ana', last_name: 'Souza' });
		expect(scoreRecords(ana, alsoAna, fields, { entityNames: true })).toBe(
			scoreRecords(ana, alsoAna, fields, { entityNames: false }),
		);
	});
	it("a name holding the other's telling words is alike; trade words alone are not", () => {
		const level = (a: string, b: string) =>
			compareRecords(prep({ company: a }), prep({ company: b }), fields, { entityNames: true }).levels.company;
		expect(level('Luna', 'Luna at the Grand Plaza')).toBe('fuzzy');
		expect(level('The Luna', 'luna and sol')).toBe('fuzzy');
		expect(level('Harbor Grill', 'Cedar Room')).toBe('diff');
		expect(level('Luna Cafe', 'Sol Cafe')).toBe('diff');
		expect(
			compareRecords(prep({ company: 'Luna' }), prep({ company: 'Luna at the Grand Plaza' }), fields).levels.company,
		).toBe('diff');
	});
	it('a business listed again with a new phone is found by its name, address and city; two branches of one name are not one', () => {
		const listings = [
			{ company: 'Harbor Florist', address: '5348 Broadway Dr', city: 'Chicago', phone: '312-555-0192' },
			{ company: 'The Harbor Florist', address: '5348 Broadway Dr', city: 'Chicago', phone: '+1 312 555 0143' },
			// one name, one city, two addresses and phones, no person: two branches
			{ company: 'Golden Dragon', address: '12 Clark St', city: 'Chicago', phone: '312-555-0110' },
			{ company: 'Golden Dragon', address: '901 Halsted St', city: 'Chicago', phone: '773-555-0177' },
		].map(prep);
		const clusters = (entityNames: boolean) =>
			matchBatch(listings, matcher({ fields, wholeGroups: true, entityNames })).cluster;
		const [florist, floristAgain, dragon, otherDragon] = clusters(true);
		expect(floristAgain).toBe(florist);
		expect(otherDragon).not.toBe(dragon);
		// Version 1.1 never compared the florist's two listings (no shared key) and would not match them.
		const v11 = clusters(false);
		expect(v11[1]).not.toBe(v11[0]);
	});
	it('generated company listings, held out (seed 101): above the exact phone, as on the tuning draws', () => {
		const listed = loadCompanyListings(101);
		const prepared = prepareSet(listed);
		const s = pairwiseScores(
			matchBatch(prepared, matcher({ fields: listed.fields, wholeGroups: true, entityNames: true })).cluster,
			listed.truth,
		);
		const phone = pairwiseScores(
			prepared.map((p, i) => p[listed.baselineField!] ?? `i:${i}`),
			listed.truth,
		);
		// Measured 1.000 / 0.979 on its first run with the final 1.2 weights (0.942 F1 with the name
		// weight alone, 0.849 with version 1.1; the exact phone 0.845): floors with room.
		expect(s.precision).toBeGreaterThanOrEqual(0.97);
		expect(s.recall).toBeGreaterThanOrEqual(0.95);
		expect(s.f1).toBeGreaterThan(phone.f1 + 0.05);
	});
});

describe("people's phones (Dedupe 1.2)", () => {
	const v11 = { matcher: matcher({ wholeGroups: true, entityNames: false }), prepare: { defaultCountry: 'US' } };
	const v12 = {
		matcher: matcher({ wholeGroups: true, entityNames: true, personPhones: true }),
		prepare: { defaultCountry: 'US', countryPhoneKeys: true },
	};
	const groups = (leads: Array<Record<string, unknown>>, over: Partial<DedupeConfig>) => {
		const out = dedupeBatch(leads, config(over));
		return clusterIdsOf(out, leads.length);
	};
	it('two namesakes at one company, each with their own number, are two people (one from home, one from work)', () => {
		const leads = NAMESAKES_OWN_PHONES;
		// 1.1: names and company outweigh the two phones (-2 bits); 1.2 weighs them -4.
		const [a, b] = groups(leads, v11);
		expect(b).toBe(a);
		const [c, d] = groups(leads, v12);
		expect(d).not.toBe(c);
		const score = (m: MatcherConfig, p: Record<string, unknown>) =>
			scoreRecords(
				prepareLead(leads[0], DEFAULT_SOURCES, p),
				prepareLead(leads[1], DEFAULT_SOURCES, p),
				LEAD_FIELDS,
				m,
			);
		expect(score(v11.matcher, v11.prepare) - score(v12.matcher, v12.prepare)).toBe(2);
	});
	it('one person typing a number that does not parse, with and without its calling code, is found by it', () => {
		// 1.1 kept such a number as its digits ("349190120059" against "9190120059"); 1.2 keys it +34
		// and the national digits.
		const out = dedupeBatch(ONE_NUMBER_TWO_WAYS, config(v12));
		const [a, b] = clusterIdsOf(out, 2);
		expect(b).toBe(a);
		expect((out.duplicates[0].json.dedupe as { matched_on: string[] }).matched_on).toContain('phone');
		// Without the keys, 1.2's weight would read the two spellings as two phones and keep her apart.
		const [c, d] = groups(ONE_NUMBER_TWO_WAYS, { ...v12, prepare: { defaultCountry: 'US' } });
		expect(d).not.toBe(c);
	});
	it('between businesses (no person, no email) a different phone still weighs -1, not -4', () => {
		const fields: FieldSpec[] = [
			{ name: 'company', kind: 'company' },
			{ name: 'phone', kind: 'phone' },
		];
		const prep = (r: Record<string, string>) => prepareRow(r, fields, { defaultCountry: 'US' });
		const a = prep({ company: 'Harbor Florist', phone: '312-555-0192' });
		const b = prep({ company: 'Harbor Florist', phone: '312-555-0143' });
		const both = { entityNames: true, personPhones: true };
		expect(compareRecords(a, b, fields, both).score).toBe(compareRecords(a, b, fields, { entityNames: true }).score);
		// Two businesses' phones keep their hand-set -2 with the people's reading alone, and 1.2's -1.
		expect(scoreRecords(a, b, fields, { personPhones: true })).toBe(scoreRecords(a, b, fields, {}));
		expect(compareRecords(a, b, fields, both).score).toBe(6 - 1);
	});
});

const describeData = datasetsAvailable() ? describe : describe.skip;
describeData('accuracy on public ground truth (../shared/datasets)', () => {
	const run = (set: LabelledSet, over: Partial<MatcherConfig> = {}) => {
		const prepared = prepareSet(set);
		// Dedupe version 1.1's defaults (whole groups judged) unless a test says otherwise.
		return pairwiseScores(
			matchBatch(prepared, matcher({ fields: set.fields, wholeGroups: true, ...over })).cluster,
			set.truth,
		);
	};
	it.each([
		['fake_1000', () => loadSplink('fake_1000'), 0.723],
		['febrl 1', () => loadFebrl('1'), 0.92],
		['febrl 3', () => loadFebrl('3'), 0.92],
	])(
		'%s: precision >= 0.98 and recall above the exact-match baseline, with hand-set weights too',
		(_name, load, baselineRecall) => {
			const set = load();
			for (const learn of [true, false]) {
				const s = run(set, { learn });
				expect(s.precision).toBeGreaterThanOrEqual(0.98);
				expect(s.recall).toBeGreaterThan(baselineRecall + 0.05);
			}
		},
	);
	it('held out (bench/datasets.ts DATA_ROLES): Splink fake_20000 precision >= 0.98, recall >= 0.72 (0.75 in version 1) and well above the exact email; fake_1000 F1 >= 0.95, Febrl 4 F1 >= 0.99', () => {
		// Floors with room, not the measured figures (0.996 / 0.757 on 2026-12-06 with version 1.1's
		// defaults; 0.985 / 0.800 with version 1's): a property, not a pin.
		const set = loadSplink('fake_20000');
		const big = run(set);
		expect(big.precision).toBeGreaterThanOrEqual(0.98);
		expect(big.recall).toBeGreaterThanOrEqual(0.72);
		expect(run(set, { wholeGroups: false }).recall).toBeGreaterThanOrEqual(0.75);
		const byEmail = pairwiseScores(
			set.rows.map((r, i) => (r.email?.trim() ? `e:${r.email.trim().toLowerCase()}` : `i:${i}`)),
			set.truth,
		);
		expect(big.f1).toBeGreaterThan(byEmail.f1 + 0.2);
		// the hand-set weights alone fall short there
		expect(run(loadSplink('fake_20000'), { learn: false }).recall).toBeLessThan(0.75);
		expect(run(loadSplink('fake_1000')).f1).toBeGreaterThanOrEqual(0.95);
		expect(run(loadFebrl('4')).f1).toBeGreaterThanOrEqual(0.99);
	});
	it('learns from the data: a date of birth weighs more than the hand-set guess, colleagues stay hand-set', () => {
		const set = loadSplink('fake_20000');
		const prepared = prepareSet(set);
		const config = matcher({ fields: set.fields });
		const learned = learnModel(prepared, config, { tf: termFrequencies(prepared, set.fields) })!;
		const dob = learned.weights.get('dob')!;
		expect(dob.level.exact).toBeGreaterThan(handWeight('date', 'exact') + 2);
		expect(dob.level.exact).toBeGreaterThan(dob.level.fuzzy);
		expect(learned.weights.get('email')!.level.colleague).toBe(handWeight('email', 'colleague'));
		// 20,000 records: two of them are one person at odds of about 1 in 2^13
		expect(learned.priorBits).toBeGreaterThan(11);
		expect(learned.priorBits).toBeLessThan(15);
		// too few records to learn from
		expect(learnModel(prepared.slice(0, 999), config, {})).toBeUndefined();
	});
});

describe('precision holds as the batch grows (generated form traffic, bench/traffic.ts)', () => {
	const scores = (n: number) => {
		const leads = formTraffic(n);
		const out = dedupeBatch(leads, {
			sources: DEFAULT_SOURCES,
			matcher: matcher(),
			onDuplicate: 'keepFirst',
			prepare: {},
		});
		const cluster = clusterIdsOf(out, n);
		return pairwiseScores(
			cluster,
			leads.map((l) => String(l.person)),
		);
	};
	it('held out (another draw of the generator, seed 101): precision and recall >= 0.95 at 1,500 leads', () => {
		const leads = formTraffic(1500, 101);
		const out = dedupeBatch(leads, {
			sources: DEFAULT_SOURCES,
			matcher: matcher(),
			onDuplicate: 'keepFirst',
			prepare: {},
		});
		const s = pairwiseScores(
			clusterIdsOf(out, leads.length),
			leads.map((l) => String(l.person)),
		);
		expect(s.precision).toBeGreaterThanOrEqual(0.95);
		expect(s.recall).toBeGreaterThanOrEqual(0.95);
	});
	it("held out, namesake-heavy (seed 202, 1,002 people, a work and a personal address each): issue #31's precision >= 0.98 at recall >= 0.95, above version 1's precision", () => {
		const leads = formTraffic(1333, 202, { namesakes: 40, workAndPersonal: true });
		const truth = leads.map((l) => String(l.person));
		const at = (wholeGroups: boolean) =>
			pairwiseScores(
				clusterIdsOf(
					dedupeBatch(leads, {
						sources: DEFAULT_SOURCES,
						matcher: matcher({ wholeGroups }),
						onDuplicate: 'keepFirst',
						prepare: {},
					}),
					leads.length,
				),
				truth,
			);
		const judged = at(true);
		expect(judged.precision).toBeGreaterThanOrEqual(0.98);
		expect(judged.recall).toBeGreaterThanOrEqual(0.95);
		const chained = at(false);
		expect(judged.precision).toBeGreaterThan(chained.precision);
		expect(chained.recall).toBeGreaterThanOrEqual(0.95);
	}, 60_000);
	it('1,500 and 9,300 leads: precision >= 0.95 at both, recall >= 0.95', () => {
		const small = scores(1500);
		const large = scores(9300);
		for (const s of [small, large]) {
			expect(s.precision).toBeGreaterThanOrEqual(0.95);
			expect(s.recall).toBeGreaterThanOrEqual(0.95);
		}
		expect(large.precision).toBeGreaterThan(small.precision - 0.02);
	});
});

describe('remembered groups on SQLite (the scenarios the Redis tests run too, joinScenario.ts)', () => {
	it.each([
		[
			'a lead that links two remembered people joins them: the newer cluster joins the older one, reported on the linking lead; later leads of either side find the joined cluster',
			expectJoin,
		],
		[
			'a lead that links two remembered namesakes joins one of them (issue #31): the groups stay apart and it says why; version 1 merges them',
			expectKeptApart,
		],
	])('%s', async (_title, scenario) => {
		const store = new SqliteStore(':memory:');
		await scenario(store);
		await store.close();
	});
});

describe('no chaining through one weak link (issue #31)', () => {
	const batch = (leads: Array<Record<string, unknown>>, over: Partial<MatcherConfig>) => {
		const out = dedupeBatch(leads, {
			...config({ prepare: { defaultCountry: 'US' } }),
			matcher: matcher(over),
		});
		const all = [...out.kept, ...out.duplicates].map((e): Record<string, unknown> & { id: string } => ({
			...(e.json.dedupe as Record<string, unknown>),
			id: String(e.json.id),
		}));
		const groups = new Map<string, string[]>();
		for (const e of all) groups.set(String(e.cluster_id), [...(groups.get(String(e.cluster_id)) ?? []), e.id].sort());
		return { groups: [...groups.values()].sort(), byId: new Map(all.map((e) => [e.id, e])) };
	};

	it('a lead with the name alone links two namesakes at two companies: one link each, the people stay apart', () => {
		const leads = [...NAMESAKE_GROUPS, BARE_NAMESAKE];
		// Version 1: the bare lead's two links merge both people.
		expect(batch(leads, { wholeGroups: false }).groups).toEqual([['a1', 'a2', 'b1', 'b2', 'z']]);
		const { groups, byId } = batch(leads, { wholeGroups: true });
		expect(groups).toEqual([
			['a1', 'a2', 'z'],
			['b1', 'b2'],
		]);
		expect(byId.get('z')!.why).toBe(
			"Kept apart from lead b1's group: work domains differ (brightwave.io, acme-tools.com), and one link is not enough (average score 4.67 over 6 pairs, below 9)",
		);
		expect(byId.get('b2')).not.toHaveProperty('why');
	});

	it('one name-made mailbox at two company domains is one link, not one person (a lowered threshold lets it link)', () => {
		const leads = [
			{
				id: 'a1',
				first_name: 'Maria',
				last_name: 'Garcia',
				email: 'maria.garcia@acme-tools.com',
				company: 'Acme Tools',
				phone: '+1 415 555 0101',
			},
			{ id: 'a2', first_name: 'Maria', last_name: 'Garcia', email: 'maria.garcia@acme-tools.com' },
			{ id: 'b1', first_name: 'Maria', last_name: 'Garcia', email: 'maria.garcia@brightwave.io' },
			{
				id: 'b2',
				first_name: 'Maria',
				last_name: 'Garcia',
				email: 'maria.garcia@brightwave.io',
				company: 'Brightwave',
				phone: '+1 212 555 0199',
			},
		];
		expect(batch(leads, { threshold: 7, wholeGroups: false }).groups).toEqual([['a1', 'a2', 'b1', 'b2']]);
		const { groups, byId } = batch(leads, { threshold: 7, wholeGroups: true });
		expect(groups).toEqual([
			['a1', 'a2'],
			['b1', 'b2'],
		]);
		expect(byId.get('b1')!.why).toMatch(/^Kept apart from lead a\d's group: work domains differ .*below 7\)$/);
	});

	it('groups that match as wholes join despite a contradiction, and say so', () => {
		// One person who moved from Acme Tools to Brightwave, with one phone throughout.
		const leads = [
			{
				id: 'r1',
				first_name: 'Ruth',
				last_name: 'Okafor',
				email: 'ruth.okafor@acme-tools.com',
				company: 'Acme Tools',
				phone: '+1 415 555 0142',
			},
			{ id: 'r2', first_name: 'Ruth', last_name: 'Okafor', email: 'ruth.okafor@gmail.com', phone: '+1 415 555 0142' },
			{
				id: 'r3',
				first_name: 'Ruth',
				last_name: 'Okafor',
				email: 'rokafor@brightwave.io',
				company: 'Brightwave',
				phone: '415-555-0142',
			},
		];
		const { groups, byId } = batch(leads, { wholeGroups: true });
		expect(groups).toEqual([['r1', 'r2', 'r3']]);
		expect(byId.get('r3')!.why).toMatch(
			/^Joined through lead r\d although work domains differ \(.*\): the two groups match as wholes \(average score [\d.]+ over 2 pairs, at least 9\)$/,
		);
	});

	it('records of one person that only link through their neighbours still chain when nothing contradicts', () => {
		const leads = [
			{ id: 'k1', first_name: 'Katherine', last_name: 'Jones', email: 'kjones88@example.org' },
			{
				id: 'k2',
				first_name: 'Kathrine',
				last_name: 'Jones',
				email: 'kjones88@example.org',
				phone: '+44 20 7946 0018',
			},
			{ id: 'k3', first_name: 'Katherine', last_name: 'Jnoes', phone: '020 7946 0018', country: 'GB' },
		];
		expect(batch(leads, { wholeGroups: true }).groups).toEqual([['k1', 'k2', 'k3']]);
	});

	it('contradictions: two work domains or mailboxes, two phones, two companies; never a typo or free mail', () => {
		const c = (a: Record<string, unknown>, b: Record<string, unknown>) =>
			contradiction(lead(a), lead(b), LEAD_FIELDS)?.what;
		expect(c({ email: 'ann@acme-tools.com' }, { email: 'ann@brightwave.io' })).toBe('work domains');
		expect(c({ email: 'ann.lee@acme-tools.com' }, { email: 'bob.ray@acme-tools.com' })).toBe('work addresses');
		expect(c({ email: 'ann@acme-tools.com' }, { email: 'ann@acme-tool.com' })).toBeUndefined();
		expect(c({ email: 'ann@acme-tools.com' }, { email: 'ann.lee@gmail.com' })).toBeUndefined();
		expect(c({ phone: '+33 6 12 34 56 78' }, { phone: '+33 6 98 76 54 32' })).toBe('phones');
		expect(c({ phone: '+33 6 12 34 56 78' }, { phone: '+33 6 12 34 56 79' })).toBeUndefined();
		expect(c({ company: 'Acme Tools' }, { company: 'Brightwave' })).toBe('companies');
		expect(c({ company: 'Acme Tools' }, { company: 'ACME Tools GmbH' })).toBeUndefined();
	});
});

describe('comparisons against earlier executions learn their weights from the memory (issue #31)', () => {
	it('learns once 1,000 leads are remembered, keeps the weights with the memory, learns again as it grows or ages', async () => {
		const store = new SqliteStore(':memory:');
		const none = { maxEntries: 0, maxAgeMs: 0 };
		const leads = formTraffic(1400, 7);
		const cfg = config({ prepare: {} });
		const t0 = new Date('2026-12-01T00:00:00Z').getTime();
		await dedupeAgainstMemory(leads.slice(0, 900), cfg, store, 'm', none, { weights: store });
		// 900 remembered: too few, the hand-set weights
		expect(await memoryModel(store, store, 'm', cfg.matcher, t0)).toEqual({ trained: false });
		await dedupeAgainstMemory(leads.slice(900, 1100), cfg, store, 'm', none, { weights: store });
		// (that execution began with 900 remembered: it used the hand-set weights)
		const first = await memoryModel(store, store, 'm', cfg.matcher, t0);
		expect(first.trained).toBe(true);
		expect((await memoryModel(store, store, 'm', cfg.matcher, t0)).trained).toBe(false);
		expect(first.stored!.remembered).toBe(1100);
		expect(first.model!.learned!.get('email')!.level.exact).toBeGreaterThan(5);
		expect(first.model!.tf!.counts.get('last_name')!.size).toBeGreaterThan(50);
		expect(Object.keys(await store.entries(modelNamespace('m'), '')).sort()).toEqual(['meta', 'weights']);
		// The weights are parsed once per process: each execution reads only the small meta key (a
		// damaged weights value goes unnoticed here), while a process without them reads and, finding
		// them unreadable, learns again.
		await store.put(modelNamespace('m'), [{ key: 'weights', value: '{broken' }]);
		expect((await memoryModel(store, store, 'm', cfg.matcher, t0)).trained).toBe(false);
		const otherProcess = { peek: store.peek.bind(store), put: store.put.bind(store) } as unknown as typeof store;
		expect((await memoryModel(store, otherProcess, 'm', cfg.matcher, t0)).trained).toBe(true);
		// a changed field list, a grown memory, a week later: learned again
		const fewer = { ...cfg.matcher, fields: cfg.matcher.fields.filter((f) => f.kind !== 'company') };
		expect((await memoryModel(store, store, 'm', fewer, t0)).trained).toBe(true);
		await dedupeAgainstMemory(leads.slice(1100, 1400), cfg, store, 'm', none);
		expect((await memoryModel(store, store, 'm', cfg.matcher, t0)).trained).toBe(true);
		expect((await memoryModel(store, store, 'm', cfg.matcher, t0)).trained).toBe(false);
		expect((await memoryModel(store, store, 'm', cfg.matcher, t0 + 8 * 86_400_000)).trained).toBe(true);
		// rules mode and learning off keep the hand-set weights
		expect(await memoryModel(store, store, 'm', { ...cfg.matcher, learn: false }, t0)).toEqual({ trained: false });
		expect(await store.recentValues('m', 3)).toHaveLength(3);
		// Erasing a person from the memory drops the weights (they count names): learned again after.
		const person = leads.find((l) => typeof l.email === 'string')!;
		const report = await erasePerson(
			store,
			{ email: String(person.email) },
			{ dedupe: ['m'], stage: [], sla: [], enrichmentCache: [], routing: [] },
		);
		expect(report.erased.dedupe_memory).toBeGreaterThan(0);
		expect(await store.entries(modelNamespace('m'), '')).toEqual({});
		expect((await memoryModel(store, store, 'm', cfg.matcher, t0)).trained).toBe(true);
		await store.close();
	}, 60_000);

	it('the learned weights are what comparisons use once the memory is big enough', async () => {
		const none = { maxEntries: 0, maxAgeMs: 0 };
		const leads = formTraffic(1800, 101);
		const cfg = config({ prepare: {} });
		const scoresOf = async (weights: boolean) => {
			const store = new SqliteStore(':memory:');
			await dedupeAgainstMemory(leads.slice(0, 1500), cfg, store, 'm', none);
			const out = await dedupeAgainstMemory(
				leads.slice(1500),
				cfg,
				store,
				'm',
				none,
				weights ? { weights: store } : {},
			);
			await store.close();
			return new Map(out.duplicates.map((e) => [e.json.id, (e.json.dedupe as Record<string, unknown>).score]));
		};
		const hand = await scoresOf(false);
		const learned = await scoresOf(true);
		// returning people are found either way, most of them by both
		expect(hand.size).toBeGreaterThan(30);
		expect(learned.size).toBeGreaterThan(30);
		const both = [...learned.keys()].filter((id) => hand.has(id));
		expect(both.length).toBeGreaterThan(0.8 * hand.size);
		// with other scores: the learned weights, not the hand-set ones
		expect(both.filter((id) => learned.get(id) !== hand.get(id)).length).toBeGreaterThan(0.5 * both.length);
	}, 60_000);
});
