import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { modelNamespace } from '../../lib/score/modelStore';
import { rowsWithoutConditions } from '../shared/fastConditions';
import { readScope, type ScopeChoice } from '../shared/scope';
import {
	thresholdOrderProblem,
	type Decay,
	type EngagementRule,
	type FitRule,
	type ScoreConfig,
	type Threshold,
} from '../../lib/score/points';

export interface ScoreSettings {
	config: ScoreConfig;
	scoreWith: 'rules' | 'model' | 'both';
	/** Rules and Model: how the model's probability enters the score. */
	combine: 'modelAsFit' | 'blend' | 'modelPoints';
	/** Blend: the model's share of the total, 0..1. */
	modelWeight: number;
	/** Model as Points: the fit points a 100% probability is worth. */
	modelPoints: number;
	modelName: string;
	/** Whose models: this workflow's, this node's, or every workflow's (shared). */
	modelScope: ScopeChoice;
	/** Where the scope's models are kept (`modelNamespace`). */
	modelNamespace: string;
	eventsField: string;
	eventTypeField: string;
	eventTimeField: string;
	outputField: string;
	outputPerLabel: boolean;
	now: number;
	/** Execution hints: settings that version 1 accepts and later versions refuse. */
	hints: string[];
}

const list = (text: unknown) =>
	String(text ?? '')
		.split(/[,;\n]+/)
		.map((s) => s.trim())
		.filter(Boolean);

type Values<T> = { values?: T[] } | undefined;

/** The Score Leads parameters as the lib's configuration; malformed ones stop with their name. */
export function readScoreSettings(ctx: IExecuteFunctions): ScoreSettings {
	const node = ctx.getNode();
	const o = ctx.getNodeParameter('options', 0, {}) as Record<string, unknown>;
	const scoreWith = ctx.getNodeParameter('scoreWith', 0, 'rules') as ScoreSettings['scoreWith'];
	const usesRules = scoreWith !== 'model';
	const fitRaw = usesRules ? rowsWithoutConditions(ctx, 'fitRules.values') : [];
	const engagementRaw = usesRules
		? ((ctx.getNodeParameter('engagementRules', 0, {}) as Values<Record<string, unknown>>)?.values ?? [])
		: [];
	const fit: FitRule[] = fitRaw.map((r, i) => ({
		name: String(r.name || `Fit rule ${i + 1}`),
		points: Number(r.points ?? 0),
		group: String(r.group ?? '').trim() || undefined,
		gradeThirds: Number(r.grade ?? 0),
	}));
	const engagement: EngagementRule[] = engagementRaw.map((r, i) => ({
		name: String(r.name || `Engagement rule ${i + 1}`),
		eventTypes: list(r.eventTypes),
		contains: String(r.contains ?? '').trim() || undefined,
		withinDays: Number(r.withinDays ?? 0),
		minCount: Math.max(1, Number(r.minCount ?? 1)),
		count: r.count === 'each' ? 'each' : 'once',
		maxOccurrences: Math.max(1, Number(r.maxOccurrences ?? 5)),
		points: Number(r.points ?? 0),
		group: String(r.group ?? '').trim() || undefined,
	}));
	for (const rule of [...fit, ...engagement]) {
		if (!Number.isFinite(rule.points))
			throw new NodeOperationError(node, `Rule "${rule.name}": points must be a number`);
	}
	const groupCaps: Record<string, number> = {};
	for (const g of (ctx.getNodeParameter('groups', 0, {}) as Values<{ name?: string; cap?: number }>)?.values ?? []) {
		if (g.name?.trim()) groupCaps[g.name.trim()] = Number(g.cap ?? 0);
	}
	const thresholds: Threshold[] = (
		(ctx.getNodeParameter('thresholds', 0, {}) as Values<{ label?: string; min?: number }>)?.values ?? []
	)
		.filter((t) => String(t.label ?? '').trim())
		.map((t) => ({ label: String(t.label).trim(), min: Number(t.min ?? 0) }));
	const hints: string[] = [];
	const modelName = String(ctx.getNodeParameter('modelName', 0, 'conversion') ?? '').trim();
	const modelScope = readScope(ctx, modelName);
	const order = thresholdOrderProblem(thresholds);
	if (order) {
		// Version 1 kept such thresholds (a saved workflow keeps running, and is told).
		if (node.typeVersion >= 1.1) throw new NodeOperationError(node, order);
		hints.push(`${order} (Score Leads 1.1 stops here)`);
	}
	const days = Number(o.decayDays ?? 30);
	const decay: Decay =
		o.decay === 'halfLife'
			? { kind: 'halfLife', days }
			: o.decay === 'linear'
				? { kind: 'linear', days, percent: Number(o.decayPercent ?? 25) }
				: { kind: 'none' };
	let matrix: ScoreConfig['matrix'];
	if (String(o.matrix ?? '').trim()) {
		const parts = String(o.matrix)
			.split('/')
			.map((p) => list(p).map(Number));
		if (parts.length !== 2 || parts.some((p) => p.length !== 3 || p.some((x) => !Number.isFinite(x)))) {
			throw new NodeOperationError(
				node,
				`Matrix Cut Points "${String(o.matrix)}": write three fit and three engagement numbers, e.g. 10,20,30 / 10,20,30`,
			);
		}
		matrix = { fit: parts[0] as [number, number, number], engagement: parts[1] as [number, number, number] };
	}
	const nowText = String(o.now ?? '').trim();
	const now = nowText ? Date.parse(nowText) : Date.now();
	if (!Number.isFinite(now))
		throw new NodeOperationError(node, `Now "${nowText}" is not a date (e.g. 2026-12-01T00:00:00Z)`);
	return {
		config: {
			fit,
			engagement,
			groupCaps,
			totalCap: Number(o.totalCap ?? 0) > 0 ? Number(o.totalCap) : undefined,
			decay,
			thresholds,
			matrix,
			explainMisses: o.explainMisses === true,
		},
		scoreWith,
		...readCombine(ctx, scoreWith),
		modelName,
		modelScope,
		modelNamespace: modelNamespace(modelScope.scope === 'shared' ? undefined : modelScope.key),
		eventsField: String(o.eventsField ?? 'events') || 'events',
		eventTypeField: String(o.eventTypeField ?? 'type') || 'type',
		eventTimeField: String(o.eventTimeField ?? 'at') || 'at',
		outputField: String(o.outputField ?? 'score') || 'score',
		outputPerLabel: ctx.getNodeParameter('outputPerLabel', 0, false) === true,
		now,
		hints,
	};
}

/** How rules and model combine (Rules and Model only); a weight outside 0-100 stops with its name. */
function readCombine(
	ctx: IExecuteFunctions,
	scoreWith: ScoreSettings['scoreWith'],
): Pick<ScoreSettings, 'combine' | 'modelWeight' | 'modelPoints'> {
	if (scoreWith !== 'both') return { combine: 'modelAsFit', modelWeight: 0.5, modelPoints: 0 };
	const combine = ctx.getNodeParameter('combine', 0, 'modelAsFit') as ScoreSettings['combine'];
	const weight = Number(combine === 'blend' ? ctx.getNodeParameter('modelWeight', 0, 50) : 50);
	if (!Number.isFinite(weight) || weight < 0 || weight > 100)
		throw new NodeOperationError(ctx.getNode(), `Model Weight (%) must be between 0 and 100 (got ${weight})`);
	const points = Number(combine === 'modelPoints' ? ctx.getNodeParameter('modelPoints', 0, 30) : 0);
	if (!Number.isFinite(points))
		throw new NodeOperationError(ctx.getNode(), `Model Points must be a number (got ${points})`);
	return { combine, modelWeight: weight / 100, modelPoints: points };
}
