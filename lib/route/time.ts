import { DateTime, IANAZone } from 'luxon';
import { isWorkingAt, scheduleClock, type DateRange, type WorkingHours } from '../time/workingTime';

/** Quota and cap periods. Weeks are ISO weeks (Monday to Sunday). */
export type Period = 'day' | 'week' | 'month';
export const PERIODS: Period[] = ['day', 'week', 'month'];

const validZones = new Map<string, boolean>();

/** Whether `zone` is an IANA time zone; remembered per name (luxon builds an Intl formatter to tell). */
export function isValidTimeZone(zone: string): boolean {
	let valid = validZones.get(zone);
	if (valid === undefined) {
		valid = IANAZone.isValidZone(zone);
		if (validZones.size < 10_000) validZones.set(zone, valid);
	}
	return valid;
}

/** The period containing `at` in `zone`, as a key: `d2026-11-22`, `w2026-W47`, `m2026-11`. */
export function periodKey(period: Period, at: number, zone: string): string {
	const d = DateTime.fromMillis(at, { zone });
	if (period === 'day') return `d${d.toFormat('yyyy-LL-dd')}`;
	if (period === 'week') return `w${d.weekYear}-W${String(d.weekNumber).padStart(2, '0')}`;
	return `m${d.toFormat('yyyy-LL')}`;
}

/** When the period containing `at` ends in `zone` (ms): local midnight, across DST changes too. */
export function periodEnd(period: Period, at: number, zone: string): number {
	return DateTime.fromMillis(at, { zone })
		.startOf(period)
		.plus({ [`${period}s`]: 1 })
		.toMillis();
}

export type { DateRange, WorkingHours };

const DAYS: Record<string, number> = {
	mon: 1,
	monday: 1,
	tue: 2,
	tues: 2,
	tuesday: 2,
	wed: 3,
	wednesday: 3,
	thu: 4,
	thur: 4,
	thurs: 4,
	thursday: 4,
	fri: 5,
	friday: 5,
	sat: 6,
	saturday: 6,
	sun: 7,
	sunday: 7,
};

function day(name: string, text: string): number {
	const d = DAYS[name.toLowerCase()];
	if (!d) throw new Error(`"${name}" is not a day of the week (in "${text}"); use Mon, Tue, Wed, Thu, Fri, Sat, Sun`);
	return d;
}

function minutes(hhmm: string, text: string): number {
	const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(hhmm);
	const h = m ? Number(m[1]) : NaN;
	const min = m?.[2] ? Number(m[2]) : 0;
	if (!m || h > 24 || min > 59 || (h === 24 && min > 0))
		throw new Error(`"${hhmm}" is not a time of day (in "${text}"); use 24-hour HH:MM`);
	return h * 60 + min;
}

/**
 * Parses working hours such as `Mon-Fri 09:00-17:00`, `Mon-Thu 08:00-12:00, 13:00-17:00; Fri 08:00-15:00`
 * or `Sat,Sun 10:00-14:00`. Day ranges may wrap (`Fri-Mon`); a shift past midnight
 * (`Mon-Fri 22:00-06:00`) continues on the next day. Empty or `24/7` means always.
 */
export function parseWorkingHours(text: string): WorkingHours | undefined {
	const source = text.trim();
	if (!source || /^(24\/7|always|any)$/i.test(source)) return undefined;
	const hours: WorkingHours = new Map();
	const add = (d: number, start: number, end: number) => {
		const list = hours.get(d) ?? [];
		list.push([start, end]);
		hours.set(d, list);
	};
	for (const part of source
		.split(/[;\n]+/)
		.map((p) => p.trim())
		.filter(Boolean)) {
		const m = /^([A-Za-z]+(?:\s*-\s*[A-Za-z]+)?(?:\s*,\s*[A-Za-z]+(?:\s*-\s*[A-Za-z]+)?)*)\s+(\S.*)$/.exec(part);
		if (!m) throw new Error(`"${part}" should look like "Mon-Fri 09:00-17:00"`);
		const days = new Set<number>();
		for (const spec of m[1].split(',').map((d) => d.trim())) {
			const [a, b] = spec.split('-').map((d) => d.trim());
			const from = day(a, part);
			const to = b ? day(b, part) : from;
			for (let d = from; ; d = (d % 7) + 1) {
				days.add(d);
				if (d === to) break;
			}
		}
		for (const range of m[2]
			.split(',')
			.map((r) => r.trim())
			.filter(Boolean)) {
			const [a, b, extra] = range.split('-').map((t) => t.trim());
			if (!a || !b || extra !== undefined)
				throw new Error(`"${range}" should be a time range like 09:00-17:00 (in "${part}")`);
			const start = minutes(a, part);
			const end = minutes(b, part);
			if (start === end) throw new Error(`"${range}" is an empty time range (in "${part}")`);
			for (const d of days) {
				if (end > start) add(d, start, end);
				else {
					add(d, start, 24 * 60);
					if (end > 0) add((d % 7) + 1, 0, end);
				}
			}
		}
	}
	return hours;
}

/**
 * Whether `at` falls inside the working hours, read in `zone` (undefined hours: always): the same
 * working time as SLA Check's business clock (`lib/time/workingTime.ts`).
 */
export function isWithinWorkingHours(hours: WorkingHours | undefined, at: number, zone: string): boolean {
	if (!hours) return true;
	return isWorkingAt(scheduleClock(hours, zone), at);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkDate(text: string, context: string): string {
	if (!ISO_DATE.test(text) || !DateTime.fromISO(text).isValid)
		throw new Error(`"${text}" is not a date (in "${context}"); use YYYY-MM-DD`);
	return text;
}

/**
 * Parses out-of-office days: `2026-12-24..2027-01-02, 2026-11-27` (also `to` or `/` between two
 * dates), or a list of such strings.
 */
export function parseDateRanges(value: unknown): DateRange[] {
	const parts = (
		Array.isArray(value)
			? value.map(String)
			: typeof value === 'string'
				? value.split(/[,;\n]+/)
				: value == null
					? []
					: [String(value)]
	)
		.map((p) => p.trim())
		.filter(Boolean);
	return parts.map((part) => {
		const [a, b, extra] = part.split(/\.\.|\bto\b|\//i).map((t) => t.trim());
		if (extra !== undefined) throw new Error(`"${part}" should be a date or a range like 2026-12-24..2027-01-02`);
		const first = checkDate(a, part);
		const last = b ? checkDate(b, part) : first;
		if (last < first) throw new Error(`"${part}" ends before it starts`);
		return [first, last] as DateRange;
	});
}

/** Whether the local date of `at` in `zone` falls in one of the ranges. */
export function isInDateRanges(ranges: DateRange[], at: number, zone: string): boolean {
	if (!ranges.length) return false;
	const today = DateTime.fromMillis(at, { zone }).toFormat('yyyy-LL-dd');
	return ranges.some(([first, last]) => today >= first && today <= last);
}

const DAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/**
 * Working hours as they were understood, in the form they can be typed: days with the same
 * ranges grouped ("Mon-Fri 09:00-17:00; Sat 10:00-14:00"); "always" when there are none.
 */
export function describeWorkingHours(hours: WorkingHours | undefined): string {
	if (!hours) return 'always';
	const key = (d: number) =>
		[...(hours.get(d) ?? [])]
			.sort((a, b) => a[0] - b[0])
			.map(([a, b]) => `${hhmm(a)}-${hhmm(b)}`)
			.join(', ');
	const parts: string[] = [];
	let d = 1;
	while (d <= 7) {
		const ranges = key(d);
		let last = d;
		while (last < 7 && key(last + 1) === ranges) last++;
		if (ranges) parts.push(`${DAY_NAMES[d]}${last > d ? `-${DAY_NAMES[last]}` : ''} ${ranges}`);
		d = last + 1;
	}
	return parts.length ? parts.join('; ') : 'never';
}

/** Days off as understood: "2026-12-24..2026-12-26, 2027-01-01". */
export function describeDateRanges(ranges: DateRange[]): string {
	return ranges.map(([a, b]) => (a === b ? a : `${a}..${b}`)).join(', ');
}
