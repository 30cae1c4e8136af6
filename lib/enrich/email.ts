import { isDisposableDomain } from '../normalize/disposable';
import { normalizeEmail, isRoleAddress } from '../normalize/email';
import { freeMailTypo, isFreeEmailDomain } from '../normalize/freeEmail';
import { foldText } from '../normalize/text';

/** What an email address tells without any network call. */
export interface EmailFacts {
	address: string;
	valid: boolean;
	domain: string | null;
	/** A free mailbox provider (gmail.com, web.de...): a person, not a company. */
	free: boolean;
	/**
	 * The free provider the domain is a typo of ("gmial.com" → "gmail.com"), else null. Such an
	 * address counts as free (it is a person's mailbox, mistyped) and will likely bounce.
	 */
	typo_of: string | null;
	/** A throw-away address (mailinator.com...): a different signal from free mail. */
	disposable: boolean;
	/** A shared inbox (info@, sales@, kontakt@...), not a person. */
	role: boolean;
	/** The company's domain: the email's, unless free or disposable. */
	company_domain: string | null;
}

export function emailFacts(raw: string): EmailFacts | null {
	if (!raw) return null;
	const n = normalizeEmail(raw);
	if (!n) {
		return {
			address: raw.slice(0, 254),
			valid: false,
			domain: null,
			free: false,
			typo_of: null,
			disposable: false,
			role: false,
			company_domain: null,
		};
	}
	const typo = isFreeEmailDomain(n.domain) ? null : freeMailTypo(n.domain);
	const free = typo !== null || isFreeEmailDomain(n.domain);
	const disposable = isDisposableDomain(n.domain);
	return {
		address: n.email,
		valid: true,
		domain: n.domain,
		free,
		typo_of: typo,
		disposable,
		role: isRoleAddress(n.local),
		company_domain: free || disposable ? null : n.domain,
	};
}

/** Second-level labels under a country code that are part of the public suffix (acme.co.uk). */
const SECOND_LEVEL = new Set([
	'co',
	'com',
	'net',
	'org',
	'gov',
	'ac',
	'edu',
	'ltd',
	'plc',
	'gen',
	'ne',
	'or',
	'go',
	'biz',
]);
/** Host names in front of a company's own label that say nothing about it. */
const HOST_LABELS = new Set(['www', 'mail', 'email', 'web', 'smtp', 'mx', 'en', 'de', 'fr', 'app', 'corp', 'info']);

/** The label that names the organisation: "mail.acme-group.co.uk" → "acme-group". */
export function organisationLabel(domain: string): string | null {
	const labels = domain.toLowerCase().split('.').filter(Boolean);
	if (labels.length < 2) return null;
	let suffix = 1;
	if (labels.length >= 3 && labels[labels.length - 1].length === 2 && SECOND_LEVEL.has(labels[labels.length - 2]))
		suffix = 2;
	const rest = labels.slice(0, labels.length - suffix).filter((l) => !HOST_LABELS.has(l));
	return rest.length ? rest[rest.length - 1] : labels[labels.length - suffix - 1];
}

/**
 * A company name guessed from its domain: "acme-robotics.co.uk" → "Acme Robotics", "ibm.com" →
 * "IBM". Words run together stay together ("northwindtraders.com" → "Northwindtraders"): a guess,
 * marked as one in the lead, for a person or a provider to confirm.
 */
export function companyNameFromDomain(domain: string | null | undefined): string | null {
	if (!domain) return null;
	const label = organisationLabel(domain);
	if (!label || label.startsWith('xn--')) return null;
	const words = label.split(/[-_]+/).filter(Boolean);
	if (!words.length) return null;
	return words
		.map((w) =>
			w.length <= 3 && !/\d/.test(w) && words.length === 1 ? w.toUpperCase() : w[0].toUpperCase() + w.slice(1),
		)
		.join(' ');
}

/** Address patterns in Hunter's notation, most specific first (so "john" is {first}, not {first}{l}). */
const PATTERNS: Array<{ pattern: string; build: (f: string, l: string) => string }> = [
	{ pattern: '{first}.{last}', build: (f, l) => `${f}.${l}` },
	{ pattern: '{first}_{last}', build: (f, l) => `${f}_${l}` },
	{ pattern: '{first}-{last}', build: (f, l) => `${f}-${l}` },
	{ pattern: '{first}{last}', build: (f, l) => `${f}${l}` },
	{ pattern: '{f}.{last}', build: (f, l) => `${f[0]}.${l}` },
	{ pattern: '{f}{last}', build: (f, l) => `${f[0]}${l}` },
	{ pattern: '{last}.{first}', build: (f, l) => `${l}.${f}` },
	{ pattern: '{last}{first}', build: (f, l) => `${l}${f}` },
	{ pattern: '{last}{f}', build: (f, l) => `${l}${f[0]}` },
	{ pattern: '{first}.{l}', build: (f, l) => `${f}.${l[0]}` },
	{ pattern: '{first}{l}', build: (f, l) => `${f}${l[0]}` },
	{ pattern: '{first}', build: (f) => f },
	{ pattern: '{last}', build: (_f, l) => l },
];

/** A name as it appears in an address: folded, letters and digits only ("Zoë O'Brien" → "zoeobrien"). */
const mailName = (name: string | null | undefined) => foldText(name ?? '').replace(/ /g, '');

/** The pattern of an address's mailbox for a person, or null when it follows none. */
export function addressPattern(local: string, first: string | null, last: string | null): string | null {
	const f = mailName(first);
	const l = mailName(last);
	if (f.length < 2 || l.length < 2) return null;
	const box = local.toLowerCase().split('+')[0];
	return PATTERNS.find((p) => p.build(f, l) === box)?.pattern ?? null;
}

/** An address built with a pattern, or null when the names cannot fill it. */
export function applyPattern(
	pattern: string,
	first: string | null,
	last: string | null,
	domain: string,
): string | null {
	const f = mailName(first);
	const l = mailName(last);
	const p = PATTERNS.find((x) => x.pattern === pattern);
	if (!p || f.length < 2 || l.length < 2) return null;
	const address = `${p.build(f, l)}@${domain}`;
	return normalizeEmail(address) ? address : null;
}

export interface DomainPattern {
	pattern: string;
	/** Leads of the batch on this domain whose address follows the pattern. */
	seen: number;
	/** Leads of the batch on this domain whose address and names could be read. */
	of: number;
}

/**
 * The likely address pattern of each company domain shared by several leads: the most common
 * pattern, when at least two leads follow it and at least half of the readable ones do.
 */
export function domainPatterns(
	people: Array<{ domain: string | null; local: string | null; first: string | null; last: string | null }>,
): Map<string, DomainPattern> {
	const counts = new Map<string, Map<string, number>>();
	const readable = new Map<string, number>();
	for (const p of people) {
		if (!p.domain || !p.local) continue;
		const pattern = addressPattern(p.local, p.first, p.last);
		if (mailName(p.first).length < 2 || mailName(p.last).length < 2) continue;
		readable.set(p.domain, (readable.get(p.domain) ?? 0) + 1);
		if (!pattern) continue;
		const byPattern = counts.get(p.domain) ?? new Map<string, number>();
		byPattern.set(pattern, (byPattern.get(pattern) ?? 0) + 1);
		counts.set(p.domain, byPattern);
	}
	const out = new Map<string, DomainPattern>();
	for (const [domain, byPattern] of counts) {
		const [pattern, seen] = [...byPattern].sort((a, b) => b[1] - a[1])[0];
		const of = readable.get(domain) ?? seen;
		if (seen >= 2 && seen * 2 >= of) out.set(domain, { pattern, seen, of });
	}
	return out;
}
