import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRequest, writeAnswer, type MockAnswer, type SeenRequest } from './providerMock';

export interface InterceptedRequest extends SeenRequest {
	host: string;
}

/** An answer made up here (JSON, text or bytes), or 'forward': the real host answers. */
export type InterceptorAnswer = (MockAnswer & { bytes?: Buffer }) | 'forward';

/**
 * Stands in for SaaS APIs that live on fixed HTTPS hosts (HubSpot, Slack...), for n8n's own nodes
 * that cannot be pointed elsewhere: an HTTP proxy on 127.0.0.1 that n8n reaches through
 * HTTPS_PROXY, which opens a tunnel (CONNECT) only to the named hosts and answers inside it with a
 * certificate for them, signed by a throwaway CA that n8n trusts through NODE_EXTRA_CA_CERTS.
 * Every other host is refused (403); a named host's request the test does not answer itself can
 * be forwarded to the real host ('forward'), as the npm registry test does for dependencies.
 */
export class HttpsInterceptor {
	readonly requests: InterceptedRequest[] = [];
	private proxy?: Server;
	private tls?: HttpsServer;
	private readonly dir = mkdtempSync(join(tmpdir(), 'intercept-'));
	private readonly sockets = new Set<Socket>();

	constructor(
		private readonly hosts: string[],
		private readonly answer: (req: InterceptedRequest) => InterceptorAnswer,
	) {}

	/** The environment n8n needs to go through the interceptor. */
	async start(): Promise<Record<string, string>> {
		const file = (name: string) => join(this.dir, name);
		const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: this.dir, stdio: 'ignore' });
		ssl(
			'req',
			'-x509',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-keyout',
			'ca.key',
			'-out',
			'ca.pem',
			'-days',
			'2',
			'-subj',
			'/CN=Lead Management test CA',
		);
		ssl(
			'req',
			'-newkey',
			'rsa:2048',
			'-nodes',
			'-keyout',
			'leaf.key',
			'-out',
			'leaf.csr',
			'-subj',
			`/CN=${this.hosts[0]}`,
		);
		writeFileSync(
			file('ext.cnf'),
			`subjectAltName=${this.hosts.map((h) => `DNS:${h}`).join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`,
		);
		ssl(
			'x509',
			'-req',
			'-in',
			'leaf.csr',
			'-CA',
			'ca.pem',
			'-CAkey',
			'ca.key',
			'-CAcreateserial',
			'-out',
			'leaf.pem',
			'-days',
			'2',
			'-extfile',
			'ext.cnf',
		);
		this.tls = createHttpsServer(
			{ key: readFileSync(file('leaf.key')), cert: readFileSync(file('leaf.pem')) },
			(req, res) => {
				const url = new URL(req.url ?? '/', `https://${req.headers.host ?? 'unknown'}`);
				void readRequest(req, url, 1_000_000).then(
					({ seen: read, raw }) => {
						const seen: InterceptedRequest = { ...read, host: url.hostname };
						this.requests.push(seen);
						const a = this.answer(seen);
						if (a === 'forward') {
							const upstream = httpsRequest(
								{ host: url.hostname, path: req.url, method: req.method, headers: req.headers },
								(answer) => {
									res.writeHead(answer.statusCode ?? 502, answer.headers);
									answer.pipe(res);
								},
							);
							upstream.on('error', (e) => res.writeHead(502).end(e.message));
							upstream.end(raw);
							return;
						}
						if (a.bytes) {
							res.writeHead(a.status, { 'content-type': 'application/octet-stream', ...(a.headers ?? {}) });
							res.end(a.bytes);
							return;
						}
						writeAnswer(res, a);
					},
					() => res.destroy(),
				); // the client went away mid-request
			},
		);
		this.proxy = createHttpServer((_req, res) => {
			res.writeHead(403).end('plain HTTP is not proxied here');
		});
		this.proxy.on('connect', (req, socket: Socket, head: Buffer) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
			socket.on('error', () => undefined);
			const host = (req.url ?? '').replace(/:\d+$/, '');
			if (!this.hosts.includes(host)) {
				socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
				return;
			}
			socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length) socket.unshift(head);
			this.tls!.emit('connection', socket);
		});
		await new Promise<void>((resolve) => this.proxy!.listen(0, '127.0.0.1', resolve));
		const port = (this.proxy.address() as AddressInfo).port;
		// npm (which n8n runs to install community packages) takes its CAs from its own `cafile`
		// setting when set (as on these machines), and under `npm test` its settings arrive as
		// npm_config_* variables: both are given here so that npm trusts the test CA too.
		const system = '/etc/ssl/certs/ca-certificates.crt';
		writeFileSync(
			file('bundle.pem'),
			`${existsSync(system) ? readFileSync(system, 'utf8') : ''}\n${readFileSync(file('ca.pem'), 'utf8')}`,
		);
		const proxy = `http://127.0.0.1:${port}`;
		return {
			HTTPS_PROXY: proxy,
			NO_PROXY: '127.0.0.1,localhost',
			NODE_EXTRA_CA_CERTS: file('ca.pem'),
			npm_config_https_proxy: proxy,
			npm_config_noproxy: '127.0.0.1,localhost',
			npm_config_cafile: file('bundle.pem'),
		};
	}

	/** Requests to one host and path. */
	on(host: string, path: string): InterceptedRequest[] {
		return this.requests.filter((r) => r.host === host && r.path === path);
	}

	async stop(): Promise<void> {
		for (const s of this.sockets) s.destroy();
		await new Promise<void>((resolve) => (this.proxy ? this.proxy.close(() => resolve()) : resolve()));
		rmSync(this.dir, { recursive: true, force: true });
	}
}
