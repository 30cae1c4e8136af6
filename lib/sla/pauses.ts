/**
 * What a lead's stage and status changes say about its SLA clock: the spans it was paused (a
 * pause stage or status, as Zendesk pauses on pending / on hold) and when it stopped (a stop
 * stage or status). Stage history and status history are read alike, then their pauses merged.
 */
import type { Pause } from './clock';

/** One change of stage or status: the value it changed to (folded to lower case) and when. */
export interface Change {
	to: string;
	at: number;
}

export interface PauseRules {
	/** Stage or status names (lower case) during which the clock stops. */
	pause: ReadonlySet<string>;
	/** Stage or status names (lower case) that end the SLA. */
	stop: ReadonlySet<string>;
}

/** Pauses and the first stop a sequence of changes implies (changes in any order). */
export function readChanges(changes: Change[], rules: PauseRules): { pauses: Pause[]; stoppedAt?: number } {
	const pauses: Pause[] = [];
	let stoppedAt: number | undefined;
	let open: Pause | undefined;
	for (const c of [...changes].sort((a, b) => a.at - b.at)) {
		const pausing = rules.pause.has(c.to);
		if (open && !pausing) {
			open.end = c.at;
			open = undefined;
		} else if (!open && pausing) {
			open = { start: c.at };
			pauses.push(open);
		}
		if (rules.stop.has(c.to) && stoppedAt === undefined) stoppedAt = c.at;
	}
	return { pauses, stoppedAt };
}

/**
 * The lead's current value alone (no history): a pause value pauses the clock since it was set
 * (`since`), or from `now` when that is unknown (the time before counts); a stop value stops it
 * then (or at `fallbackStop` when unknown).
 */
export function readCurrent(
	value: string,
	since: number | undefined,
	rules: PauseRules,
	now: number,
	fallbackStop: number,
): { pauses: Pause[]; stoppedAt?: number } {
	if (!value) return { pauses: [] };
	return {
		pauses: rules.pause.has(value) ? [{ start: since ?? now }] : [],
		...(rules.stop.has(value) ? { stoppedAt: since ?? fallbackStop } : {}),
	};
}

/** Pauses from several sources as one list of spans that do not overlap, in time order. */
export function mergePauses(...lists: Pause[][]): Pause[] {
	const all = lists.flat().sort((a, b) => a.start - b.start);
	const out: Pause[] = [];
	for (const p of all) {
		const last = out[out.length - 1];
		if (last && (last.end === undefined || p.start <= last.end)) {
			if (last.end !== undefined) last.end = p.end === undefined ? undefined : Math.max(last.end, p.end);
		} else out.push({ ...p });
	}
	return out;
}

/** The earlier of two optional stops. */
export function firstStop(...stops: Array<number | undefined>): number | undefined {
	const known = stops.filter((s): s is number => s !== undefined);
	return known.length ? Math.min(...known) : undefined;
}
