import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IExecuteFunctions,
	INode,
	INodeCredentialTestResult,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { stateFileProblem } from '../../lib/store/path';
import { COMMAND_TIMEOUT_MS, connectRedis, openRedisStore, type RedisStoreOptions } from '../../lib/store/redis';
import { defaultStorePath, openSqliteStore } from '../../lib/store/sqlite';
import type { KeyValueStore, LeadMemory, StateStore } from '../../lib/store/types';

export const REDIS_CREDENTIAL = 'leadManagementRedisApi';

/** The "State Store" parameter shared by every node that keeps state. */
export const storeProperty: INodeProperties = {
	displayName: 'Remember In',
	name: 'store',
	type: 'options',
	default: 'sqlite',
	description: 'Where this node keeps what it remembers between executions',
	options: [
		{
			name: 'This N8n (No Setup)',
			value: 'sqlite',
			description: "A file beside n8n's own data (SQLite); right for one n8n server",
		},
		{
			name: 'Redis (Several N8n Servers)',
			value: 'redis',
			description: 'For queue mode with workers on several servers; needs a Redis credential',
		},
	],
};

/** "host:port, host:port" → nodes; a missing port is Redis's (or Sentinel's) default. */
function parseNodes(text: unknown, defaultPort: number): Array<{ host: string; port: number }> {
	return String(text ?? '')
		.split(',')
		.map((part) => part.trim())
		.filter(Boolean)
		.map((part) => {
			const colon = part.lastIndexOf(':');
			const port = colon > 0 ? Number(part.slice(colon + 1)) : NaN;
			return Number.isInteger(port) && port > 0
				? { host: part.slice(0, colon), port }
				: { host: part, port: defaultPort };
		});
}

export function redisOptions(c: ICredentialDataDecryptedObject): RedisStoreOptions {
	const mode = c.mode === 'sentinel' || c.mode === 'cluster' ? c.mode : 'standalone';
	return {
		mode,
		host: String(c.host ?? 'localhost'),
		port: Number(c.port ?? 6379),
		nodes: mode === 'standalone' ? undefined : parseNodes(c.nodes, mode === 'sentinel' ? 26379 : 6379),
		sentinelName: c.sentinelName ? String(c.sentinelName) : undefined,
		sentinelPassword: c.sentinelPassword ? String(c.sentinelPassword) : undefined,
		username: c.user ? String(c.user) : undefined,
		password: c.password ? String(c.password) : undefined,
		db: Number(c.database ?? 0),
		tls: c.tls === true,
		tlsAllowUnauthorized: c.tlsAllowUnauthorized === true,
		keyPrefix: String(c.keyPrefix ?? 'lead-management:'),
	};
}

export type OpenedStore = StateStore & LeadMemory & KeyValueStore;

/** The store a node was configured with: SQLite beside n8n's data, or Redis from the credential. */
export async function openStore(
	ctx: IExecuteFunctions | IWebhookFunctions,
	store: string,
	stateFile: string,
): Promise<OpenedStore> {
	if (store === 'redis') return await openRedisStore(redisOptions(await ctx.getCredentials(REDIS_CREDENTIAL)));
	const problem = stateFile ? stateFileProblem(stateFile) : undefined;
	if (problem) throw new NodeOperationError(ctx.getNode(), problem);
	return openSqliteStore(stateFile || defaultStorePath());
}

/** The configured store, opened on first use and once (operations that keep no state never open it). */
export function lazyStore(ctx: IExecuteFunctions, stateFile: string): () => Promise<OpenedStore> {
	let opened: OpenedStore | undefined;
	return async () => (opened ??= await openStore(ctx, ctx.getNodeParameter('store', 0, 'sqlite') as string, stateFile));
}

/**
 * A state-store failure as the user should read it: what happened and what to do. Lock and
 * connection messages from the stores already say both; SQLite's "database is locked" does not.
 */
export function storeErrorMessage(error: Error): string {
	const message = error.message;
	if (/database is locked|SQLITE_BUSY/i.test(message)) {
		return `The state file is busy: another process held it for more than 10 s (a second n8n on the same file, a backup or a database browser). Retry the execution; with several n8n hosts (queue mode) use the Redis store. (${message})`;
	}
	if (/^Command timed out$/i.test(message)) {
		return `Redis did not answer within ${COMMAND_TIMEOUT_MS / 1000} s (the server is overloaded, paused or cut off). Some of this execution's leads may already be saved; retrying is safe, as leads already recorded come back as repeats and are not counted twice. Retry the execution once Redis answers. (${message})`;
	}
	if (
		/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|Connection is closed|max retries/i.test(message) &&
		!message.startsWith('Cannot connect to Redis')
	) {
		return `Redis is unreachable: check the host, port and TLS settings of the Lead Management Redis credential and that the server runs, then retry. (${message})`;
	}
	return message;
}

/** Any failure of an operation as the node reports it: its own errors as they are, store errors readable. */
export function asNodeError(node: INode, error: unknown): NodeOperationError {
	return error instanceof NodeOperationError ? error : new NodeOperationError(node, storeErrorMessage(error as Error));
}

/** Credential test: connect (any mode), authenticate, select the database and PING. */
export async function leadManagementRedisConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	try {
		const client = await connectRedis({
			...redisOptions(credential.data ?? {}),
			connectTimeoutMs: 5000,
			commandTimeoutMs: 5000,
		});
		client.disconnect();
		return { status: 'OK', message: 'Connection successful' };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}
