import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_SCHEMES = [
	'typeform',
	'tally',
	'webflow',
	'facebook',
	'hubspotV3',
	'googleAdsKey',
	'genericHmac',
] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];

export interface GenericHmacOptions {
	header: string;
	encoding: 'hex' | 'base64';
	/** Text before the digest, such as "sha256=", accepted when present. */
	prefix?: string;
}

export interface SignatureInput {
	scheme: SignatureScheme;
	secret: string;
	rawBody: Buffer;
	headers: Record<string, string | string[] | undefined>;
	method: string;
	/** The full URL the vendor called, as it signed it (HubSpot v3). */
	url: string;
	/** Parsed body, for schemes that carry the key inside it (Google Ads). */
	body?: unknown;
	now: Date;
	/** Replay window for vendors that sign a timestamp. */
	toleranceSeconds?: number;
	generic?: GenericHmacOptions;
}

export type SignatureResult = { ok: true } | { ok: false; reason: string };

const DEFAULT_TOLERANCE = 300;

function headerValue(headers: SignatureInput['headers'], name: string): string | undefined {
	const v = headers[name.toLowerCase()];
	return Array.isArray(v) ? v[0] : v;
}

function hmac(secret: string, data: Buffer | string): Buffer {
	return createHmac('sha256', secret).update(data).digest();
}

/** Constant-time comparison of a received digest (hex or base64 text) with the expected bytes. */
function digestMatches(received: string, expected: Buffer, encoding: 'hex' | 'base64'): boolean {
	const text = received.trim();
	if (encoding === 'hex' && !/^[0-9a-fA-F]+$/.test(text)) return false;
	if (encoding === 'base64' && !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return false;
	const got = Buffer.from(text, encoding);
	if (got.length !== expected.length) return false;
	return timingSafeEqual(got, expected);
}

/**
 * Whether a secret the caller sent equals the configured one, in time that depends on neither
 * value: both are hashed to 32 bytes first, so not even the secret's length leaks.
 */
export function secretEquals(received: string, expected: string): boolean {
	const a = createHash('sha256').update(received, 'utf8').digest();
	const b = createHash('sha256').update(expected, 'utf8').digest();
	return timingSafeEqual(a, b) && expected.length > 0;
}

function checkTimestamp(raw: string | undefined, now: Date, tolerance: number): SignatureResult | null {
	if (!raw) return { ok: false, reason: 'missing timestamp header' };
	const n = Number(raw);
	if (!Number.isFinite(n)) return { ok: false, reason: 'timestamp header is not a number' };
	const ms = n < 1e11 ? n * 1000 : n;
	if (Math.abs(now.getTime() - ms) > tolerance * 1000) {
		return { ok: false, reason: `timestamp is outside the ${tolerance} s replay window` };
	}
	return null;
}

function bodyKey(body: unknown): unknown {
	return body && typeof body === 'object' ? (body as Record<string, unknown>).google_key : undefined;
}

export function verifySignature(input: SignatureInput): SignatureResult {
	const { secret, rawBody, headers, now } = input;
	if (!secret) return { ok: false, reason: 'no secret configured in the credential' };
	const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE;
	const fail = (reason: string): SignatureResult => ({ ok: false, reason });
	switch (input.scheme) {
		case 'typeform': {
			const sig = headerValue(headers, 'typeform-signature');
			if (!sig) return fail('missing Typeform-Signature header');
			if (!sig.startsWith('sha256=')) return fail('Typeform-Signature must start with sha256=');
			return digestMatches(sig.slice(7), hmac(secret, rawBody), 'base64') ? { ok: true } : fail('signature mismatch');
		}
		case 'tally': {
			const sig = headerValue(headers, 'tally-signature');
			if (!sig) return fail('missing Tally-Signature header');
			return digestMatches(sig, hmac(secret, rawBody), 'base64') ? { ok: true } : fail('signature mismatch');
		}
		case 'webflow': {
			const sig = headerValue(headers, 'x-webflow-signature');
			const ts = headerValue(headers, 'x-webflow-timestamp');
			if (!sig) return fail('missing x-webflow-signature header');
			const stale = checkTimestamp(ts, now, tolerance);
			if (stale) return stale;
			const expected = hmac(secret, Buffer.concat([Buffer.from(`${ts}:`), rawBody]));
			return digestMatches(sig, expected, 'hex') ? { ok: true } : fail('signature mismatch');
		}
		case 'facebook': {
			const sig = headerValue(headers, 'x-hub-signature-256');
			if (!sig) return fail('missing X-Hub-Signature-256 header');
			if (!sig.startsWith('sha256=')) return fail('X-Hub-Signature-256 must start with sha256=');
			return digestMatches(sig.slice(7), hmac(secret, rawBody), 'hex') ? { ok: true } : fail('signature mismatch');
		}
		case 'hubspotV3': {
			const sig = headerValue(headers, 'x-hubspot-signature-v3');
			const ts = headerValue(headers, 'x-hubspot-request-timestamp');
			if (!sig) return fail('missing X-HubSpot-Signature-v3 header');
			const stale = checkTimestamp(ts, now, tolerance);
			if (stale) return stale;
			const source = Buffer.concat([
				Buffer.from(`${input.method.toUpperCase()}${hubspotUri(input.url)}`),
				rawBody,
				Buffer.from(ts!),
			]);
			return digestMatches(sig, hmac(secret, source), 'base64') ? { ok: true } : fail('signature mismatch');
		}
		case 'googleAdsKey': {
			const key = bodyKey(input.body);
			if (typeof key !== 'string' || !key) return fail('missing google_key in the body');
			return secretEquals(key, secret) ? { ok: true } : fail('google_key does not match');
		}
		case 'genericHmac': {
			const opts = input.generic ?? { header: 'x-signature', encoding: 'hex' as const };
			let sig = headerValue(headers, opts.header);
			if (!sig) return fail(`missing ${opts.header} header`);
			if (opts.prefix && sig.startsWith(opts.prefix)) sig = sig.slice(opts.prefix.length);
			else if (sig.startsWith('sha256=')) sig = sig.slice(7);
			return digestMatches(sig, hmac(secret, rawBody), opts.encoding) ? { ok: true } : fail('signature mismatch');
		}
	}
}

/**
 * HubSpot decodes these percent-encoded characters in the URI before signing
 * (https://developers.hubspot.com/docs/api/webhooks/validating-requests).
 */
function hubspotUri(url: string): string {
	const map: Record<string, string> = {
		'%3A': ':',
		'%2F': '/',
		'%3F': '?',
		'%40': '@',
		'%21': '!',
		'%24': '$',
		'%27': "'",
		'%28': '(',
		'%29': ')',
		'%2A': '*',
		'%2C': ',',
		'%3B': ';',
	};
	return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => map[m.toUpperCase()] ?? m);
}

/** The headers a vendor would send for this body: used by tests, the demo and docs. */
export function signatureHeaders(
	scheme: Exclude<SignatureScheme, 'googleAdsKey'>,
	secret: string,
	rawBody: Buffer | string,
	opts: { now?: Date; method?: string; url?: string; generic?: GenericHmacOptions } = {},
): Record<string, string> {
	const body = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody);
	const ts = String((opts.now ?? new Date()).getTime());
	switch (scheme) {
		case 'typeform':
			return { 'typeform-signature': `sha256=${hmac(secret, body).toString('base64')}` };
		case 'tally':
			return { 'tally-signature': hmac(secret, body).toString('base64') };
		case 'webflow':
			return {
				'x-webflow-timestamp': ts,
				'x-webflow-signature': hmac(secret, Buffer.concat([Buffer.from(`${ts}:`), body])).toString('hex'),
			};
		case 'facebook':
			return { 'x-hub-signature-256': `sha256=${hmac(secret, body).toString('hex')}` };
		case 'hubspotV3': {
			const source = Buffer.concat([
				Buffer.from(`${(opts.method ?? 'POST').toUpperCase()}${hubspotUri(opts.url ?? '')}`),
				body,
				Buffer.from(ts),
			]);
			return { 'x-hubspot-request-timestamp': ts, 'x-hubspot-signature-v3': hmac(secret, source).toString('base64') };
		}
		case 'genericHmac': {
			const g = opts.generic ?? { header: 'x-signature', encoding: 'hex' as const };
			return { [g.header.toLowerCase()]: `${g.prefix ?? ''}${hmac(secret, body).toString(g.encoding)}` };
		}
	}
}

/** The scheme each vendor signs with, for "use the provider's scheme" authentication. */
export const PROVIDER_SCHEME: Partial<Record<string, SignatureScheme>> = {
	typeform: 'typeform',
	tally: 'tally',
	webflow: 'webflow',
	facebook: 'facebook',
	hubspot: 'hubspotV3',
	googleAds: 'googleAdsKey',
};
