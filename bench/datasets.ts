/**
 * The public duplicate-detection sets in ../shared/datasets (see SOURCES.md there), loaded as
 * records for the matcher, with their ground truth, and pairwise precision / recall / F1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareValue, type FieldSpec, type PrepareOptions, type Prepared } from '../lib/dedupe/fields';
import { companyListings } from './companies';

export const DATASETS_DIR = process.env.LEAD_DATASETS_DIR ?? join(__dirname, '..', '..', 'shared', 'datasets');

export interface LabelledSet {
	name: string;
	fields: FieldSpec[];
	rows: Array<Record<string, string>>;
	/** Ground-truth entity of each row. */
	truth: string[];
	/** How values are prepared, as the node's options would set them (a default country). */
	prepare?: PrepareOptions;
	/** The exact-match baseline's field where the set has no email (normalised, then equal). */
	baselineField?: string;
}

function parseCsv(text: string): Array<Record<string, string>> {
	const lines = text.split(/\r?\n/).filter((l) => l.length);
	const header = lines[0].split(',').map((h) => h.trim());
	return lines.slice(1).map((line) => {
		const cells = line.split(',');
		return Object.fromEntries(header.map((h, i) => [h, (cells[i] ?? '').trim()]));
	});
}

export function datasetsAvailable(): boolean {
	return existsSync(join(DATASETS_DIR, 'febrl', 'dataset1.csv'));
}

export function loadSplink(file: 'fake_1000' | 'fake_20000'): LabelledSet {
	const rows = parseCsv(readFileSync(join(DATASETS_DIR, 'splink-fake-people', `${file}.csv`), 'utf8'));
	return {
		name: `splink ${file}`,
		fields: [
			{ name: 'email', kind: 'email' },
			{ name: 'first_name', kind: 'first_name' },
			{ name: 'surname', kind: 'last_name' },
			{ name: 'dob', kind: 'date' },
			{ name: 'city', kind: 'city' },
		],
		rows,
		truth: rows.map((r) => r.cluster),
	};
}

const FEBRL_FIELDS: FieldSpec[] = [
	{ name: 'given_name', kind: 'first_name' },
	{ name: 'surname', kind: 'last_name' },
	{ name: 'street_number', kind: 'text' },
	{ name: 'address_1', kind: 'address' },
	{ name: 'address_2', kind: 'address' },
	{ name: 'suburb', kind: 'city' },
	{ name: 'postcode', kind: 'postcode' },
	{ name: 'state', kind: 'text' },
	{ name: 'date_of_birth', kind: 'date' },
	{ name: 'soc_sec_id', kind: 'id' },
];

export function loadFebrl(which: '1' | '2' | '3' | '4'): LabelledSet {
	const files = which === '4' ? ['dataset4a.csv', 'dataset4b.csv'] : [`dataset${which}.csv`];
	const rows = files.flatMap((f) => parseCsv(readFileSync(join(DATASETS_DIR, 'febrl', f), 'utf8')));
	return {
		name: `febrl ${which}`,
		fields: FEBRL_FIELDS,
		rows,
		truth: rows.map((r) => /^rec-(\d+)-/.exec(r.rec_id)![1]),
	};
}

/**
 * Fodors-Zagat restaurants (bench/data/fodors-zagats/SOURCES.md): two guides' listings of the
 * same cities, 112 restaurants in both. Read as leads of companies: name, street address, city and
 * a US phone typed as each guide types it. The guides' cuisine labels differ by design ("american"
 * against "steakhouses") and are no identifier: left out, by the columns' meaning (chosen before
 * the set was first run). Held out: never looked at while any value was chosen.
 */
export const FODORS_ZAGAT_DIR = join(__dirname, 'data', 'fodors-zagats');
export function loadFodorsZagat(): LabelledSet {
	const read = (f: string) => parseCsv(readFileSync(join(FODORS_ZAGAT_DIR, f), 'utf8'));
	const fodors = read('fodors.csv');
	const zagats = read('zagats.csv');
	const zagatOf = new Map(read('matches_fodors_zagats.csv').map((m) => [m.fodors_id, m.zagats_id]));
	const rows = [...fodors, ...zagats];
	return {
		name: 'fodors-zagat restaurants',
		fields: [
			{ name: 'name', kind: 'company' },
			{ name: 'addr', kind: 'address' },
			{ name: 'city', kind: 'city' },
			{ name: 'phone', kind: 'phone' },
		],
		rows,
		truth: [
			...fodors.map((r) => (zagatOf.has(r.id) ? `z${zagatOf.get(r.id)}` : `f${r.id}`)),
			...zagats.map((r) => `z${r.id}`),
		],
		prepare: { defaultCountry: 'US' },
		baselineField: 'phone',
	};
}

/**
 * Generated company listings (bench/companies.ts): about `n` businesses in two directories, compared
 * as the Fodors-Zagat restaurants are (name, street address, city, US phone; no person, no email),
 * with the exact phone as the baseline.
 */
export function loadCompanyListings(seed: number, n = 1000): LabelledSet {
	const listings = companyListings(n, seed);
	return {
		name: `company listings seed ${seed}`,
		fields: [
			{ name: 'name', kind: 'company' },
			{ name: 'addr', kind: 'address' },
			{ name: 'city', kind: 'city' },
			{ name: 'phone', kind: 'phone' },
		],
		rows: listings.map(({ entity: _entity, ...row }) => row),
		truth: listings.map((l) => l.entity),
		prepare: { defaultCountry: 'US' },
		baselineField: 'phone',
	};
}

/** One row's compared values, each field prepared by its kind (as the node prepares a lead's). */
export function prepareRow(
	row: Record<string, string | undefined>,
	fields: FieldSpec[],
	options?: PrepareOptions,
): Prepared {
	return Object.fromEntries(fields.map((f) => [f.name, prepareValue(f.kind, row[f.name], options)]));
}

/** Each row's compared values, prepared with the set's options. */
export function prepareSet(set: LabelledSet): Prepared[] {
	return set.rows.map((r) => prepareRow(r, set.fields, set.prepare));
}

export interface PairScores {
	precision: number;
	recall: number;
	f1: number;
	truePairs: number;
	predictedPairs: number;
}

const pairs = (k: number) => (k * (k - 1)) / 2;

/** Pairwise precision and recall of predicted clusters against the truth. */
export function pairwiseScores(predicted: ArrayLike<number | string>, truth: string[]): PairScores {
	const countBy = (keys: string[]) => {
		const m = new Map<string, number>();
		for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
		return m;
	};
	const pred = Array.from(predicted, String);
	const sum = (m: Map<string, number>) => [...m.values()].reduce((s, k) => s + pairs(k), 0);
	const predictedPairs = sum(countBy(pred));
	const truePairs = sum(countBy(truth));
	const tp = sum(countBy(pred.map((p, i) => `${p}\u0000${truth[i]}`)));
	const precision = predictedPairs ? tp / predictedPairs : 1;
	const recall = truePairs ? tp / truePairs : 1;
	return {
		precision,
		recall,
		f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
		truePairs,
		predictedPairs,
	};
}

/**
 * The tuning protocol (#31). Values chosen by looking at labelled data (thresholds, weights, word
 * lists) are chosen on the tuning sets only; the held-out sets report what users can expect, and
 * the README quotes them. `seenBefore`: the set was looked at while values were chosen before this
 * protocol was written (2026-12-06), so its figures are not a clean hold-out yet.
 */
export type DataRole = 'tuning' | 'heldOut';
export const DATA_ROLES: Record<string, { role: DataRole; seenBefore?: boolean }> = {
	'febrl 1': { role: 'tuning' },
	'febrl 2': { role: 'tuning' },
	'splink fake_1000': { role: 'tuning' },
	'form traffic seed 7': { role: 'tuning' },
	// More tuning draws of the namesake-heavy traffic (2026-12-06 late): looked at for a sweep of the
	// posterior bits (no value changed; docs/STATUS.md #31), so never a hold-out.
	'form traffic seed 11': { role: 'tuning' },
	'form traffic seed 13': { role: 'tuning' },
	'form traffic seed 17': { role: 'tuning' },
	'form traffic seed 19': { role: 'tuning' },
	'form traffic seed 23': { role: 'tuning' },
	'febrl 3': { role: 'heldOut', seenBefore: true },
	'febrl 4': { role: 'heldOut', seenBefore: true },
	'splink fake_20000': { role: 'heldOut', seenBefore: true },
	// Added 2026-12-06 (#31), first run after every value was chosen; its errors were then looked at,
	// and version 1.2's reading of company names answers them (chosen on the company listings below):
	// seen before since.
	'fodors-zagat restaurants': { role: 'heldOut', seenBefore: true },
	// Generated company listings (bench/companies.ts), written after the restaurants' errors were
	// read: seeds 7, 11 and 13 chose version 1.2's company-name weight; seed 101 was run once after.
	'company listings seed 7': { role: 'tuning' },
	'company listings seed 11': { role: 'tuning' },
	'company listings seed 13': { role: 'tuning' },
	'company listings seed 101': { role: 'heldOut' },
	// Another draw of the form-traffic generator: never looked at while choosing values.
	'form traffic seed 101': { role: 'heldOut' },
	// Namesake-heavy traffic with two addresses per person (bench/traffic.ts options).
	'form traffic seed 202': { role: 'heldOut' },
	// Draws first run after every value was chosen (2026-12-06): the cleanest hold-outs here.
	'form traffic seed 303': { role: 'heldOut' },
	'form traffic seed 404': { role: 'heldOut' },
	'form traffic seed 505': { role: 'heldOut' },
};

export function roleOf(name: string): { role: DataRole | 'unassigned'; seenBefore?: boolean } {
	return DATA_ROLES[name] ?? { role: 'unassigned' };
}
