/**
 * Child processes (n8n, redis-server, postgres, helper workers) started by the bench, the demo and
 * the screenshots are stopped when the parent is interrupted (Ctrl-C, `timeout`, SIGTERM) or exits:
 * an interrupted `npm run bench` must not leave an n8n running. Under jest, jest's own teardown
 * (afterAll) stops them, so no signal handler is installed there.
 */
import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();
let installed = false;

function killAll(signal: NodeJS.Signals): void {
	for (const child of running) {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

function install(): void {
	if (installed || process.env.JEST_WORKER_ID !== undefined) return;
	installed = true;
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			killAll('SIGTERM');
			// Give them a moment to stop cleanly, then make sure.
			setTimeout(() => {
				killAll('SIGKILL');
				process.exit(signal === 'SIGINT' ? 130 : 143);
			}, 3_000).unref();
			const poll = setInterval(() => {
				if (running.size === 0) process.exit(signal === 'SIGINT' ? 130 : 143);
			}, 100);
			poll.unref();
		});
	}
	// Whatever is left when the process exits (an uncaught error, process.exit) is killed.
	process.once('exit', () => killAll('SIGKILL'));
}

/** Stops `child` with this process; returns it. */
export function track<T extends ChildProcess>(child: T): T {
	install();
	running.add(child);
	child.once('exit', () => running.delete(child));
	child.once('error', () => running.delete(child));
	return child;
}

/** How many tracked children are still running (for tests). */
export function runningChildren(): number {
	return running.size;
}
