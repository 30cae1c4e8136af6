// Child process for the Redis concurrency test: claims keys and recalls leads against one server.
import { RedisStore } from '../../lib/store/redis';
import { dedupeAgainstMemory } from '../../lib/dedupe/dedupe';
import { DEFAULT_SOURCES, LEAD_FIELDS } from '../../lib/dedupe/leads';

async function main(): Promise<void> {
	const [port, keysJson] = process.argv.slice(2);
	const store = await RedisStore.open({ host: '127.0.0.1', port: Number(port), keyPrefix: 'race:' });
	const keys = JSON.parse(keysJson) as string[];
	const claims: string[] = [];
	for (const key of keys) if (await store.claim('test', key, 60_000)) claims.push(key);
	const fresh: string[] = [];
	for (const [i, key] of keys.entries()) {
		const out = await dedupeAgainstMemory(
			[{ id: `${process.pid}-${i}`, email: `${key}@example.com` }],
			{
				sources: DEFAULT_SOURCES,
				matcher: { fields: LEAD_FIELDS, mode: 'score', threshold: 9, maxBlockSize: 500 },
				onDuplicate: 'keepFirst',
				prepare: {},
			},
			store,
			'race',
			{ maxEntries: 0, maxAgeMs: 0 },
		);
		if (out.kept.length) fresh.push(key);
	}
	await store.close();
	process.stdout.write(JSON.stringify({ claims, fresh }));
}
void main();
