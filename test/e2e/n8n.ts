/**
 * Drives a real n8n 2.x (installed by scripts/toolchain.sh) on 127.0.0.1 for end-to-end tests:
 * start, owner and API key without the UI, credentials and workflows through the public API,
 * executions read back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { track } from '../helpers/children';
import { freePort } from '../helpers/net';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedis, type RedisServer } from '../helpers/redisServer';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ExecutionSummary {
	id: string;
	status: string;
	data?: {
		resultData: {
			runData: Record<
				string,
				Array<{ data?: { main: Array<Array<{ json: Record<string, unknown>; binary?: Record<string, unknown> }>> } }>
			>;
		};
	};
}

export class N8n {
	readonly base: string;
	private proc?: ChildProcess;
	private apiKey = '';
	private cookie = '';
	private exited = false;

	constructor(
		readonly userFolder: string,
		readonly port: number,
		readonly logFile: string,
		/** 'worker': `n8n worker` (queue mode), ready when its health check on `port` answers. */
		readonly role: 'main' | 'worker' = 'main',
	) {
		this.base = `http://127.0.0.1:${port}`;
	}

	/** The process ID, for stopping exactly what was started. */
	get pid(): number | undefined {
		return this.exited ? undefined : this.proc?.pid;
	}

	/**
	 * Starts n8n and waits until it is ready. The task broker's port is picked free just before,
	 * and another process (two n8n started at once by a test, or a parallel test file) can take it
	 * in between: n8n then exits at once saying so, and it is started again on another port.
	 */
	async start(extraEnv: Record<string, string> = {}): Promise<void> {
		for (let attempt = 1; ; attempt++) {
			try {
				await this.startOnce(extraEnv);
				return;
			} catch (error) {
				const tail = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(-2_000) : '';
				if (attempt >= 3 || !this.exited || !/Task Broker's port \d+ is already in use/.test(tail)) throw error;
				appendFileSync(this.logFile, `(the task broker's port was taken: starting again)\n`);
			}
		}
	}

	private async startOnce(extraEnv: Record<string, string>): Promise<void> {
		const bin = process.env.LEAD_N8N_BIN;
		if (!bin) throw new Error('LEAD_N8N_BIN is not set: run through npm test or npm run test:e2e');
		const brokerPort = await freePort();
		this.exited = false;
		const worker = this.role === 'worker';
		// LEAD_LOOP_PROBE_DIR: n8n's own event-loop stalls, measured inside it (loopStalls below).
		const probe = extraEnv.LEAD_LOOP_PROBE_DIR ? ['--require', join(__dirname, 'loopProbe.cjs')] : [];
		// LEAD_CPU_PROF_DIR: a V8 CPU profile of n8n's main thread, written when it stops (bench/longTasks.ts reads it).
		if (extraEnv.LEAD_CPU_PROF_DIR) probe.push('--cpu-prof', `--cpu-prof-dir=${extraEnv.LEAD_CPU_PROF_DIR}`);
		this.proc = track(
			spawn(process.execPath, [...probe, ...(worker ? [bin, 'worker', '--concurrency=10'] : [bin, 'start'])], {
				env: {
					...process.env,
					// jest sets NODE_ENV=test, which n8n treats as its own test mode.
					NODE_ENV: 'production',
					JEST_WORKER_ID: '',
					N8N_USER_FOLDER: this.userFolder,
					N8N_PORT: String(this.port),
					N8N_LISTEN_ADDRESS: '127.0.0.1',
					N8N_HOST: '127.0.0.1',
					WEBHOOK_URL: `${this.base}/`,
					N8N_RUNNERS_BROKER_PORT: String(brokerPort),
					N8N_DIAGNOSTICS_ENABLED: 'false',
					N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
					N8N_PERSONALIZATION_ENABLED: 'false',
					N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
					N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
					N8N_DISABLED_MODULES: 'mcp-registry',
					N8N_SECURE_COOKIE: 'false',
					N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
					...(worker
						? {
								QUEUE_HEALTH_CHECK_ACTIVE: 'true',
								QUEUE_HEALTH_CHECK_PORT: String(this.port),
								N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
							}
						: {}),
					...extraEnv,
				},
				stdio: ['ignore', 'pipe', 'pipe'],
			}),
		);
		const log = (d: Buffer) => appendFileSync(this.logFile, d);
		this.proc.stdout!.on('data', log);
		this.proc.stderr!.on('data', log);
		this.proc.on('error', (e) => appendFileSync(this.logFile, `spawn error: ${e.message}\n`));
		this.proc.on('exit', (code, signal) => {
			this.exited = true;
			appendFileSync(this.logFile, `n8n exited with ${code ?? signal}\n`);
		});
		const deadline = Date.now() + 120_000;
		while (Date.now() < deadline) {
			if (this.exited) throw new Error(`n8n exited during start; see ${this.logFile}`);
			try {
				if ((await fetch(`${this.base}${worker ? '/healthz' : '/healthz/readiness'}`)).status === 200) return;
			} catch {
				// not listening yet
			}
			await sleep(500);
		}
		throw new Error(`n8n did not become ready in 120 s; see ${this.logFile}`);
	}

	async stop(): Promise<void> {
		if (!this.proc || this.exited) return;
		this.proc.kill('SIGTERM');
		const deadline = Date.now() + 20_000;
		while (!this.exited && Date.now() < deadline) await sleep(200);
		if (!this.exited) this.proc.kill('SIGKILL');
	}

	/** SIGKILL, as a crash or the OOM killer would: no drain, jobs in hand are left to the queue. */
	async kill(): Promise<void> {
		if (!this.proc || this.exited) return;
		this.proc.kill('SIGKILL');
		const deadline = Date.now() + 10_000;
		while (!this.exited && Date.now() < deadline) await sleep(100);
	}

	/**
	 * Owner account and an API key with every scope, as the UI would create them. With
	 * `signInIfSetUp`, an n8n whose owner exists already (the demo's kept folder) is signed in to.
	 */
	async setupOwner(signInIfSetUp = false): Promise<void> {
		const setup = await fetch(`${this.base}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({
				email: 'owner@example.com',
				firstName: 'E2E',
				lastName: 'Owner',
				password: 'Passw0rdE2E',
			}),
		});
		let cookieHeader = setup.headers.get('set-cookie') ?? '';
		if (!setup.ok) {
			const text = await setup.text();
			if (!signInIfSetUp) throw new Error(`owner setup failed: ${setup.status} ${text}`);
			const login = await fetch(`${this.base}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: 'owner@example.com', password: 'Passw0rdE2E' }),
			});
			if (!login.ok)
				throw new Error(`owner setup failed (${setup.status} ${text}) and so did signing in: ${login.status}`);
			cookieHeader = login.headers.get('set-cookie') ?? '';
		}
		const cookie = cookieHeader.split(';')[0];
		this.cookie = cookie;
		const scopes = (
			(await (await fetch(`${this.base}/rest/api-keys/scopes`, { headers: { cookie } })).json()) as { data: string[] }
		).data;
		const key = await fetch(`${this.base}/rest/api-keys`, {
			method: 'POST',
			headers: { cookie, 'content-type': 'application/json' },
			body: JSON.stringify({
				label: signInIfSetUp ? `demo ${new Date().toISOString()}` : 'e2e',
				scopes,
				expiresAt: null,
			}),
		});
		this.apiKey = ((await key.json()) as { data: { rawApiKey: string } }).data.rawApiKey;
	}

	async api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.base}/api/v1${path}`, {
			method,
			headers: { 'X-N8N-API-KEY': this.apiKey, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	/** A GET as the signed-in editor makes it (the editor's own files, such as /types/nodes.json). */
	async signedInGet<T = unknown>(path: string): Promise<T> {
		const res = await fetch(`${this.base}${path}`, { headers: { cookie: this.cookie } });
		if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
		return (await res.json()) as T;
	}

	/** A call to n8n's internal REST API as the signed-in editor makes it; returns its `data`. */
	async rest<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.base}/rest${path}`, {
			method,
			headers: { cookie: this.cookie, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /rest${path}: ${res.status} ${text}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	/** n8n's "Retry" of a failed execution, as the editor calls it (the original workflow). */
	async retryExecution(id: string): Promise<{ id: string; status: string }> {
		const res = await fetch(`${this.base}/rest/executions/${id}/retry`, {
			method: 'POST',
			headers: { cookie: this.cookie, 'content-type': 'application/json' },
			body: JSON.stringify({ loadWorkflow: false }),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`retry ${id}: ${res.status} ${text}`);
		return (JSON.parse(text) as { data: { id: string; status: string } }).data;
	}

	async createCredential(
		type: string,
		name: string,
		data: Record<string, unknown>,
	): Promise<{ id: string; name: string }> {
		return await this.api('POST', '/credentials', { type, name, data });
	}

	/**
	 * Creates and publishes a workflow, then waits until n8n has registered its webhooks (none to
	 * wait for without a path: a Schedule Trigger workflow).
	 */
	async deploy(workflow: Record<string, unknown>, webhookPath?: string): Promise<string> {
		const { id } = await this.api<{ id: string }>('POST', '/workflows', workflow);
		// n8n 2.x calls activation "publish"; older 2.x builds only know /activate.
		await this.api('POST', `/workflows/${id}/publish`).catch(
			async () => await this.api('POST', `/workflows/${id}/activate`),
		);
		if (webhookPath === undefined) return id;
		const deadline = Date.now() + 30_000;
		while (Date.now() < deadline) {
			const res = await fetch(`${this.base}/webhook/${webhookPath}`, {
				method: 'OPTIONS',
				headers: { Origin: 'http://127.0.0.1', 'Access-Control-Request-Method': 'POST' },
			});
			if (res.status === 204) return id;
			await sleep(250);
		}
		throw new Error(`webhook ${webhookPath} was not registered in 30 s`);
	}

	async executions(workflowId: string): Promise<ExecutionSummary[]> {
		const r = await this.api<{ data: ExecutionSummary[] }>(
			'GET',
			`/executions?workflowId=${workflowId}&includeData=true&limit=250`,
		);
		return r.data;
	}

	/** Every stored execution of a workflow (the API pages by 250), without their data. */
	async allExecutions(workflowId: string, includeData = false): Promise<ExecutionSummary[]> {
		const all: ExecutionSummary[] = [];
		let cursor: string | undefined;
		for (let page = 0; page < 1000; page++) {
			const r = await this.api<{ data: ExecutionSummary[]; nextCursor?: string | null }>(
				'GET',
				`/executions?workflowId=${workflowId}&limit=250${includeData ? '&includeData=true' : ''}${cursor ? `&cursor=${cursor}` : ''}`,
			);
			all.push(...r.data);
			if (!r.nextCursor) break;
			cursor = r.nextCursor;
		}
		return all;
	}

	/** Waits until `count` executions of a workflow are stored and finished. */
	async waitForExecutions(workflowId: string, count: number, timeoutMs = 30_000): Promise<ExecutionSummary[]> {
		const deadline = Date.now() + timeoutMs;
		let last: ExecutionSummary[] = [];
		while (Date.now() < deadline) {
			last = (await this.executions(workflowId)).filter((e) => e.status !== 'running' && e.status !== 'new');
			if (last.length >= count) return last;
			await sleep(300);
		}
		throw new Error(`expected ${count} executions of ${workflowId}, found ${last.length}`);
	}
}

/** Items a node put on one output in one execution. */
export function nodeItems(execution: ExecutionSummary, node: string, output = 0) {
	return execution.data?.resultData.runData[node]?.[0]?.data?.main[output] ?? [];
}

/**
 * The event-loop stalls (over 10 ms) that one n8n process started with LEAD_LOOP_PROBE_DIR measured
 * inside itself and that ended between `from` and `to` (Date.now() times): the longest, how many
 * reached 50 ms, and the longest the main thread spent working (its CPU time during a stall: the
 * rest of a stall is the thread waiting, or not scheduled on a busy machine).
 */
export function loopStalls(
	dir: string,
	pid: number,
	from: number,
	to: number,
): { longestMs: number; over50: number; longestCpuMs: number } {
	const file = join(dir, `${pid}.jsonl`);
	const stalls = existsSync(file)
		? readFileSync(file, 'utf8')
				.split('\n')
				.filter(Boolean)
				.map((l) => JSON.parse(l) as { at: number; ms: number; cpu: number })
				.filter((s) => s.at >= from && s.at <= to)
		: [];
	return {
		longestMs: stalls.reduce((m, s) => Math.max(m, s.ms), 0),
		over50: stalls.filter((s) => s.ms >= 50).length,
		longestCpuMs: stalls.reduce((m, s) => Math.max(m, Math.min(s.cpu, s.ms)), 0),
	};
}

/**
 * A running n8n for one test file: a fresh user folder holding a copy of the community package
 * that scripts/test-all.sh installed, so test files can run side by side.
 */
export async function startN8nForTests(env: Record<string, string> = {}): Promise<N8n> {
	const prepared = process.env.E2E_N8N_USER_FOLDER;
	if (!prepared) throw new Error('E2E_N8N_USER_FOLDER is not set: run through npm test or npm run test:e2e');
	const folder = mkdtempSync(join(prepared, 'instance-'));
	cpSync(join(prepared, '.n8n', 'nodes'), join(folder, '.n8n', 'nodes'), { recursive: true });
	const n8n = new N8n(folder, await freePort(), join(folder, 'n8n.log'));
	await n8n.start(env);
	await n8n.setupOwner();
	return n8n;
}

/** For a test file: a redis-server and a real n8n started before its tests and stopped after them. */
export function useN8nAndRedis(redisPassword: string): { readonly n8n: N8n; readonly redis: RedisServer } {
	const state = {} as { n8n: N8n; redis: RedisServer };
	beforeAll(async () => {
		state.redis = await startRedis(redisPassword);
		state.n8n = await startN8nForTests();
	}, 180_000);
	afterAll(async () => {
		await state.n8n?.stop();
		await state.redis?.stop();
	}, 60_000);
	return state;
}
