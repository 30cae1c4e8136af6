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
	constructor(private readonly routes: Record<string, MockRoute>) {}

	async start(): Promise<string> {
		this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
			this.requests.push({ method: req.method ?? '', url: req.url ?? '' });
			const path = (req.url ?? '').split('?')[0];
			const route = this.routes[path] ?? { status: 404, body: { error: { message: 'Unsupported get request', code: 100 } } };
			res.writeHead(route.status, { 'content-type': 'application/json' });
			res.end(JSON.stringify(route.body));
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}
