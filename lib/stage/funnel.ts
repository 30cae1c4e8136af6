/**
 * Funnel figures from remembered stage histories: per stage, the leads of a period that reached it,
 * their conversion to the next level, the median and 90th-percentile time to get there, and the
 * overall lead-to-won rate; optionally per source, campaign or owner. An SVG chart draws the same.
 */
import type { StageDims, StageRecord } from './memory';
import { findStage, mainStages, type StageKind, type StageList } from './stages';

export interface FunnelOptions {
	/** The cohort: leads whose first stage move falls in [from, to). */
	from?: number;
	to?: number;
	groupBy?: keyof StageDims;
	/** A lead that skipped a stage (Lead -> SQL) counts as having reached the skipped ones. */
	countSkipped: boolean;
}

export interface FunnelRow {
	group?: string;
	stage: string;
	kind: StageKind;
	leads: number;
	reached: number;
	reached_rate: number | null;
	next_stage: string | null;
	converted_to_next: number | null;
	conversion_to_next: number | null;
	median_days_to_reach: number | null;
	p90_days_to_reach: number | null;
	won_stage: string;
	won: number;
	lead_to_won_rate: number | null;
}

const DAY = 86_400_000;
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The q-quantile of sorted values, interpolated between ranks (as PERCENTILE.INC in a spreadsheet). */
export function quantile(sorted: number[], q: number): number | null {
	if (!sorted.length) return null;
	const pos = (sorted.length - 1) * q;
	const lo = Math.floor(pos);
	const hi = Math.ceil(pos);
	return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

interface Reach {
	/** Stage index -> ms from creation to first entering it (undefined: reached only by skipping). */
	reached: Map<number, number | undefined>;
}

/**
 * What one record reached, by stage index in the list: every stage it entered, and with
 * `countSkipped` the main levels it passed over going forward (Lead -> SQL passes MQL and SAL). A
 * backward move (SQL back to MQL) never adds a stage: nothing was passed on the way down, and the
 * way up again from there passes only what lies between.
 */
function reachOf(
	list: StageList,
	record: StageRecord,
	countSkipped: boolean,
	firstOfLevel: Map<number, number>,
): Reach {
	const created = Date.parse(record.created_at);
	const reached = new Map<number, number | undefined>();
	/** The main level the lead stands at (side and terminal stages leave it). */
	let level: number | undefined;
	for (const t of record.history) {
		const stage = findStageIndex(list, t.to);
		if (stage < 0) continue;
		if (!reached.has(stage)) reached.set(stage, Math.max(0, Date.parse(t.at) - created));
		const s = list.stages[stage];
		if (s.kind !== 'main') continue;
		if (countSkipped && level !== undefined)
			for (let passed = level + 1; passed < s.level; passed++) {
				const index = firstOfLevel.get(passed);
				if (index !== undefined && !reached.has(index)) reached.set(index, undefined);
			}
		level = s.level;
	}
	return { reached };
}

const indexCache = new WeakMap<StageList, Map<string, number>>();
function findStageIndex(list: StageList, name: string): number {
	let cache = indexCache.get(list);
	if (!cache) indexCache.set(list, (cache = new Map()));
	let index = cache.get(name);
	if (index === undefined) {
		const stage = findStage(list, name);
		index = stage ? list.stages.indexOf(stage) : -1;
		cache.set(name, index);
	}
	return index;
}

/** One row per stage (and group), in the list's order. */
export function funnelReport(list: StageList, records: Iterable<StageRecord>, options: FunnelOptions): FunnelRow[] {
	const funnel = funnelOf(list, options);
	for (const record of records) funnel.add(record);
	return funnel.rows();
}

/**
 * The report built one record at a time (records read a page at a time from the store): each
 * record is kept only as the stages it reached and when.
 */
export function funnelOf(
	list: StageList,
	options: FunnelOptions,
): { add(record: StageRecord): void; rows(): FunnelRow[] } {
	const mains = mainStages(list);
	const firstOfLevel = new Map<number, number>();
	for (const s of mains) if (!firstOfLevel.has(s.level)) firstOfLevel.set(s.level, list.stages.indexOf(s));
	const groups = new Map<string, Reach[]>();
	return {
		add(record) {
			if (!record.history.length) return;
			const created = Date.parse(record.created_at);
			if (options.from !== undefined && !(created >= options.from)) return;
			if (options.to !== undefined && !(created < options.to)) return;
			const group = options.groupBy ? (record.dims[options.groupBy] ?? '(none)') : '';
			let bucket = groups.get(group);
			if (!bucket) groups.set(group, (bucket = []));
			bucket.push(reachOf(list, record, options.countSkipped, firstOfLevel));
		},
		rows: () => funnelRows(list, options, groups, firstOfLevel),
	};
}

function funnelRows(
	list: StageList,
	options: FunnelOptions,
	groups: Map<string, Reach[]>,
	firstOfLevel: Map<number, number>,
): FunnelRow[] {
	const wonIndex = list.stages.findIndex((s) => s.name === list.won);
	if (!groups.size) groups.set(options.groupBy ? '(none)' : '', []);
	const rows: FunnelRow[] = [];
	for (const [group, reaches] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
		const won = reaches.filter((r) => r.reached.has(wonIndex)).length;
		list.stages.forEach((stage, index) => {
			const who = reaches.filter((r) => r.reached.has(index));
			const next = stage.kind === 'main' ? firstOfLevel.get(stage.level + 1) : undefined;
			const nextLevelStages =
				next === undefined
					? []
					: list.stages.flatMap((s, k) => (s.kind === 'main' && s.level === stage.level + 1 ? [k] : []));
			const converted =
				next === undefined ? null : who.filter((r) => nextLevelStages.some((k) => r.reached.has(k))).length;
			const times = who
				.map((r) => r.reached.get(index))
				.filter((t): t is number => t !== undefined)
				.sort((a, b) => a - b);
			const median = quantile(times, 0.5);
			const p90 = quantile(times, 0.9);
			rows.push({
				...(options.groupBy ? { group } : {}),
				stage: stage.name,
				kind: stage.kind,
				leads: reaches.length,
				reached: who.length,
				reached_rate: reaches.length ? round(who.length / reaches.length) : null,
				next_stage: next === undefined ? null : list.stages[next].name,
				converted_to_next: converted,
				conversion_to_next: converted === null || !who.length ? null : round(converted / who.length),
				median_days_to_reach: median === null ? null : round(median / DAY, 2),
				p90_days_to_reach: p90 === null ? null : round(p90 / DAY, 2),
				won_stage: list.won,
				won,
				lead_to_won_rate: reaches.length ? round(won / reaches.length) : null,
			});
		});
	}
	return rows;
}

const escapeXml = (s: string) =>
	s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
const pct = (x: number | null) => (x === null ? '–' : `${Math.round(x * 1000) / 10}%`);

/**
 * A horizontal-bar funnel of one group's main stages (counts and conversion to the next), and
 * below it, apart from the main path, the side and terminal stages (Nurture, Other,
 * Disqualified) with how many leads reached each.
 */
export function funnelSvg(rows: FunnelRow[], title: string): string {
	const bars = rows.filter((r) => r.kind === 'main');
	const aside = rows.filter((r) => r.kind !== 'main');
	const width = 720;
	const rowHeight = 44;
	const asideHeight = 30;
	const top = 56;
	const labelWidth = 170;
	const barMax = width - labelWidth - 190;
	const max = Math.max(1, ...rows.map((r) => r.reached));
	const asideTop = top + bars.length * rowHeight + 16;
	const height = (aside.length ? asideTop + 24 + aside.length * asideHeight : top + bars.length * rowHeight) + 40;
	const first = rows[0];
	const parts = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
		`<rect width="${width}" height="${height}" fill="#ffffff"/>`,
		`<text x="20" y="30" font-size="18" font-weight="bold" fill="#1f2937">${escapeXml(title)}</text>`,
		`<text x="20" y="48" font-size="12" fill="#6b7280">${first?.leads ?? 0} leads · ${escapeXml(first?.won_stage ?? '')}: ${first?.won ?? 0} (${pct(first?.lead_to_won_rate ?? null)})</text>`,
	];
	bars.forEach((r, i) => {
		const y = top + i * rowHeight;
		const w = Math.max(2, Math.round((r.reached / max) * barMax));
		const x = labelWidth + (barMax - w) / 2;
		parts.push(
			`<text x="${labelWidth - 10}" y="${y + 22}" font-size="13" text-anchor="end" fill="#111827">${escapeXml(r.stage)}</text>`,
			`<rect x="${x}" y="${y + 6}" width="${w}" height="26" rx="3" fill="#ff6d5a"/>`,
			`<text x="${labelWidth + barMax + 12}" y="${y + 18}" font-size="13" fill="#111827">${r.reached} (${pct(r.reached_rate)})</text>`,
			r.conversion_to_next === null
				? ''
				: `<text x="${labelWidth + barMax + 12}" y="${y + 34}" font-size="11" fill="#6b7280">→ next ${pct(r.conversion_to_next)}</text>`,
		);
	});
	if (aside.length) {
		parts.push(
			`<line x1="20" y1="${asideTop}" x2="${width - 20}" y2="${asideTop}" stroke="#e5e7eb"/>`,
			`<text x="20" y="${asideTop + 18}" font-size="12" fill="#6b7280">Outside the main path (side and closing stages)</text>`,
		);
		aside.forEach((r, i) => {
			const y = asideTop + 24 + i * asideHeight;
			const w = Math.max(2, Math.round((r.reached / max) * barMax));
			parts.push(
				`<text x="${labelWidth - 10}" y="${y + 17}" font-size="12" text-anchor="end" fill="#374151">${escapeXml(r.stage)}</text>`,
				`<rect x="${labelWidth}" y="${y + 5}" width="${w}" height="16" rx="3" fill="${r.kind === 'terminal' ? '#9ca3af' : '#fbbf9f'}"/>`,
				`<text x="${labelWidth + barMax + 12}" y="${y + 17}" font-size="12" fill="#374151">${r.reached} (${pct(r.reached_rate)})</text>`,
			);
		});
	}
	parts.push('</svg>');
	return parts.filter(Boolean).join('\n');
}
