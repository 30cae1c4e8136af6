/**
 * The `stage` section each lead carries out of Advance Stage: where it is, since when, how long it
 * has been there (hours elapsed, and calendar days in a time zone, so a DST night counts as one
 * day), how the move went, and its whole history.
 */
import { DateTime } from 'luxon';
import type { StageRecord, Transition } from './memory';
import type { MoveOutcome } from './moves';
import { findStage, type StageList } from './stages';

export interface StageSection {
	current: string | null;
	crm_value?: string;
	previous: string | null;
	status: MoveOutcome['status'] | 'remembered' | 'unknown';
	why: string;
	rule?: string;
	missing?: string[];
	entered_at: string | null;
	hours_in_stage: number | null;
	days_in_stage: number | null;
	created_at: string | null;
	hours_since_created: number | null;
	history: Transition[];
}

const hours = (from: string | null, now: number) =>
	from ? Math.max(0, Math.round(((now - Date.parse(from)) / 3_600_000) * 100) / 100) : null;

/** Whole calendar days between two instants in a zone (23- and 25-hour DST days count as one). */
export function calendarDays(from: string, now: number, zone: string): number {
	const start = DateTime.fromISO(from, { zone }).startOf('day');
	const end = DateTime.fromMillis(now, { zone }).startOf('day');
	if (!start.isValid || !end.isValid) return Math.floor((now - Date.parse(from)) / 86_400_000);
	return Math.max(0, Math.round(end.diff(start, 'days').days));
}

export function stageSection(
	list: StageList,
	record: StageRecord | undefined,
	outcome: MoveOutcome | undefined,
	now: number,
	zone: string,
): StageSection {
	const current = record?.current ?? null;
	const stage = current ? findStage(list, current) : undefined;
	const last = record?.history[record.history.length - 1];
	return {
		current,
		...(stage?.crmValue ? { crm_value: stage.crmValue } : {}),
		previous: last?.from ?? null,
		status: outcome?.status ?? (record?.history.length ? 'remembered' : 'unknown'),
		why: outcome?.why ?? (record?.history.length ? `At ${current}` : 'No stage remembered for this lead'),
		...(outcome?.rule ? { rule: outcome.rule } : {}),
		...(outcome?.missing ? { missing: outcome.missing } : {}),
		entered_at: record?.entered_at ?? null,
		hours_in_stage: hours(record?.entered_at ?? null, now),
		days_in_stage: record?.entered_at ? calendarDays(record.entered_at, now, zone) : null,
		created_at: record?.history.length ? record.created_at : null,
		hours_since_created: record?.history.length ? hours(record.created_at, now) : null,
		history: record?.history ?? [],
	};
}
