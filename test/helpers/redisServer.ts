/** A throw-away redis-server on 127.0.0.1 for tests (.ci/run installs the Debian package). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from './net';

export interface RedisServer {
	port: number;
	stop(): Promise<void>;
}

export async function startRedis(password?: string): Promise<RedisServer> {
	const port = await freePort();
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(password ? ['--requirepass', password] : [])];
	const proc: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
	const failed = new Promise<never>((_, reject) => proc.once('error', (e) => reject(new Error(`redis-server could not start (${e.message}); install it: apt-get install redis-server`))));
	const ready = (async () => {
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
		throw new Error('redis-server did not start listening in 5 s');
	})();
	await Promise.race([ready, failed]);
	return {
		port,
		stop: async () => {
			proc.kill('SIGTERM');
			await new Promise((r) => proc.once('exit', r));
		},
	};
}
