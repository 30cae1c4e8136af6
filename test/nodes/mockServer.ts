import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MockRoute {
	status: number;
	body: unknown;
}

/** A recorded-answer HTTP server on 127.0.0.1 (Graph API stand-in); logs every request it gets. */
export class MockServer {
	readonly requests: Array<{ method: string; url: string }> = [];
	private server?: Server;
	/** Bodies of the requests received, by path (what each external service would have received). */
	readonly bodies: Record<string, unknown[]> = {};
	constructor(private readonly routes: Record<string, MockRoute>) {}

	/** Changes a route's answer (a service that fails, then recovers). */
	set(path: string, route: MockRoute): void {
		this.routes[path] = route;
	}

	async start(): Promise<string> {
		this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
			this.requests.push({ method: req.method ?? '', url: req.url ?? '' });
			const path = (req.url ?? '').split('?')[0];
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				if (text) {
					let body: unknown = text;
					try {
						body = JSON.parse(text);
					} catch {
						// not JSON
					}
					(this.bodies[path] ??= []).push(body);
				}
				const route = this.routes[path] ?? {
					status: 404,
					body: { error: { message: 'Unsupported get request', code: 100 } },
				};
				res.writeHead(route.status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(route.body));
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}
