import { trimTrailing } from './text';

/**
 * Email normalization shared by every node: one normalizer, so Capture, Dedupe and Enrich
 * agree on what "the same address" means.
 */

// Pragmatic syntax check: dot-atom local part (RFC 5322 without quoted strings or comments),
// a domain of letter/digit labels (Unicode allowed for IDNs) with a TLD of two letters or more.
const LOCAL_RE = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const LABEL_RE = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TLD_RE = /^(?:[\p{L}]{2,63}|xn--[a-z0-9-]{1,59})$/u;

/** Providers that document sub-addressing with '+' (tag after the plus is delivered to the base box). */
const PLUS_ADDRESSING = new Set([
	'gmail.com',
	'googlemail.com',
	'outlook.com',
	'hotmail.com',
	'live.com',
	'msn.com',
	'icloud.com',
	'me.com',
	'mac.com',
	'fastmail.com',
	'fastmail.fm',
	'proton.me',
	'protonmail.com',
	'pm.me',
	'zoho.com',
	'yandex.ru',
	'yandex.com',
	'hey.com',
	'tutanota.com',
	'gmx.com',
	'gmx.de',
	'gmx.net',
	'mail.com',
	'posteo.de',
	'mailbox.org',
]);
/** Yahoo's "disposable addresses" use a hyphen: base-keyword@yahoo.com. */
const HYPHEN_ADDRESSING = new Set(['yahoo.com', 'ymail.com', 'rocketmail.com']);
/** Gmail ignores dots in the local part, and googlemail.com is the same mailbox. */
const DOTLESS = new Set(['gmail.com', 'googlemail.com']);
const DOMAIN_ALIASES: Record<string, string> = { 'googlemail.com': 'gmail.com' };

export interface NormalizedEmail {
	/** The address as it should be stored: trimmed, mailto: removed, lower-cased. */
	email: string;
	/** Mailbox identity for matching: sub-address tags and Gmail dots removed, domain aliases folded. */
	key: string;
	local: string;
	domain: string;
}

export interface EmailOptions {
	/** Strip '+tag' on every domain, not only on providers that document it. */
	stripPlusEverywhere?: boolean;
}

export function isValidEmailSyntax(address: string): boolean {
	if (address.length > 254) return false;
	const at = address.lastIndexOf('@');
	if (at <= 0 || at === address.length - 1) return false;
	const local = address.slice(0, at);
	const domain = address.slice(at + 1);
	if (local.length > 64 || !LOCAL_RE.test(local)) return false;
	const labels = domain.split('.');
	if (labels.length < 2) return false;
	if (!labels.every((l) => LABEL_RE.test(l))) return false;
	return TLD_RE.test(labels[labels.length - 1]);
}

/**
 * The longest text read as an email: an address is at most 254 characters, plus room for a
 * display name ("Jane Doe <jane@x.com>") or "mailto:". Anything longer is not an address, and is
 * refused before any pattern runs on it.
 */
export const EMAIL_INPUT_LIMIT = 512;

/** Returns null when the value is not a syntactically valid address. */
export function normalizeEmail(raw: unknown, options: EmailOptions = {}): NormalizedEmail | null {
	if (typeof raw !== 'string' || raw.length > EMAIL_INPUT_LIMIT) return null;
	let s = raw.normalize('NFC').trim();
	if (/^mailto:/i.test(s)) s = s.slice(7);
	// "Jane Doe <jane@x.com>" → jane@x.com
	const angle = /<([^<>]+)>\s*$/.exec(s);
	if (angle) s = angle[1].trim();
	s = trimTrailing(s.toLowerCase(), '.');
	if (!isValidEmailSyntax(s)) return null;
	const at = s.lastIndexOf('@');
	const local = s.slice(0, at);
	const domain = s.slice(at + 1);
	return { email: s, key: emailKey(local, domain, options), local, domain };
}

function emailKey(local: string, domain: string, options: EmailOptions): string {
	let box = local;
	if (PLUS_ADDRESSING.has(domain) || options.stripPlusEverywhere) {
		const plus = box.indexOf('+');
		if (plus > 0) box = box.slice(0, plus);
	}
	if (HYPHEN_ADDRESSING.has(domain)) {
		const dash = box.indexOf('-');
		if (dash > 0) box = box.slice(0, dash);
	}
	if (DOTLESS.has(domain)) box = box.replace(/\./g, '');
	return `${box}@${DOMAIN_ALIASES[domain] ?? domain}`;
}

/**
 * Local parts that name a role or a shared inbox rather than a person, in the languages the
 * package's forms arrive in (English, French, German, Spanish, Italian, Portuguese, Dutch).
 */
const ROLE_LOCALS = new Set([
	'abuse',
	'accounting',
	'accounts',
	'admin',
	'administrator',
	'billing',
	'bookings',
	'booking',
	'careers',
	'contact',
	'contacts',
	'customerservice',
	'enquiries',
	'enquiry',
	'feedback',
	'finance',
	'hello',
	'help',
	'helpdesk',
	'hi',
	'hr',
	'info',
	'information',
	'inquiries',
	'inquiry',
	'invoices',
	'jobs',
	'legal',
	'mail',
	'marketing',
	'media',
	'newsletter',
	'news',
	'noreply',
	'no-reply',
	'donotreply',
	'do-not-reply',
	'office',
	'orders',
	'postmaster',
	'press',
	'privacy',
	'recruiting',
	'reception',
	'sales',
	'security',
	'service',
	'shop',
	'store',
	'support',
	'team',
	'webmaster',
	'welcome',
	// French, German, Spanish, Italian, Portuguese, Dutch
	'accueil',
	'bonjour',
	'commercial',
	'compta',
	'comptabilite',
	'direction',
	'secretariat',
	'ventes',
	'kontakt',
	'buero',
	'buro',
	'verkauf',
	'vertrieb',
	'rechnung',
	'anfrage',
	'zentrale',
	'hallo',
	'contacto',
	'ventas',
	'hola',
	'administracion',
	'facturacion',
	'informacion',
	'atencionalcliente',
	'contatti',
	'vendite',
	'amministrazione',
	'ciao',
	'contato',
	'vendas',
	'atendimento',
	'comercial',
	'financeiro',
	'verkoop',
	'klantenservice',
	'administratie',
]);

/** Whether an address names a role or shared inbox (info@, sales@, kontakt@, ...), tags ignored. */
export function isRoleAddress(local: string): boolean {
	const plus = local.indexOf('+');
	return ROLE_LOCALS.has(plus > 0 ? local.slice(0, plus) : local);
}
