import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { get } from 'lodash';
import type { LeadKeys, StageDims } from '../../lib/stage/memory';
import { parseTransitions, type MoveRules } from '../../lib/stage/moves';
import { fieldText, leadKeysOf } from '../shared/leads';
import { rowsWithoutConditions } from '../shared/fastConditions';
import { readScope, type ScopeChoice } from '../shared/scope';
import { customStageList, PRESETS, requireStage, StageError, type StageList } from '../../lib/stage/stages';

export interface StageSettings {
	list: StageList;
	rules: MoveRules;
	namespace: string;
	/** Whose stage histories: this workflow's, this node's, or a shared name's. */
	scope: ScopeChoice;
	stateFile: string;
	outputField: string;
	idField: string;
	emailField: string;
	dimFields: Record<keyof StageDims, string>;
	timeZone: string;
	now: number;
}

/** Reads the stage list and move rules; a malformed list or transition stops with what is wrong. */
export function readStageSettings(ctx: IExecuteFunctions): StageSettings {
	const node = ctx.getNode();
	const o = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const moves = ['set', 'advance', 'fromScore', 'recycle'].includes(operation);
	try {
		const preset = ctx.getNodeParameter('stageList', 0, 'default') as string;
		const list =
			preset === 'custom'
				? customStageList(
						String(ctx.getNodeParameter('customStages', 0, '') ?? ''),
						String(ctx.getNodeParameter('sideStages', 0, '') ?? ''),
						String(ctx.getNodeParameter('terminalStages', 0, '') ?? ''),
						String(ctx.getNodeParameter('wonStage', 0, '') ?? ''),
					)
				: (PRESETS[preset as keyof typeof PRESETS] ?? PRESETS.default)();
		const rules: MoveRules = moves
			? {
					allowBackward: ctx.getNodeParameter('allowBackward', 0, false) === true,
					allowSkip: ctx.getNodeParameter('allowSkip', 0, true) !== false,
					allowed: parseTransitions(list, String(ctx.getNodeParameter('allowedTransitions', 0, '') ?? '')),
				}
			: { allowBackward: false, allowSkip: true };
		if (moves) {
			const requirements = rowsWithoutConditions(ctx, 'requirements.values');
			requirements.forEach((r, k) => requireStage(list, String(r.stage ?? ''), `Required Fields ${k + 1}: stage`));
		}
		const nowText = String(o.now ?? '').trim();
		const now = nowText ? Date.parse(nowText) : Date.now();
		if (!Number.isFinite(now)) throw new StageError(`Now "${nowText}" is not a date (e.g. 2026-12-01T09:00:00Z)`);
		const scope = readScope(ctx, 'lifecycle');
		return {
			list,
			rules,
			namespace: `stage:${scope.key}`,
			scope,
			stateFile: String(o.stateFile ?? ''),
			outputField: String(o.outputField ?? '').trim() || 'stage',
			idField: String(o.idField ?? '').trim(),
			emailField: String(o.emailField ?? '').trim() || 'email',
			dimFields: {
				source: String(o.sourceField ?? '').trim() || 'source.provider',
				campaign: String(o.campaignField ?? '').trim() || 'attribution.utm_campaign',
				owner: String(o.ownerField ?? '').trim() || 'owner.id',
			},
			timeZone: String(o.timeZone ?? '').trim() || ctx.getTimezone(),
			now,
		};
	} catch (error) {
		throw new NodeOperationError(node, error instanceof StageError ? error.message : (error as Error));
	}
}

/** The lead's keys: its ID (Dedupe's cluster ID first) and its email. */
export function leadKeys(json: IDataObject, settings: StageSettings): LeadKeys {
	return leadKeysOf(json, settings.idField, settings.emailField);
}

export function leadDims(json: IDataObject, settings: StageSettings): StageDims {
	const dims: StageDims = {};
	for (const [k, path] of Object.entries(settings.dimFields) as Array<[keyof StageDims, string]>) {
		const v = fieldText(get(json, path));
		if (v) dims[k] = v;
	}
	return dims;
}
