/** A request to a provider, built by its adapter; the node sends it with the credential applied. */
export interface ProviderRequest {
	method: 'GET' | 'POST';
	url: string;
	qs?: Record<string, string>;
	body?: Record<string, unknown>;
}

export interface ProviderResponse {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

/** What a lead offers to look a provider up with (already normalised). */
export interface LookupInput {
	email: string | null;
	first_name: string | null;
	last_name: string | null;
	full_name: string | null;
	/** The company's domain: website, else a business email's domain. */
	domain: string | null;
	company: string | null;
	/** Any other field of the item, for the Generic HTTP provider's templates (`{{custom.size}}`). */
	item?: Record<string, unknown>;
}

/** A provider's answer mapped to the canonical enrichment fields ("company.industry" → value). */
export interface ProviderAnswer {
	found: boolean;
	fields: Record<string, unknown>;
	raw: unknown;
}

/** Why a call failed, in words the user can act on; `kind` decides retries and the batch's fate. */
export class ProviderError extends Error {
	constructor(
		message: string,
		/** auth and credits stop every later call of the batch; rate and server are retried. */
		readonly kind: 'auth' | 'credits' | 'rate' | 'server' | 'network' | 'request' | 'malformed' | 'pending',
		readonly status?: number,
	) {
		super(message);
	}
}

export interface ProviderAdapter {
	/** Cache and summary key, e.g. "hunter.verify". */
	id: string;
	/** Shown in summaries and errors, e.g. "Hunter Email Verifier". */
	label: string;
	/** The canonical fields the answer can fill: a lead that has them all is not looked up. */
	fills: string[];
	/** The key one answer serves (one call per distinct key in a batch), or null when the lead lacks what it needs. */
	lookupKey(input: LookupInput): string | null;
	/** Why a lead cannot be looked up (shown on the lead). */
	missingInput: string;
	request(input: LookupInput, baseUrl: string): ProviderRequest;
	/** Maps a 2xx/404 answer; throws ProviderError for a body that is not what the provider documents. */
	parse(response: ProviderResponse): ProviderAnswer;
}

/** A JSON body as an object, or a ProviderError naming the provider. */
export function jsonObject(body: unknown, label: string): Record<string, unknown> {
	let value = body;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			throw new ProviderError(`${label} answered with a body that is not JSON`, 'malformed');
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value))
		throw new ProviderError(`${label} answered with a body that is not a JSON object`, 'malformed');
	return value as Record<string, unknown>;
}

/** The message a provider put in an error body, when it did. */
export function errorDetail(body: unknown): string {
	try {
		const o = typeof body === 'string' ? JSON.parse(body) : body;
		if (!o || typeof o !== 'object') return '';
		const rec = o as Record<string, unknown>;
		const errors = rec.errors as Array<Record<string, unknown>> | undefined;
		const first = Array.isArray(errors) ? errors[0] : undefined;
		const msg =
			(first && (first.details ?? first.message)) ??
			(rec.error as Record<string, unknown> | undefined)?.message ??
			rec.error ??
			rec.message;
		return typeof msg === 'string' ? msg.slice(0, 300) : '';
	} catch {
		return '';
	}
}

/** Values kept in the canonical section: strings trimmed and bounded, numbers finite, empty left out. */
export function compact(fields: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(fields)) {
		if (v === null || v === undefined || v === '') continue;
		if (typeof v === 'string') out[k] = v.trim().slice(0, 500);
		else if (typeof v === 'number') {
			if (Number.isFinite(v)) out[k] = v;
		} else out[k] = v;
	}
	return out;
}

export const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
