import { isDisposableDomain } from './disposable';
import { normalizeEmail } from './email';
import { isFreeEmailDomain } from './freeEmail';

/** The longest URL read as a website (browsers and CDNs commonly cap URLs near 2,048). */
export const URL_LIMIT = 2048;

/** Website / email domain normalization: "https://WWW.Acme.com/contact" → "acme.com". */
export function normalizeDomain(raw: unknown): string | null {
	if (typeof raw !== 'string' || raw.length > URL_LIMIT) return null;
	let s = raw.trim().toLowerCase();
	if (!s) return null;
	const at = s.lastIndexOf('@');
	if (at >= 0 && !s.includes('/')) s = s.slice(at + 1);
	s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^\/\//, '');
	s = s.split(/[/?#]/)[0].replace(/:\d+$/, '').replace(/\.$/, '');
	s = s.replace(/^www\d*\./, '');
	// A domain name is at most 253 characters.
	if (s.length > 253) return null;
	if (!/^[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?(\.[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?)+$/u.test(s))
		return null;
	return s;
}

/** "https://acme.com" style URL for a website answer, or null when it is not one. */
export function normalizeWebsite(raw: unknown): string | null {
	if (typeof raw !== 'string' || raw.length > URL_LIMIT) return null;
	const s = raw.trim();
	if (!s) return null;
	const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : `https://${s}`;
	try {
		const url = new URL(withScheme);
		if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
		if (!normalizeDomain(url.hostname)) return null;
		return url.toString().replace(/\/$/, '');
	} catch {
		return null;
	}
}

/**
 * The company's domain for a lead: its website, else its email's domain unless that is a free or
 * disposable mailbox provider (gmail.com says nothing about the company). Null when unknown.
 */
export function companyDomain(lead: { website?: unknown; email?: unknown }): string | null {
	const site = normalizeDomain(lead.website);
	if (site) return site;
	const email = normalizeEmail(lead.email);
	if (!email || isFreeEmailDomain(email.domain) || isDisposableDomain(email.domain)) return null;
	return email.domain;
}
