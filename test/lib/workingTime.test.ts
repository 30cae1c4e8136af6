/**
 * Working time on the days the clocks change, against due times computed independently: Python's
 * zoneinfo and a minute-by-minute walk (test/fixtures/working-time/reference.py), and a table
 * written by hand. Route's working-hours check and SLA Check's business clock are one definition.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { businessClock } from '../../lib/sla/clock';
import { isWithinWorkingHours, parseWorkingHours } from '../../lib/route/time';
import { addWorkingMs, isWorkingAt, workingMs } from '../../lib/time/workingTime';

const MIN = 60_000;
const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

interface Case {
	zone: string;
	schedule: string;
	holidays: string;
	start: string;
	startLocal: string;
	due: Record<string, string>;
	workedMinutesIn48h: number;
}
const { cases } = JSON.parse(readFileSync(join(__dirname, '../fixtures/working-time/due-times.json'), 'utf8')) as {
	cases: Case[];
};

describe('business hours across clock changes (reference: Python zoneinfo, minute by minute)', () => {
	it('covers nine zones, both switches of 2026 and 2027', () => {
		expect(new Set(cases.map((c) => c.zone)).size).toBe(9);
		expect(cases.length).toBeGreaterThanOrEqual(800);
	});

	it('gives the reference due time and working time for every case', () => {
		const wrong: string[] = [];
		for (const c of cases) {
			const clock = businessClock(c.schedule, c.zone, c.holidays);
			const start = t(c.start);
			for (const [minutes, due] of Object.entries(c.due)) {
				const got = iso(addWorkingMs(clock, start, Number(minutes) * MIN));
				if (got !== due)
					wrong.push(`${c.zone} "${c.schedule}" from ${c.startLocal} +${minutes} min: ${got}, want ${due}`);
			}
			const worked = workingMs(clock, start, start + 48 * 60 * MIN) / MIN;
			if (worked !== c.workedMinutesIn48h)
				wrong.push(`${c.zone} "${c.schedule}" 48 h from ${c.startLocal}: ${worked} min, want ${c.workedMinutesIn48h}`);
		}
		expect(wrong.slice(0, 20)).toEqual([]);
	});
});

describe('business hours across clock changes (by hand)', () => {
	const due = (schedule: string, zone: string, from: string, hours: number) =>
		iso(addWorkingMs(businessClock(schedule, zone), t(from), hours * 60 * MIN));

	it('Paris, spring forward (Sunday 2026-03-29): 09:00-18:00 is 07:00-16:00 UTC that day', () => {
		expect(due('Mon-Sun 09:00-18:00', 'Europe/Paris', '2026-03-29T07:00:00Z', 1)).toBe('2026-03-29T08:00:00.000Z');
		expect(
			workingMs(
				businessClock('Mon-Sun 09:00-18:00', 'Europe/Paris'),
				t('2026-03-29T00:00:00Z'),
				t('2026-03-30T00:00:00Z'),
			),
		).toBe(9 * 60 * MIN);
	});

	it('Paris, fall back (Sunday 2026-10-25): 17:30 CET with 30 min left, then Monday 09:00 CET', () => {
		expect(due('Mon-Sun 09:00-18:00', 'Europe/Paris', '2026-10-25T16:30:00Z', 1)).toBe('2026-10-26T08:30:00.000Z');
	});

	it('Paris, a night range over the skipped hour is two hours long', () => {
		// Sat 03:43 CET: 17 min on Saturday, 2 h on Sunday (01:00-04:00 without 02:00-03:00), 43 min on Monday.
		expect(due('Mon-Sun 01:00-04:00', 'Europe/Paris', '2026-03-28T02:43:00Z', 3)).toBe('2026-03-29T23:43:00.000Z');
	});

	it('Paris, a night range over the repeated hour is four hours long', () => {
		const clock = businessClock('Mon-Sun 01:00-04:00', 'Europe/Paris');
		expect(workingMs(clock, t('2026-10-24T12:00:00Z'), t('2026-10-25T12:00:00Z'))).toBe(4 * 60 * MIN);
	});

	it('Jerusalem switches on a Friday, a working day there', () => {
		// Fri 2026-03-27 02:00 IST -> 03:00 IDT; 08:00-13:00 IDT is 05:00-10:00 UTC.
		expect(due('Sun-Thu 08:00-17:00; Fri 08:00-13:00', 'Asia/Jerusalem', '2026-03-27T05:00:00Z', 1)).toBe(
			'2026-03-27T06:00:00.000Z',
		);
	});

	it('a range starting in the skipped hour starts at the jump', () => {
		// 02:30 does not exist on 2026-03-29 in Paris: 02:30-05:00 is 03:00-05:00 CEST (01:00-03:00 UTC).
		const clock = businessClock('Mon-Sun 02:30-05:00', 'Europe/Paris');
		expect(workingMs(clock, t('2026-03-28T23:00:00Z'), t('2026-03-29T06:00:00Z'))).toBe(2 * 60 * MIN);
		expect(isWorkingAt(clock, t('2026-03-29T00:59:00Z'))).toBe(false);
		expect(isWorkingAt(clock, t('2026-03-29T01:00:00Z'))).toBe(true);
	});
});

describe("Route's working-hours check and SLA Check's clock agree", () => {
	it('on every quarter hour around the switches of several zones', () => {
		const zones = ['Europe/Paris', 'Asia/Jerusalem', 'America/Santiago', 'Australia/Lord_Howe', 'America/Havana'];
		const schedules = ['Mon-Sun 01:00-04:00', 'Sun-Thu 08:00-17:00; Fri 08:00-13:00', 'Mon-Sun 22:00-02:30'];
		const differ: string[] = [];
		for (const zone of zones)
			for (const schedule of schedules) {
				const hours = parseWorkingHours(schedule)!;
				const clock = businessClock(schedule, zone);
				for (const c of cases.filter((x) => x.zone === zone).slice(0, 40)) {
					for (let at = t(c.start) - 6 * 60 * MIN; at < t(c.start) + 30 * 60 * MIN; at += 15 * MIN) {
						const route = isWithinWorkingHours(hours, at, zone);
						const sla = workingMs(clock, at, at + MIN) === MIN;
						if (route !== sla) differ.push(`${zone} "${schedule}" at ${iso(at)}: route ${route}, sla ${sla}`);
					}
				}
			}
		expect(differ.slice(0, 10)).toEqual([]);
	});
});
