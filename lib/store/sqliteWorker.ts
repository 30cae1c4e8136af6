/**
 * The embedded store as n8n's nodes use it: every SQLite query, transaction and lock wait runs on
 * a worker thread that owns the file's connection (sqliteThread.ts), so none of them holds n8n's
 * event loop. Nodes await it as before (the same interfaces as `SqliteStore`).
 *
 * One worker per file per process, started on first use and closed (connection and thread) after
 * `IDLE_CLOSE_MS` without a request, so a file no longer used is not kept open; the next request
 * opens it again. The decisions (which candidate a lead matches, what a transaction writes) run
 * here, on n8n's thread, as the worker asks for them: a transaction stays one SQLite transaction.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import {
	bestCandidate,
	BufferedView,
	type CandidateDecision,
	type KeyValueStore,
	type KvView,
	type LeadMemory,
	type RecallLead,
	type RecallResult,
	type RememberedLead,
	type Retention,
	type StateStore,
} from './types';

/** A request from n8n's thread: a store method and its arguments. */
export interface ThreadRequest {
	type: 'call';
	id: number;
	method: string;
	args: unknown[];
}

/** What the store's thread asks n8n's thread during a transaction. */
export type ThreadQuestion =
	| { type: 'choose'; seq: number; call: number; lead: number; candidates: RememberedLead[] }
	| { type: 'decide'; seq: number; call: number; loaded: Map<string, string> };

/** What the store's thread answers a request. */
export type ThreadReply =
	| { type: 'result'; id: number; value: unknown }
	| { type: 'error'; id: number; message: string; code?: unknown };

/** n8n's thread's answer: the choice, or the transaction's writes; `failed` when its code threw. */
export interface ThreadAnswer {
	seq: number;
	failed?: boolean;
	choice?: ReturnType<typeof bestCandidate>;
	writes?: BufferedView['writes'];
	scores?: BufferedView['scores'];
}

/** The message that rolls a transaction back when n8n's thread's decision threw. */
export const DECISION_FAILED = 'lead-management: the decision on n8n thread failed';

/** A file unused this long has its connection and thread closed. */
export const IDLE_CLOSE_MS = 60_000;

/** What a pending request keeps on this thread: its promise, and the decisions it may be asked. */
interface Pending {
	resolve(value: unknown): void;
	reject(error: unknown): void;
	/** Dedupe: each lead's decision, by the lead's index in the request. */
	decides?: CandidateDecision[];
	/** Key-value transaction: the keys and the function deciding the writes. */
	transaction?: { keys: string[]; fn: (view: KvView) => unknown; out?: unknown };
	/** The error a decision threw: the request fails with it (the transaction was rolled back). */
	error?: unknown;
}

/**
 * The worker's entry: compiled JavaScript in the package. In the tests and the bench (run from
 * the TypeScript sources) the thread compiles the sources itself, each file once per content into
 * a cache in the temporary folder: TypeScript's compiler takes about a second to load on a busy
 * machine, which every new state file's thread would otherwise pay.
 */
function startThread(path: string, signal: SharedArrayBuffer, replies: MessagePort): Worker {
	const entry = join(__dirname, `sqliteThread${extname(__filename) || '.js'}`);
	const options = { workerData: { path, signal, replies }, transferList: [replies] };
	if (!entry.endsWith('.ts')) return new Worker(entry, options);
	const code = `
		const { createHash } = require('node:crypto');
		const fs = require('node:fs');
		const { join } = require('node:path');
		const cache = ${JSON.stringify(join(tmpdir(), 'lead-management-thread-cache'))};
		let ts;
		if (!require.extensions['.ts']) require.extensions['.ts'] = (module, filename) => {
			const source = fs.readFileSync(filename, 'utf8');
			const file = join(cache, createHash('sha256').update(filename + '\0' + source).digest('hex') + '.js');
			let js;
			try {
				js = fs.readFileSync(file, 'utf8');
			} catch {
				ts ??= require(${JSON.stringify(require.resolve('typescript'))});
				js = ts.transpileModule(source, {
					fileName: filename,
					compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2023, esModuleInterop: true },
				}).outputText;
				fs.mkdirSync(cache, { recursive: true });
				const tmp = file + '.' + process.pid + '.' + Math.random().toString(36).slice(2);
				fs.writeFileSync(tmp, js);
				fs.renameSync(tmp, file);
			}
			module._compile(js, filename);
		};
		require(${JSON.stringify(entry)});`;
	return new Worker(code, { ...options, eval: true });
}

/** A running thread: the worker, how it is woken with an answer, and its requests in flight. */
interface Thread {
	worker: Worker;
	replies: MessagePort;
	signal: Int32Array;
	pending: Map<number, Pending>;
	/** Settles when its last request in flight has. */
	drained?: () => void;
}

export class SqliteWorkerStore implements StateStore, LeadMemory, KeyValueStore {
	/** The thread new requests go to (a closing one finishes its own requests first). */
	private current?: Thread;
	private nextId = 0;
	private idleTimer?: NodeJS.Timeout;

	constructor(
		readonly path: string,
		private readonly onClose?: () => void,
		/** How long the file may go unused before its connection and thread close. */
		private readonly idleCloseMs = IDLE_CLOSE_MS,
	) {}

	/** The file's thread, started when needed. */
	private thread(): Thread {
		if (this.current) return this.current;
		const shared = new SharedArrayBuffer(4);
		const channel = new MessageChannel();
		const thread: Thread = {
			worker: startThread(this.path, shared, channel.port2),
			replies: channel.port1,
			signal: new Int32Array(shared),
			pending: new Map(),
		};
		thread.worker.on('message', (message: ThreadQuestion | ThreadReply) => this.onMessage(thread, message));
		// A thread that fails or stops fails its requests in flight (the next request starts another).
		const fail = (error: unknown) => {
			if (this.current === thread) this.current = undefined;
			for (const p of thread.pending.values()) p.reject(error);
			thread.pending.clear();
			thread.drained?.();
		};
		thread.worker.on('error', fail);
		thread.worker.on('exit', (code) => fail(new Error(`The state store's thread stopped (exit code ${code})`)));
		this.current = thread;
		return thread;
	}

	private onMessage(thread: Thread, message: ThreadQuestion | ThreadReply): void {
		if (message.type === 'choose' || message.type === 'decide') {
			this.answer(thread, message);
			return;
		}
		const p = thread.pending.get(message.id);
		if (!p) return;
		thread.pending.delete(message.id);
		if (message.type === 'result') p.resolve(p.transaction ? p.transaction.out : message.value);
		else if (p.error !== undefined && message.message === DECISION_FAILED) p.reject(p.error);
		else p.reject(Object.assign(new Error(message.message), message.code ? { code: message.code } : {}));
		if (thread.pending.size) return;
		thread.drained?.();
		if (this.current === thread) this.idle();
	}

	/** Decides what the thread asks, with the request's own functions, and wakes it. */
	private answer(thread: Thread, question: ThreadQuestion): void {
		const p = thread.pending.get(question.call);
		let answer: ThreadAnswer;
		try {
			if (!p) throw new Error('No request waits for this decision');
			if (question.type === 'choose') {
				answer = { seq: question.seq, choice: bestCandidate(question.candidates, p.decides![question.lead]) };
			} else {
				const t = p.transaction!;
				const view = new BufferedView([...new Set(t.keys)], question.loaded);
				t.out = t.fn(view);
				answer = { seq: question.seq, writes: view.writes, scores: view.scores };
			}
		} catch (error) {
			if (p) p.error = error;
			answer = { seq: question.seq, failed: true };
		}
		thread.replies.postMessage(answer);
		Atomics.add(thread.signal, 0, 1);
		Atomics.notify(thread.signal, 0);
	}

	/** No request pending: the thread may not keep the process alive, and closes when unused. */
	private idle(): void {
		this.current?.worker.unref();
		clearTimeout(this.idleTimer);
		if (this.path === ':memory:') return;
		this.idleTimer = setTimeout(() => {
			if (this.current && !this.current.pending.size) void this.stopThread();
		}, this.idleCloseMs);
		this.idleTimer.unref();
	}

	/**
	 * Closes the current thread: its requests in flight finish first, then the connection, then the
	 * thread. Requests arriving meanwhile start a new one.
	 */
	private async stopThread(): Promise<void> {
		const thread = this.current;
		if (!thread) return;
		this.current = undefined;
		if (thread.pending.size) await new Promise<void>((resolve) => (thread.drained = resolve));
		try {
			await this.send(thread, 'close', []);
		} finally {
			thread.replies.close();
			await thread.worker.terminate();
		}
	}

	/** Whether the thread is running (for the tests: it closes when the file is unused). */
	get threadRunning(): boolean {
		return this.current !== undefined;
	}

	private request<T>(method: string, args: unknown[], extra: Partial<Pending> = {}): Promise<T> {
		clearTimeout(this.idleTimer);
		return this.send(this.thread(), method, args, extra);
	}

	private send<T>(thread: Thread, method: string, args: unknown[], extra: Partial<Pending> = {}): Promise<T> {
		thread.worker.ref();
		const id = ++this.nextId;
		return new Promise<T>((resolve, reject) => {
			thread.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...extra });
			thread.worker.postMessage({ type: 'call', id, method, args });
		});
	}

	async recall(
		namespace: string,
		lead: RecallLead,
		decide: CandidateDecision,
		retention: Retention,
		now = Date.now(),
	): Promise<RecallResult> {
		return await this.request('recall', [namespace, lead, retention, now], { decides: [decide] });
	}

	async recallMany(
		namespace: string,
		leads: Array<{ lead: RecallLead; decide: CandidateDecision }>,
		retention: Retention,
		now = Date.now(),
	): Promise<RecallResult[]> {
		if (!leads.length) return [];
		return await this.request('recallMany', [namespace, leads.map(({ lead }) => ({ lead })), retention, now], {
			decides: leads.map(({ decide }) => decide),
		});
	}

	async transact<T>(namespace: string, keys: string[], fn: (view: KvView) => T, now = Date.now()): Promise<T> {
		return await this.request('transact', [namespace, keys, now], { transaction: { keys, fn } });
	}

	async *pages(namespace: string, prefix = '', size = 2000, now = Date.now()): AsyncIterable<Array<[string, string]>> {
		let rows = await this.request<Array<[string, string]>>('page', [namespace, prefix, undefined, size, now]);
		while (rows.length) {
			yield rows;
			if (rows.length < size) return;
			rows = await this.request('page', [namespace, prefix, rows[rows.length - 1][0], size, now]);
		}
	}

	/** How often transactions waited for another process's lock, and the longest one, in ms. */
	async stats(): Promise<{ lockWaits: number; longestTransactionMs: number }> {
		return await this.request('stats', []);
	}

	claim(namespace: string, key: string, ttlMs: number, now = Date.now()): Promise<boolean> {
		return this.request('claim', [namespace, key, ttlMs, now]);
	}
	async release(namespace: string, key: string): Promise<void> {
		await this.request('release', [namespace, key]);
	}
	forget(namespace: string, leadIds: string[]): Promise<number> {
		return this.request('forget', [namespace, leadIds]);
	}
	forgetByKey(namespace: string, key: string): Promise<number> {
		return this.request('forgetByKey', [namespace, key]);
	}
	clear(namespace: string): Promise<number> {
		return this.request('clear', [namespace]);
	}
	count(namespace: string): Promise<number> {
		return this.request('count', [namespace]);
	}
	recentValues(namespace: string, limit: number): Promise<Array<Record<string, string | undefined>>> {
		return this.request('recentValues', [namespace, limit]);
	}
	memoryNamespaces(prefix: string): Promise<string[]> {
		return this.request('memoryNamespaces', [prefix]);
	}
	entries(namespace: string, prefix = '', now = Date.now()): Promise<Record<string, string>> {
		return this.request('entries', [namespace, prefix, now]);
	}
	clearKeys(namespace: string): Promise<number> {
		return this.request('clearKeys', [namespace]);
	}
	peek(namespace: string, keys: string[], now = Date.now()): Promise<Map<string, string>> {
		return this.request('peek', [namespace, keys, now]);
	}
	async put(
		namespace: string,
		writes: Array<{ key: string; value: string | null; expiresAt?: number }>,
	): Promise<void> {
		if (writes.length) await this.request('put', [namespace, writes]);
	}
	scored(namespace: string, index: string, upTo: number, limit: number): Promise<string[]> {
		return this.request('scored', [namespace, index, upTo, limit]);
	}
	scoredCount(namespace: string, index: string): Promise<number> {
		return this.request('scoredCount', [namespace, index]);
	}
	namespaces(prefix: string): Promise<string[]> {
		return this.request('namespaces', [prefix]);
	}

	/**
	 * Closes the connection and the thread once the requests in flight are done; the next request
	 * opens them again.
	 */
	async close(): Promise<void> {
		clearTimeout(this.idleTimer);
		await this.stopThread();
		this.onClose?.();
	}
}
