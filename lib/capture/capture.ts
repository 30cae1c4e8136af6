import { createHash } from 'node:crypto';
import type { Lead, LeadIssue } from '../lead/schema';
import { detectProvider, parseSubmission } from './adapters';
import { buildLead, type FieldMapping } from './buildLead';
import { ipAllowed, type Cidr } from './ip';
import { BodyLimitError, expandBracketKeys, parseJsonSafely, sanitizeBody } from './safeBody';
import {
	PROVIDER_SCHEME,
	secretEquals,
	verifySignature,
	type GenericHmacOptions,
	type SignatureScheme,
} from './signatures';
import { checkSpam, type SpamRules, type SpamVerdict } from './spam';
import type { IncomingSubmission, ParsedSubmission, Provider } from './types';
import { validateLead, type ValidationRules } from './validate';
import { isDisposableDomain } from '../normalize/disposable';
import { normalizeCountry } from '../normalize/country';
import { normalizePhone } from '../normalize/phone';

export type CaptureAuth =
	| { type: 'none' }
	| { type: 'headerAuth'; name: string; value: string }
	| { type: 'basicAuth'; user: string; password: string }
	| {
			type: 'signature';
			/** 'provider' uses the scheme of the detected or chosen vendor. */
			scheme: SignatureScheme | 'provider';
			secret: string;
			toleranceSeconds: number;
			generic?: GenericHmacOptions;
	  };

export interface CaptureConfig {
	provider: Provider | 'auto';
	auth: CaptureAuth;
	ipAllowlist: Cidr[];
	mapping: FieldMapping;
	defaultCountry?: string;
	validation: ValidationRules;
	spam: SpamRules;
	/** The URL the vendor was given (HubSpot signs it). */
	publicUrl: string;
	/**
	 * Lead Ads: the app secret Meta signs its webhooks with (X-Hub-Signature-256). A Lead Ads post
	 * makes the node fetch the lead with the page token, so it must be signed whatever the
	 * Authentication choice, unless `acceptUnsignedLeadAds` says otherwise.
	 */
	leadAdsAppSecret?: string;
	acceptUnsignedLeadAds?: boolean;
	nodeName?: string;
}

/** An answer for the HTTP caller; nothing reaches the workflow. */
export interface CaptureRefusal {
	ok: false;
	status: number;
	body: { ok: false; error: string; message: string; issues?: LeadIssue[] };
}

export interface CaptureAccepted {
	ok: true;
	provider: Provider;
	submissions: ParsedSubmission[];
}

function refuse(status: number, error: string, message: string, issues?: LeadIssue[]): CaptureRefusal {
	return { ok: false, status, body: { ok: false, error, message, ...(issues ? { issues } : {}) } };
}

export function header(req: Pick<IncomingSubmission, 'headers'>, name: string): string | undefined {
	const v = req.headers[name];
	return Array.isArray(v) ? v[0] : v;
}

function checkAuth(
	req: IncomingSubmission,
	auth: CaptureAuth,
	provider: Provider,
	publicUrl: string,
	body: unknown,
): CaptureRefusal | null {
	switch (auth.type) {
		case 'none':
			return null;
		case 'headerAuth': {
			const got = header(req, auth.name.toLowerCase());
			return got !== undefined && secretEquals(got, auth.value)
				? null
				: refuse(401, 'unauthorized', `Missing or wrong ${auth.name} header`);
		}
		case 'basicAuth': {
			const h = header(req, 'authorization') ?? '';
			const isBasic = h.slice(0, 6).toLowerCase() === 'basic ';
			const decoded = isBasic ? Buffer.from(h.slice(6).trim(), 'base64').toString('utf8') : '';
			const expected = `${auth.user}:${auth.password}`;
			return isBasic && secretEquals(decoded, expected)
				? null
				: refuse(401, 'unauthorized', 'Missing or wrong basic auth credentials');
		}
		case 'signature': {
			const scheme = auth.scheme === 'provider' ? PROVIDER_SCHEME[provider] : auth.scheme;
			if (!scheme) {
				return refuse(
					401,
					'unauthorized',
					`${provider} does not sign its webhooks; choose a signature scheme or another authentication`,
				);
			}
			if (!req.rawBody && scheme !== 'googleAdsKey')
				return refuse(400, 'unreadable_body', 'The raw request body is needed to check the signature');
			const result = verifySignature({
				scheme,
				secret: auth.secret,
				rawBody: req.rawBody ?? Buffer.alloc(0),
				headers: req.headers,
				method: req.method,
				url: publicUrl,
				body,
				now: req.receivedAt,
				toleranceSeconds: auth.toleranceSeconds,
				generic: auth.generic,
			});
			return result.ok ? null : refuse(401, 'invalid_signature', `Signature check failed: ${result.reason}`);
		}
	}
}

function isJsonRequest(req: IncomingSubmission): boolean {
	const type = (header(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
	return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * A Lead Ads webhook carries lead ids the node then fetches with the page's token: only Meta may
 * send one. Under Auto-Detect there is no Lead Ads credential to check or fetch with.
 */
function checkLeadAds(
	req: IncomingSubmission,
	config: CaptureConfig,
	provider: Provider,
	body: unknown,
): CaptureRefusal | null {
	if (provider !== 'facebook') return null;
	if (config.provider === 'auto') {
		return refuse(
			400,
			'provider_not_set',
			'Lead Ads webhooks need Form Provider set to Facebook / Instagram Lead Ads, with its credential',
		);
	}
	// Already checked by the Authentication choice.
	if (config.auth.type === 'signature') return null;
	if (config.leadAdsAppSecret) {
		const result = verifySignature({
			scheme: 'facebook',
			secret: config.leadAdsAppSecret,
			rawBody: req.rawBody ?? Buffer.alloc(0),
			headers: req.headers,
			method: req.method,
			url: config.publicUrl,
			body,
			now: req.receivedAt,
		});
		return result.ok ? null : refuse(401, 'invalid_signature', `Signature check failed: ${result.reason}`);
	}
	if (config.acceptUnsignedLeadAds) return null;
	return refuse(
		401,
		'signature_required',
		"Lead Ads webhooks must be signed: add the app's App Secret to the Facebook Lead Ads credential",
	);
}

/** A text body: JSON, else urlencoded fields, else the text itself (refused later). */
function parseText(text: string): unknown {
	const parsed = parseJsonSafely(text);
	if (parsed !== undefined) return parsed;
	return text.includes('=') ? Object.fromEntries(new URLSearchParams(text)) : text;
}

/**
 * The body as data: n8n's parse, or our own when n8n left it unparsed. A JSON string that n8n
 * parsed (a body such as `"{\"email\": ...}"`) stays a string, and is refused as not an object.
 */
function readBody(req: IncomingSubmission): unknown {
	let body = req.body;
	const empty =
		body === undefined ||
		body === null ||
		(typeof body === 'object' && !Buffer.isBuffer(body) && Object.keys(body as object).length === 0);
	if (empty && req.rawBody?.length) body = parseText(req.rawBody.toString('utf8'));
	else if (typeof body === 'string' && !isJsonRequest(req)) body = parseText(body);
	const safe = sanitizeBody(body ?? {});
	if (safe && typeof safe === 'object' && !Array.isArray(safe) && Object.keys(safe).some((k) => k.includes('['))) {
		return expandBracketKeys(safe as Record<string, unknown>);
	}
	return safe;
}

/** Phase 1: authenticate, check the caller's IP, read the body and hand it to the right adapter. */
export function receiveSubmission(req: IncomingSubmission, config: CaptureConfig): CaptureRefusal | CaptureAccepted {
	if (!ipAllowed(req.ip, config.ipAllowlist))
		return refuse(403, 'forbidden', `IP address ${req.ip ?? '(unknown)'} is not allowed`);
	let body: unknown;
	try {
		body = readBody(req);
	} catch (e) {
		if (e instanceof BodyLimitError) return refuse(e.status, 'body_too_large', e.message);
		throw e;
	}
	if (Array.isArray(body) || body === null || typeof body !== 'object') {
		return refuse(400, 'invalid_body', 'The body must be a JSON object or form fields');
	}
	const provider = config.provider === 'auto' ? detectProvider(body, req.headers) : config.provider;
	const denied =
		checkAuth(req, config.auth, provider, config.publicUrl, body) ?? checkLeadAds(req, config, provider, body);
	if (denied) return denied;
	let submissions: ParsedSubmission[];
	try {
		submissions = parseSubmission(provider, body);
	} catch (e) {
		// Limits crossed inside a vendor's payload (Jotform's rawRequest is JSON in a string).
		if (e instanceof BodyLimitError) return refuse(e.status, 'body_too_large', e.message);
		throw e;
	}
	if (submissions.length === 0) {
		return refuse(400, 'no_submission', `The body is not a ${provider} submission this trigger can read`);
	}
	return { ok: true, provider, submissions };
}

export interface CapturedLead {
	lead: Lead;
	issues: LeadIssue[];
	spam: SpamVerdict;
	/** Key used to ignore repeated deliveries of this submission. */
	idempotencyKey: string;
}

/** Phase 2: one parsed submission → canonical lead, validation issues and spam verdict. */
export function captureLead(sub: ParsedSubmission, req: IncomingSubmission, config: CaptureConfig): CapturedLead {
	const lead = buildLead(sub, {
		receivedAt: req.receivedAt,
		requestIp: req.ip,
		requestUserAgent: header(req, 'user-agent'),
		requestReferrer: header(req, 'referer'),
		requestCountry: requestCountry(req),
		query: req.query,
		mapping: config.mapping,
		defaultCountry: config.defaultCountry,
		nodeName: config.nodeName,
	});
	// The phone is stored in E.164 when it read under one of the lead's countries (see buildLead);
	// validation checks it as stored.
	const { issues, warnings } = validateLead(lead, { ...config.validation, defaultCountry: undefined });
	if (warnings.length) lead.warnings = warnings;
	const isBrowserPost = sub.provider === 'generic';
	const spam = checkSpam(lead, sub, config.spam, isBrowserPost);
	return { lead, issues, spam, idempotencyKey: idempotencyKey(sub, req) };
}

/** The visitor's country as a CDN or proxy in front of n8n states it (Cloudflare, CloudFront, Vercel, App Engine). */
function requestCountry(req: IncomingSubmission): string | undefined {
	for (const name of [
		'cf-ipcountry',
		'cloudfront-viewer-country',
		'x-vercel-ip-country',
		'x-appengine-country',
		'x-country-code',
	]) {
		const v = header(req, name)?.trim().toUpperCase();
		if (v && /^[A-Z]{2}$/.test(v) && v !== 'XX' && v !== 'T1') return v;
	}
	return undefined;
}

export function idempotencyKey(sub: ParsedSubmission, req: IncomingSubmission): string {
	if (sub.submissionId) return `${sub.provider}:${sub.formId ?? ''}:${sub.submissionId}`;
	const h = createHash('sha256');
	h.update(sub.provider);
	h.update(req.rawBody ?? Buffer.from(JSON.stringify(sub.answers)));
	return `${sub.provider}:body:${h.digest('hex')}`;
}

/** Vendors retry on non-2xx; these answer rejected submissions with 200 so retries stop. */
export function vendorWantsSuccess(provider: Provider): boolean {
	return provider !== 'generic';
}

/**
 * The Access-Control-Allow-Origin to send for a request from `origin` given the node's
 * "Allowed Origins" ("*" or a comma-separated list): the origin itself when allowed, else the
 * first allowed origin, so a browser on another site cannot read the answer.
 */
export function allowedOrigin(origin: string | undefined, allowed: string | undefined): string | undefined {
	const list = (allowed ?? '*')
		.split(',')
		.map((o) => o.trim())
		.filter(Boolean);
	if (!origin) return undefined;
	if (!list.length || list.includes('*')) return origin;
	return list.includes(origin) ? origin : list[0];
}

/**
 * Builds the tables a first submission would otherwise build while n8n waits on it (121k disposable
 * domains, country names, phone metadata: about 80 ms at once). The trigger calls it when its
 * workflow is activated, so the first lead after n8n starts is captured as fast as the others.
 */
export function warmCaptureTables(): void {
	isDisposableDomain('example.com');
	normalizeCountry('France');
	normalizePhone('+1 415 555 0100');
}
