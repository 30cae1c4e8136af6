import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** The package's own file in n8n's folder: the only file there a node may open. */
export const DEFAULT_STORE_FILE = 'lead-management.sqlite';

/** Whether `path` is `folder` or inside it (by path segments: /data2 is not inside /data). */
function within(path: string, folder: string): boolean {
	const rel = relative(folder, path);
	return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The path with symbolic links of its existing part resolved (a link must not lead around the rules). */
function real(path: string): string {
	let dir = path;
	const rest: string[] = [];
	for (;;) {
		try {
			return join(realpathSync(dir), ...rest.reverse());
		} catch {
			const parent = dirname(dir);
			if (parent === dir) return path;
			rest.push(basename(dir));
			dir = parent;
		}
	}
}

function list(value: string | undefined, separator: string): string[] {
	return (value ?? '')
		.split(separator)
		.map((p) => p.trim())
		.filter(Boolean)
		.map((p) => real(resolve(p)));
}

/**
 * Why a user-chosen state file may not be used, or undefined when it may. Follows n8n's own file
 * nodes: with N8N_RESTRICT_FILE_ACCESS_TO set, the file must be inside one of its folders; unless
 * N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES is "false", nothing inside n8n's folder, configuration files,
 * custom extensions or binary data folder, except this package's own file.
 */
export function stateFileProblem(path: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
	const expanded = path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
	const file = real(resolve(expanded));
	const allowed = list(env.N8N_RESTRICT_FILE_ACCESS_TO, ';');
	if (allowed.length) {
		if (allowed.some((folder) => within(file, folder))) return undefined;
		return `State File "${path}" is outside the folders n8n may use (N8N_RESTRICT_FILE_ACCESS_TO: ${allowed.join('; ')}): choose a file inside one of them, or leave State File empty`;
	}
	if (env.N8N_BLOCK_FILE_ACCESS_TO_N8N_FILES === 'false') return undefined;
	const n8nFolder = real(resolve(env.N8N_USER_FOLDER || homedir(), '.n8n'));
	if (file === join(n8nFolder, DEFAULT_STORE_FILE)) return undefined;
	const restricted = [
		n8nFolder,
		...list(env.N8N_CONFIG_FILES, ','),
		...list(env.N8N_CUSTOM_EXTENSIONS, ';'),
		...list(env.N8N_BINARY_DATA_STORAGE_PATH, ';'),
	];
	const hit = restricted.find((folder) => within(file, folder));
	if (!hit) return undefined;
	return `State File "${path}" is inside n8n's own files (${hit}), which nodes may not open: choose a file elsewhere, or leave State File empty to use ${join(n8nFolder, DEFAULT_STORE_FILE)}`;
}
