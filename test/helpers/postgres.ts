/** A throw-away PostgreSQL server on 127.0.0.1 for the queue-mode tests (Debian's `postgresql`). */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { track } from './children';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './net';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Postgres {
	port: number;
	user: string;
	database: string;
	pid: number;
	stop(): Promise<void>;
}

/** The newest installed PostgreSQL's binaries (Debian: /usr/lib/postgresql/<version>/bin). */
function binaries(): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
	const bin = versions.map((v) => join(root, v, 'bin')).find((b) => existsSync(join(b, 'initdb')));
	if (!bin) throw new Error('PostgreSQL is not installed: apt-get install postgresql (scripts/toolchain.sh does it)');
	return bin;
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user. */
function runAs(): { uid?: number; gid?: number } {
	if (process.getuid?.() !== 0) return {};
	const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
	return { uid, gid };
}

export async function startPostgres(): Promise<Postgres> {
	const bin = binaries();
	const user = 'n8n';
	const database = 'n8n';
	const dir = mkdtempSync(join(tmpdir(), 'pg-'));
	const owner = runAs();
	if (owner.uid !== undefined) chownSync(dir, owner.uid, owner.gid!);
	const data = join(dir, 'data');
	await run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', user, '--no-sync', '-E', 'UTF8'], {
		...owner,
		cwd: dir,
	});
	const port = await freePort();
	const proc: ChildProcess = track(
		spawn(
			join(bin, 'postgres'),
			[
				'-D',
				data,
				'-p',
				String(port),
				'-k',
				dir,
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				'fsync=off',
				'-c',
				'max_connections=200',
			],
			{ ...owner, stdio: 'ignore', cwd: dir },
		),
	);
	let exited = false;
	proc.on('exit', () => (exited = true));
	const deadline = Date.now() + 30_000;
	for (;;) {
		if (exited) throw new Error('postgres exited during start');
		try {
			await run(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, database]);
			break;
		} catch (error) {
			if (Date.now() > deadline)
				throw new Error(`postgres did not accept connections in 30 s: ${(error as Error).message}`);
			await sleep(250);
		}
	}
	return {
		port,
		user,
		database,
		pid: proc.pid!,
		async stop() {
			if (!exited) {
				proc.kill('SIGINT'); // fast shutdown
				const until = Date.now() + 20_000;
				while (!exited && Date.now() < until) await sleep(100);
				if (!exited) proc.kill('SIGKILL');
			}
			rmSync(dir, { recursive: true, force: true });
		},
	};
}
