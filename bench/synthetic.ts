/** Deterministic synthetic leads for speed benchmarks: ~10% are typed-differently duplicates. */
import { seededRandom as rng } from '../lib/dedupe/learn';
const FIRST = ['james', 'mary', 'john', 'patricia', 'robert', 'jennifer', 'michael', 'linda', 'william', 'elizabeth', 'david', 'barbara', 'richard', 'susan', 'joseph', 'jessica', 'thomas', 'sarah', 'charles', 'karen', 'laura', 'marc', 'chloe', 'lucas', 'emma', 'noah', 'olivia', 'liam', 'ava', 'mateo', 'sofia', 'leon', 'mia', 'hugo', 'lea', 'jan', 'anna', 'piotr', 'eva', 'ivan'];
const SYL = ['ka', 'lo', 'mi', 'ren', 'sto', 'var', 'del', 'son', 'ber', 'tin', 'gar', 'mon', 'ric', 'ham', 'ley', 'wood', 'ford', 'ton', 'vik', 'sen', 'ova', 'ez', 'ski', 'man', 'dt', 'ini', 'ard', 'ell', 'ock', 'ers'];


export function syntheticLeads(n: number, seed = 42): Array<Record<string, unknown>> {
	const r = rng(seed);
	const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
	const out: Array<Record<string, unknown>> = [];
	const people = Math.ceil(n * 0.9);
	for (let i = 0; i < n; i++) {
		const isDup = i >= people;
		const p = isDup ? Math.floor(r() * people) : i;
		const pr = rng(p * 7919 + seed);
		const syl = () => SYL[Math.floor(pr() * SYL.length)];
		const first = pr() < 0.5 ? FIRST[Math.floor(pr() * FIRST.length)] : syl() + syl();
		const last = syl() + syl() + syl();
		// ~1 company per 20 people, so colleagues exist; addresses are unique per person, as at real companies.
		const companyNo = Math.floor(pr() * Math.max(50, Math.ceil(people / 20)));
		const company = `${SYL[companyNo % 30]}${SYL[Math.floor(companyNo / 30) % 30]}${companyNo} ${pick(['Inc', 'Ltd', 'GmbH', 'SAS', 'LLC'])}`;
		const domain = `${company.split(' ')[0].toLowerCase()}.example`;
		const email = pr() < 0.3 ? `${first}.${last}${p}@gmail.com` : `${first}.${last}.${p}@${domain}`;
		const phone = `+1415${String(1000000 + ((p * 7717) % 8999999)).padStart(7, '0')}`;
		// `person` is the ground truth (not a field the matcher reads).
		const lead: Record<string, unknown> = { id: `lead-${i}`, person: p, email, first_name: first, last_name: last, company, phone: pr() < 0.6 ? phone : null };
		if (isDup) {
			const k = Math.floor(r() * 3);
			if (k === 0) lead.email = String(email).toUpperCase();
			if (k === 1) lead.first_name = first.slice(0, -1) + first.slice(-1).toUpperCase();
			if (k === 2) lead.email = null;
		}
		out.push(lead);
	}
	return out;
}
