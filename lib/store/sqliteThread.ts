/**
 * The embedded store's worker thread (see sqliteWorker.ts): it owns the SQLite connection of one
 * file and runs every query, transaction, lock wait and eviction there, off n8n's event loop.
 *
 * The decisions stay on n8n's thread, where the nodes' code lives: inside a transaction, a lead's
 * candidates (Dedupe) or a transaction's loaded keys (Route, Advance Stage, SLA Check) are posted
 * to it and this thread waits (Atomics.wait) for the answer, the write lock held, then commits. A
 * transaction is therefore one SQLite transaction, as on one thread: nothing else of this file
 * commits in between, and a failed decision rolls it back.
 */
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { SqliteStore } from './sqlite';
import { DECISION_FAILED, type ThreadAnswer, type ThreadQuestion, type ThreadRequest } from './sqliteWorker';
import type { BufferedView, CandidateDecision, KvView, RememberedLead } from './types';

/** How long a transaction waits for n8n's thread to decide before it rolls back. */
const ANSWER_TIMEOUT_MS = 60_000;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A decision handed to the store in place of n8n's: which call and which of its leads. */
type Placeholder = { call: number; lead: number };
const PLACEHOLDER = Symbol('placeholder');

function main(): void {
	const port = parentPort;
	if (!port) return;
	const {
		path,
		signal: shared,
		replies,
	} = workerData as {
		path: string;
		signal: SharedArrayBuffer;
		replies: MessagePort;
	};
	const signal = new Int32Array(shared);
	let seq = 0;

	/** Posts a question and waits, this thread blocked, for its answer. */
	function ask(question: DistributiveOmit<ThreadQuestion, 'seq'>): ThreadAnswer {
		const id = ++seq;
		let seen = Atomics.load(signal, 0);
		port!.postMessage({ ...question, seq: id });
		const deadline = Date.now() + ANSWER_TIMEOUT_MS;
		for (;;) {
			for (let m = receiveMessageOnPort(replies); m; m = receiveMessageOnPort(replies)) {
				const answer = m.message as ThreadAnswer;
				// An answer to an earlier question that timed out is dropped.
				if (answer.seq !== id) continue;
				if (answer.failed) throw new Error(DECISION_FAILED);
				return answer;
			}
			const left = deadline - Date.now();
			if (left <= 0) throw new Error(`n8n's main thread did not decide within ${ANSWER_TIMEOUT_MS / 1000} s`);
			Atomics.wait(signal, 0, seen, left);
			seen = Atomics.load(signal, 0);
		}
	}

	class ThreadStore extends SqliteStore {
		protected override choose(candidates: RememberedLead[], decide: CandidateDecision) {
			const tag = (decide as unknown as { [PLACEHOLDER]?: Placeholder })[PLACEHOLDER];
			// No candidate: nothing to decide (a new lead), no question asked.
			if (!tag || !candidates.length) return super.choose(candidates, decide);
			return ask({ type: 'choose', call: tag.call, lead: tag.lead, candidates }).choice!;
		}
	}

	let store: ThreadStore | undefined;
	const open = () => (store ??= new ThreadStore(path));

	const placeholder = (call: number, lead: number): CandidateDecision =>
		Object.assign(() => ({ match: false, score: 0, fields: [] }), { [PLACEHOLDER]: { call, lead } });

	/** A transaction's decision, made on n8n's thread: the loaded keys go there, its writes come back. */
	const decideThere = (call: number) => (view: KvView) => {
		const buffered = view as BufferedView;
		const answer = ask({ type: 'decide', call, loaded: buffered.loaded });
		for (const [key, write] of answer.writes!) buffered.writes.set(key, write);
		for (const [key, score] of answer.scores!) buffered.scores.set(key, score);
	};

	async function run(request: ThreadRequest): Promise<unknown> {
		const s = open();
		const a = request.args as never[]; // each method's own arguments, as sqliteWorker.ts sent them
		switch (request.method) {
			case 'recall':
				return await s.recall(a[0], a[1], placeholder(request.id, 0), a[2], a[3]);
			case 'recallMany':
				return await s.recallMany(
					a[0],
					(a[1] as Array<{ lead: unknown }>).map(({ lead }, k) => ({
						lead: lead as never,
						decide: placeholder(request.id, k),
					})),
					a[2],
					a[3],
				);
			case 'transact':
				return await s.transact(a[0], a[1], decideThere(request.id), a[2]);
			case 'page':
				return s.page(a[0], a[1], a[2], a[3], a[4]);
			case 'stats':
				return { lockWaits: s.lockWaits, longestTransactionMs: s.longestTransactionMs };
			case 'close':
				await store?.close();
				store = undefined;
				return undefined;
			case 'claim':
			case 'release':
			case 'forget':
			case 'forgetByKey':
			case 'clear':
			case 'count':
			case 'recentValues':
			case 'memoryNamespaces':
			case 'entries':
			case 'clearKeys':
			case 'peek':
			case 'put':
			case 'scored':
			case 'scoredCount':
			case 'namespaces':
				return await (s[request.method] as (...args: unknown[]) => Promise<unknown>)(...a);
			default:
				throw new Error(`Unknown store method ${request.method}`);
		}
	}

	port.on('message', (request: ThreadRequest) => {
		run(request).then(
			(value) => port.postMessage({ type: 'result', id: request.id, value }),
			(error: Error) =>
				port.postMessage({
					type: 'error',
					id: request.id,
					message: String(error?.message ?? error),
					code: (error as { code?: unknown })?.code,
				}),
		);
	});
}

main();
