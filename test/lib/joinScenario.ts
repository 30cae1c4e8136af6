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

/**
 * Two namesakes at two companies, each remembered with two leads, and a bare lead with the name
 * alone (issue #31): it links both groups, one link each. With whole groups judged it joins one
 * and the two people stay apart; without (Dedupe version 1) the groups are merged.
 */
export const NAMESAKE_GROUPS: Array<Record<string, unknown>> = [
	{
		id: 'a1',
		first_name: 'John',
		last_name: 'Smith',
		email: 'john.smith@acme-tools.com',
		company: 'Acme Tools',
		phone: '+1 415 555 0101',
	},
	{ id: 'a2', first_name: 'John', last_name: 'Smith', email: 'john.smith@acme-tools.com', company: 'Acme Tools Inc' },
	{
		id: 'b1',
		first_name: 'John',
		last_name: 'Smith',
		email: 'john.smith@brightwave.io',
		company: 'Brightwave',
		phone: '+1 212 555 0199',
	},
	{
		id: 'b2',
		first_name: 'Jon',
		last_name: 'Smith',
		email: 'john.smith@brightwave.io',
		company: 'Brightwave',
		phone: '(212) 555-0199',
	},
];
export const BARE_NAMESAKE = { id: 'z', first_name: 'John', last_name: 'Smith', country: 'US' };

export async function expectKeptApart(store: LeadMemory): Promise<void> {
	const none = { maxEntries: 0, maxAgeMs: 0 };
	const us = { ...cfg, prepare: { defaultCountry: 'US' } };
	for (const [ns, wholeGroups] of [
		['apart', true],
		['chained', false],
	] as const) {
		const config = { ...us, matcher: { ...us.matcher, wholeGroups } };
		const first = await dedupeAgainstMemory(NAMESAKE_GROUPS, config, store, ns, none);
		expect(first.kept.map((k) => k.json.id)).toEqual(['a1', 'b1']);
		const [out] = (await dedupeAgainstMemory([BARE_NAMESAKE], config, store, ns, none)).duplicates;
		const info = out.json.dedupe as Record<string, unknown>;
		if (wholeGroups) {
			// The two links weigh the same: it joins either group, and is kept apart from the other.
			expect(info).toMatchObject({ status: 'duplicate' });
			expect(['a1', 'b1']).toContain(info.duplicate_of);
			const other = info.duplicate_of === 'a1' ? 'b1' : 'a1';
			expect(info).not.toHaveProperty('merged_clusters');
			expect(info.why).toMatch(new RegExp(`^Kept apart from lead ${other}'s group: work domains differ .*below 9\\)$`));
			// Each John Smith is still his own person.
			const later = await dedupeAgainstMemory(
				[
					{ id: 'a3', email: 'john.smith@acme-tools.com' },
					{ id: 'b3', email: 'john.smith@brightwave.io' },
				],
				config,
				store,
				ns,
				none,
			);
			expect(later.duplicates.map((d) => (d.json.dedupe as Record<string, unknown>).duplicate_of)).toEqual([
				'a1',
				'b1',
			]);
			// what memory comparisons learn their weights from: the most recently seen leads' values
			const recent = await store.recentValues(ns, 2);
			expect(recent.map((v) => v.email).sort()).toEqual(['john.smith@acme-tools.com', 'john.smith@brightwave.io']);
		} else {
			expect(info).toMatchObject({ duplicate_of: 'a1', merged_clusters: ['b1'] });
			expect(info).not.toHaveProperty('why');
		}
	}
}
