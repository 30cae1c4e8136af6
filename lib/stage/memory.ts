/**
 * Each lead's stage and full history, remembered in the package's state store (SQLite by default,
 * Redis in queue mode). A record lives under `r:<uid>`; every id and email of the lead points at it
 * (`i:<id>`, `e:<email>`). A batch of moves is one atomic read-decide-write: two executions moving
 * the same lead at once give one consistent history.
 */
import { randomUUID } from 'node:crypto';
import type { KeyValueStore, KvView } from '../store/types';
import { decideMove, type MoveOutcome, type MoveRequest, type MoveRules } from './moves';
import { findStage, type Stage, type StageList } from './stages';

export interface Transition {
	from: string | null;
	to: string;
	at: string;
	reason?: string;
	/** The node (as the user named it), workflow and execution that made the move. */
	node?: string;
	workflow?: string;
	execution?: string;
}

/** What the funnel report can group by, taken from the lead when it first entered a stage. */
export interface StageDims {
	source?: string;
	campaign?: string;
	owner?: string;
}

export interface StageRecord {
	uid: string;
	ids: string[];
	emails: string[];
	created_at: string;
	current: string | null;
	entered_at: string | null;
	history: Transition[];
	dims: StageDims;
}

export interface LeadKeys {
	ids: string[];
	emails: string[];
}

const MAX_KEYS = 20;
/** A lead's history keeps its first transition and the latest ones. */
export const MAX_HISTORY = 500;

const pointerKeys = (k: LeadKeys) => [...k.ids.map((id) => `i:${id}`), ...k.emails.map((e) => `e:${e}`)];
/** Records are named after the first key they were stored under, so a look-up by it needs one read. */
const recordKey = (uid: string) => `r:${uid}`;

/**
 * Runs `body` over the records of these leads in one transaction. A lead found through a key other
 * than the one its record was created under needs that record loaded too: the transaction is run
 * again with it (the pointers are re-checked inside, so the result stays exact).
 */
export async function transactRecords<T>(
	store: KeyValueStore,
	namespace: string,
	leads: LeadKeys[],
	body: (records: RecordView) => T,
	now?: number,
): Promise<T> {
	const base = new Set<string>();
	for (const lead of leads) {
		for (const key of pointerKeys(lead)) {
			base.add(key);
			base.add(recordKey(key));
		}
	}
	const extra = new Set<string>();
	for (let attempt = 0; attempt < 6; attempt++) {
		const keys = [...base, ...extra];
		const result = await store.transact<{ missing: string[] } | { value: T }>(
			namespace,
			keys,
			(view) => {
				const loaded = new Set(keys);
				const missing = leads
					.flatMap(pointerKeys)
					.map((k) => view.get(k))
					.filter((uid): uid is string => !!uid && !loaded.has(recordKey(uid)))
					.map(recordKey);
				if (missing.length) return { missing };
				return { value: body(new RecordView(view)) };
			},
			now,
		);
		if (!('missing' in result)) return result.value;
		for (const k of result.missing) extra.add(k);
	}
	throw new Error('The stage memory kept changing while it was read: retry the execution');
}

/** Records read and written inside one transaction (a lead moved twice in a batch sees its first move). */
export class RecordView {
	private readonly cache = new Map<string, StageRecord>();

	constructor(private readonly view: KvView) {}

	find(lead: LeadKeys): StageRecord | undefined {
		for (const key of pointerKeys(lead)) {
			const uid = this.view.get(key);
			if (!uid) continue;
			const cached = this.cache.get(uid);
			if (cached) return cached;
			const text = this.view.get(recordKey(uid));
			if (!text) continue;
			const record = JSON.parse(text) as StageRecord;
			this.cache.set(uid, record);
			return record;
		}
		return undefined;
	}

	/** The lead's record, created (with no stage yet) when it has none. */
	findOrCreate(lead: LeadKeys, at: string): StageRecord {
		const found = this.find(lead);
		if (found) return found;
		const first = pointerKeys(lead)[0] ?? randomUUID();
		const record: StageRecord = {
			uid: first,
			ids: [],
			emails: [],
			created_at: at,
			current: null,
			entered_at: null,
			history: [],
			dims: {},
		};
		this.cache.set(record.uid, record);
		return record;
	}

	/** Writes the record and points each key of the lead at it (keys held by another lead stay theirs). */
	save(record: StageRecord, lead: LeadKeys): void {
		for (const id of lead.ids) {
			if (record.ids.includes(id) || record.ids.length >= MAX_KEYS) continue;
			if (this.claimed(`i:${id}`, record.uid)) record.ids.push(id);
		}
		for (const email of lead.emails) {
			if (record.emails.includes(email) || record.emails.length >= MAX_KEYS) continue;
			if (this.claimed(`e:${email}`, record.uid)) record.emails.push(email);
		}
		if (record.history.length > MAX_HISTORY) record.history.splice(1, record.history.length - MAX_HISTORY);
		this.cache.set(record.uid, record);
		this.view.set(recordKey(record.uid), JSON.stringify(record));
	}

	private claimed(key: string, uid: string): boolean {
		const holder = this.view.get(key);
		if (holder && holder !== uid) return false;
		if (!holder) this.view.set(key, uid);
		return true;
	}

	/** Forgets the record and every key pointing at it; returns it. */
	remove(lead: LeadKeys): StageRecord | undefined {
		const record = this.find(lead);
		if (!record) return undefined;
		for (const id of record.ids) this.view.delete(`i:${id}`);
		for (const email of record.emails) this.view.delete(`e:${email}`);
		this.view.delete(recordKey(record.uid));
		this.cache.delete(record.uid);
		return record;
	}
}

export interface MoveInput {
	lead: LeadKeys;
	request: MoveRequest;
	/** When the move happens (ISO); the execution's time unless the item says. */
	at: string;
	/** The stage the item says the lead is at (a CRM look-up); overrides the remembered one. */
	itemStage?: string;
	dims: StageDims;
	missingFor: (stage: Stage) => string[];
}

export interface MoveResult {
	outcome: MoveOutcome;
	record: StageRecord;
}

export interface MoveContext {
	node?: string;
	workflow?: string;
	execution?: string;
}

/** The last main stage of a history (where a lead in Nurture comes back to). */
function lastMainStage(list: StageList, record: StageRecord): Stage | undefined {
	for (let i = record.history.length - 1; i >= 0; i--) {
		const stage = findStage(list, record.history[i].to);
		if (stage?.kind === 'main') return stage;
	}
	return undefined;
}

/**
 * Decides and records a batch of moves in one transaction, in order. Unchanged and refused moves
 * write nothing; an advanced move appends a transition and moves the record's current stage.
 */
export async function moveMany(
	store: KeyValueStore,
	namespace: string,
	list: StageList,
	rules: MoveRules,
	inputs: MoveInput[],
	context: MoveContext,
	now?: number,
): Promise<MoveResult[]> {
	return await transactRecords(
		store,
		namespace,
		inputs.map((i) => i.lead),
		(records) =>
			inputs.map((input) => {
				const record = records.findOrCreate(input.lead, input.at);
				const remembered = record.current ? findStage(list, record.current) : undefined;
				const stated = input.itemStage ? findStage(list, input.itemStage) : undefined;
				if (input.itemStage && !stated)
					throw new StageMemoryError(
						`The lead's current stage "${input.itemStage.slice(0, 80)}" is not in the stage list`,
					);
				const current = stated ?? remembered;
				const outcome = decideMove(
					list,
					rules,
					{
						current,
						lastMain: lastMainStage(list, record),
						enteredAt: current === remembered ? (record.entered_at ?? undefined) : undefined,
					},
					input.request,
					input.missingFor,
				);
				if (outcome.status !== 'advanced') return { outcome, record: structuredClone(record) };
				const reason = input.request.reason?.trim();
				record.history.push({
					from: outcome.from,
					to: outcome.to!,
					at: input.at,
					...(reason ? { reason: reason.slice(0, 1000) } : {}),
					...(context.node ? { node: context.node } : {}),
					...(context.workflow ? { workflow: context.workflow } : {}),
					...(context.execution ? { execution: context.execution } : {}),
				});
				record.current = outcome.to;
				record.entered_at = input.at;
				for (const [k, v] of Object.entries(input.dims) as Array<[keyof StageDims, string | undefined]>) {
					if (v && !record.dims[k]) record.dims[k] = v.slice(0, 200);
				}
				records.save(record, input.lead);
				return { outcome, record: structuredClone(record) };
			}),
		now,
	);
}

export class StageMemoryError extends Error {}

/** The remembered records of these leads (Get History), in order; undefined for unknown leads. */
export async function readRecords(
	store: KeyValueStore,
	namespace: string,
	leads: LeadKeys[],
): Promise<Array<StageRecord | undefined>> {
	return await transactRecords(store, namespace, leads, (records) => leads.map((lead) => records.find(lead)));
}

/** GDPR erasure: forgets each lead's record and keys; returns how many transitions went with each. */
export async function forgetLeads(store: KeyValueStore, namespace: string, leads: LeadKeys[]): Promise<number[]> {
	return await transactRecords(store, namespace, leads, (records) =>
		leads.map((lead) => {
			const removed = records.remove(lead);
			return removed ? Math.max(1, removed.history.length) : 0;
		}),
	);
}

/** Every remembered record of a namespace (the funnel report's input). */
export async function allRecords(store: KeyValueStore, namespace: string): Promise<StageRecord[]> {
	const entries = await store.entries(namespace, 'r:');
	return Object.values(entries).map((text) => JSON.parse(text) as StageRecord);
}
