/**
 * A moment in words, in a person's own time zone: "Monday 7 December at 1:00 PM New York time",
 * "Friday 4 December at 17:30 Paris time" (the year when it is not the current one). Absolute, not
 * "tomorrow": the text is stored with alerts and read later. Clock style follows the zone's
 * country: 12-hour where people read it so (the US, Canada, Australia, India...), 24-hour elsewhere.
 */
import { zonesOfCountry } from '../enrich/zones';

const TWELVE_HOUR_COUNTRIES = ['US', 'CA', 'AU', 'NZ', 'IN', 'PH', 'PK', 'EG', 'SA', 'MY', 'BD'];
let twelveHour: Set<string> | undefined;

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string, withYear: boolean): Intl.DateTimeFormat {
	const key = `${zone}|${withYear ? 'y' : ''}`;
	let f = formats.get(key);
	if (!f) {
		twelveHour ??= new Set(TWELVE_HOUR_COUNTRIES.flatMap((c) => zonesOfCountry(c)));
		f = new Intl.DateTimeFormat('en-GB', {
			timeZone: zone,
			weekday: 'long',
			day: 'numeric',
			month: 'long',
			...(withYear ? { year: 'numeric' } : {}),
			hour: twelveHour.has(zone) ? 'numeric' : '2-digit',
			minute: '2-digit',
			hour12: twelveHour.has(zone),
		});
		if (formats.size < 2_000) formats.set(key, f);
	}
	return f;
}

/** "New York" for America/New_York, "Buenos Aires" for America/Argentina/Buenos_Aires, "UTC". */
export function zoneInWords(zone: string): string {
	if (zone === 'UTC' || zone === 'Etc/UTC' || zone === 'GMT') return 'UTC';
	const city = zone.slice(zone.lastIndexOf('/') + 1).replace(/_/g, ' ');
	return city || zone;
}

/** `ms` in words in `zone` ("Monday 7 December at 13:00 Berlin time"); the year when not `now`'s. */
export function whenInWords(ms: number, zone: string, now: number = Date.now()): string {
	const year = (t: number) =>
		Number(
			format(zone, true)
				.formatToParts(t)
				.find((p) => p.type === 'year')?.value,
		);
	const parts = format(zone, year(ms) !== year(now)).formatToParts(ms);
	const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
	const period = get('dayPeriod');
	const time = `${get('hour')}:${get('minute')}${period ? ` ${period.toUpperCase()}` : ''}`;
	const date = `${get('weekday')} ${get('day')} ${get('month')}${get('year') ? ` ${get('year')}` : ''}`;
	const where = zoneInWords(zone);
	return `${date} at ${time} ${where === 'UTC' ? 'UTC' : `${where} time`}`;
}

/** "New York time", "UTC": how a time's zone is said after it. */
export function zoneTime(zone: string): string {
	const where = zoneInWords(zone);
	return where === 'UTC' ? 'UTC' : `${where} time`;
}
