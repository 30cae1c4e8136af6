/**
 * Evaluating a lead against an SLA policy: the first response (from creation or from assignment)
 * and the follow-up cadence (N touches within a period, at most X hours between touches), on the
 * policy's clock with pauses; on track, at risk, breached or met, and the escalation level reached.
 */
import {
	activeMs,
	businessClock,
	calendarClock,
	ClockError,
	dueAt,
	hoursOf,
	HOUR,
	type Clock,
	type Pause,
} from './clock';
import { whenInWords, zoneTime } from '../time/words';
import {
	describeDateRanges,
	describeWorkingHours,
	isValidTimeZone,
	parseDateRanges,
	parseWorkingHours,
} from '../route/time';

export type SlaStatus = 'on_track' | 'at_risk' | 'breached' | 'met';

export interface Escalation {
	/** Share of the target elapsed, in percent (100 = due). */
	percent: number;
	name: string;
}

export interface SlaPolicy {
	name: string;
	/** The clock in the policy's zone; `clockFor` gives it in another zone (the owner's). */
	clockFor: (zone?: string) => Clock;
	firstResponseHours: number;
	from: 'created' | 'assigned';
	cadence?: { touches: number; periodDays: number; maxGapHours: number };
	atRiskPercent: number;
	escalation: Escalation[];
	/** A business clock's hours and holidays as understood ("Mon-Fri 09:00-17:00; not 2026-12-24"). */
	hours?: string;
}

export interface SlaTimes {
	createdAt: number;
	assignedAt?: number;
	touches: number[];
	pauses: Pause[];
	/** The clock was stopped (a terminal stage, a closed lead): nothing more is owed after it. */
	stoppedAt?: number;
	/** The owner's time zone, when the lead has an owner with one. */
	zone?: string;
}

export interface SlaResult {
	policy: string;
	status: SlaStatus;
	/** The target that decides the status now. */
	target: 'first_response' | 'follow_up_gap' | 'cadence' | 'none';
	target_hours: number | null;
	started_at: string | null;
	due_at: string | null;
	/**
	 * `due_at` in words in the clock's time zone (the owner's or the policy's):
	 * "Monday 7 December at 1:00 PM New York time".
	 */
	due_text: string | null;
	remaining_hours: number | null;
	overdue_hours: number | null;
	remaining_calendar_hours: number | null;
	overdue_calendar_hours: number | null;
	/** Share of the target elapsed, in percent. */
	elapsed_percent: number | null;
	paused: boolean;
	first_response_at: string | null;
	first_response_hours: number | null;
	touches_done: number;
	touches_expected: number;
	escalation_level: number;
	escalation: string | null;
	time_zone: string;
	/** A business clock's hours and holidays as the node understood them, in `time_zone`; else null. */
	business_hours: string | null;
	why: string;
	breaches: Array<{ target: string; due_at: string | null }>;
}

/** What a business clock's texts were understood as (they parsed already: businessClock checked them). */
function hoursUnderstood(schedule: string, holidays: string): string {
	const days = describeDateRanges(parseDateRanges(holidays));
	return `${describeWorkingHours(parseWorkingHours(schedule))}${days ? `; not on ${days}` : ''}`;
}

const iso = (ms: number | undefined | null) => (ms === undefined || ms === null ? null : new Date(ms).toISOString());
const round = (x: number) => Math.round(x * 10) / 10;

function level(policy: SlaPolicy, percent: number): { level: number; name: string | null } {
	let reached = 0;
	policy.escalation.forEach((step, i) => {
		if (percent >= step.percent) reached = i + 1;
	});
	return { level: reached, name: reached ? policy.escalation[reached - 1].name : null };
}

/** The lead's SLA at `now`. */
export function evaluateSla(policy: SlaPolicy, times: SlaTimes, now: number): SlaResult {
	return evaluateSlaAhead(policy, times, now).result;
}

/**
 * The lead's SLA at `now`, and from when it could read otherwise with no new event
 * (`changesFrom`): when a target's elapsed share could reach a threshold (at risk, an escalation
 * step, due), on the bound that the policy's clock runs no faster than the calendar (business
 * hours, holidays and pauses only slow it); when a cadence period ends; when a time recorded
 * ahead of `now` (a touch, a pause, a stop, the creation or assignment) is reached. Never later
 * than the first change, sometimes earlier (the clock is then looked at again for nothing);
 * Infinity when only an event can change it (stopped, met, or past its last threshold).
 */
export function evaluateSlaAhead(
	policy: SlaPolicy,
	times: SlaTimes,
	now: number,
): { result: SlaResult; changesFrom: number; targets: SlaTargetState[] } {
	const clock = policy.clockFor(times.zone);
	const end = Math.min(now, times.stoppedAt ?? Infinity);
	const fixed = times.stoppedAt !== undefined && times.stoppedAt <= now;
	let changesFrom = Infinity;
	const changeAt = (t: number | undefined) => {
		if (!fixed && t !== undefined && t >= now && t < changesFrom) changesFrom = t;
	};
	for (const t of [times.createdAt, times.assignedAt, times.stoppedAt, ...times.touches])
		if (t !== undefined && t > now) changeAt(t);
	for (const p of times.pauses) for (const t of [p.start, p.end]) if (t !== undefined && t > now) changeAt(t);
	const start = policy.from === 'assigned' ? times.assignedAt : times.createdAt;
	const touches = times.touches.filter((t) => t >= times.createdAt && t <= end).sort((a, b) => a - b);
	const pausedNow = times.pauses.some((p) => p.start <= end && (p.end === undefined || p.end > end));
	const expected = policy.cadence?.touches ?? (policy.firstResponseHours > 0 ? 1 : 0);
	const base: SlaResult = {
		policy: policy.name,
		status: 'on_track',
		target: 'none',
		target_hours: null,
		started_at: iso(start),
		due_at: null,
		due_text: null,
		remaining_hours: null,
		overdue_hours: null,
		remaining_calendar_hours: null,
		overdue_calendar_hours: null,
		elapsed_percent: null,
		paused: pausedNow,
		first_response_at: iso(touches[0]),
		first_response_hours: null,
		touches_done: touches.length,
		touches_expected: expected,
		escalation_level: 0,
		escalation: null,
		time_zone: clock.zone,
		business_hours: policy.hours ? `${policy.hours} (${zoneTime(clock.zone)})` : null,
		why: '',
		breaches: [],
	};
	if (start === undefined)
		return {
			result: { ...base, why: 'The clock starts when the lead is assigned to an owner' },
			changesFrom,
			targets: [],
		};

	/** A target measured from `from` on the clock, done at `doneAt` (undefined: still open). */
	const measure = (name: SlaResult['target'], from: number, hours: number, doneAt: number | undefined) => {
		const target = hours * HOUR;
		const stop = doneAt ?? end;
		const used = activeMs(clock, from, stop, times.pauses);
		const due = dueAt(clock, from, target, times.pauses);
		const percent = target > 0 ? (used / target) * 100 : 100;
		const late = used > target;
		return { name, from, hours, used, due, percent, late, done: doneAt !== undefined, number: 0 };
	};

	const results: Array<ReturnType<typeof measure>> = [];
	/** Follow-up gaps between touches already made (done), for the targets' own states. */
	const gaps: Array<ReturnType<typeof measure>> = [];
	const first = touches.find((t) => t >= start);
	if (policy.firstResponseHours > 0) results.push(measure('first_response', start, policy.firstResponseHours, first));
	let cadenceBreach: string | undefined;
	let periodMissed: string | undefined;
	let cadenceMet = !policy.cadence;
	if (policy.cadence && first !== undefined) {
		const { periodDays, maxGapHours } = policy.cadence;
		const periodEnd = start + periodDays * 24 * HOUR;
		const inPeriod = touches.filter((t) => t >= start && t <= periodEnd);
		cadenceMet = inPeriod.length >= policy.cadence.touches;
		if (!cadenceMet) {
			changeAt(periodEnd > end ? periodEnd : undefined);
			if (end >= periodEnd)
				cadenceBreach =
					periodMissed = `${inPeriod.length} of ${policy.cadence.touches} touches within ${periodDays} days`;
			else if (maxGapHours > 0) {
				const last = inPeriod[inPeriod.length - 1] ?? first;
				results.push({ ...measure('follow_up_gap', last, maxGapHours, undefined), number: inPeriod.length });
			}
		}
		// A gap between two touches already made that was longer than allowed is a breach on record.
		if (maxGapHours > 0) {
			for (let i = 1; i < inPeriod.length && i < policy.cadence.touches; i++) {
				const gap = { ...measure('follow_up_gap', inPeriod[i - 1], maxGapHours, inPeriod[i]), number: i };
				gaps.push(gap);
				if (gap.late) cadenceBreach ??= `${maxGapHours} h between touches passed before ${iso(inPeriod[i])}`;
			}
		}
	}
	// Each open target reaches a threshold it has not reached (as `level` and the status read it)
	// no sooner than its remaining share, in calendar time.
	for (const r of results.filter((x) => !x.done)) {
		const target = r.hours * HOUR;
		const ahead = (share: number, past = 0) => changeAt(now + Math.max(0, Math.floor(share * target - r.used) + past));
		for (const percent of [policy.atRiskPercent, ...policy.escalation.map((e) => e.percent)])
			if (!(r.percent >= percent)) ahead(percent / 100);
		// Late once past the target (times are whole milliseconds).
		if (!r.late) ahead(1, 1);
	}
	const breaches = results
		.filter((r) => r.late)
		.map((r) => ({ target: r.name, due_at: iso(r.due) }))
		.concat(cadenceBreach ? [{ target: 'cadence', due_at: null }] : []);
	// The target that speaks now: an open one (first response pending, the next follow-up), else the last.
	const open = results.filter((r) => !r.done);
	const current = open[open.length - 1] ?? results[results.length - 1];
	const out: SlaResult = { ...base, breaches };
	if (first !== undefined) out.first_response_hours = hoursOf(activeMs(clock, start, first, times.pauses));
	if (current) {
		const lv = level(policy, current.percent);
		const calendarEnd = current.done ? undefined : end;
		out.target = current.name;
		out.target_hours = current.hours;
		out.due_at = iso(current.due);
		out.due_text = current.due === undefined ? null : whenInWords(current.due, clock.zone, now);
		out.elapsed_percent = round(current.percent);
		out.remaining_hours = current.late ? null : hoursOf(current.hours * HOUR - current.used);
		out.overdue_hours = current.late ? hoursOf(current.used - current.hours * HOUR) : null;
		if (current.due !== undefined && calendarEnd !== undefined) {
			// Due this very moment counts as 0 h remaining, as the business-hours figure does.
			out.remaining_calendar_hours = current.due >= calendarEnd ? hoursOf(current.due - calendarEnd) : null;
			out.overdue_calendar_hours = current.due < calendarEnd ? hoursOf(calendarEnd - current.due) : null;
		}
		if (!current.done) {
			out.escalation_level = lv.level;
			out.escalation = lv.name;
		}
	}
	if (breaches.length) {
		out.status = 'breached';
		const b = results.find((r) => r.late);
		out.why = b
			? b.done
				? `First response after ${hoursOf(b.used)} h, over the ${b.hours} h target`
				: `${b.name === 'first_response' ? 'No first response' : 'No follow-up'} ${hoursOf(b.used - b.hours * HOUR)} h past the ${b.hours} h target`
			: `Cadence missed: ${cadenceBreach}`;
	} else if (times.stoppedAt !== undefined && times.stoppedAt <= now) {
		out.status = 'met';
		out.why = 'Clock stopped before any target was missed';
		out.escalation_level = 0;
		out.escalation = null;
	} else if (first !== undefined && cadenceMet) {
		out.status = 'met';
		out.why = policy.cadence
			? `${touches.length} touches, first after ${out.first_response_hours} h`
			: `First response after ${out.first_response_hours} h`;
	} else if (current && !current.done && current.percent >= policy.atRiskPercent) {
		out.status = 'at_risk';
		out.why = `${round(current.percent)}% of the ${current.hours} h ${current.name === 'first_response' ? 'first response' : 'follow-up'} target used`;
	} else {
		out.status = 'on_track';
		out.why = current
			? `${current.name === 'first_response' ? 'First response' : 'Next follow-up'} due ${out.due_text ?? 'when the clock resumes'}${policy.hours && out.due_text ? ` (business hours ${policy.hours})` : ''}`
			: 'Nothing due';
	}
	const words = (ms: number | undefined) => (ms === undefined ? null : whenInWords(ms, clock.zone, now));
	return { result: out, changesFrom, targets: targetStates(policy, results, gaps, periodMissed, fixed, words) };
}

const percentText = (x: number) => `${round(x)}%`;

/** Each target's own status and level (see `SlaTargetState`). */
function targetStates(
	policy: SlaPolicy,
	results: Array<{
		name: SlaResult['target'];
		hours: number;
		percent: number;
		late: boolean;
		done: boolean;
		due: number | undefined;
		used: number;
		number: number;
	}>,
	gaps: typeof results,
	periodMissed: string | undefined,
	stopped: boolean,
	words: (ms: number | undefined) => string | null,
): SlaTargetState[] {
	const out: SlaTargetState[] = [];
	for (const r of [
		...results.filter((x) => x.name === 'first_response'),
		...gaps,
		...results.filter((x) => x.name !== 'first_response'),
	]) {
		const followUp = r.name === 'follow_up_gap';
		const label = followUp ? `Follow-up ${r.number}` : 'First response';
		const open = !r.done;
		const lv = open ? level(policy, r.percent) : { level: 0, name: null };
		const status: SlaStatus = r.late
			? 'breached'
			: r.done || stopped
				? 'met'
				: r.percent >= policy.atRiskPercent
					? 'at_risk'
					: 'on_track';
		const late = hoursOf(r.used - r.hours * HOUR);
		out.push({
			id: followUp ? `follow_up:${r.number}` : 'first_response',
			target: r.name as SlaTargetState['target'],
			...(followUp ? { number: r.number } : {}),
			status,
			level: status === 'met' ? 0 : lv.level,
			escalation: status === 'met' ? null : lv.name,
			target_hours: r.hours,
			due_at: iso(r.due),
			due_text: words(r.due),
			elapsed_percent: round(r.percent),
			why:
				status === 'breached'
					? r.done
						? `${label} after ${hoursOf(r.used)} h, over the ${r.hours} h target`
						: `${label}: none ${late} h past the ${r.hours} h target`
					: status === 'met'
						? `${label} in time`
						: `${label}: ${percentText(r.percent)} of the ${r.hours} h target used`,
		});
	}
	if (periodMissed)
		out.push({
			id: 'cadence',
			target: 'cadence',
			status: 'breached',
			level: 0,
			escalation: null,
			target_hours: null,
			due_at: null,
			due_text: null,
			elapsed_percent: null,
			why: `Cadence missed: ${periodMissed}`,
		});
	return out;
}

/**
 * One target of a clock and where it stands: the first response, each follow-up (the gap after
 * the n-th touch, to the next one) and the cadence's touch count by the period's end. Check Due
 * alerts each target once per status and escalation level of its own.
 */
export interface SlaTargetState {
	/** `first_response`, `follow_up:<n>` (after the n-th touch) or `cadence`. */
	id: string;
	target: 'first_response' | 'follow_up_gap' | 'cadence';
	/** For a follow-up: after which touch (1 = the first response). */
	number?: number;
	status: SlaStatus;
	/** Escalation level reached while the target was open (0 once it is done). */
	level: number;
	escalation: string | null;
	target_hours: number | null;
	due_at: string | null;
	/** `due_at` in words in the clock's time zone. */
	due_text: string | null;
	elapsed_percent: number | null;
	why: string;
}

/** A policy as plain data: what the node's parameters say, and what the ledger keeps per clock. */
export interface PolicySpec {
	name: string;
	firstResponseHours: number;
	from: 'created' | 'assigned';
	cadence?: { touches: number; periodDays: number; maxGapHours: number };
	clock: { kind: 'calendar' | 'business'; schedule: string; zone: string; holidays: string };
	/** Business clocks run in the owner's time zone when the lead has one. */
	ownerZone: boolean;
	atRiskPercent: number;
	escalation: Escalation[];
}

const built = new Map<string, SlaPolicy>();

/** The policy with its clocks (cached per spec; a clock per time zone). Errors name what is wrong. */
export function buildPolicy(spec: PolicySpec): SlaPolicy {
	const key = JSON.stringify(spec);
	const hit = built.get(key);
	if (hit) return hit;
	if (!(spec.firstResponseHours >= 0) || !Number.isFinite(spec.firstResponseHours))
		throw new ClockError(
			`Policy "${spec.name}": First Response (Hours) is ${String(spec.firstResponseHours)}; it must be 0 (no first-response target) or a positive number of hours`,
		);
	if (spec.cadence && (!(spec.cadence.touches >= 1) || !(spec.cadence.periodDays > 0)))
		throw new ClockError(`Policy "${spec.name}": the cadence needs at least 1 touch within more than 0 days`);
	if (spec.cadence && !(spec.cadence.maxGapHours >= 0 && Number.isFinite(spec.cadence.maxGapHours)))
		throw new ClockError(
			`Policy "${spec.name}": Max Hours Between Touches is ${String(spec.cadence.maxGapHours)}; it must be 0 (no limit) or a positive number of hours`,
		);
	if (spec.clock.kind !== 'business' && !isValidTimeZone(spec.clock.zone))
		throw new ClockError(`"${spec.clock.zone}" is not a time zone (use an IANA name such as Europe/Berlin)`);
	const base =
		spec.clock.kind === 'business'
			? businessClock(spec.clock.schedule, spec.clock.zone, spec.clock.holidays)
			: calendarClock(spec.clock.zone);
	const clocks = new Map<string, Clock>([[base.zone, base]]);
	const policy: SlaPolicy = {
		name: spec.name,
		firstResponseHours: spec.firstResponseHours,
		from: spec.from,
		cadence: spec.cadence,
		atRiskPercent: spec.atRiskPercent,
		escalation: [...spec.escalation].sort((a, b) => a.percent - b.percent),
		...(spec.clock.kind === 'business' ? { hours: hoursUnderstood(spec.clock.schedule, spec.clock.holidays) } : {}),
		clockFor: (zone) => {
			// A calendar clock counts the same hours in any zone; its zone is the one its times are read in.
			if (!zone || !spec.ownerZone) return base;
			let clock = clocks.get(zone);
			if (!clock) {
				// An owner's zone that is no IANA zone falls back to the policy's (checked once per zone).
				clock = isValidTimeZone(zone) ? { ...base, zone } : base;
				if (clocks.size < 1000) clocks.set(zone, clock);
			}
			return clock;
		},
	};
	if (built.size > 1000) built.clear();
	built.set(key, policy);
	return policy;
}

/** "100: owner, 150: manager, 200: re-route" -> steps; errors name the part. */
export function parseEscalation(text: string): Escalation[] {
	const steps: Escalation[] = [];
	for (const part of text
		.split(/[,;\n]+/)
		.map((p) => p.trim())
		.filter(Boolean)) {
		const cut = part.search(/[:=]/);
		const percent = cut > 0 ? Number(part.slice(0, cut).trim().replace(/%$/, '')) : NaN;
		const name = cut > 0 ? part.slice(cut + 1).trim() : '';
		if (!Number.isFinite(percent) || percent < 0 || !name)
			throw new ClockError(`Escalation step "${part.slice(0, 60)}": write it as percent: name (e.g. 150: manager)`);
		steps.push({ percent, name: name.slice(0, 100) });
	}
	return steps.sort((a, b) => a.percent - b.percent);
}
