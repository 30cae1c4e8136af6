import { Resolver } from 'node:dns/promises';

/** Whether a domain can receive mail, from its MX records (or, as RFC 5321 allows, its A record). */
export interface MailCheck {
	/** 'mx': MX records; 'a': no MX but an address (mail goes there); 'none': nothing; 'unknown': no answer in time. */
	status: 'mx' | 'a' | 'none' | 'unknown';
	/** The mail hosts, lowest preference first (at most 5). */
	hosts: string[];
	checked_at: string;
	error?: string;
}

export interface MxOptions {
	/** Milliseconds for one domain's answer before it counts as unknown. */
	timeoutMs: number;
	/** How long an answer is kept (ms); unknown answers are not kept. */
	cacheMs: number;
	/** DNS servers ("127.0.0.1:5353"); the system's when empty. */
	servers?: string[];
	/** Domains checked at once. */
	concurrency?: number;
}

const CACHE_LIMIT = 10_000;
const cache = new Map<string, { at: number; answer: MailCheck }>();

function remember(domain: string, answer: MailCheck, now: number): void {
	if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
	cache.set(domain, { at: now, answer });
}

/** Forget every cached answer (tests, and a changed DNS server). */
export function clearMailCache(): void {
	cache.clear();
}

function withTimeout<T>(promise: Promise<T>, ms: number, cancel: () => void): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const timer = setTimeout(() => {
			cancel();
			reject(new Error(`no DNS answer within ${ms} ms`));
		}, ms);
		promise.then(
			(v) => {
				clearTimeout(timer);
				resolve(v);
			},
			(e) => {
				clearTimeout(timer);
				reject(e);
			},
		);
	});
}

const NO_DATA = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN', 'ENONAME']);

async function checkOne(domain: string, options: MxOptions, now: number): Promise<MailCheck> {
	const resolver = new Resolver({ timeout: Math.max(100, Math.floor(options.timeoutMs / 2)), tries: 1 });
	if (options.servers?.length) resolver.setServers(options.servers);
	const checked_at = new Date(now).toISOString();
	try {
		const records = await withTimeout(resolver.resolveMx(domain), options.timeoutMs, () => resolver.cancel());
		const hosts = records
			.sort((a, b) => a.priority - b.priority)
			.map((r) => r.exchange)
			.filter((h) => h && h !== '.')
			.slice(0, 5);
		// A "null MX" (RFC 7505: a single record for ".") says the domain takes no mail.
		return hosts.length ? { status: 'mx', hosts, checked_at } : { status: 'none', hosts: [], checked_at };
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? '';
		if (!NO_DATA.has(code)) return { status: 'unknown', hosts: [], checked_at, error: (error as Error).message };
		// No such domain: there is no address record to fall back on either.
		if (code !== 'ENODATA') return { status: 'none', hosts: [], checked_at };
	}
	try {
		const addresses = await withTimeout(resolver.resolve4(domain), options.timeoutMs, () => resolver.cancel());
		return addresses.length ? { status: 'a', hosts: [domain], checked_at } : { status: 'none', hosts: [], checked_at };
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? '';
		return NO_DATA.has(code)
			? { status: 'none', hosts: [], checked_at }
			: { status: 'unknown', hosts: [], checked_at, error: (error as Error).message };
	}
}

/** Checks each distinct domain once (cached answers first), a few at a time. */
export async function checkMailDomains(
	domains: Iterable<string>,
	options: MxOptions,
	now = Date.now(),
): Promise<Map<string, MailCheck>> {
	const out = new Map<string, MailCheck>();
	const todo: string[] = [];
	for (const domain of new Set(domains)) {
		const hit = cache.get(domain);
		if (hit && now - hit.at < options.cacheMs) out.set(domain, hit.answer);
		else todo.push(domain);
	}
	let next = 0;
	const worker = async () => {
		while (next < todo.length) {
			const domain = todo[next++];
			const answer = await checkOne(domain, options, now);
			if (answer.status !== 'unknown') remember(domain, answer, now);
			out.set(domain, answer);
		}
	};
	await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, todo.length) }, worker));
	return out;
}
