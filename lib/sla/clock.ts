/**
 * SLA clocks: calendar time, or business time on a weekly schedule (several ranges a day, shifts
 * past midnight) in a time zone, without holidays, minus pauses. Local wall times are mapped to
 * instants with luxon, so days when the clocks change have their real length.
 */
import { DateTime, IANAZone } from 'luxon';
import { parseDateRanges, parseWorkingHours, type DateRange, type WorkingHours } from '../route/time';

export class ClockError extends Error {}

export interface Clock {
	/** Undefined: calendar time (every hour counts). */
	hours?: WorkingHours;
	zone: string;
	holidays: DateRange[];
}

export interface Pause {
	start: number;
	/** Undefined while the clock is still paused. */
	end?: number;
}

const HOUR = 3_600_000;
/** A clock never looks further than this for working time (an SLA that far is a mistake). */
const MAX_DAYS = 3 * 366;

/** A business clock from its texts; errors name the schedule, zone or holiday that is wrong. */
export function businessClock(schedule: string, zone: string, holidays: unknown = ''): Clock {
	if (!IANAZone.isValidZone(zone))
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

/** Working ranges of one local day as instants, cached per clock and day. */
const dayCache = new WeakMap<Clock, Map<number, Array<[number, number]>>>();

function dayRanges(clock: Clock, day: DateTime): Array<[number, number]> {
	let cache = dayCache.get(clock);
	if (!cache) dayCache.set(clock, (cache = new Map()));
	const key = day.toMillis();
	const hit = cache.get(key);
	if (hit) return hit;
	const date = day.toFormat('yyyy-LL-dd');
	const holiday = clock.holidays.some(([first, last]) => date >= first && date <= last);
	const ranges: Array<[number, number]> = holiday
		? []
		: (clock.hours!.get(day.weekday) ?? []).map(([start, end]) => [
				day.plus({ minutes: start }).toMillis(),
				// end of day: the next local midnight (23 or 25 hours away on DST days)
				end === 1440 ? day.plus({ days: 1 }).toMillis() : day.plus({ minutes: end }).toMillis(),
			]);
	ranges.sort((a, b) => a[0] - b[0]);
	if (cache.size > 20_000) cache.clear();
	cache.set(key, ranges);
	return ranges;
}

const startOfDay = (clock: Clock, at: number) => DateTime.fromMillis(at, { zone: clock.zone }).startOf('day');

/** Clock time between two instants (0 when `to` is not after `from`). */
export function workingMs(clock: Clock, from: number, to: number): number {
	if (!(to > from)) return 0;
	if (!clock.hours) return to - from;
	let total = 0;
	let day = startOfDay(clock, from);
	for (let i = 0; i <= MAX_DAYS && day.toMillis() < to; i++, day = day.plus({ days: 1 })) {
		for (const [a, b] of dayRanges(clock, day)) {
			const s = Math.max(a, from);
			const e = Math.min(b, to);
			if (e > s) total += e - s;
		}
	}
	return total;
}

/** The instant when `ms` of clock time have passed after `from` (undefined: none within 3 years). */
export function addWorkingMs(clock: Clock, from: number, ms: number): number | undefined {
	if (ms <= 0) return from;
	if (!clock.hours) return from + ms;
	let left = ms;
	let day = startOfDay(clock, from);
	for (let i = 0; i <= MAX_DAYS; i++, day = day.plus({ days: 1 })) {
		for (const [a, b] of dayRanges(clock, day)) {
			const s = Math.max(a, from);
			if (b <= s) continue;
			if (b - s >= left) return s + left;
			left -= b - s;
		}
	}
	return undefined;
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
