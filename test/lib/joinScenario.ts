/** A lead linking two remembered people, shared by the SQLite (dedupe.test.ts) and Redis (store-redis.test.ts) tests. */
import { dedupeAgainstMemory, type DedupeConfig } from '../../lib/dedupe/dedupe';
import { DEFAULT_SOURCES, LEAD_FIELDS } from '../../lib/dedupe/leads';
import { DEFAULT_THRESHOLD } from '../../lib/dedupe/matcher';
import type { LeadMemory } from '../../lib/store/types';

const cfg: DedupeConfig = {
	sources: DEFAULT_SOURCES,
	matcher: { fields: LEAD_FIELDS, mode: 'score', threshold: DEFAULT_THRESHOLD, maxBlockSize: 500 },
	onDuplicate: 'keepFirst',
	prepare: { defaultCountry: 'FR' },
};

export async function expectJoin(store: LeadMemory): Promise<void> {
	const none = { maxEntries: 0, maxAgeMs: 0 };
	const run = async (item: Record<string, unknown>, at: string) =>
		await dedupeAgainstMemory([item], { ...cfg, now: new Date(at) }, store, 'join', none);
	// Two leads of one person that share nothing: an email-only lead and a phone-only lead.
	expect(
		(await run({ id: 'a', email: 'ruth.okafor@acme.example', first_name: 'Ruth' }, '2026-11-01T00:00:00Z')).kept,
	).toHaveLength(1);
	expect(
		(
			await run(
				{ id: 'b', phone: '+33 6 12 34 56 78', first_name: 'Ruth', last_name: 'Okafor' },
				'2026-11-02T00:00:00Z',
			)
		).kept,
	).toHaveLength(1);
	// A third lead carries both: it links them.
	const linking = await run(
		{ id: 'c', email: 'ruth.okafor@acme.example', phone: '06 12 34 56 78', first_name: 'Ruth', last_name: 'Okafor' },
		'2026-11-03T00:00:00Z',
	);
	expect(linking.duplicates[0].json.dedupe).toMatchObject({
		status: 'duplicate',
		cluster_id: 'a',
		duplicate_of: 'a',
		merged_clusters: ['b'],
	});
	// The phone-only side now belongs to the older cluster.
	const later = await run({ id: 'd', phone: '+33612345678', last_name: 'Okafor' }, '2026-11-04T00:00:00Z');
	expect(later.duplicates[0].json.dedupe).toMatchObject({ duplicate_of: 'a' });
	expect(later.duplicates[0].json.dedupe).not.toHaveProperty('merged_clusters');
	expect(await store.forget('join', ['a'])).toBe(4);
}
