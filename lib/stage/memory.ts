/**
 * Each lead's stage and full history, remembered in the package's state store (SQLite by default,
 * Redis in queue mode). A record lives under `r:<uid>`; every id and email of the lead points at it
 * (`i:<id>`, `e:<email>`). A batch of moves is one atomic read-decide-write: two executions moving
 * the same lead at once give one consistent history.
 */
import { allKeyedRecords, keyedRecordPages, transactRecords, type LeadKeys } from '../store/records';
import type { KeyValueStore } from '../store/types';
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

export type { LeadKeys };

export const MAX_HISTORY = 500;

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
	return await transactRecords<StageRecord, MoveResult[]>(
		store,
		namespace,
		inputs.map((i) => i.lead),
		(records) =>
			inputs.map((input) => {
				const record = records.findOrCreate(input.lead, (uid) => ({
					uid,
					ids: [],
					emails: [],
					created_at: input.at,
					current: null,
					entered_at: null,
					history: [],
					dims: {},
				}));
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
				// A lead's history keeps its first transition and the latest ones.
				if (record.history.length > MAX_HISTORY) record.history.splice(1, record.history.length - MAX_HISTORY);
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
	return await transactRecords<StageRecord, Array<StageRecord | undefined>>(store, namespace, leads, (records) =>
		leads.map((lead) => records.find(lead)),
	);
}

/** GDPR erasure: forgets each lead's record and keys; returns how many transitions went with each. */
export async function forgetLeads(store: KeyValueStore, namespace: string, leads: LeadKeys[]): Promise<number[]> {
	return await transactRecords<StageRecord, number[]>(store, namespace, leads, (records) =>
		leads.map((lead) => {
			const removed = records.remove(lead);
			return removed ? Math.max(1, removed.history.length) : 0;
		}),
	);
}

/** Every remembered record of a namespace (the funnel report's input). */
export async function allRecords(store: KeyValueStore, namespace: string): Promise<StageRecord[]> {
	return await allKeyedRecords<StageRecord>(store, namespace);
}

/** Every remembered record, a page at a time (a report over a large memory in bounded memory). */
export function recordPages(store: KeyValueStore, namespace: string): AsyncIterable<StageRecord[]> {
	return keyedRecordPages<StageRecord>(store, namespace);
}
