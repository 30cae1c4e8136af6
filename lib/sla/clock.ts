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

/** One local day: its working ranges as instants, and where the next day starts. */
interface DayInfo {
	ranges: Array<[number, number]>;
	next: number;
}

interface ClockCache {
	days: Map<number, DayInfo>;
	/** 15-minute bucket -> start of the local day (every zone's offset is a multiple of 15 minutes). */
	starts: Map<number, number>;
}

const caches = new WeakMap<Clock, ClockCache>();
const QUARTER = 900_000;

function cacheOf(clock: Clock): ClockCache {
	let cache = caches.get(clock);
	if (!cache) caches.set(clock, (cache = { days: new Map(), starts: new Map() }));
	if (cache.days.size > 50_000) cache.days.clear();
	if (cache.starts.size > 200_000) cache.starts.clear();
	return cache;
}

/** The local day starting at `start` (ms), computed once per clock. */
function dayInfo(clock: Clock, cache: ClockCache, start: number): DayInfo {
	const hit = cache.days.get(start);
	if (hit) return hit;
	const day = DateTime.fromMillis(start, { zone: clock.zone });
	const date = day.toFormat('yyyy-LL-dd');
	const holiday = clock.holidays.some(([first, last]) => date >= first && date <= last);
	const next = day.plus({ days: 1 }).toMillis();
	const ranges: Array<[number, number]> = holiday
		? []
		: (clock.hours!.get(day.weekday) ?? []).map(([a, b]) => [
				day.plus({ minutes: a }).toMillis(),
				// end of day: the next local midnight (23 or 25 hours away on DST days)
				b === 1440 ? next : day.plus({ minutes: b }).toMillis(),
			]);
	ranges.sort((x, y) => x[0] - y[0]);
	const info = { ranges, next };
	cache.days.set(start, info);
	return info;
}

/** The start of the local day holding `at`. */
function dayStart(clock: Clock, cache: ClockCache, at: number): number {
	const bucket = Math.floor(at / QUARTER);
	let start = cache.starts.get(bucket);
	if (start === undefined) {
		start = DateTime.fromMillis(at, { zone: clock.zone }).startOf('day').toMillis();
		cache.starts.set(bucket, start);
	}
	return start;
}

/** Clock time between two instants (0 when `to` is not after `from`). */
export function workingMs(clock: Clock, from: number, to: number): number {
	if (!(to > from)) return 0;
	if (!clock.hours) return to - from;
	const cache = cacheOf(clock);
	let total = 0;
	let start = dayStart(clock, cache, from);
	for (let i = 0; i <= MAX_DAYS && start < to; i++) {
		const info = dayInfo(clock, cache, start);
		for (const [a, b] of info.ranges) {
			const s = Math.max(a, from);
			const e = Math.min(b, to);
			if (e > s) total += e - s;
		}
		start = info.next;
	}
	return total;
}

/** The instant when `ms` of clock time have passed after `from` (undefined: none within 3 years). */
export function addWorkingMs(clock: Clock, from: number, ms: number): number | undefined {
	if (ms <= 0) return from;
	if (!clock.hours) return from + ms;
	const cache = cacheOf(clock);
	let left = ms;
	let start = dayStart(clock, cache, from);
	for (let i = 0; i <= MAX_DAYS; i++) {
		const info = dayInfo(clock, cache, start);
		for (const [a, b] of info.ranges) {
			const s = Math.max(a, from);
			if (b <= s) continue;
			if (b - s >= left) return s + left;
			left -= b - s;
		}
		start = info.next;
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
