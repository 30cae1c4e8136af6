import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
	from: string;
	to: string[];
	/** The message as sent: headers, a blank line, the body (dot-stuffing undone). */
	data: string;
	/** A header's value (unfolded), or undefined. */
	header(name: string): string | undefined;
	/** The body after the headers (quoted-printable decoded). */
	body: string;
	/** When the message was accepted (epoch ms). */
	at: number;
}

/**
 * A plain SMTP server on 127.0.0.1 that accepts every message and keeps it (no TLS, no auth): the
 * mail server a template's Send Email node talks to in the end-to-end tests. Each message is at
 * most 1 MB; longer data is refused with 552.
 */
export class SmtpMock {
	readonly mails: ReceivedMail[] = [];
	private server?: Server;
	private readonly sockets = new Set<Socket>();

	async start(): Promise<number> {
		this.server = createServer((socket) => this.session(socket));
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		return (this.server!.address() as AddressInfo).port;
	}

	private session(socket: Socket): void {
		this.sockets.add(socket);
		socket.on('close', () => this.sockets.delete(socket));
		socket.on('error', () => undefined);
		let buffer = '';
		let inData = false;
		let from = '';
		let to: string[] = [];
		let data: string[] = [];
		let size = 0;
		const reply = (line: string) => socket.write(`${line}\r\n`);
		reply('220 127.0.0.1 mock SMTP');
		socket.on('data', (chunk: Buffer) => {
			buffer += chunk.toString('utf8');
			let end: number;
			while ((end = buffer.indexOf('\r\n')) >= 0) {
				const line = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				if (inData) {
					if (line === '.') {
						inData = false;
						if (size > 1_000_000) reply('552 message too large');
						else {
							this.mails.push(toMail(from, to, data.join('\r\n')));
							reply('250 queued');
						}
						data = [];
						size = 0;
					} else {
						size += line.length + 2;
						if (size <= 1_000_000) data.push(line.startsWith('..') ? line.slice(1) : line);
					}
					continue;
				}
				const verb = line.slice(0, 4).toUpperCase();
				if (verb === 'EHLO' || verb === 'HELO') reply('250 127.0.0.1');
				else if (verb === 'MAIL') {
					from = addressOf(line);
					to = [];
					reply('250 ok');
				} else if (verb === 'RCPT') {
					to.push(addressOf(line));
					reply('250 ok');
				} else if (verb === 'DATA') {
					inData = true;
					reply('354 end with <CRLF>.<CRLF>');
				} else if (verb === 'QUIT') {
					reply('221 bye');
					socket.end();
				} else if (verb === 'RSET' || verb === 'NOOP') reply('250 ok');
				else reply('502 not implemented');
			}
		});
	}

	async stop(): Promise<void> {
		for (const s of this.sockets) s.destroy();
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}

function addressOf(line: string): string {
	const open = line.indexOf('<');
	const close = line.indexOf('>', open);
	return open >= 0 && close > open ? line.slice(open + 1, close) : line.slice(line.indexOf(':') + 1).trim();
}

function toMail(from: string, to: string[], data: string): ReceivedMail {
	const split = data.indexOf('\r\n\r\n');
	const head = split >= 0 ? data.slice(0, split) : data;
	const body = split >= 0 ? data.slice(split + 4) : '';
	const headers = new Map<string, string>();
	let last = '';
	for (const line of head.split('\r\n')) {
		if (/^\s/.test(line) && last) headers.set(last, `${headers.get(last)} ${line.trim()}`);
		else {
			const colon = line.indexOf(':');
			last = line.slice(0, colon).toLowerCase();
			headers.set(last, line.slice(colon + 1).trim());
		}
	}
	const decoded = /quoted-printable/i.test(headers.get('content-transfer-encoding') ?? '')
		? Buffer.from(
				body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
				'latin1',
			).toString('utf8')
		: body;
	return { from, to, data, body: decoded, at: Date.now(), header: (name) => headers.get(name.toLowerCase()) };
}
