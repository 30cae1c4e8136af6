import type { Answer, Consent, IdentityField } from '../lead/schema';

export const PROVIDERS = [
	'typeform',
	'tally',
	'webflow',
	'jotform',
	'elementor',
	'facebook',
	'hubspot',
	'googleAds',
	'generic',
] as const;
export type Provider = (typeof PROVIDERS)[number];

/** What an HTTP request looked like, independent of express or n8n. */
export interface IncomingSubmission {
	method: string;
	headers: Record<string, string | string[] | undefined>;
	query: Record<string, unknown>;
	/** Parsed body: JSON, urlencoded or multipart fields. */
	body: unknown;
	/** Exact bytes received, for signature checks. */
	rawBody?: Buffer;
	ip?: string;
	receivedAt: Date;
}

/**
 * One submission as an adapter reads it from a vendor's payload: every answer kept, plus
 * whatever the vendor states outright (typed email answers, form ids, hidden fields, consent).
 */
export interface ParsedSubmission {
	provider: Provider;
	formId?: string;
	formName?: string;
	submissionId?: string;
	submittedAt?: string;
	/** When the visitor opened the form, if the vendor says (Typeform's landed_at). */
	startedAt?: string;
	answers: Answer[];
	/** Hidden fields, variables and URL parameters the form carried. */
	hidden: Record<string, unknown>;
	/** Fields the vendor identifies by type, before any name heuristics. */
	typed: Partial<Record<IdentityField, unknown>>;
	consent: Partial<Consent>;
	pageUrl?: string;
	referrer?: string;
	/** Visitor's IP and user agent when the vendor forwards them (not the vendor's server). */
	visitorIp?: string;
	visitorUserAgent?: string;
	/** Facebook Lead Ads: the webhook carries ids only; the node fetches the lead by this id. */
	fetchLeadId?: string;
	/** Raw vendor metadata worth keeping beside the answers (ad ids, test flags, ...). */
	meta: Record<string, unknown>;
}

export function emptySubmission(provider: Provider): ParsedSubmission {
	return { provider, answers: [], hidden: {}, typed: {}, consent: {}, meta: {} };
}
