/**
 * SLA clocks: calendar time, or business time on a weekly schedule (several ranges a day, shifts
 * past midnight) in a time zone, without holidays, minus pauses. Working time is what
 * `lib/time/workingTime.ts` says it is (wall-clock ranges, the same definition Route uses), so the
 * days when the clocks change have their real length and their ranges their wall-clock times.
 */
import { isValidTimeZone, parseDateRanges, parseWorkingHours } from '../route/time';
import { addWorkingMs, workingMs, type Clock, type DateRange, type WorkingHours } from '../time/workingTime';

export { addWorkingMs, workingMs, type Clock };

export class ClockError extends Error {}

export interface Pause {
	start: number;
	/** Undefined while the clock is still paused. */
	end?: number;
}

const HOUR = 3_600_000;

/** A business clock from its texts; errors name the schedule, zone or holiday that is wrong. */
export function businessClock(schedule: string, zone: string, holidays: unknown = ''): Clock {
	if (!isValidTimeZone(zone))
		throw new ClockError(`"${zone}" is not a time zone (use an IANA name such as Europe/Berlin)`);
	let hours: WorkingHours | undefined;
	let days: DateRange[];
	try {
		hours = parseWorkingHours(schedule);
		days = parseDateRanges(holidays);
	} catch (error) {
		throw new ClockError((error as Error).message);
	}
	if (hours && ![...hours.values()].some((ranges) => ranges.length))
		throw new ClockError(`Business hours "${schedule}" have no working time`);
	return { hours, zone, holidays: days };
}

export function calendarClock(zone = 'UTC'): Clock {
	return { zone, holidays: [] };
}

/** Clock time in [from, to) with the paused spans taken out (pauses do not overlap). */
export function activeMs(clock: Clock, from: number, to: number, pauses: Pause[]): number {
	let total = workingMs(clock, from, to);
	for (const p of pauses) total -= workingMs(clock, Math.max(p.start, from), Math.min(p.end ?? to, to));
	return Math.max(0, total);
}

/**
 * When `target` ms of active clock time after `from` are used up, pauses skipped; undefined when the
 * clock is paused now (open pause) before that, or no working time comes within 3 years.
 */
export function dueAt(clock: Clock, from: number, target: number, pauses: Pause[]): number | undefined {
	let left = target;
	let cursor = from;
	for (const p of [...pauses].sort((a, b) => a.start - b.start)) {
		if ((p.end ?? Infinity) <= cursor) continue;
		const segment = workingMs(clock, cursor, Math.max(cursor, p.start));
		if (segment >= left) return addWorkingMs(clock, cursor, left);
		left -= segment;
		if (p.end === undefined) return undefined;
		cursor = Math.max(cursor, p.end);
	}
	return addWorkingMs(clock, cursor, left);
}

export const hoursOf = (ms: number) => Math.round((ms / HOUR) * 100) / 100;
export { HOUR };
