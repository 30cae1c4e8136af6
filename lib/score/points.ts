/**
 * Lead scoring with points: fit rules (on the lead's fields, decided by the caller: n8n's condition
 * builder), engagement rules (on the lead's events, counted here), groups with caps, a total cap,
 * decay of engagement by event age, a Pardot-style grade from fit, thresholds that set a label,
 * and the reasons behind every point.
 */
import { defaultLifecycle, findStage } from '../stage/stages';

export interface FitRule {
	name: string;
	points: number;
	group?: string;
	/** Grade steps in thirds of a letter (Pardot: a third, two thirds or a letter; negative lowers). */
	gradeThirds?: number;
}

export interface EngagementRule {
	name: string;
	/** Event types counted (case-insensitive), e.g. email_click; empty counts every event. */
	eventTypes: string[];
	/** Text the event must contain (its type, name, url or page), case-insensitive; empty: any. */
	contains?: string;
	/** Only events this recent count (days); 0 for any age. */
	withinDays: number;
	/** At least this many matching events for the rule to fire. */
	minCount: number;
	/** Once per lead, or per matching event up to maxOccurrences. */
	count: 'once' | 'each';
	maxOccurrences: number;
	points: number;
	group?: string;
}

export type Decay =
	| { kind: 'none' }
	| { kind: 'halfLife'; days: number }
	| { kind: 'linear'; percent: number; days: number };

export interface Threshold {
	label: string;
	min: number;
}

export interface ScoreConfig {
	fit: FitRule[];
	engagement: EngagementRule[];
	/** Caps per group name (points a group can add at most; negative points are not capped). */
	groupCaps: Record<string, number>;
	/** The most the total can be; undefined for no cap. */
	totalCap?: number;
	decay: Decay;
	/** Labels by minimum total, any order; the highest reached wins. */
	thresholds: Threshold[];
	/** Fit and engagement cut points for the A1..D4 matrix label; undefined: no matrix. */
	matrix?: { fit: [number, number, number]; engagement: [number, number, number] };
	/** Reasons also list rules that did not fire (and why). */
	explainMisses?: boolean;
}

export interface LeadEvent {
	type: string;
	/** When it happened (ms). */
	at: number;
	/** Text searched by `contains`: name, url, page... joined. */
	text: string;
}

export interface Reason {
	rule: string;
	/**
	 * fit, engagement, model (the model's share of the total: its probability, or its points), or
	 * cap (the points a Total Cap took off, negative). The reasons' points always add up to the total.
	 */
	kind: 'fit' | 'engagement' | 'model' | 'cap';
	points: number;
	group?: string;
	/** How many events counted (engagement). */
	occurrences?: number;
	/** Points the rule would have given before decay and caps. */
	raw?: number;
	decayed?: boolean;
	capped?: boolean;
	/** A rule that did not fire, with why (Explain Misses). */
	missed?: string;
}

export interface ScoreResult {
	fit: number;
	engagement: number;
	total: number;
	grade: string;
	label: string | null;
	matrix?: string;
	reasons: Reason[];
}

/**
 * Thresholds whose labels are lifecycle stages must rise with the stage (MQL below SQL): the first
 * pair out of order, in words, or undefined. Labels that are no stage (Hot, Warm) are not compared.
 */
export function thresholdOrderProblem(thresholds: Threshold[]): string | undefined {
	const lifecycle = defaultLifecycle();
	const staged = thresholds
		.map((t) => ({ ...t, stage: findStage(lifecycle, t.label) }))
		.filter((t) => t.stage?.kind === 'main');
	for (const a of staged)
		for (const b of staged)
			if (a.stage!.level < b.stage!.level && a.min > b.min)
				return `Thresholds out of lifecycle order: "${a.label}" starts at ${a.min} but "${b.label}", a later stage, at ${b.min}; give "${b.label}" the higher score`;
	return undefined;
}

/** Grades from lowest to highest; every step is a third of a letter. */
export const GRADES = ['F', 'D-', 'D', 'D+', 'C-', 'C', 'C+', 'B-', 'B', 'B+', 'A-', 'A', 'A+'] as const;
const START_GRADE = GRADES.indexOf('D');
const DAY = 86_400_000;

/** Points as the score shows them: two decimals. */
export const round = (x: number) => Math.round(x * 100) / 100;

/** The weight of an event `ageDays` old under the decay (1 when new). */
export function decayFactor(decay: Decay, ageDays: number): number {
	const age = Math.max(0, ageDays);
	if (decay.kind === 'halfLife') return decay.days > 0 ? 0.5 ** (age / decay.days) : 1;
	if (decay.kind === 'linear') {
		if (decay.days <= 0) return 1;
		return Math.max(0, 1 - (decay.percent / 100) * Math.floor(age / decay.days));
	}
	return 1;
}

/** The events a rule counts, newest first. */
function matchingEvents(rule: EngagementRule, events: LeadEvent[], now: number): LeadEvent[] {
	const types = rule.eventTypes.map((t) => t.toLowerCase());
	const needle = rule.contains?.toLowerCase();
	return events
		.filter(
			(e) =>
				(!types.length || types.includes(e.type.toLowerCase())) &&
				(!needle || e.text.toLowerCase().includes(needle) || e.type.toLowerCase().includes(needle)) &&
				(rule.withinDays <= 0 || now - e.at <= rule.withinDays * DAY) &&
				e.at <= now,
		)
		.sort((a, b) => b.at - a.at);
}

/**
 * Scores one lead. `fired[i]` says whether fit rule i matched (the caller evaluates conditions);
 * `events` are the lead's events; `now` makes decay reproducible.
 */
export function scoreLead(config: ScoreConfig, fired: boolean[], events: LeadEvent[], now: number): ScoreResult {
	const reasons: Reason[] = [];
	let gradeIndex = START_GRADE;
	config.fit.forEach((rule, i) => {
		if (fired[i]) {
			reasons.push({ rule: rule.name, kind: 'fit', points: rule.points, raw: rule.points, group: rule.group });
			gradeIndex += rule.gradeThirds ?? 0;
		} else if (config.explainMisses) {
			reasons.push({ rule: rule.name, kind: 'fit', points: 0, group: rule.group, missed: 'conditions not met' });
		}
	});
	for (const rule of config.engagement) {
		const found = matchingEvents(rule, events, now);
		if (found.length < Math.max(1, rule.minCount)) {
			if (config.explainMisses) {
				reasons.push({
					rule: rule.name,
					kind: 'engagement',
					points: 0,
					group: rule.group,
					occurrences: found.length,
					missed: `${found.length} matching event${found.length === 1 ? '' : 's'}, ${Math.max(1, rule.minCount)} needed`,
				});
			}
			continue;
		}
		const counted = rule.count === 'each' ? found.slice(0, Math.max(1, rule.maxOccurrences)) : [found[0]];
		const raw = rule.points * counted.length;
		// Each counted event weighs by its own age; "once" weighs by the newest.
		const points = counted.reduce((sum, e) => sum + rule.points * decayFactor(config.decay, (now - e.at) / DAY), 0);
		reasons.push({
			rule: rule.name,
			kind: 'engagement',
			points: round(points),
			raw,
			group: rule.group,
			occurrences: counted.length,
			...(round(points) !== raw ? { decayed: true } : {}),
		});
	}
	// Group caps: positive points of a group beyond its cap are cut, latest reasons first.
	for (const [group, cap] of Object.entries(config.groupCaps)) {
		let room = cap;
		for (const r of reasons) {
			if (r.group !== group || r.points <= 0 || r.missed) continue;
			if (r.points > room) {
				r.points = round(Math.max(0, room));
				r.capped = true;
			}
			room -= r.points;
		}
	}
	const sum = (kind: Reason['kind']) => round(reasons.filter((r) => r.kind === kind).reduce((s, r) => s + r.points, 0));
	const fit = sum('fit');
	const engagement = sum('engagement');
	const total = applyTotalCap(config, reasons, round(fit + engagement));
	const grade = GRADES[Math.min(GRADES.length - 1, Math.max(0, gradeIndex))];
	return {
		fit,
		engagement,
		total,
		grade,
		label: labelFor(config.thresholds, total),
		...(config.matrix ? { matrix: matrixLabel(config.matrix, fit, engagement) } : {}),
		reasons,
	};
}

/**
 * The total under the Total Cap; what the cap takes off becomes a reason of its own (kind `cap`,
 * negative points), so the reasons add up to the total.
 */
export function applyTotalCap(config: Pick<ScoreConfig, 'totalCap'>, reasons: Reason[], total: number): number {
	if (config.totalCap === undefined || !(total > config.totalCap)) return total;
	reasons.push({ rule: `Total cap (${config.totalCap})`, kind: 'cap', points: round(config.totalCap - total) });
	return config.totalCap;
}

/** The label of the highest threshold the total reaches, or null. */
export function labelFor(thresholds: Threshold[], total: number): string | null {
	let best: Threshold | undefined;
	for (const t of thresholds) if (total >= t.min && (!best || t.min > best.min)) best = t;
	return best?.label ?? null;
}

/** Fit A (best) .. D by the fit cut points, engagement 1 (most) .. 4: "A1" is hot and right. */
export function matrixLabel(matrix: NonNullable<ScoreConfig['matrix']>, fit: number, engagement: number): string {
	const band = (x: number, cuts: [number, number, number]) =>
		x >= cuts[2] ? 0 : x >= cuts[1] ? 1 : x >= cuts[0] ? 2 : 3;
	return `${'ABCD'[band(fit, matrix.fit)]}${band(engagement, matrix.engagement) + 1}`;
}

/**
 * Events from a lead: an array of objects with a type and a time, under the mapped field names.
 * A time that does not parse is an error naming the event, so a lead never scores silently wrong.
 */
export function readEvents(value: unknown, typeField = 'type', atField = 'at'): LeadEvent[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) throw new Error('the events field is not a list');
	return value.slice(0, 10_000).map((raw, i) => {
		const e = (raw ?? {}) as Record<string, unknown>;
		const type = String(e[typeField] ?? '').slice(0, 200);
		const atRaw = e[atField];
		const at = typeof atRaw === 'number' ? atRaw : Date.parse(String(atRaw ?? ''));
		if (!Number.isFinite(at)) throw new Error(`event ${i + 1} ("${type}") has no readable time in "${atField}"`);
		const text = ['name', 'url', 'page', 'title', 'subject', 'campaign']
			.map((k) => (typeof e[k] === 'string' ? (e[k] as string).slice(0, 2000) : ''))
			.filter(Boolean)
			.join(' ');
		return { type, at, text };
	});
}
