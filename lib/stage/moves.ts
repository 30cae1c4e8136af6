/**
 * Deciding one stage move: forward-only by default, backward only when allowed and with a reason,
 * skipping allowed or not, an optional allowed-transitions list, required fields per stage. Every
 * request ends as advanced, unchanged (with why) or refused (with the rule that refused it).
 */
import { findStage, nextStage, requireStage, stageKey, StageError, type Stage, type StageList } from './stages';

export interface MoveRules {
	allowBackward: boolean;
	allowSkip: boolean;
	/** When set, only these moves ("from" "*" = any stage or none; "to" "*" = any stage). */
	allowed?: Array<{ from: string; to: string }>;
}

export type MoveRequest =
	| { kind: 'set'; target: string; reason?: string }
	| { kind: 'next'; reason?: string }
	| { kind: 'recycle'; target: string; reason?: string }
	/** From Score: a set that never moves back, whatever the rules allow (a lower score is no demotion). */
	| { kind: 'score'; target: string; reason?: string };

export type MoveStatus = 'advanced' | 'unchanged' | 'refused';

export interface MoveOutcome {
	status: MoveStatus;
	from: string | null;
	to: string | null;
	/** Why it is unchanged or refused, or what the move was ("skipped SAL"). */
	why: string;
	/** The rule that refused the move. */
	rule?: 'terminal' | 'backward' | 'reason' | 'skip' | 'transitions' | 'required';
	/** Refused by required fields: what is missing. */
	missing?: string[];
}

/** What the lead's history says: its stage now and the last main stage it was at. */
export interface StageState {
	current?: Stage;
	lastMain?: Stage;
	enteredAt?: string;
}

/** "Lead -> MQL" lines (several targets with commas; "*" for any); errors name the line. */
export function parseTransitions(list: StageList, text: string): MoveRules['allowed'] {
	const lines = text
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean);
	if (lines.length > 500) throw new StageError('Allowed Transitions has more than 500 lines');
	const allowed: Array<{ from: string; to: string }> = [];
	for (const line of lines) {
		const parts = line.split(/->|→/);
		if (parts.length !== 2)
			throw new StageError(`Allowed transition "${line.slice(0, 80)}": write it as "From -> To" (e.g. MQL -> SAL)`);
		const side = (names: string) =>
			names
				.split(',')
				.map((n) => n.trim())
				.filter(Boolean)
				.map((n) => (n === '*' ? '*' : requireStage(list, n, `Allowed transition "${line}": stage`).name));
		for (const from of side(parts[0])) for (const to of side(parts[1])) allowed.push({ from, to });
	}
	return allowed.length ? allowed : undefined;
}

const names = (stages: Stage[]) => stages.map((s) => s.name).join(', ');

/**
 * Decides one move. `missingFor(stage)` answers which required fields or conditions of the target
 * stage the lead does not meet (empty: none).
 */
export function decideMove(
	list: StageList,
	rules: MoveRules,
	state: StageState,
	request: MoveRequest,
	missingFor: (stage: Stage) => string[],
): MoveOutcome {
	const { current, lastMain } = state;
	const from = current?.name ?? null;
	const reason = request.reason?.trim() ?? '';
	let target: Stage;
	if (request.kind === 'next') {
		if (current?.kind === 'terminal')
			return {
				status: 'refused',
				from,
				to: null,
				rule: 'terminal',
				why: `${current.name} ends the lifecycle: there is no next stage (use Set Stage with Allow Backward Moves and a reason to reopen)`,
			};
		const base = current?.kind === 'main' ? current : lastMain;
		const next = base ? nextStage(list, base.level) : nextStage(list, -1);
		if (!next) return { status: 'unchanged', from, to: from, why: `Already at the last stage (${base!.name})` };
		target = next;
	} else {
		target = requireStage(list, request.target, request.kind === 'recycle' ? 'Recycle stage' : 'Stage');
	}
	const to = target.name;
	if (current && current.name === target.name) {
		return {
			status: 'unchanged',
			from,
			to,
			why: `Already at ${to}${state.enteredAt ? ` since ${state.enteredAt}` : ''}`,
		};
	}
	const refuse = (rule: NonNullable<MoveOutcome['rule']>, why: string, missing?: string[]): MoveOutcome => ({
		status: 'refused',
		from,
		to,
		rule,
		why,
		...(missing ? { missing } : {}),
	});
	if (request.kind === 'recycle' && !reason)
		return refuse('reason', `Recycling to ${to} needs a reason (say why the lead goes back)`);
	let note = '';
	if (current?.kind === 'terminal' && request.kind !== 'recycle') {
		if (request.kind === 'score' || !rules.allowBackward)
			return refuse(
				'terminal',
				`${current.name} ends the lifecycle: leaving it needs Allow Backward Moves and a reason`,
			);
		if (!reason) return refuse('reason', `Leaving ${current.name} (a terminal stage) needs a reason`);
		note = `reopened from ${current.name}`;
	}
	if (target.kind === 'main' && current?.kind === 'main') {
		if (target.level < current.level && request.kind !== 'recycle') {
			if (!rules.allowBackward || request.kind === 'score')
				return {
					status: 'unchanged',
					from,
					to: from,
					why: `Already beyond ${to}: at ${current.name} (stages only move forward${request.kind === 'score' ? ' from a score' : ''})`,
				};
			if (!reason) return refuse('reason', `Moving back from ${current.name} to ${to} needs a reason`);
			note = `moved back from ${current.name}`;
		} else if (target.level === current.level) {
			return {
				status: 'unchanged',
				from,
				to: from,
				why: `Already at ${current.name}, a stage of the same level as ${to}`,
			};
		}
	}
	// Skipping: compared with the stage the lead is at, or the last one before a side stage.
	const base = current?.kind === 'main' ? current : current?.kind === 'side' ? lastMain : undefined;
	if (target.kind === 'main' && base && target.level > base.level) {
		const skipped = list.stages.filter(
			(s) =>
				s.kind === 'main' &&
				s.level > base.level &&
				s.level < target.level &&
				s === list.stages.find((x) => x.kind === 'main' && x.level === s.level),
		);
		if (skipped.length) {
			if (!rules.allowSkip)
				return refuse(
					'skip',
					`Moving from ${base.name} to ${to} would skip ${names(skipped)} (skipping is not allowed)`,
				);
			note = `skipped ${names(skipped)}`;
		}
	}
	if (rules.allowed) {
		const fromKey = from ? stageKey(from) : null;
		const ok = rules.allowed.some(
			(t) =>
				(t.from === '*' || (fromKey !== null && stageKey(t.from) === fromKey)) &&
				(t.to === '*' || stageKey(t.to) === stageKey(to)),
		);
		if (!ok) return refuse('transitions', `${from ?? '(no stage)'} -> ${to} is not in Allowed Transitions`);
	}
	const missing = missingFor(target);
	if (missing.length) return refuse('required', `${to} requires ${missing.join('; ')}`, missing);
	return { status: 'advanced', from, to, why: note || (from ? `${from} -> ${to}` : `entered at ${to}`) };
}

/** The stage a score label or number stands for: an explicit map first, then a stage of that name. */
export function stageFromScore(
	list: StageList,
	value: unknown,
	labelMap: Array<{ label: string; stage: string }>,
	numberMap: Array<{ min: number; stage: string }>,
): string | undefined {
	if (value === null || value === undefined || value === '') return undefined;
	const num =
		typeof value === 'number'
			? value
			: typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())
				? Number(value)
				: NaN;
	if (Number.isFinite(num) && numberMap.length) {
		const hit = [...numberMap].sort((a, b) => b.min - a.min).find((t) => num >= t.min);
		return hit?.stage;
	}
	const label = String(value).slice(0, 200);
	const mapped = labelMap.find((m) => stageKey(m.label) === stageKey(label));
	if (mapped) return mapped.stage;
	return findStage(list, label)?.name;
}
