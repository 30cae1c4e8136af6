import type { Lead } from '../lead/schema';
import { normalizeEmail } from '../normalize/email';
import { isDisposableDomain } from '../normalize/disposable';
import type { ParsedSubmission } from './types';

export interface SpamRules {
	/** Names of hidden inputs a person never fills in. */
	honeypotFields: string[];
	/** Reject submissions completed faster than this (needs a start time). 0 = off. */
	minFillSeconds: number;
	/** Answer or hidden field holding when the form was opened (epoch s/ms or ISO). */
	startedAtField: string;
	rejectDisposableEmail: boolean;
	rejectBotUserAgent: boolean;
}

export interface SpamVerdict {
	spam: boolean;
	reasons: string[];
}

const BOT_UA =
	/(bot\b|bot\/|crawler|spider|slurp|headlesschrome|phantomjs|puppeteer|playwright|selenium|scrapy|python-requests|python-urllib|aiohttp|httpx|go-http-client|java\/|okhttp|libwww|wget|curl\/|httpclient|postmanruntime|insomnia)/i;

export function isBotUserAgent(ua: string | null | undefined): boolean {
	if (!ua || !ua.trim()) return true; // browsers always send one
	return BOT_UA.test(ua);
}

function findValue(sub: ParsedSubmission, name: string): unknown {
	const n = name.toLowerCase();
	const a = sub.answers.find((x) => x.key.toLowerCase() === n);
	if (a) return a.value;
	const h = Object.entries(sub.hidden).find(([k]) => k.toLowerCase() === n);
	if (h) return h[1];
	if (n === 'honeypot' && sub.meta.honeypot !== undefined) return sub.meta.honeypot;
	return undefined;
}

function toMs(v: unknown): number | undefined {
	if (typeof v === 'number' && Number.isFinite(v)) return v < 1e11 ? v * 1000 : v;
	if (typeof v === 'string' && v.trim()) {
		if (/^\d+(\.\d+)?$/.test(v.trim())) return toMs(Number(v));
		const t = Date.parse(v);
		return Number.isNaN(t) ? undefined : t;
	}
	return undefined;
}

/**
 * Spam checks for one submission. `isBrowserPost` says the request came straight from the
 * visitor's browser (plain HTML forms): only then is the request's own user agent the visitor's.
 */
export function checkSpam(lead: Lead, sub: ParsedSubmission, rules: SpamRules, isBrowserPost: boolean): SpamVerdict {
	const reasons: string[] = [];
	for (const field of rules.honeypotFields) {
		const v = findValue(sub, field);
		if (v !== undefined && v !== null && v !== '' && v !== false)
			reasons.push(`honeypot field "${field}" was filled in`);
	}
	if (rules.minFillSeconds > 0) {
		const started = toMs(sub.startedAt) ?? toMs(findValue(sub, rules.startedAtField));
		const submitted = toMs(lead.source.submitted_at) ?? toMs(lead.source.received_at);
		const timeToSubmit =
			typeof sub.meta.time_to_submit_seconds === 'number' ? sub.meta.time_to_submit_seconds : undefined;
		const seconds = started !== undefined && submitted !== undefined ? (submitted - started) / 1000 : timeToSubmit;
		if (seconds !== undefined && seconds < rules.minFillSeconds) {
			reasons.push(
				`form filled in ${Math.max(0, Math.round(seconds * 10) / 10)} s, under the ${rules.minFillSeconds} s minimum`,
			);
		}
	}
	if (rules.rejectDisposableEmail && lead.email) {
		const n = normalizeEmail(lead.email);
		if (n && isDisposableDomain(n.domain)) reasons.push(`disposable email domain ${n.domain}`);
	}
	if (rules.rejectBotUserAgent) {
		const ua = sub.visitorUserAgent ?? (isBrowserPost ? lead.source.user_agent : undefined);
		if ((sub.visitorUserAgent !== undefined || isBrowserPost) && isBotUserAgent(ua)) {
			reasons.push(`bot user agent "${(ua ?? '').slice(0, 100)}"`);
		}
	}
	return { spam: reasons.length > 0, reasons };
}
