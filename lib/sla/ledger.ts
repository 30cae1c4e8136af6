/**
 * The SLA ledger: each lead's clock kept in the package's state store (Start Clock, Record Touch,
 * Pause/Resume, Stop), and Check Due, which emits each target of a clock (the first response,
 * each follow-up, the cadence) whose status got worse or whose escalation level rose since it was
 * last sent, exactly once per status and level even when checks overlap in several processes: the
 * change is claimed in one transaction that re-reads what was emitted.
 */
import { allKeyedRecords, keyedRecordPages, transactRecords, type KeyedRecord, type LeadKeys } from '../store/records';
import type { KeyValueStore } from '../store/types';
import type { Pause } from './clock';
import {
	buildPolicy,
	evaluateSla,
	evaluateSlaAhead,
	type PolicySpec,
	type SlaResult,
	type SlaStatus,
	type SlaTargetState,
} from './policy';

export interface LedgerEntry extends KeyedRecord {
	/** The policy the clock started under, kept whole: Check Due needs no policy of its own. */
	policy: PolicySpec;
	created_at: number;
	assigned_at?: number;
	/** Touches in time order; `id` tells two touches at one instant apart (see the touch action). */
	touches: Array<{ at: number; kind?: string; id?: string }>;
	pauses: Pause[];
	stopped_at?: number;
	zone?: string;
	/** A few fields of the lead for the alert (email, name, owner, source). */
	lead: Record<string, unknown>;
	/**
	 * What Check Due emitted: per target (`SlaTargetState.id`) the worst status and highest level
	 * sent; `status` and `level` are the worst over all targets (as earlier releases kept them, with
	 * no `targets`).
	 */
	emitted: { status?: SlaStatus; level: number; targets?: Record<string, TargetEmitted> };
	/** Every emitted change (the last 50). */
	alerts: Array<{ at: number; status: SlaStatus; level: number; target?: string }>;
}

export interface TargetEmitted {
	status?: SlaStatus;
	level: number;
}

export const MAX_TOUCHES = 500;

/**
 * The open index: a sorted index (`OPEN`) of the clocks Check Due must still look at, written in
 * the same transaction as the clock, each scored with from when (epoch ms) its status or escalation
 * level could change (`evaluateSlaAhead`): 0 after any event on the clock, so the next check looks
 * at it. Check Due reads only the members whose time has come (a range of the index: a million
 * idle clocks cost nothing), evaluates them and writes each one's next time. A clock leaves the
 * index once it is stopped and Check Due has seen it so (its status can no longer change); starting
 * it again puts it back. SLA Report still reads every clock the ledger keeps.
 */
const OPEN = 'open';
/** An open clock that only an event can change (met, or past its last threshold). */
const NEVER = Number.MAX_SAFE_INTEGER;
/** Index kept as keys `o:<uid>` (the build before the sorted index); moved by the first Check Due. */
const LEGACY_OPEN_PREFIX = 'o:';
/**
 * Set once every open clock of a ledger is in the sorted index (ledgers from before it are
 * indexed by their first Check Due).
 */
const INDEXED = 'm:open-scored';
/** The mark of the keyed index of the build before. */
const LEGACY_INDEXED = 'm:open-index';

export type LedgerAction =
	| {
			kind: 'start';
			policy: PolicySpec;
			createdAt: number;
			assignedAt?: number;
			zone?: string;
			lead: Record<string, unknown>;
	  }
	/**
	 * A touch, counted once: by its `id` when it has one (the CRM's activity id, or the item's place
	 * in its execution), else by its time (a retried execution with the same event time).
	 */
	| { kind: 'touch'; at: number; touch?: string; id?: string }
	| { kind: 'pause'; at: number }
	| { kind: 'resume'; at: number }
	| { kind: 'stop'; at: number }
	| { kind: 'assign'; at: number; zone?: string; lead?: Record<string, unknown> };

export interface LedgerOutcome {
	/** started, already running, recorded, paused, resumed, stopped, or unknown (no clock for this lead). */
	result: 'started' | 'running' | 'recorded' | 'duplicate' | 'paused' | 'resumed' | 'stopped' | 'unknown' | 'ignored';
	entry?: LedgerEntry;
}

/** Applies clock actions to the leads' entries, one transaction for the batch. */
export async function applyLedger(
	store: KeyValueStore,
	namespace: string,
	actions: Array<{ lead: LeadKeys; action: LedgerAction }>,
): Promise<LedgerOutcome[]> {
	return await transactRecords<LedgerEntry, LedgerOutcome[]>(
		store,
		namespace,
		actions.map((a) => a.lead),
		(records) =>
			actions.map(({ lead, action }) => {
				if (action.kind === 'start') {
					const existing = records.find(lead);
					if (existing && existing.stopped_at === undefined) {
						// A clock already runs: a second start (a retried execution) changes nothing but a missing assignment.
						if (existing.assigned_at === undefined && action.assignedAt !== undefined) {
							existing.assigned_at = action.assignedAt;
							existing.zone ??= action.zone;
							records.save(existing, lead);
						}
						records.score(OPEN, existing.uid, 0);
						return { result: 'running', entry: structuredClone(existing) };
					}
					// A new clock, or a new one after a stopped clock (same record, fresh times).
					const record =
						existing ?? records.findOrCreate(lead, (uid) => ({ uid, ids: [], emails: [] }) as unknown as LedgerEntry);
					const fresh: LedgerEntry = {
						uid: record.uid,
						ids: record.ids,
						emails: record.emails,
						policy: action.policy,
						created_at: action.createdAt,
						...(action.assignedAt !== undefined ? { assigned_at: action.assignedAt } : {}),
						touches: [],
						pauses: [],
						...(action.zone ? { zone: action.zone } : {}),
						lead: action.lead,
						emitted: { level: 0 },
						alerts: [],
					};
					// Nothing of the stopped clock stays (its stop, assignment and zone would end the new one).
					for (const key of Object.keys(record))
						if (!(key in fresh)) delete (record as Partial<LedgerEntry>)[key as keyof LedgerEntry];
					Object.assign(record, fresh);
					records.save(record, lead);
					records.score(OPEN, record.uid, 0);
					return { result: 'started', entry: structuredClone(record) };
				}
				const entry = records.find(lead);
				if (!entry) return { result: 'unknown' };
				let result: LedgerOutcome['result'] = 'ignored';
				if (action.kind === 'touch') {
					const id = action.id?.slice(0, 200);
					if (entry.touches.some((t) => (id ? t.id === id : t.at === action.at && !t.id))) result = 'duplicate';
					else {
						entry.touches.push({
							at: action.at,
							...(action.touch ? { kind: action.touch.slice(0, 40) } : {}),
							...(id ? { id } : {}),
						});
						entry.touches.sort((a, b) => a.at - b.at);
						if (entry.touches.length > MAX_TOUCHES) entry.touches.splice(1, entry.touches.length - MAX_TOUCHES);
						result = 'recorded';
					}
				} else if (action.kind === 'pause') {
					const open = entry.pauses.some((p) => p.end === undefined);
					if (!open && entry.stopped_at === undefined) {
						entry.pauses.push({ start: Math.max(action.at, entry.pauses[entry.pauses.length - 1]?.end ?? -Infinity) });
						result = 'paused';
					}
				} else if (action.kind === 'resume') {
					const open = entry.pauses.find((p) => p.end === undefined);
					if (open) {
						open.end = Math.max(action.at, open.start);
						result = 'resumed';
					}
				} else if (action.kind === 'stop') {
					if (entry.stopped_at === undefined) {
						entry.stopped_at = action.at;
						const open = entry.pauses.find((p) => p.end === undefined);
						if (open) open.end = Math.max(action.at, open.start);
						result = 'stopped';
					}
				} else if (action.kind === 'assign') {
					if (entry.assigned_at === undefined) {
						entry.assigned_at = action.at;
						if (action.zone) entry.zone = action.zone;
						if (action.lead) entry.lead = { ...entry.lead, ...action.lead };
						result = 'recorded';
					}
				}
				if (result !== 'ignored' && result !== 'duplicate') {
					records.save(entry, lead);
					// Its times changed: the next check looks at it (a stopped clock once, then it leaves).
					records.score(OPEN, entry.uid, 0);
				}
				return { result, entry: structuredClone(entry) };
			}),
	);
}

export function timesOf(entry: LedgerEntry): Parameters<typeof evaluateSla>[1] {
	return {
		createdAt: entry.created_at,
		assignedAt: entry.assigned_at,
		touches: entry.touches.map((t) => t.at),
		pauses: entry.pauses,
		stoppedAt: entry.stopped_at,
		zone: entry.zone,
	};
}

/** The key a record was created under (its uid) as lead keys. */
function keysOfUid(uid: string): LeadKeys {
	if (uid.startsWith('e:')) return { ids: [], emails: [uid.slice(2)] };
	return { ids: [uid.startsWith('i:') ? uid.slice(2) : uid], emails: [] };
}

const SEVERITY: Record<SlaStatus, number> = { met: 0, on_track: 0, at_risk: 1, breached: 2 };

/** Whether a target's state is news against what was sent for it: a worse status or a higher level. */
export function isTargetNews(was: TargetEmitted | undefined, state: SlaTargetState): boolean {
	const before = was?.status ? SEVERITY[was.status] : 0;
	return SEVERITY[state.status] > before || state.level > (was?.level ?? 0);
}

/**
 * What was sent per target. A clock from an earlier release kept one status and level for the
 * whole clock: every target as it stood at the last alert counts as sent, what changed after it
 * is news.
 */
function emittedTargets(entry: LedgerEntry): Record<string, TargetEmitted> {
	if (entry.emitted.targets) return entry.emitted.targets;
	const targets: Record<string, TargetEmitted> = {};
	const last = entry.alerts[entry.alerts.length - 1];
	if (last) {
		for (const state of evaluateSlaAhead(buildPolicy(entry.policy), timesOf(entry), last.at).targets)
			targets[state.id] = {
				status:
					SEVERITY[state.status] <= SEVERITY[entry.emitted.status ?? 'on_track'] ? state.status : entry.emitted.status,
				level: Math.min(state.level, entry.emitted.level),
			};
	}
	return targets;
}

/** The news of a clock at one check: each target whose status got worse or level rose since it was sent. */
export function newsOf(entry: LedgerEntry, targets: SlaTargetState[]): SlaTargetState[] {
	const sent = emittedTargets(entry);
	return targets.filter((state) => isTargetNews(sent[state.id], state));
}

/** Records news as sent (at `now`); the clock-wide status and level follow the worst. */
function markSent(entry: LedgerEntry, news: SlaTargetState[], now: number): void {
	const sent = { ...emittedTargets(entry) };
	for (const state of news) {
		const was = sent[state.id];
		const status = was?.status && SEVERITY[was.status] > SEVERITY[state.status] ? was.status : state.status;
		sent[state.id] = { status, level: Math.max(was?.level ?? 0, state.level) };
		entry.alerts.push({ at: now, status: state.status, level: state.level, target: state.id });
		if (!entry.emitted.status || SEVERITY[state.status] > SEVERITY[entry.emitted.status])
			entry.emitted.status = state.status;
		entry.emitted.level = Math.max(entry.emitted.level, state.level);
	}
	// A clock has a handful of targets (its cadence's touches); keep the map bounded all the same.
	const ids = Object.keys(sent);
	for (const id of ids.slice(0, Math.max(0, ids.length - 200))) delete sent[id];
	entry.emitted.targets = sent;
	if (entry.alerts.length > 50) entry.alerts.splice(0, entry.alerts.length - 50);
}

export interface DueAlert {
	entry: LedgerEntry;
	result: SlaResult;
	/** The target the alert is about, with its own status and level. */
	alert: SlaTargetState;
	/** What was sent for this target before (none: nothing). */
	previous: TargetEmitted | undefined;
}

/**
 * Check Due: evaluates the open clocks whose time has come (see `OPEN`) and emits the news.
 * The index is read a page at a time outside any transaction; the clocks due are evaluated in
 * transactions of `batch` that read them again and compare with what was emitted meanwhile, so
 * overlapping checks in any process emit each status and level once, and that write each clock's
 * next time (or take it out of the index once stopped and seen).
 */
export async function checkDue(
	store: KeyValueStore,
	namespace: string,
	now: number,
	batch = 500,
): Promise<{ alerts: DueAlert[]; checked: number; open: number }> {
	const indexed = await store.transact(namespace, [INDEXED], (view) => view.get(INDEXED) !== undefined, now);
	if (!indexed) await indexOpenClocks(store, namespace, now);
	const open = await store.scoredCount(namespace, OPEN);
	const alerts: DueAlert[] = [];
	let checked = 0;
	// Each claimed clock gets a next time after `now` (or leaves), so the due range shrinks to none.
	for (let round = 0; round < 100_000; round++) {
		const due = await store.scored(namespace, OPEN, now, batch);
		if (!due.length) break;
		const done = await claimNews(store, namespace, due, now);
		alerts.push(...done.alerts);
		checked += done.checked;
	}
	return { alerts, checked, open };
}

/**
 * For a ledger from before the index: a clock stopped by `now` that has sent news is taken as seen
 * stopped (earlier releases evaluated every clock at every check).
 */
const settled = (entry: LedgerEntry, now: number) => stoppedBy(entry, now) && entry.emitted.status !== undefined;

/** Stopped by `now`: its result is measured up to the stop and no longer changes. */
const stoppedBy = (entry: LedgerEntry, now: number) => entry.stopped_at !== undefined && entry.stopped_at <= now;

/**
 * One transaction over some open clocks whose time has come: evaluated, news claimed, each one's
 * next time written, stopped clocks out of the index once seen stopped.
 */
async function claimNews(
	store: KeyValueStore,
	namespace: string,
	uids: string[],
	now: number,
): Promise<{ alerts: DueAlert[]; checked: number }> {
	return await transactRecords<LedgerEntry, { alerts: DueAlert[]; checked: number }>(
		store,
		namespace,
		uids.map((uid) => keysOfUid(uid)),
		(records) => {
			const alerts: DueAlert[] = [];
			let checked = 0;
			for (const uid of uids) {
				const keys = keysOfUid(uid);
				const entry = records.find(keys);
				if (!entry || entry.uid !== uid) {
					// Forgotten.
					records.score(OPEN, uid, null);
					continue;
				}
				// A stopped clock too, once: what it reached before its stop may not have been sent yet.
				checked++;
				const { result, changesFrom, targets } = evaluateSlaAhead(buildPolicy(entry.policy), timesOf(entry), now);
				const news = newsOf(entry, targets);
				if (news.length) {
					const before = emittedTargets(entry);
					markSent(entry, news, now);
					records.save(entry, keys);
					const copy = structuredClone(entry);
					for (const alert of news) alerts.push({ entry: copy, result, alert, previous: before[alert.id] });
				}
				// A stopped clock's result is fixed (it is measured up to the stop): seen once is enough.
				if (stoppedBy(entry, now)) records.score(OPEN, uid, null);
				// Not before the next check (a time of now would be due again in this one).
				else records.score(OPEN, uid, Number.isFinite(changesFrom) ? Math.max(changesFrom, now + 1) : NEVER);
			}
			return { alerts, checked };
		},
		now,
	);
}

/**
 * Builds the sorted open index of a ledger written before it: from the keyed index of the build
 * before (`o:<uid>` keys, moved and deleted), or for older ledgers from the clocks themselves, a
 * page at a time; then the mark that the index is complete. Clocks started meanwhile index
 * themselves.
 */
async function indexOpenClocks(store: KeyValueStore, namespace: string, now: number): Promise<void> {
	const keyed = await store.transact(
		namespace,
		[LEGACY_INDEXED],
		(view) => view.get(LEGACY_INDEXED) !== undefined,
		now,
	);
	if (keyed) {
		for (;;) {
			let page: Array<[string, string]> = [];
			for await (const p of store.pages(namespace, LEGACY_OPEN_PREFIX, 2000, now)) {
				page = p;
				break;
			}
			if (!page.length) break;
			await store.transact(
				namespace,
				[],
				(view) => {
					for (const [key, at] of page) {
						// '1' (an index older still) or '0': due at once.
						const time = Number(at);
						view.score(OPEN, key.slice(LEGACY_OPEN_PREFIX.length), Number.isFinite(time) && time > 1 ? time : 0);
						view.delete(key);
					}
				},
				now,
			);
		}
	} else {
		for await (const page of keyedRecordPages<LedgerEntry>(store, namespace)) {
			const open = page.filter((entry) => !settled(entry, now)).map((entry) => entry.uid);
			if (!open.length) continue;
			await store.transact(
				namespace,
				[],
				(view) => {
					for (const uid of open) view.score(OPEN, uid, 0);
				},
				now,
			);
		}
	}
	await store.transact(namespace, [], (view) => view.set(INDEXED, String(now)), now);
}

export async function allEntries(store: KeyValueStore, namespace: string): Promise<LedgerEntry[]> {
	return await allKeyedRecords<LedgerEntry>(store, namespace);
}

/** Every clock, a page at a time (the SLA report over a large ledger in bounded memory). */
export function entryPages(store: KeyValueStore, namespace: string): AsyncIterable<LedgerEntry[]> {
	return keyedRecordPages<LedgerEntry>(store, namespace);
}

/** Forgets leads' clocks (GDPR erasure); returns whether each had one. */
export async function forgetClocks(store: KeyValueStore, namespace: string, leads: LeadKeys[]): Promise<boolean[]> {
	return await transactRecords<LedgerEntry, boolean[]>(store, namespace, leads, (records) =>
		leads.map((lead) => {
			const removed = records.remove(lead);
			if (removed) records.score(OPEN, removed.uid, null);
			return !!removed;
		}),
	);
}
