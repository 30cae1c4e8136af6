/**
 * n8n in queue mode on 127.0.0.1 for tests and the bench: PostgreSQL (n8n's database), one Redis
 * for n8n's queue and one for the package's state store (so either can be paused alone), a main
 * process and `workers` workers sharing the packed package, stopped by the PIDs started.
 */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/net';
import { startPostgres, type Postgres } from '../helpers/postgres';
import { startRedis, type RedisServer } from '../helpers/redisServer';
import { N8n } from './n8n';

export interface QueueCluster {
	main: N8n;
	workers: N8n[];
	/** The environment every process of the cluster runs with (to start one again). */
	env: Record<string, string>;
	queueRedis: RedisServer;
	storeRedis: RedisServer;
	/** A Lead Management Redis credential on the store's Redis. */
	credential: { id: string; name: string };
	/** Executions each worker has started so far (from its log). */
	executionsPerWorker(): number[];
	stop(): Promise<void>;
}

export async function startQueueCluster(workerCount = 2): Promise<QueueCluster> {
	const prepared = process.env.E2E_N8N_USER_FOLDER;
	if (!prepared) throw new Error('E2E_N8N_USER_FOLDER is not set: run through npm test or npm run test:e2e');
	const started: Array<{ stop(): Promise<void> }> = [];
	try {
		const pg: Postgres = await startPostgres();
		started.push(pg);
		const queueRedis = await startRedis();
		started.push(queueRedis);
		const storeRedis = await startRedis();
		started.push(storeRedis);
		const folder = mkdtempSync(join(prepared, 'queue-'));
		cpSync(join(prepared, '.n8n', 'nodes'), join(folder, '.n8n', 'nodes'), { recursive: true });
		const env = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(queueRedis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(pg.port),
			DB_POSTGRESDB_DATABASE: pg.database,
			DB_POSTGRESDB_USER: pg.user,
			N8N_ENCRYPTION_KEY: 'queue-e2e-encryption-key',
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			// A killed worker's jobs are found stalled within 20 s (n8n's defaults: 60 + 30 s) and
			// their executions marked crashed within a minute (default: every 180 minutes).
			QUEUE_WORKER_LOCK_DURATION: '15000',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
			N8N_EXECUTIONS_QUEUE_RECOVERY_INTERVAL: '1',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '15',
		};
		const main = new N8n(folder, await freePort(), join(folder, 'main.log'));
		await main.start(env);
		started.push(main);
		await main.setupOwner();
		const credential = await main.createCredential('leadManagementRedisApi', 'Queue Redis', {
			host: '127.0.0.1',
			port: storeRedis.port,
			database: 1,
			tls: false,
			keyPrefix: 'queue-e2e:',
		});
		const workers: N8n[] = [];
		for (let k = 1; k <= workerCount; k++) {
			const worker = new N8n(folder, await freePort(), join(folder, `worker-${k}.log`), 'worker');
			await worker.start(env);
			started.push(worker);
			workers.push(worker);
		}
		return {
			main,
			workers,
			env,
			queueRedis,
			storeRedis,
			credential,
			executionsPerWorker: () =>
				workers.map((w) => (readFileSync(w.logFile, 'utf8').match(/Worker started execution/g) ?? []).length),
			stop: async () => {
				for (const s of started.reverse()) await s.stop();
			},
		};
	} catch (e) {
		for (const s of started.reverse()) await s.stop();
		throw e;
	}
}
