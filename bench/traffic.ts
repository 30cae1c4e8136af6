/**
 * Generated form traffic with ground truth, shaped like a real lead base: names drawn with
 * realistic (Zipf) frequencies in four locales, so common names recur and namesakes at other
 * companies are everywhere as the base grows; colleagues sharing a company domain; people who
 * come back typed differently (typos, nicknames, swapped name boxes, national or international
 * phone, another address, company legal forms, upper case). `person` is the ground truth.
 */
import { seededRandom as rng } from '../lib/dedupe/learn';

interface Locale {
	country: string;
	first: string[];
	last: string[];
	/** National phone: a prefix and a digit count. */
	phone: { cc: string; trunk: string; prefix: string[]; digits: number };
	legal: string[];
}

const LOCALES: Locale[] = [
	{
		country: 'US',
		first: [
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
			'christopher',
			'nancy',
			'daniel',
			'lisa',
			'matthew',
			'betty',
			'anthony',
			'margaret',
			'mark',
			'sandra',
			'donald',
			'ashley',
			'steven',
			'kimberly',
			'paul',
			'emily',
			'andrew',
			'donna',
			'joshua',
			'michelle',
		],
		last: [
			'smith',
			'johnson',
			'williams',
			'brown',
			'jones',
			'garcia',
			'miller',
			'davis',
			'rodriguez',
			'martinez',
			'hernandez',
			'lopez',
			'gonzalez',
			'wilson',
			'anderson',
			'thomas',
			'taylor',
			'moore',
			'jackson',
			'martin',
			'lee',
			'perez',
			'thompson',
			'white',
			'harris',
			'sanchez',
			'clark',
			'ramirez',
			'lewis',
			'robinson',
			'walker',
			'young',
			'allen',
			'king',
			'wright',
			'scott',
			'torres',
			'nguyen',
			'hill',
			'flores',
			'green',
			'adams',
			'nelson',
			'baker',
			'hall',
			'rivera',
			'campbell',
			'mitchell',
			'carter',
			'roberts',
		],
		phone: { cc: '1', trunk: '', prefix: ['415', '212', '312', '617', '206', '512', '303', '404'], digits: 7 },
		legal: ['Inc', 'LLC', 'Corp', 'Inc.', ''],
	},
	{
		country: 'FR',
		first: [
			'jean',
			'marie',
			'pierre',
			'nathalie',
			'michel',
			'isabelle',
			'philippe',
			'sylvie',
			'alain',
			'catherine',
			'nicolas',
			'francoise',
			'christophe',
			'sandrine',
			'patrick',
			'valerie',
			'stephane',
			'christine',
			'laurent',
			'celine',
			'julien',
			'camille',
			'thomas',
			'julie',
			'antoine',
			'lea',
			'hugo',
			'chloe',
			'lucas',
			'emma',
		],
		last: [
			'martin',
			'bernard',
			'dubois',
			'thomas',
			'robert',
			'richard',
			'petit',
			'durand',
			'leroy',
			'moreau',
			'simon',
			'laurent',
			'lefebvre',
			'michel',
			'garcia',
			'david',
			'bertrand',
			'roux',
			'vincent',
			'fournier',
			'morel',
			'girard',
			'andre',
			'lefevre',
			'mercier',
			'dupont',
			'lambert',
			'bonnet',
			'francois',
			'martinez',
		],
		phone: { cc: '33', trunk: '0', prefix: ['6', '7', '1', '4'], digits: 8 },
		legal: ['SAS', 'SARL', 'SA', ''],
	},
	{
		country: 'DE',
		first: [
			'peter',
			'michael',
			'thomas',
			'andreas',
			'wolfgang',
			'klaus',
			'jurgen',
			'stefan',
			'sabine',
			'susanne',
			'petra',
			'monika',
			'claudia',
			'andrea',
			'birgit',
			'anna',
			'lena',
			'lukas',
			'leon',
			'felix',
			'julia',
			'laura',
			'jonas',
			'paul',
			'sophie',
		],
		last: [
			'muller',
			'schmidt',
			'schneider',
			'fischer',
			'weber',
			'meyer',
			'wagner',
			'becker',
			'schulz',
			'hoffmann',
			'schafer',
			'koch',
			'bauer',
			'richter',
			'klein',
			'wolf',
			'schroder',
			'neumann',
			'schwarz',
			'zimmermann',
			'braun',
			'kruger',
			'hofmann',
			'hartmann',
			'lange',
		],
		phone: { cc: '49', trunk: '0', prefix: ['151', '160', '170', '30', '89', '40'], digits: 7 },
		legal: ['GmbH', 'AG', 'GmbH & Co. KG', ''],
	},
	{
		country: 'ES',
		first: [
			'antonio',
			'maria',
			'jose',
			'carmen',
			'manuel',
			'ana',
			'francisco',
			'isabel',
			'david',
			'laura',
			'juan',
			'cristina',
			'javier',
			'marta',
			'daniel',
			'lucia',
			'carlos',
			'paula',
			'miguel',
			'elena',
		],
		last: [
			'garcia',
			'rodriguez',
			'gonzalez',
			'fernandez',
			'lopez',
			'martinez',
			'sanchez',
			'perez',
			'gomez',
			'martin',
			'jimenez',
			'ruiz',
			'hernandez',
			'diaz',
			'moreno',
			'munoz',
			'alvarez',
			'romero',
			'alonso',
			'gutierrez',
		],
		phone: { cc: '34', trunk: '', prefix: ['6', '7', '91', '93'], digits: 8 },
		legal: ['SL', 'SA', 'S.L.', ''],
	},
];

const NICKNAMES: Record<string, string> = {
	robert: 'bob',
	william: 'bill',
	richard: 'rick',
	james: 'jim',
	john: 'jack',
	joseph: 'joe',
	michael: 'mike',
	thomas: 'tom',
	charles: 'charlie',
	christopher: 'chris',
	daniel: 'dan',
	matthew: 'matt',
	anthony: 'tony',
	andrew: 'andy',
	steven: 'steve',
	elizabeth: 'liz',
	margaret: 'maggie',
	jennifer: 'jen',
	jessica: 'jess',
	patricia: 'pat',
	susan: 'sue',
	kimberly: 'kim',
	donald: 'don',
};
const WEBMAIL = ['gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'gmx.de', 'orange.fr', 'icloud.com'];
const WORDS = [
	'blue',
	'north',
	'acme',
	'nova',
	'peak',
	'bright',
	'delta',
	'river',
	'stone',
	'pixel',
	'prime',
	'solar',
	'urban',
	'vertex',
	'green',
	'swift',
	'cloud',
	'iron',
	'maple',
	'orbit',
];
const KINDS = [
	'Systems',
	'Labs',
	'Logistics',
	'Consulting',
	'Media',
	'Health',
	'Foods',
	'Software',
	'Partners',
	'Energy',
];

/** Zipf-distributed index below n (exponent about 1: a few names are very common). */
function zipf(r: () => number, n: number): number {
	// Inverse of the continuous approximation of the harmonic CDF.
	return Math.min(n - 1, Math.floor(Math.exp(r() * Math.log(n + 1)) - 1));
}

const cap = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);

/** One character deleted, doubled, replaced by a neighbour, or two swapped. */
function typo(s: string, r: () => number): string {
	if (s.length < 4) return s;
	const i = 1 + Math.floor(r() * (s.length - 2));
	switch (Math.floor(r() * 4)) {
		case 0:
			return s.slice(0, i) + s.slice(i + 1);
		case 1:
			return s.slice(0, i) + s[i] + s.slice(i);
		case 2:
			return s.slice(0, i) + String.fromCharCode(((s.charCodeAt(i) - 97 + 1) % 26) + 97) + s.slice(i + 1);
		default:
			return s.slice(0, i - 1) + s[i] + s[i - 1] + s.slice(i + 1);
	}
}

export interface TrafficLead extends Record<string, unknown> {
	id: string;
	person: number;
}

export interface TrafficOptions {
	/**
	 * Draw first and last names from only this many of each locale's most common names: namesakes
	 * (same first and last name, different people) become common, as in a large lead base.
	 */
	namesakes?: number;
	/**
	 * Everyone has a work address and a personal webmail address, and each submission uses one or
	 * the other (a person signs up at work, comes back from home).
	 */
	workAndPersonal?: boolean;
}

/**
 * `n` submissions: about 75% first submissions of distinct people and 25% returns of earlier ones,
 * typed differently. Companies are shared (about one per 15 people) so colleagues exist. The
 * options make it harder (namesakes, two addresses per person); without them the traffic is the
 * one the tuning protocol's seed-7 draw has always been.
 */
export function formTraffic(n: number, seed = 7, options: TrafficOptions = {}): TrafficLead[] {
	const pick = (pr: () => number, length: number) => zipf(pr, Math.min(length, options.namesakes ?? length));
	const r = rng(seed);
	const companies = Math.max(20, Math.ceil(n / 15));
	const people: Array<Record<string, unknown> & { locale: Locale }> = [];
	const out: TrafficLead[] = [];
	// An address belongs to one person: a taken mailbox gets a number, as mail servers insist.
	const taken = new Set<string>();
	const unique = (box: string, domain: string) => {
		let candidate = box;
		for (let k = 2; taken.has(`${candidate}@${domain}`); k++) candidate = `${box}${k}`;
		taken.add(`${candidate}@${domain}`);
		return `${candidate}@${domain}`;
	};
	const person = (p: number) => {
		while (people.length <= p) {
			const pr = rng(p * 7919 + seed);
			const locale = LOCALES[Math.floor(pr() * LOCALES.length)];
			const first = locale.first[pick(pr, locale.first.length)];
			const last = locale.last[pick(pr, locale.last.length)];
			const c = Math.floor(pr() * companies);
			// Company names as varied as real ones (two words and a trade: 4,000 names), though some
			// still recur across unrelated companies, as "Delta Consulting" does.
			const word = WORDS[c % WORDS.length];
			const word2 = WORDS[Math.floor(c / WORDS.length) % WORDS.length];
			const company = `${cap(word)}${word2} ${KINDS[Math.floor(c / (WORDS.length * WORDS.length)) % KINDS.length]}`;
			const domain = `${word}${word2}${c}.example`;
			const style = pr();
			const box =
				style < 0.35
					? `${first}.${last}`
					: style < 0.6
						? `${first[0]}${last}`
						: style < 0.75
							? first
							: `${first}${last[0]}${Math.floor(pr() * 90 + 10)}`;
			const personal = pr() < 0.3;
			const email = personal
				? unique(`${first}.${last}`, WEBMAIL[Math.floor(pr() * WEBMAIL.length)])
				: unique(box, domain);
			let national = locale.phone.prefix[Math.floor(pr() * locale.phone.prefix.length)];
			for (let i = 0; i < locale.phone.digits; i++) national += String(Math.floor(pr() * 10));
			const hasPhone = pr() < 0.7;
			people.push({
				locale,
				first,
				last,
				company: `${company} ${locale.legal[0]}`.trim(),
				email,
				national,
				hasPhone,
				// (drawn after the others, so traffic without the option is unchanged)
				...(options.workAndPersonal
					? {
							work: personal ? unique(box, domain) : email,
							home: personal ? email : unique(`${first}.${last}`, WEBMAIL[Math.floor(pr() * WEBMAIL.length)]),
						}
					: {}),
			});
		}
		return people[p];
	};
	let nextPerson = 0;
	for (let i = 0; i < n; i++) {
		const returning = nextPerson > 10 && r() < 0.25;
		const p = returning ? Math.floor(r() * nextPerson) : nextPerson++;
		const who = person(p);
		const locale = who.locale;
		const intl = `+${locale.phone.cc} ${who.national}`;
		const nat = `${locale.phone.trunk}${who.national}`;
		const lead: TrafficLead = {
			id: `t-${i}`,
			person: p,
			first_name: cap(String(who.first)),
			last_name: cap(String(who.last)),
			email: options.workAndPersonal ? (r() < 0.5 ? who.work : who.home) : who.email,
			phone: who.hasPhone ? intl : null,
			company: who.company,
			country: locale.country,
		};
		if (returning) {
			// Each return changes one or two things, as people do.
			const changes = 1 + Math.floor(r() * 2);
			for (let k = 0; k < changes; k++) {
				const c = Math.floor(r() * 9);
				if (c === 0) lead.first_name = cap(typo(String(who.first), r));
				else if (c === 1) lead.last_name = cap(typo(String(who.last), r));
				else if (c === 2) lead.first_name = cap(NICKNAMES[String(who.first)] ?? String(who.first));
				else if (c === 3) [lead.first_name, lead.last_name] = [lead.last_name, lead.first_name];
				else if (c === 4 && who.hasPhone) lead.phone = nat;
				else if (c === 5 && typeof lead.email === 'string') lead.email = lead.email.toUpperCase();
				else if (c === 6)
					lead.company = String(lead.company).replace(/ (Inc|LLC|Corp|SAS|SARL|SA|GmbH|AG|SL)\.?$/, '') || lead.company;
				else if (c === 7 && who.hasPhone)
					lead.email = null; // came back by phone only
				else if (c === 8) {
					// another address of their own, kept for their next returns
					who.altEmail ??= unique(`${String(who.first)}.${String(who.last)}`, WEBMAIL[p % WEBMAIL.length]);
					lead.email = who.altEmail;
				}
			}
		}
		out.push(lead);
	}
	return out;
}
