import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProviderRequest, ProviderResponse } from '../../lib/enrich/providers/types';

/** One answer of the mock: a status, headers, a JSON body or raw text, after an optional delay. */
export interface MockAnswer {
	status: number;
	body?: unknown;
	text?: string;
	headers?: Record<string, string>;
	delayMs?: number;
}

export interface SeenRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	at: number;
}

/** A request read whole into what the mocks record (the body kept up to maxBytes), with its raw body. */
export async function readRequest(
	req: IncomingMessage,
	url: URL,
	maxBytes = Infinity,
): Promise<{ seen: SeenRequest; raw: Buffer }> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size <= maxBytes) chunks.push(chunk);
	}
	const raw = Buffer.concat(chunks);
	const seen: SeenRequest = {
		method: req.method ?? '',
		path: url.pathname,
		query: Object.fromEntries(url.searchParams),
		headers: req.headers,
		body: raw.toString('utf8'),
		at: Date.now(),
	};
	return { seen, raw };
}

/** A mock's answer on the wire: its status and headers, and its JSON body (or raw text). */
export function writeAnswer(res: ServerResponse, answer: MockAnswer): void {
	res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
	res.end(answer.text ?? JSON.stringify(answer.body ?? {}));
}

/**
 * A data provider on 127.0.0.1: each path answers through a function of the request and how many
 * times the path was asked before, so a test can script "429 then 200" or "slow then fast".
 */
export class ProviderMock {
	readonly requests: SeenRequest[] = [];
	private server?: Server;
	private readonly counts = new Map<string, number>();
	constructor(private readonly routes: Record<string, (req: SeenRequest, n: number) => MockAnswer>) {}

	route(path: string, answer: (req: SeenRequest, n: number) => MockAnswer): void {
		this.routes[path] = answer;
	}

	async start(): Promise<string> {
		this.server = createServer((req, res) => {
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			void readRequest(req, url).then(
				({ seen }) => {
					this.requests.push(seen);
					const n = this.counts.get(url.pathname) ?? 0;
					this.counts.set(url.pathname, n + 1);
					const handler = this.routes[url.pathname];
					const answer: MockAnswer = handler ? handler(seen, n) : { status: 404, body: { error: 'no such route' } };
					const send = () => {
						if (!res.destroyed) writeAnswer(res, answer);
					};
					if (answer.delayMs) setTimeout(send, answer.delayMs);
					else send();
				},
				() => res.destroy(),
			); // the client went away mid-request
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
	}

	/** Requests received on a path. */
	on(path: string): SeenRequest[] {
		return this.requests.filter((r) => r.path === path);
	}

	async stop(): Promise<void> {
		this.server?.closeAllConnections();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}

/** Sends a provider request with fetch (what the node does through n8n's HTTP helper), headers added. */
export function fetchSender(headers: Record<string, string> = {}, timeoutMs = 2000) {
	return async (request: ProviderRequest): Promise<ProviderResponse> => {
		const url = new URL(request.url);
		for (const [k, v] of Object.entries(request.qs ?? {})) url.searchParams.set(k, v);
		const response = await fetch(url, {
			method: request.method,
			headers: { 'content-type': 'application/json', ...headers },
			body: request.body ? JSON.stringify(request.body) : undefined,
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = await response.text();
		let body: unknown = text;
		try {
			body = JSON.parse(text);
		} catch {
			// left as text: the adapter reports it
		}
		return { status: response.status, headers: Object.fromEntries(response.headers), body };
	};
}
