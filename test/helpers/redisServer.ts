/** Throw-away redis-servers on 127.0.0.1 for tests (.ci/run installs the Debian package). */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { track } from './children';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './net';

const run = promisify(execFile);

export interface RedisServer {
	port: number;
	stop(): Promise<void>;
	/** SIGSTOP: the server holds connections but answers nothing (a hung or partitioned Redis). */
	pause(): void;
	/** SIGCONT: the server answers again, commands sent meanwhile run in order. */
	resume(): void;
}

async function listening(port: number): Promise<void> {
	for (let i = 0; i < 100; i++) {
		const ok = await new Promise<boolean>((resolve) => {
			const c = createConnection({ host: '127.0.0.1', port }, () => {
				c.end();
				resolve(true);
			});
			c.once('error', () => resolve(false));
		});
		if (ok) return;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error(`redis-server did not start listening on ${port} in 5 s`);
}

/** Starts `redis-server` with these arguments on a free port; stopped by the PID it started. */
async function spawnRedis(args: string[], port: number): Promise<RedisServer> {
	const proc: ChildProcess = track(spawn('redis-server', args, { stdio: 'ignore' }));
	const failed = new Promise<never>((_, reject) =>
		proc.once('error', (e) =>
			reject(new Error(`redis-server could not start (${e.message}); install it: apt-get install redis-server`)),
		),
	);
	await Promise.race([listening(port), failed]);
	return {
		port,
		pause: () => proc.kill('SIGSTOP'),
		resume: () => proc.kill('SIGCONT'),
		stop: async () => {
			if (proc.exitCode !== null) return;
			proc.kill('SIGCONT');
			proc.kill('SIGTERM');
			await new Promise((r) => proc.once('exit', r));
		},
	};
}

export async function startRedis(password?: string): Promise<RedisServer> {
	const port = await freePort();
	return await spawnRedis(
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			...(password ? ['--requirepass', password] : []),
		],
		port,
	);
}

/** A Redis Cluster of `size` primaries (no replicas) on 127.0.0.1, every slot assigned. */
export async function startRedisCluster(size = 3): Promise<{ ports: number[]; stop(): Promise<void> }> {
	const dir = mkdtempSync(join(tmpdir(), 'redis-cluster-'));
	const servers: RedisServer[] = [];
	try {
		for (let i = 0; i < size; i++) {
			const port = await freePort();
			servers.push(
				await spawnRedis(
					[
						'--port',
						String(port),
						'--bind',
						'127.0.0.1',
						'--save',
						'',
						'--appendonly',
						'no',
						'--cluster-enabled',
						'yes',
						'--cluster-config-file',
						join(dir, `nodes-${port}.conf`),
						'--dir',
						dir,
					],
					port,
				),
			);
		}
		await run('redis-cli', [
			'--cluster',
			'create',
			...servers.map((s) => `127.0.0.1:${s.port}`),
			'--cluster-replicas',
			'0',
			'--cluster-yes',
		]);
		// Every node must know the whole cluster before a client can (slower on a busy machine).
		for (const server of servers) {
			for (let i = 0; ; i++) {
				const { stdout } = await run('redis-cli', ['-p', String(server.port), 'cluster', 'info']);
				if (stdout.includes('cluster_state:ok')) break;
				if (i >= 300) throw new Error(`the Redis cluster node on ${server.port} is not ready after 30 s`);
				await new Promise((r) => setTimeout(r, 100));
			}
		}
	} catch (e) {
		for (const s of servers) await s.stop();
		throw e;
	}
	return {
		ports: servers.map((s) => s.port),
		stop: async () => {
			for (const s of servers) await s.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/** One Sentinel watching the primary on `primaryPort` under the name `mymaster`. */
export async function startSentinel(primaryPort: number): Promise<RedisServer> {
	const dir = mkdtempSync(join(tmpdir(), 'redis-sentinel-'));
	const port = await freePort();
	const conf = join(dir, 'sentinel.conf');
	writeFileSync(
		conf,
		`port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor mymaster 127.0.0.1 ${primaryPort} 1\n`,
	);
	const server = await spawnRedis([conf, '--sentinel'], port);
	return {
		...server,
		stop: async () => {
			await server.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
