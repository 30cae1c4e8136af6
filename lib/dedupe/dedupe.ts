import { createHash } from 'node:crypto';
import type { CandidateDecision, LeadMemory, RecallLead, Retention } from '../store/types';
import type { Prepared, PrepareOptions } from './fields';
import { prepareLead, hasComparableValues, type FieldSource } from './leads';
import { blockingKeys, decide, keyOptions, matchBatch, type MatcherConfig } from './matcher';
import { mergeLeads, submittedAt } from './merge';

type Json = Record<string, unknown>;

export type OnDuplicate = 'keepFirst' | 'keepLatest' | 'merge';
export type DedupeMode = 'batch' | 'memory' | 'reference';

export interface DedupeConfig {
	sources: FieldSource[];
	matcher: MatcherConfig;
	onDuplicate: OnDuplicate;
	prepare: PrepareOptions;
	now?: Date;
}

export interface DedupeInfo {
	status: 'unique' | 'duplicate';
	/** Id of the lead this cluster is kept as. */
	cluster_id: string;
	duplicate_of: string | null;
	/** The lead this one matched directly, on which fields, with what score. */
	matched_id: string | null;
	matched_on: string[];
	score: number | null;
	mode: DedupeMode;
	checked_at: string;
	merged_ids?: string[];
	/** Set when the item had nothing to compare (no email, phone, name, ...). */
	unmatchable?: boolean;
}

export interface DedupeOutcome {
	/** Input index and the item to emit (leads with their `dedupe` section). */
	kept: Array<{ index: number; json: Json }>;
	duplicates: Array<{ index: number; json: Json }>;
}

/** The lead id of an item, or a stable id derived from its comparable values. */
export function leadIdOf(json: Json, prepared: Prepared): string {
	for (const k of ['id', 'lead_id', 'leadId']) {
		const v = json[k];
		if ((typeof v === 'string' && v) || typeof v === 'number') return String(v);
	}
	return `h:${createHash('sha256').update(JSON.stringify(prepared)).digest('hex').slice(0, 24)}`;
}

/** The item with its `dedupe` section (fields of an earlier section that this run does not set are kept). */
function withInfo(json: Json, info: DedupeInfo): Json {
	const earlier = json.dedupe;
	return { ...json, dedupe: earlier && typeof earlier === 'object' ? { ...(earlier as Json), ...info } : info };
}

/**
 * Finds duplicates among `items`, optionally against `reference` records that come first (a CRM
 * export): clusters holding a reference record make every item in them a duplicate of it.
 */
export function dedupeBatch(items: Json[], config: DedupeConfig, reference: Json[] = []): DedupeOutcome {
	const checkedAt = (config.now ?? new Date()).toISOString();
	const all = [...reference, ...items];
	const prepared = all.map((j) => prepareLead(j, config.sources, config.prepare));
	const ids = all.map((j, i) => leadIdOf(j, prepared[i]));
	const { cluster, bestMatch } = matchBatch(prepared, config.matcher);
	const mode: DedupeMode = reference.length ? 'reference' : 'batch';
	const out: DedupeOutcome = { kept: [], duplicates: [] };
	const R = reference.length;
	for (const members of clusterMembers(cluster)) {
		const itemMembers = members.filter((m) => m >= R);
		if (!itemMembers.length) continue;
		const refMember = members.find((m) => m < R);
		let keptIdx: number | undefined;
		if (refMember === undefined) {
			keptIdx = itemMembers[0];
			if (config.onDuplicate === 'keepLatest' && itemMembers.length > 1) {
				keptIdx = itemMembers.reduce((best, m) => (submittedAt(all[m]) >= submittedAt(all[best]) ? m : best), itemMembers[0]);
			}
		}
		const clusterId = ids[refMember ?? keptIdx!];
		const info = (i: number, status: DedupeInfo['status']): DedupeInfo => {
			const bm = bestMatch[i];
			return {
				status,
				cluster_id: clusterId,
				duplicate_of: status === 'duplicate' ? clusterId : null,
				matched_id: bm ? ids[bm.other] : null,
				matched_on: bm?.fields ?? [],
				score: bm?.score ?? null,
				mode,
				checked_at: checkedAt,
				...(hasComparableValues(prepared[i]) ? {} : { unmatchable: true }),
			};
		};
		const dupIdx = itemMembers.filter((m) => m !== keptIdx);
		if (keptIdx !== undefined) {
			let json = all[keptIdx];
			if (config.onDuplicate === 'merge' && dupIdx.length) {
				const first = itemMembers[0];
				json = { ...mergeLeads(all[first], itemMembers.filter((m) => m !== first).map((m) => all[m])) };
				const merged = { ...info(keptIdx, 'unique'), merged_ids: dupIdx.map((m) => ids[m]) };
				out.kept.push({ index: keptIdx - R, json: withInfo(json, merged) });
			} else {
				out.kept.push({ index: keptIdx - R, json: withInfo(json, info(keptIdx, 'unique')) });
			}
		}
		for (const m of dupIdx) {
			let json = all[m];
			// Against a reference list, "merge" hands back the reference record completed by the item.
			if (refMember !== undefined && config.onDuplicate === 'merge') json = mergeLeads(all[refMember], [all[m]]);
			out.duplicates.push({ index: m - R, json: withInfo(json, info(m, 'duplicate')) });
		}
	}
	out.kept.sort((a, b) => a.index - b.index);
	out.duplicates.sort((a, b) => a.index - b.index);
	return out;
}

/**
 * Each cluster's members in input order, clusters in order of their first member. Clusters are
 * linked through typed arrays: no map or array per record, which matters at a million leads.
 */
function* clusterMembers(cluster: Int32Array): Generator<number[]> {
	const n = cluster.length;
	const next = new Int32Array(n).fill(-1);
	const tail = new Int32Array(n).fill(-1);
	for (let i = 0; i < n; i++) {
		const c = cluster[i];
		if (tail[c] >= 0) next[tail[c]] = i;
		tail[c] = i;
	}
	for (let i = 0; i < n; i++) {
		if (cluster[i] !== i) continue;
		const members = [i];
		for (let m = next[i]; m >= 0; m = next[m]) members.push(m);
		yield members;
	}
}

/** Leads per store transaction (a Redis lock is held for one chunk, well within its 30 s expiry). */
const MEMORY_CHUNK = 500;

/**
 * Checks each item against the leads remembered from earlier executions (and earlier items of
 * this batch), recording it in the same transaction as its look-up; up to 500 items share one
 * transaction.
 */
export async function dedupeAgainstMemory(items: Json[], config: DedupeConfig, memory: LeadMemory, namespace: string, retention: Retention): Promise<DedupeOutcome> {
	const now = config.now ?? new Date();
	const out: DedupeOutcome = { kept: [], duplicates: [] };
	const pending: Array<{ index: number; json: Json; id: string; lead: RecallLead; decide: CandidateDecision }> = [];
	const checkedAt = now.toISOString();
	const keyOpts = keyOptions(config.matcher);
	const unique = (id: string): DedupeInfo => ({ status: 'unique', cluster_id: id, duplicate_of: null, matched_id: null, matched_on: [], score: null, mode: 'memory', checked_at: checkedAt });
	for (let index = 0; index < items.length; index++) {
		const json = items[index];
		const values = prepareLead(json, config.sources, config.prepare);
		const id = leadIdOf(json, values);
		if (!hasComparableValues(values)) {
			out.kept.push({ index, json: withInfo(json, { ...unique(id), unmatchable: true }) });
			continue;
		}
		const keys = blockingKeys(values, config.matcher.fields, keyOpts);
		const decideFor: CandidateDecision = (c) => (c.recordId === id ? { match: true, score: Infinity, fields: ['id'] } : decide(values, c.values, config.matcher));
		pending.push({ index, json, id, lead: { recordId: id, values, keys }, decide: decideFor });
	}
	for (let start = 0; start < pending.length; start += MEMORY_CHUNK) {
		const chunk = pending.slice(start, start + MEMORY_CHUNK);
		const results = await memory.recallMany(namespace, chunk, retention, now.getTime());
		chunk.forEach(({ index, json, id }, k) => {
			const found = results[k];
			if (!found.duplicateOf) {
				out.kept.push({ index, json: withInfo(json, unique(id)) });
				return;
			}
			const original = found.duplicateOf.canonicalId;
			const info: DedupeInfo = {
				status: 'duplicate',
				cluster_id: original,
				duplicate_of: original,
				matched_id: found.duplicateOf.recordId,
				matched_on: found.fields ?? [],
				score: Number.isFinite(found.score) ? (found.score ?? null) : null,
				mode: 'memory',
				checked_at: checkedAt,
			};
			// Earlier executions' leads are not kept whole, so "merge" re-labels this one with the original id.
			const merged = config.onDuplicate === 'merge' ? { ...json, id: original } : json;
			out.duplicates.push({ index, json: withInfo(merged, config.onDuplicate === 'merge' ? { ...info, merged_ids: [id] } : info) });
		});
	}
	out.kept.sort((a, b) => a.index - b.index);
	out.duplicates.sort((a, b) => a.index - b.index);
	return out;
}
