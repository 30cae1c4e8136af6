/**
 * Deterministic synthetic leads for speed benchmarks, with ground truth (`person`): ~10% are
 * duplicates typed differently in the ways forms see (upper-cased or webmail address, typos in
 * either name, nicknames, swapped name boxes, national phone format, company legal form dropped or
 * changed, no email), ~5% of people are namesakes of an earlier person at another company, and
 * about one company per 20 people makes colleagues.
 */
import { seededRandom as rng } from '../lib/dedupe/learn';
const FIRST = [
	'james',
	'mary',
	'john',
	'patricia',
	'robert',
	'jennifer',
	'michael',
	'linda',
	'william',
	'elizabeth',
	'david',
	'barbara',
	'richard',
	'susan',
	'joseph',
	'jessica',
	'thomas',
	'sarah',
	'charles',
	'karen',
	'laura',
	'marc',
	'chloe',
	'lucas',
	'emma',
	'noah',
	'olivia',
	'liam',
	'ava',
	'mateo',
	'sofia',
	'leon',
	'mia',
	'hugo',
	'lea',
	'jan',
	'anna',
	'piotr',
	'eva',
	'ivan',
];
const SYL = [
	'ka',
	'lo',
	'mi',
	'ren',
	'sto',
	'var',
	'del',
	'son',
	'ber',
	'tin',
	'gar',
	'mon',
	'ric',
	'ham',
	'ley',
	'wood',
	'ford',
	'ton',
	'vik',
	'sen',
	'ova',
	'ez',
	'ski',
	'man',
	'dt',
	'ini',
	'ard',
	'ell',
	'ock',
	'ers',
];

const NICKNAMES: Record<string, string> = {
	william: 'bill',
	robert: 'bob',
	james: 'jim',
	elizabeth: 'liz',
	michael: 'mike',
	richard: 'rick',
	joseph: 'joe',
	thomas: 'tom',
	charles: 'chuck',
	patricia: 'pat',
	jennifer: 'jen',
	david: 'dave',
	susan: 'sue',
	jessica: 'jess',
	barbara: 'barb',
};

/**
 * One person of a memory of `people` (the same person for the same `i`), named like
 * `syntheticLeads` names people: first names common or made of syllables, surnames of three
 * syllables (so their sounds vary as real ones do), about one company per 20 people whatever
 * the memory's size (colleagues exist at every size, in the same proportion).
 */
export function syntheticPerson(i: number, people: number): { first: string; last: string; company: string } {
	const pr = rng(i * 7919 + 17);
	const syl = () => SYL[Math.floor(pr() * SYL.length)];
	const first = pr() < 0.5 ? FIRST[Math.floor(pr() * FIRST.length)] : syl() + syl();
	const last = syl() + syl() + syl();
	const companyNo = Math.floor(pr() * Math.max(50, Math.ceil(people / 20)));
	return { first, last, company: `${SYL[companyNo % 30]}${SYL[Math.floor(companyNo / 30) % 30]}${companyNo}` };
}

/** One typo: two neighbouring letters swapped, or one dropped (names of four letters or more). */
function typo(name: string, at: number): string {
	if (name.length < 4) return name;
	const i = 1 + (at % (name.length - 2));
	return at % 2 ? name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2) : name.slice(0, i) + name.slice(i + 1);
}

export function syntheticLeads(n: number, seed = 42): Array<Record<string, unknown>> {
	const r = rng(seed);
	const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
	const out: Array<Record<string, unknown>> = [];
	const people = Math.ceil(n * 0.9);
	const names: Array<[string, string]> = [];
	for (let i = 0; i < n; i++) {
		const isDup = i >= people;
		const p = isDup ? Math.floor(r() * people) : i;
		const pr = rng(p * 7919 + seed);
		const syl = () => SYL[Math.floor(pr() * SYL.length)];
		let first = pr() < 0.5 ? FIRST[Math.floor(pr() * FIRST.length)] : syl() + syl();
		let last = syl() + syl() + syl();
		// a namesake of an earlier person (drawn from the person's own stream: the same for their duplicates)
		const namesake = pr() < 0.05 && p > 0 ? Math.floor(pr() * p) : -1;
		if (namesake >= 0 && names[namesake]) [first, last] = names[namesake];
		if (!isDup) names[p] = [first, last];
		// ~1 company per 20 people, so colleagues exist; addresses are unique per person, as at real companies.
		const companyNo = Math.floor(pr() * Math.max(50, Math.ceil(people / 20)));
		const legal = ['Inc', 'Ltd', 'GmbH', 'SAS', 'LLC'][Math.floor(pr() * 5)];
		const company = `${SYL[companyNo % 30]}${SYL[Math.floor(companyNo / 30) % 30]}${companyNo} ${legal}`;
		const domain = `${company.split(' ')[0].toLowerCase()}.example`;
		const email = pr() < 0.3 ? `${first}.${last}${p}@gmail.com` : `${first}.${last}.${p}@${domain}`;
		const local = String(1000000 + ((p * 7717) % 8999999)).padStart(7, '0');
		const phone = `+1415${local}`;
		// `person` is the ground truth (not a field the matcher reads).
		const lead: Record<string, unknown> = {
			id: `lead-${i}`,
			person: p,
			email,
			first_name: first,
			last_name: last,
			company,
			phone: pr() < 0.6 ? phone : null,
			country: 'US',
		};
		if (isDup) {
			const k = Math.floor(r() * 10);
			if (k === 0) lead.email = email.toUpperCase();
			if (k === 1) lead.first_name = typo(first, i);
			if (k === 2) lead.last_name = typo(last, i);
			if (k === 3) lead.first_name = NICKNAMES[first] ?? first.toUpperCase();
			if (k === 4) [lead.first_name, lead.last_name] = [last, first];
			if (k === 5) Object.assign(lead, { email: null, phone: `(415) ${local.slice(0, 3)}-${local.slice(3)}` });
			if (k === 6) lead.company = company.replace(` ${legal}`, pick(['', ' Incorporated', ', Inc.', ' Limited']));
			if (k === 7) lead.email = `${email.slice(0, email.indexOf('@'))}@outlook.com`;
			if (k === 8) Object.assign(lead, { email: null, first_name: typo(first, i + 1) });
			if (k === 9) lead.first_name = `${first.slice(0, 1).toUpperCase()}${first.slice(1)}`;
		}
		out.push(lead);
	}
	return out;
}
