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

export class SqliteWorkerStore implements StateStore, LeadMemory, KeyValueStore {
	private worker?: Worker;
	private replies?: MessagePort;
	private signal?: Int32Array;
	private readonly pending = new Map<number, Pending>();
	private nextId = 0;
	private idleTimer?: NodeJS.Timeout;

	constructor(
		readonly path: string,
		private readonly onClose?: () => void,
		/** How long the file may go unused before its connection and thread close. */
		private readonly idleCloseMs = IDLE_CLOSE_MS,
	) {}

	/** The file's thread, started when needed. */
	private thread(): Worker {
		if (this.worker) return this.worker;
		const shared = new SharedArrayBuffer(4);
		const channel = new MessageChannel();
		const worker = startThread(this.path, shared, channel.port2);
		this.signal = new Int32Array(shared);
		this.replies = channel.port1;
		worker.on('message', (message: ThreadQuestion | ThreadReply) => this.onMessage(worker, message));
		const fail = (error: unknown) => {
			if (this.worker !== worker) return;
			this.worker = undefined;
			for (const [id, p] of this.pending) {
				this.pending.delete(id);
				p.reject(error);
			}
		};
		worker.on('error', fail);
		worker.on('exit', (code) => fail(new Error(`The state store's thread stopped (exit code ${code})`)));
		this.worker = worker;
		return worker;
	}

	private onMessage(worker: Worker, message: ThreadQuestion | ThreadReply): void {
		if (message.type === 'choose' || message.type === 'decide') {
			this.answer(message);
			return;
		}
		const p = this.pending.get(message.id);
		if (!p) return;
		this.pending.delete(message.id);
		if (message.type === 'result') p.resolve(p.transaction ? p.transaction.out : message.value);
		else if (p.error !== undefined && message.message === DECISION_FAILED) p.reject(p.error);
		else p.reject(Object.assign(new Error(message.message), message.code ? { code: message.code } : {}));
		if (!this.pending.size && this.worker === worker) this.idle();
	}

	/** Decides what the thread asks, with the request's own functions, and wakes it. */
	private answer(question: ThreadQuestion): void {
		const p = this.pending.get(question.call);
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
		this.replies!.postMessage(answer);
		Atomics.add(this.signal!, 0, 1);
		Atomics.notify(this.signal!, 0);
	}

	/** No request pending: the thread may not keep the process alive, and closes when unused. */
	private idle(): void {
		this.worker?.unref();
		clearTimeout(this.idleTimer);
		if (this.path === ':memory:') return;
		this.idleTimer = setTimeout(() => {
			if (this.pending.size || !this.worker) return;
			void this.stopThread();
		}, this.idleCloseMs);
		this.idleTimer.unref();
	}

	/** Closes the connection, then the thread (requests arriving meanwhile start a new one). */
	private async stopThread(): Promise<void> {
		const worker = this.worker;
		if (!worker) return;
		const closing = this.request('close', []);
		this.worker = undefined;
		try {
			await closing;
		} finally {
			this.replies?.close();
			await worker.terminate();
		}
	}

	/** Whether the thread is running (for the tests: it closes when the file is unused). */
	get threadRunning(): boolean {
		return this.worker !== undefined;
	}

	private request<T>(method: string, args: unknown[], extra: Partial<Pending> = {}): Promise<T> {
		const worker = this.thread();
		clearTimeout(this.idleTimer);
		worker.ref();
		const id = ++this.nextId;
		return new Promise<T>((resolve, reject) => {
			this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...extra });
			worker.postMessage({ type: 'call', id, method, args });
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

	/** Closes the connection and the thread; the next request opens them again. */
	async close(): Promise<void> {
		clearTimeout(this.idleTimer);
		await this.stopThread();
		this.onClose?.();
	}
}
