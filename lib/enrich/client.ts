import { createHash } from 'node:crypto';
import type { KeyValueStore, StateStore } from '../store/types';
import {
	errorDetail,
	ProviderError,
	type LookupInput,
	type ProviderAdapter,
	type ProviderAnswer,
	type ProviderRequest,
	type ProviderResponse,
} from './providers/types';

/** One provider answer as cached and as put on leads. */
export interface TimedAnswer extends ProviderAnswer {
	/** When the provider gave it (ISO). */
	at: string;
}

export type OutcomeStatus =
	/** Asked the provider in this execution. */
	| 'called'
	/** Answered from the cache (an earlier execution, or another worker, asked). */
	| 'cached'
	/** Another lead of this batch with the same email/domain was asked for it. */
	| 'duplicate'
	/** The lead already had every field this provider fills, recently enough: no call. */
	| 'fresh'
	/** The lead lacks what the provider needs (no email, no domain...). */
	| 'skipped'
	| 'error';

export interface Outcome {
	status: OutcomeStatus;
	answer?: TimedAnswer;
	error?: ProviderError;
	reason?: string;
}

export interface LeadLookup {
	input: LookupInput;
	/** Whether the lead already holds each field (path → when it was filled, or null when unknown). */
	has: (field: string) => { present: boolean; at: number | null };
}

export interface ProviderSummary {
	provider: string;
	leads: number;
	/** HTTP requests sent (retries included). */
	requests: number;
	/** Distinct look-ups answered by the provider in this execution. */
	answered: number;
	cache_hits: number;
	duplicates: number;
	fresh: number;
	skipped: number;
	not_found: number;
	errors: number;
	retries: number;
	/** Look-ups that cost nothing: cache hits, batch duplicates and leads already enriched. */
	calls_saved: number;
}

export type Store = KeyValueStore & StateStore;

export interface ProviderRunOptions {
	adapter: ProviderAdapter;
	baseUrl: string;
	/** Sends a request with the credential applied; throws on a network error or timeout. */
	send: (request: ProviderRequest) => Promise<ProviderResponse>;
	/** The package's state store: cache, in-flight claims and the rate slot, shared by every worker. */
	store?: Store;
	/** Cache lifetime (ms); 0 disables the cache. */
	cacheTtlMs: number;
	/** Whose cache (`cacheNamespaceOf`): this workflow's, a node's, a shared one. */
	cacheNamespace?: string;
	/**
	 * Who asks: the credential (its id) and the endpoint it points at (the base URL). Part of every
	 * cache key with the request itself, so two accounts or two endpoints never share answers.
	 */
	cacheIdentity?: string;
	/** Fields older than this (ms) are looked up again; undefined: fields once filled are kept. */
	maxAgeMs?: number;
	/** Identifies the credential whose rate is capped. */
	rateKey: string;
	requestsPerSecond: number;
	maxRetries: number;
	/** The longest wait a Retry-After may impose before the call counts as failed (ms). */
	maxRetryWaitMs: number;
	concurrency: number;
	now?: () => number;
	sleep?: (ms: number) => Promise<void>;
}

/** The instance-wide cache of Enrich Leads version 1; later versions keep one per scope. */
export const CACHE_NAMESPACE = 'enrich:cache';

/** The cache of a scope (`wf:<id>`, `node:<wf>:<node>`, or a shared name). */
export const cacheNamespaceOf = (scopeKey: string) => `${CACHE_NAMESPACE}:${scopeKey}`;

/** Raw answers up to this size are cached (mapped on every read); a larger one is used once. */
const CACHED_BODY_LIMIT = 256 * 1024;
/** A person's cache keys are listed under this key (for erasure): `p:<sha-256 of the email>`. */
const personKey = (email: string) => `p:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
const INFLIGHT_NAMESPACE = 'enrich:inflight';
const RATE_NAMESPACE = 'enrich:rate';
/** Raw answers larger than this are not cached or kept on the lead (the mapped fields are). */
const RAW_LIMIT = 64 * 1024;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds or an HTTP date, as Retry-After allows; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
	const v = Array.isArray(value) ? value[0] : value;
	if (!v) return undefined;
	const text = v.trim();
	if (/^\d{1,7}$/.test(text)) return Number(text) * 1000;
	const at = Date.parse(text);
	return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

const headerOf = (response: ProviderResponse, name: string) => {
	const key = Object.keys(response.headers ?? {}).find((k) => k.toLowerCase() === name);
	return key ? response.headers[key] : undefined;
};

/** An answer's status as a ProviderError, or undefined when the answer can be parsed. */
export function classify(response: ProviderResponse, label: string): ProviderError | undefined {
	const { status } = response;
	if ((status >= 200 && status < 300 && status !== 202) || status === 404) return undefined;
	const detail = errorDetail(response.body);
	const said = detail ? `: ${detail}` : '';
	if (status === 202) return new ProviderError(`${label} is still working on the answer (202)`, 'pending', status);
	if (status === 402 || /credit|quota|usage limit|plan limit/i.test(detail))
		return new ProviderError(`${label} says the account is out of credits (${status})${said}`, 'credits', status);
	if (status === 401 || status === 403)
		return new ProviderError(
			`${label} refused the credential (${status})${said}. Check the API key in the credential`,
			'auth',
			status,
		);
	if (status === 429) return new ProviderError(`${label} is rate limiting the requests (429)${said}`, 'rate', status);
	if (status >= 500) return new ProviderError(`${label} failed (${status})${said}`, 'server', status);
	return new ProviderError(`${label} refused the request (${status})${said}`, 'request', status);
}

/**
 * The cache key of a look-up: the provider, who asks (credential and endpoint) and the request
 * itself (method, URL, query, body), hashed. Two HTTP-provider nodes on one URL with different
 * field mappings share the raw answer, each mapping it its own way.
 */
function cacheKey(adapter: ProviderAdapter, identity: string, request: ProviderRequest): string {
	const what = JSON.stringify([identity, request.method, request.url, request.qs ?? null, request.body ?? null]);
	return `a:${adapter.id}:${createHash('sha256').update(what).digest('hex')}`;
}

/** A cached raw answer: the provider's status and body, and when it gave them. */
interface CachedResponse {
	status: number;
	body: unknown;
	at: string;
}

/** A cached raw answer mapped by this node's adapter (its own fields), or undefined. */
function mapCached(adapter: ProviderAdapter, value: string | undefined): TimedAnswer | undefined {
	if (!value) return undefined;
	try {
		const cached = JSON.parse(value) as CachedResponse;
		if (typeof cached?.status !== 'number' || typeof cached.at !== 'string') return undefined;
		const parsed = adapter.parse({ status: cached.status, headers: {}, body: cached.body });
		const raw = JSON.stringify(parsed.raw ?? null).length > RAW_LIMIT ? { omitted: 'larger than 64 kB' } : parsed.raw;
		return { ...parsed, raw, at: cached.at };
	} catch {
		// Not readable as this adapter's answer (an old entry, a mapping that no longer fits): a miss.
		return undefined;
	}
}

/**
 * Erasure: forgets every cached answer looked up with this person's email in a cache namespace;
 * returns how many.
 */
export async function forgetCachedPerson(store: KeyValueStore, namespace: string, email: string): Promise<number> {
	const index = personKey(email);
	const listed = (await store.peek(namespace, [index])).get(index);
	const keys: string[] = listed ? (JSON.parse(listed) as string[]) : [];
	const live = await store.peek(namespace, keys);
	await store.put(
		namespace,
		[...keys, index].map((key) => ({ key, value: null })),
	);
	return live.size;
}

/**
 * Looks up a batch of leads with one provider, spending as few credits as possible: leads that
 * already have the fields are skipped, each distinct look-up is asked once per batch, answers are
 * cached in the state store (across executions and workers, with a claim so two workers do not pay
 * for the same answer), requests are spaced to the credential's rate, 429/5xx/timeouts are retried
 * a bounded number of times (Retry-After honoured), and an auth or credits failure stops the
 * remaining calls of the batch.
 */
export async function runProvider(
	leads: LeadLookup[],
	options: ProviderRunOptions,
): Promise<{ outcomes: Outcome[]; summary: ProviderSummary }> {
	const { adapter, store } = options;
	const now = options.now ?? Date.now;
	const sleep = options.sleep ?? defaultSleep;
	const summary: ProviderSummary = {
		provider: adapter.label,
		leads: leads.length,
		requests: 0,
		answered: 0,
		cache_hits: 0,
		duplicates: 0,
		fresh: 0,
		skipped: 0,
		not_found: 0,
		errors: 0,
		retries: 0,
		calls_saved: 0,
	};
	const outcomes: Outcome[] = new Array(leads.length);
	const groups = new Map<string, number[]>();
	leads.forEach((lead, i) => {
		const fields = adapter.fills.map((f) => lead.has(f));
		const fresh =
			fields.length > 0 &&
			fields.every(
				(f) => f.present && (options.maxAgeMs === undefined || f.at === null || now() - f.at < options.maxAgeMs),
			);
		if (fresh) {
			outcomes[i] = { status: 'fresh', reason: 'already has every field this provider fills' };
			return;
		}
		const key = adapter.lookupKey(lead.input);
		if (!key) {
			outcomes[i] = { status: 'skipped', reason: adapter.missingInput };
			return;
		}
		const group = groups.get(key);
		if (group) group.push(i);
		else groups.set(key, [i]);
	});

	const answers = new Map<string, { answer?: TimedAnswer; error?: ProviderError; cached: boolean }>();
	const useCache = !!store && options.cacheTtlMs > 0;
	const namespace = options.cacheNamespace ?? CACHE_NAMESPACE;
	const identity = `${options.cacheIdentity ?? options.rateKey}|${options.baseUrl}`;
	const cacheKeys = new Map<string, string>();
	for (const [key, members] of groups)
		cacheKeys.set(key, cacheKey(adapter, identity, adapter.request(leads[members[0]].input, options.baseUrl)));
	if (useCache && groups.size) {
		// Read without a lock: each answer is one key, nothing is decided from two at once.
		const found = await store.peek(namespace, [...cacheKeys.values()], now());
		for (const [key, ck] of cacheKeys) {
			const answer = mapCached(adapter, found.get(ck));
			if (answer) answers.set(key, { answer, cached: true });
		}
	}

	let stopped: ProviderError | undefined;
	const localSlot = { next: 0 };
	const interval = options.requestsPerSecond > 0 ? 1000 / options.requestsPerSecond : 0;
	const reserveSlot = async (): Promise<number> => {
		if (!interval) return now();
		if (!store) {
			const slot = Math.max(now(), localSlot.next);
			localSlot.next = slot + interval;
			return slot;
		}
		const key = options.rateKey;
		return await store.transact(
			RATE_NAMESPACE,
			[key],
			(view) => {
				const slot = Math.max(now(), Number(view.get(key) ?? 0));
				view.set(key, String(slot + interval), slot + interval + 60_000);
				return slot;
			},
			now(),
		);
	};

	const ask = async (
		key: string,
	): Promise<{ answer?: TimedAnswer; error?: ProviderError; response?: CachedResponse }> => {
		const input = leads[groups.get(key)![0]].input;
		let attempt = 0;
		for (;;) {
			if (stopped) return { error: stopped };
			const slot = await reserveSlot();
			const wait = slot - now();
			if (wait > 0) await sleep(wait);
			summary.requests++;
			let response: ProviderResponse | undefined;
			let error: ProviderError | undefined;
			try {
				response = await options.send(adapter.request(input, options.baseUrl));
				error = classify(response, adapter.label);
			} catch (e) {
				error =
					e instanceof ProviderError
						? e
						: new ProviderError(`${adapter.label} could not be reached: ${(e as Error).message}`, 'network');
			}
			if (!error && response) {
				try {
					const parsed = adapter.parse(response);
					const raw =
						JSON.stringify(parsed.raw ?? null).length > RAW_LIMIT ? { omitted: 'larger than 64 kB' } : parsed.raw;
					const at = new Date(now()).toISOString();
					return {
						answer: { ...parsed, raw, at },
						response: { status: response.status, body: response.body, at },
					};
				} catch (e) {
					return {
						error:
							e instanceof ProviderError
								? e
								: new ProviderError(
										`${adapter.label} answered in an unexpected shape: ${(e as Error).message}`,
										'malformed',
									),
					};
				}
			}
			if (error!.kind === 'auth' || error!.kind === 'credits') {
				stopped = error;
				return { error };
			}
			const retryable = ['rate', 'server', 'network', 'pending'].includes(error!.kind);
			if (!retryable || attempt >= options.maxRetries) return { error: error! };
			const asked = response ? retryAfterMs(headerOf(response, 'retry-after'), now()) : undefined;
			if (asked !== undefined && asked > options.maxRetryWaitMs) {
				return {
					error: new ProviderError(
						`${error!.message}; it asked to wait ${Math.ceil(asked / 1000)} s, more than the ${Math.ceil(options.maxRetryWaitMs / 1000)} s allowed`,
						error!.kind,
						error!.status,
					),
				};
			}
			// Exponential back-off with jitter when the provider does not say how long to wait.
			const backoff = asked ?? Math.min(options.maxRetryWaitMs, 500 * 2 ** attempt * (0.75 + Math.random() / 2));
			attempt++;
			summary.retries++;
			await sleep(backoff);
		}
	};

	const claimMs = Math.max(5_000, options.maxRetryWaitMs * (options.maxRetries + 1) + 30_000);
	const readCache = async (ck: string) => mapCached(adapter, (await store!.peek(namespace, [ck], now())).get(ck));
	/** Caches a raw answer under its key, and lists the key under the person it is about. */
	const writeCache = async (ck: string, response: CachedResponse, email: string | null) => {
		const value = JSON.stringify(response);
		if (value.length > CACHED_BODY_LIMIT) return;
		const expiresAt = now() + options.cacheTtlMs;
		const writes: Array<{ key: string; value: string; expiresAt?: number }> = [{ key: ck, value, expiresAt }];
		if (email) {
			// The person's list of keys: read and written without a lock; a key lost to a race is
			// still erased with its answer's expiry, or by Clear Cache.
			const index = personKey(email);
			const listed = (await store!.peek(namespace, [index], now())).get(index);
			const keys = new Set<string>(listed ? (JSON.parse(listed) as string[]) : []);
			keys.add(ck);
			writes.push({ key: index, value: JSON.stringify([...keys].slice(-200)), expiresAt });
		}
		await store!.put(namespace, writes);
	};
	const lookUp = async (key: string) => {
		if (answers.has(key)) return;
		if (!useCache) {
			answers.set(key, { ...(await ask(key)), cached: false });
			return;
		}
		const ck = cacheKeys.get(key)!;
		// Another execution asking the same thing holds the claim: wait for its answer in the cache,
		// or for the claim to come free (it failed, or its claim expired) and ask ourselves. Bounded
		// by the claim's lifetime.
		const deadline = now() + claimMs + 5_000;
		let claimed = await store!.claim(INFLIGHT_NAMESPACE, ck, claimMs, now());
		while (!claimed && now() < deadline) {
			await sleep(200);
			const other = await readCache(ck);
			if (other) {
				answers.set(key, { answer: other, cached: true });
				return;
			}
			claimed = await store!.claim(INFLIGHT_NAMESPACE, ck, claimMs, now());
		}
		try {
			// Another execution may have answered between this batch's cache read and the claim.
			const landed = await readCache(ck);
			if (landed) {
				answers.set(key, { answer: landed, cached: true });
				return;
			}
			const result = await ask(key);
			answers.set(key, { answer: result.answer, error: result.error, cached: false });
			if (result.answer && result.response)
				await writeCache(ck, result.response, leads[groups.get(key)![0]].input.email);
		} finally {
			if (claimed) await store!.release(INFLIGHT_NAMESPACE, ck);
		}
	};

	const todo = [...groups.keys()].filter((k) => !answers.has(k));
	// The first look-up goes alone: a refused key or an empty account is learnt from one request,
	// not from one per concurrent slot.
	if (todo.length) await lookUp(todo[0]);
	let next = 1;
	const worker = async () => {
		while (next < todo.length) await lookUp(todo[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(Math.max(1, options.concurrency), todo.length) }, worker));

	for (const [key, members] of groups) {
		const result = answers.get(key)!;
		members.forEach((i, n) => {
			if (result.error) outcomes[i] = { status: 'error', error: result.error };
			else if (n > 0) outcomes[i] = { status: 'duplicate', answer: result.answer };
			else outcomes[i] = { status: result.cached ? 'cached' : 'called', answer: result.answer };
		});
		if (!result.cached && result.answer) summary.answered++;
	}
	for (const o of outcomes) {
		if (o.status === 'cached') summary.cache_hits++;
		else if (o.status === 'duplicate') summary.duplicates++;
		else if (o.status === 'fresh') summary.fresh++;
		else if (o.status === 'skipped') summary.skipped++;
		else if (o.status === 'error') summary.errors++;
		if (o.answer && !o.answer.found) summary.not_found++;
	}
	summary.calls_saved = summary.cache_hits + summary.duplicates + summary.fresh;
	return { outcomes, summary };
}
