import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** A Redis reply: simple/bulk string, integer, null, array, or an error reply. */
export type RedisReply = string | number | null | RedisReply[];

export class RedisReplyError extends Error {}

export interface RedisOptions {
	host: string;
	port: number;
	username?: string;
	password?: string;
	db?: number;
	tls?: boolean;
	connectTimeoutMs?: number;
}

/**
 * A small RESP2 client over one connection (commands pipelined in order). Enough for this
 * package's atomic primitives (SET NX PX, EVAL) without a runtime dependency.
 */
export class RespClient {
	private socket?: Socket;
	private buffer: Buffer = Buffer.alloc(0);
	private readonly pending: Array<{ resolve: (r: RedisReply) => void; reject: (e: Error) => void }> = [];
	private closedError?: Error;

	constructor(private readonly options: RedisOptions) {}

	async connect(): Promise<void> {
		const { host, port, tls } = this.options;
		this.socket = await new Promise<Socket>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`Redis at ${host}:${port} did not answer in time`)), this.options.connectTimeoutMs ?? 5000);
			const done = (s: Socket) => {
				clearTimeout(timer);
				resolve(s);
			};
			const s: Socket = tls ? tlsConnect({ host, port, servername: host }, () => done(s)) : netConnect({ host, port }, () => done(s));
			s.once('error', (e) => {
				clearTimeout(timer);
				reject(new Error(`Cannot connect to Redis at ${host}:${port}: ${e.message}`));
			});
		});
		this.socket.setNoDelay(true);
		this.socket.on('data', (chunk) => this.onData(chunk));
		this.socket.on('error', (e) => this.fail(e));
		this.socket.on('close', () => this.fail(new Error('Redis connection closed')));
		if (this.options.password) {
			await this.command(this.options.username ? ['AUTH', this.options.username, this.options.password] : ['AUTH', this.options.password]);
		}
		if (this.options.db) await this.command(['SELECT', String(this.options.db)]);
	}

	get closed(): boolean {
		return !!this.closedError;
	}

	command(args: Array<string | number>): Promise<RedisReply> {
		if (this.closedError || !this.socket) return Promise.reject(this.closedError ?? new Error('Redis client is not connected'));
		let out = `*${args.length}\r\n`;
		for (const a of args) {
			const s = String(a);
			out += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
		}
		return new Promise((resolve, reject) => {
			this.pending.push({ resolve, reject });
			this.socket!.write(out);
		});
	}

	async close(): Promise<void> {
		if (!this.socket || this.closedError) return;
		try {
			await this.command(['QUIT']);
		} catch {
			// already closing
		}
		this.fail(new Error('Redis connection closed by this client'));
		this.socket.destroy();
	}

	private fail(e: Error): void {
		this.closedError ??= e;
		while (this.pending.length) this.pending.shift()!.reject(e);
	}

	private onData(chunk: Buffer): void {
		this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
		for (;;) {
			const parsed = parseReply(this.buffer, 0);
			if (!parsed) return;
			this.buffer = this.buffer.subarray(parsed.end);
			const waiter = this.pending.shift();
			if (!waiter) continue;
			if (parsed.value instanceof RedisReplyError) waiter.reject(parsed.value);
			else waiter.resolve(parsed.value as RedisReply);
		}
	}
}

/** Parses one RESP reply at `pos`; undefined when the buffer does not hold it all yet. */
export function parseReply(buf: Buffer, pos: number): { value: RedisReply | RedisReplyError; end: number } | undefined {
	if (pos >= buf.length) return undefined;
	const lineEnd = buf.indexOf('\r\n', pos);
	if (lineEnd < 0) return undefined;
	const type = String.fromCharCode(buf[pos]);
	const line = buf.toString('utf8', pos + 1, lineEnd);
	const next = lineEnd + 2;
	switch (type) {
		case '+':
			return { value: line, end: next };
		case '-':
			return { value: new RedisReplyError(line), end: next };
		case ':':
			return { value: Number(line), end: next };
		case '$': {
			const len = Number(line);
			if (len < 0) return { value: null, end: next };
			if (buf.length < next + len + 2) return undefined;
			return { value: buf.toString('utf8', next, next + len), end: next + len + 2 };
		}
		case '*': {
			const count = Number(line);
			if (count < 0) return { value: null, end: next };
			const items: RedisReply[] = [];
			let firstError: RedisReplyError | undefined;
			let p = next;
			for (let i = 0; i < count; i++) {
				const item = parseReply(buf, p);
				if (!item) return undefined;
				if (item.value instanceof RedisReplyError) firstError ??= item.value;
				else items.push(item.value);
				p = item.end;
			}
			return { value: firstError ?? items, end: p };
		}
		default:
			throw new RedisReplyError(`Unexpected RESP type "${type}"`);
	}
}
