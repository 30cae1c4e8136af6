import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IExecuteFunctions,
	INodeCredentialTestResult,
	INodeProperties,
	IWebhookFunctions,
} from 'n8n-workflow';
import { openRedisStore, RedisStore } from '../../lib/store/redis';
import { defaultStorePath, openSqliteStore } from '../../lib/store/sqlite';
import type { KeyValueStore, LeadMemory, StateStore } from '../../lib/store/types';

export const REDIS_CREDENTIAL = 'leadManagementRedisApi';

/** The "State Store" parameter shared by every node that keeps state. */
export const storeProperty: INodeProperties = {
	displayName: 'State Store',
	name: 'store',
	type: 'options',
	default: 'sqlite',
	options: [
		{ name: 'Embedded (SQLite File)', value: 'sqlite', description: 'No setup; exact across executions and processes on one host' },
		{ name: 'Redis', value: 'redis', description: 'For queue mode with workers on several hosts' },
	],
};

function redisOptions(c: ICredentialDataDecryptedObject) {
	return {
		host: String(c.host ?? 'localhost'),
		port: Number(c.port ?? 6379),
		username: c.user ? String(c.user) : undefined,
		password: c.password ? String(c.password) : undefined,
		db: Number(c.database ?? 0),
		tls: c.tls === true,
		keyPrefix: String(c.keyPrefix ?? 'lead-management:'),
	};
}

export type OpenedStore = StateStore & LeadMemory & KeyValueStore;

/** The store a node was configured with: SQLite beside n8n's data, or Redis from the credential. */
export async function openStore(ctx: IExecuteFunctions | IWebhookFunctions, store: string, stateFile: string): Promise<OpenedStore> {
	if (store === 'redis') return await openRedisStore(redisOptions(await ctx.getCredentials(REDIS_CREDENTIAL)));
	return openSqliteStore(stateFile || defaultStorePath());
}

/** Credential test: connect, authenticate and select the database. */
export async function leadManagementRedisConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	try {
		const store = await RedisStore.open({ ...redisOptions(credential.data ?? {}), connectTimeoutMs: 5000 });
		await store.close();
		return { status: 'OK', message: 'Connection successful' };
	} catch (error) {
		return { status: 'Error', message: (error as Error).message };
	}
}
