/**
 * The bench, the demo and the screenshots stop the n8n (and redis, postgres) they started when
 * they are interrupted: a `timeout` on `npm run bench` once left an n8n running at 60% CPU.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const alive = (pid: number): boolean => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

const parentScript = `
const { spawn } = require('node:child_process');
const { track } = require(${JSON.stringify(join(__dirname, '..', 'helpers', 'children'))});
const child = track(spawn('sleep', ['120'], { stdio: 'ignore' }));
process.stdout.write(String(child.pid) + '\\n');
setInterval(() => undefined, 1000);
`;

describe('children started by the bench and the demo', () => {
	it.each(['SIGTERM', 'SIGINT'] as const)(
		'are stopped when the parent gets %s',
		async (signal) => {
			const env = { ...process.env };
			delete env.JEST_WORKER_ID;
			const parent = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', parentScript], {
				env,
				stdio: ['ignore', 'pipe', 'inherit'],
			});
			const pid = await new Promise<number>((resolve, reject) => {
				let out = '';
				parent.stdout.on('data', (d: Buffer) => {
					out += d.toString();
					if (out.includes('\n')) resolve(Number(out.trim()));
				});
				parent.once('exit', () => reject(new Error('parent exited early')));
			});
			expect(alive(pid)).toBe(true);
			const exited = new Promise<number | null>((resolve) => parent.once('exit', (code) => resolve(code)));
			parent.kill(signal);
			expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
			// The sleep is gone (reaped by its parent's exit; give the kernel a moment).
			for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
			expect(alive(pid)).toBe(false);
		},
		30_000,
	);
});
