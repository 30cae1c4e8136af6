/**
 * Working time on a weekly schedule in a time zone: the one definition that Route's working-hours
 * check and SLA Check's business clock share.
 *
 * An instant is working time when its local wall-clock time (weekday and time of day, read in the
 * zone at that instant) falls in one of the day's ranges and its local date is no holiday. So a
 * 09:00-18:00 range is 09:00-18:00 on the wall on the days the clocks change too; a range that
 * spans the skipped hour is an hour shorter (01:00-04:00 on a spring-forward night is two hours),
 * one that spans the repeated hour an hour longer, and a boundary inside the skipped hour falls
 * where the wall clock passes it (at the jump).
 *
 * Computed per UTC day: the day's stretches of constant UTC offset (found with the zone's own
 * offsets, a transition located by bisection), and in each stretch the wall clock is the instant
 * plus the offset, so a local range maps to instants by subtracting it.
 */
import { IANAZone } from 'luxon';

/** Minutes from local midnight [start, end) per ISO weekday (1 = Monday ... 7 = Sunday). */
export type WorkingHours = Map<number, Array<[number, number]>>;

/** Whole local days, inclusive: [first, last] as `yyyy-mm-dd`. */
export type DateRange = [string, string];

export interface Clock {
	/** Undefined: calendar time (every hour counts). */
	hours?: WorkingHours;
	zone: string;
	holidays: DateRange[];
}

export const DAY = 86_400_000;
const MINUTE = 60_000;
/** A clock never looks further than this for working time (an SLA that far is a mistake). */
const MAX_DAYS = 3 * 366;

interface ClockCache {
	zone: IANAZone;
	/** UTC day number -> that day's working intervals (instants, sorted, merged). */
	days: Map<number, Array<[number, number]>>;
}

const caches = new WeakMap<Clock, ClockCache>();

function cacheOf(clock: Clock): ClockCache {
	let cache = caches.get(clock);
	if (!cache) caches.set(clock, (cache = { zone: IANAZone.create(clock.zone), days: new Map() }));
	if (cache.days.size > 50_000) cache.days.clear();
	return cache;
}

/** The zone's UTC offset at `at`, in ms (wall clock = instant + offset). */
const offsetAt = (zone: IANAZone, at: number) => Math.round(zone.offset(at) * MINUTE);

/** ISO weekday of a wall-clock day number (day 0, 1970-01-01, was a Thursday). */
const weekdayOf = (day: number) => ((((day + 3) % 7) + 7) % 7) + 1;

/** `yyyy-mm-dd` of a wall-clock day number. */
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/**
 * The stretches of constant offset within [start, end): a transition is found by bisection to
 * the millisecond (a zone changes at most a few times a day, in practice once).
 */
function stretches(zone: IANAZone, start: number, end: number): Array<[number, number, number]> {
	const out: Array<[number, number, number]> = [];
	let a = start;
	while (a < end && out.length < 8) {
		const offset = offsetAt(zone, a);
		let b = end;
		if (offsetAt(zone, end - 1) !== offset) {
			let lo = a;
			let hi = end - 1;
			while (hi - lo > 1) {
				const mid = Math.floor((lo + hi) / 2);
				if (offsetAt(zone, mid) === offset) lo = mid;
				else hi = mid;
			}
			b = hi;
		}
		out.push([a, b, offset]);
		a = b;
	}
	if (a < end) out.push([a, end, offsetAt(zone, a)]);
	return out;
}

/** The working intervals of UTC day `day` (instants in [day, day + 1) days), computed once per clock. */
function utcDay(clock: Clock, cache: ClockCache, day: number): Array<[number, number]> {
	const hit = cache.days.get(day);
	if (hit) return hit;
	const hours = clock.hours!;
	const start = day * DAY;
	const intervals: Array<[number, number]> = [];
	for (const [a, b, offset] of stretches(cache.zone, start, start + DAY)) {
		// The wall-clock days this stretch shows, and each one's ranges mapped back to instants.
		const first = Math.floor((a + offset) / DAY);
		const last = Math.floor((b - 1 + offset) / DAY);
		for (let wall = first; wall <= last; wall++) {
			const ranges = hours.get(weekdayOf(wall));
			if (!ranges?.length) continue;
			if (clock.holidays.length) {
				const date = dateOf(wall);
				if (clock.holidays.some(([from, to]) => date >= from && date <= to)) continue;
			}
			for (const [m1, m2] of ranges) {
				const s = Math.max(a, wall * DAY + m1 * MINUTE - offset);
				const e = Math.min(b, wall * DAY + m2 * MINUTE - offset);
				if (e > s) intervals.push([s, e]);
			}
		}
	}
	intervals.sort((x, y) => x[0] - y[0]);
	const merged: Array<[number, number]> = [];
	for (const [s, e] of intervals) {
		const prev = merged[merged.length - 1];
		if (prev && s <= prev[1]) prev[1] = Math.max(prev[1], e);
		else merged.push([s, e]);
	}
	cache.days.set(day, merged);
	return merged;
}

/** Whether `at` is working time on the clock (always, for a calendar clock). */
export function isWorkingAt(clock: Clock, at: number): boolean {
	if (!clock.hours) return true;
	return utcDay(clock, cacheOf(clock), Math.floor(at / DAY)).some(([s, e]) => at >= s && at < e);
}

/** Clock time between two instants (0 when `to` is not after `from`). */
export function workingMs(clock: Clock, from: number, to: number): number {
	if (!(to > from)) return 0;
	if (!clock.hours) return to - from;
	const cache = cacheOf(clock);
	let total = 0;
	for (let day = Math.floor(from / DAY); day * DAY < to; day++) {
		for (const [a, b] of utcDay(clock, cache, day)) {
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
	const cache = cacheOf(clock);
	let left = ms;
	const firstDay = Math.floor(from / DAY);
	for (let day = firstDay; day <= firstDay + MAX_DAYS; day++) {
		for (const [a, b] of utcDay(clock, cache, day)) {
			const s = Math.max(a, from);
			if (b <= s) continue;
			if (b - s >= left) return s + left;
			left -= b - s;
		}
	}
	return undefined;
}

const routeClocks = new WeakMap<WorkingHours, Map<string, Clock>>();

/** The clock of a weekly schedule in a zone, without holidays (kept per schedule object and zone). */
export function scheduleClock(hours: WorkingHours, zone: string): Clock {
	let byZone = routeClocks.get(hours);
	if (!byZone) routeClocks.set(hours, (byZone = new Map()));
	let clock = byZone.get(zone);
	if (!clock) {
		clock = { hours, zone, holidays: [] };
		if (byZone.size < 1000) byZone.set(zone, clock);
	}
	return clock;
}
