/**
 * The working-hours and days-off builders (days, from, to; date pickers) beside the text forms:
 * turned into the same text the text fields take, so one parser reads both.
 */
import type { INodeProperties } from 'n8n-workflow';

export interface HoursRow {
	days?: string[];
	from?: string;
	to?: string;
}
export interface DatesRow {
	from?: string;
	to?: string;
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Builder rows as working-hours text ("Mon,Tue,Wed 09:00-17:00; Sat 10:00-14:00"); '' for none. */
export function hoursText(rows: HoursRow[] | undefined): string {
	return (rows ?? [])
		.filter((r) => (r.days ?? []).length && r.from && r.to)
		.map((r) => `${DAYS.filter((d) => r.days!.includes(d)).join(',')} ${r.from}-${r.to}`)
		.join('; ');
}

/** Date-picker rows as date-range text ("2026-12-24..2026-12-26, 2027-01-01"). */
export function datesText(rows: DatesRow[] | undefined): string {
	return (rows ?? [])
		.filter((r) => r.from)
		.map((r) => {
			const from = String(r.from).slice(0, 10);
			const to = r.to ? String(r.to).slice(0, 10) : from;
			return from === to ? from : `${from}..${to}`;
		})
		.join(', ');
}

/** The text form joined with the builder's rows. */
export function joinText(text: unknown, built: string, separator: string): string {
	return [String(text ?? '').trim(), built].filter(Boolean).join(separator);
}

const times = Array.from({ length: 49 }, (_, k) => {
	const t = `${String(Math.floor(k / 2)).padStart(2, '0')}:${k % 2 ? '30' : '00'}`;
	return { name: t, value: t };
});

/** "Working hours, day by day": rows of days, from and to. */
export function hoursBuilder(name: string, displayName: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		placeholder: 'Add Hours',
		typeOptions: { multipleValues: true },
		default: {},
		description,
		options: [
			{
				name: 'ranges',
				displayName: 'Hours',
				values: [
					{
						displayName: 'Days',
						name: 'days',
						type: 'multiOptions',
						default: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
						description: 'The days these hours apply to',
						options: DAYS.map((d) => ({ name: d, value: d })),
					},
					{
						displayName: 'From',
						name: 'from',
						type: 'options',
						default: '09:00',
						description: 'When the hours start',
						options: times,
					},
					{
						displayName: 'To',
						name: 'to',
						type: 'options',
						default: '17:00',
						options: times,
						description: 'Earlier than From: a shift that ends the next day',
					},
				],
			},
		],
	};
}

/** "Days off, picked on a calendar": rows of from and to dates. */
export function datesBuilder(name: string, displayName: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		placeholder: 'Add Days',
		typeOptions: { multipleValues: true },
		default: {},
		description,
		options: [
			{
				name: 'ranges',
				displayName: 'Days',
				values: [
					{ displayName: 'From', name: 'from', type: 'dateTime', default: '', description: 'The first day off' },
					{
						displayName: 'To',
						name: 'to',
						type: 'dateTime',
						default: '',
						description: 'The last day off; empty: just the From day',
					},
				],
			},
		],
	};
}
