import { createHash } from 'node:crypto';
import type { CandidateDecision, KeyValueStore, LeadMemory, RecallLead, Retention } from '../store/types';
import type { Prepared, PrepareOptions } from './fields';
import { prepareLead, hasComparableValues, type FieldSource } from './leads';
import { contradiction, groupCheckText } from './chaining';
import { scoreRecords, type MatchModel } from './compare';
import { memoryModel } from './memoryModel';
import { blockingKeys, decide, keyOptions, matchBatch, modelFlags, wholeGroupBar, type MatcherConfig } from './matcher';
import { mergeLeads, submittedAt } from './merge';

type Json = Record<string, unknown>;

export type OnDuplicate = 'keepFirst' | 'keepLatest' | 'merge';
export type DedupeMode = 'batch' | 'memory' | 'reference';
/**
 * Where a repeat (the same lead arriving again: a re-delivered submission, a retried execution)
 * goes: where it went the first time (Kept, unless it was a duplicate then), always Kept, always
 * Duplicates, or an output of its own.
 */
export type RepeatRoute = 'asFirst' | 'kept' | 'duplicates' | 'separate';

export interface DedupeConfig {
	sources: FieldSource[];
	matcher: MatcherConfig;
	onDuplicate: OnDuplicate;
	prepare: PrepareOptions;
	/** Default 'asFirst'. */
	repeats?: RepeatRoute;
	now?: Date;
}

export interface DedupeInfo {
	status: 'unique' | 'duplicate' | 'repeat';
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
	/**
	 * Against earlier executions: leads remembered as different people until this one matched
	 * each; their clusters now belong to `cluster_id`.
	 */
	merged_clusters?: string[];
	/**
	 * Set when a link of this lead was judged on whole groups because records on its two sides
	 * contradict each other (two work domains, phones or companies): whether it joined, and why.
	 */
	why?: string;
	/** Repeats: when this lead was first seen, and whether it was unique or a duplicate then. */
	first_seen_at?: string;
	first_status?: 'unique' | 'duplicate';
}

type Emitted = { index: number; json: Json };

export interface DedupeOutcome {
	/** Input index and the item to emit (leads with their `dedupe` section). */
	kept: Emitted[];
	duplicates: Emitted[];
	/** Repeats, when `repeats` is 'separate' (otherwise they are in kept or duplicates). */
	repeats: Emitted[];
}

/** The cluster id of each input lead, by input index (to score an outcome against ground truth). */
export function clusterIdsOf(outcome: DedupeOutcome, n: number): string[] {
	const cluster = new Array<string>(n);
	for (const item of [...outcome.kept, ...outcome.duplicates, ...outcome.repeats])
		cluster[item.index] = String((item.json.dedupe as { cluster_id: string }).cluster_id);
	return cluster;
}

/** Puts a repeat on the output its route and first status call for. */
function emitRepeat(
	out: DedupeOutcome,
	route: RepeatRoute | undefined,
	item: Emitted,
	firstStatus: 'unique' | 'duplicate',
): void {
	const target =
		route === 'separate'
			? out.repeats
			: route === 'kept'
				? out.kept
				: route === 'duplicates'
					? out.duplicates
					: firstStatus === 'unique'
						? out.kept
						: out.duplicates;
	target.push(item);
}

function byIndex(out: DedupeOutcome): DedupeOutcome {
	for (const list of [out.kept, out.duplicates, out.repeats]) list.sort((a, b) => a.index - b.index);
	return out;
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
	const R = reference.length;
	const allItems = items.map((j) => ({ json: j, prepared: prepareLead(j, config.sources, config.prepare) }));
	const itemIds = allItems.map((x) => leadIdOf(x.json, x.prepared));
	// An item whose id an earlier item of the batch already has is that lead again: it takes the
	// first one's outcome as a repeat and is not matched itself.
	const firstOf = new Map<string, number>();
	const repeatOf = itemIds.map((id, i) => {
		const first = firstOf.get(id);
		if (first === undefined) firstOf.set(id, i);
		return first;
	});
	const fresh = allItems.flatMap((x, i) => (repeatOf[i] === undefined ? [i] : []));
	const all = [...reference, ...fresh.map((i) => allItems[i].json)];
	const prepared = [
		...reference.map((j) => prepareLead(j, config.sources, config.prepare)),
		...fresh.map((i) => allItems[i].prepared),
	];
	const ids = all.map((j, i) => leadIdOf(j, prepared[i]));
	/** Input index of position `m` of `all` (an item). */
	const inputIndex = (m: number) => fresh[m - R];
	const { cluster, bestMatch, groupChecks } = matchBatch(prepared, config.matcher);
	const mode: DedupeMode = R ? 'reference' : 'batch';
	const out: DedupeOutcome = { kept: [], duplicates: [], repeats: [] };
	const infoByInput = new Map<number, DedupeInfo>();
	for (const members of clusterMembers(cluster)) {
		const itemMembers = members.filter((m) => m >= R);
		if (!itemMembers.length) continue;
		const refMember = members.find((m) => m < R);
		let keptIdx: number | undefined;
		if (refMember === undefined) {
			keptIdx = itemMembers[0];
			if (config.onDuplicate === 'keepLatest' && itemMembers.length > 1) {
				keptIdx = itemMembers.reduce(
					(best, m) => (submittedAt(all[m]) >= submittedAt(all[best]) ? m : best),
					itemMembers[0],
				);
			}
		}
		const clusterId = ids[refMember ?? keptIdx!];
		const info = (i: number, status: DedupeInfo['status']): DedupeInfo => {
			const bm = bestMatch[i];
			const check = groupChecks?.[i];
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
				...(check ? { why: groupCheckText(check, ids[check.other]) } : {}),
			};
		};
		const dupIdx = itemMembers.filter((m) => m !== keptIdx);
		if (keptIdx !== undefined) {
			let json = all[keptIdx];
			let keptInfo = info(keptIdx, 'unique');
			if (config.onDuplicate === 'merge' && dupIdx.length) {
				const first = itemMembers[0];
				json = {
					...mergeLeads(
						all[first],
						itemMembers.filter((m) => m !== first).map((m) => all[m]),
					),
				};
				keptInfo = { ...keptInfo, merged_ids: dupIdx.map((m) => ids[m]) };
			}
			infoByInput.set(inputIndex(keptIdx), keptInfo);
			out.kept.push({ index: inputIndex(keptIdx), json: withInfo(json, keptInfo) });
		}
		for (const m of dupIdx) {
			let json = all[m];
			// Against a reference list, "merge" hands back the reference record completed by the item.
			if (refMember !== undefined && config.onDuplicate === 'merge') json = mergeLeads(all[refMember], [all[m]]);
			const dupInfo = info(m, 'duplicate');
			infoByInput.set(inputIndex(m), dupInfo);
			out.duplicates.push({ index: inputIndex(m), json: withInfo(json, dupInfo) });
		}
	}
	repeatOf.forEach((first, index) => {
		if (first === undefined) return;
		const earlier = infoByInput.get(first)!;
		const firstStatus = earlier.status === 'unique' ? 'unique' : 'duplicate';
		const info: DedupeInfo = {
			...earlier,
			status: 'repeat',
			matched_id: itemIds[first],
			matched_on: [],
			score: null,
			first_seen_at: checkedAt,
			first_status: firstStatus,
		};
		delete info.merged_ids;
		emitRepeat(out, config.repeats, { index, json: withInfo(items[index], info) }, firstStatus);
	});
	return byIndex(out);
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

/**
 * How a lead is compared with remembered ones: the pair decision, and with Join Groups Only When
 * They Match as Wholes the judge of remembered groups that hold contradicting records.
 */
function memoryDecision(values: Prepared, matcher: MatcherConfig, learned?: MatchModel): CandidateDecision {
	const model = { ...learned, ...modelFlags(matcher) };
	const decision: CandidateDecision = (c) => decide(values, c.values, matcher, model);
	if (matcher.mode === 'score' && matcher.wholeGroups)
		decision.judge = {
			values,
			score: (a, b) => scoreRecords(a, b, matcher.fields, model),
			contradicts: (a, b) => contradiction(a, b, matcher.fields),
			bar: wholeGroupBar(matcher, model),
		};
	return decision;
}

/** Leads per store transaction (a Redis lock is held for one chunk, well within its 30 s expiry). */
const MEMORY_CHUNK = 500;

/**
 * Checks each item against the leads remembered from earlier executions (and earlier items of
 * this batch), recording it in the same transaction as its look-up; up to 500 items share one
 * transaction.
 */
export async function dedupeAgainstMemory(
	items: Json[],
	config: DedupeConfig,
	memory: LeadMemory,
	namespace: string,
	retention: Retention,
	options: {
		/**
		 * Where the memory's learned weights are kept (Dedupe version 1.1): with it, comparisons use
		 * weights learned from the remembered leads (memoryModel.ts); without, the hand-set ones.
		 */
		weights?: KeyValueStore;
	} = {},
): Promise<DedupeOutcome> {
	const now = config.now ?? new Date();
	const model = options.weights
		? (await memoryModel(memory, options.weights, namespace, config.matcher, now.getTime())).model
		: undefined;
	const out: DedupeOutcome = { kept: [], duplicates: [], repeats: [] };
	const pending: Array<{ index: number; json: Json; id: string; lead: RecallLead; decide: CandidateDecision }> = [];
	const checkedAt = now.toISOString();
	const keyOpts = keyOptions(config.matcher);
	const unique = (id: string): DedupeInfo => ({
		status: 'unique',
		cluster_id: id,
		duplicate_of: null,
		matched_id: null,
		matched_on: [],
		score: null,
		mode: 'memory',
		checked_at: checkedAt,
	});
	for (let index = 0; index < items.length; index++) {
		const json = items[index];
		const values = prepareLead(json, config.sources, config.prepare);
		const id = leadIdOf(json, values);
		if (!hasComparableValues(values)) {
			out.kept.push({ index, json: withInfo(json, { ...unique(id), unmatchable: true }) });
			continue;
		}
		const keys = blockingKeys(values, config.matcher.fields, keyOpts);
		pending.push({
			index,
			json,
			id,
			lead: { recordId: id, values, keys },
			decide: memoryDecision(values, config.matcher, model),
		});
	}
	for (let start = 0; start < pending.length; start += MEMORY_CHUNK) {
		const chunk = pending.slice(start, start + MEMORY_CHUNK);
		const results = await memory.recallMany(namespace, chunk, retention, now.getTime());
		chunk.forEach(({ index, json, id }, k) => {
			const found = results[k];
			if (found.repeat) {
				const { canonicalId, firstSeenAt } = found.repeat;
				const firstStatus = canonicalId === id ? 'unique' : 'duplicate';
				const info: DedupeInfo = {
					...unique(canonicalId),
					status: 'repeat',
					duplicate_of: firstStatus === 'duplicate' ? canonicalId : null,
					matched_id: id,
					first_seen_at: new Date(firstSeenAt).toISOString(),
					first_status: firstStatus,
				};
				emitRepeat(out, config.repeats, { index, json: withInfo(json, info) }, firstStatus);
				return;
			}
			const why = found.groupCheck ? { why: groupCheckText(found.groupCheck, found.groupCheck.other) } : {};
			if (!found.duplicateOf) {
				out.kept.push({ index, json: withInfo(json, { ...unique(id), ...why }) });
				return;
			}
			const original = found.duplicateOf.canonicalId;
			const info: DedupeInfo = {
				status: 'duplicate',
				cluster_id: original,
				duplicate_of: original,
				matched_id: found.duplicateOf.recordId,
				matched_on: found.fields ?? [],
				score: found.score ?? null,
				mode: 'memory',
				checked_at: checkedAt,
				...(found.merged?.length ? { merged_clusters: found.merged } : {}),
				...why,
			};
			// Earlier executions' leads are not kept whole, so "merge" re-labels this one with the original id.
			const merged = config.onDuplicate === 'merge' ? { ...json, id: original } : json;
			out.duplicates.push({
				index,
				json: withInfo(merged, config.onDuplicate === 'merge' ? { ...info, merged_ids: [id] } : info),
			});
		});
	}
	return byIndex(out);
}
