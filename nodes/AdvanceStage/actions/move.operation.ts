import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeExecutionHint } from 'n8n-workflow';
import { markExecution } from '../../shared/executionData';
import { NodeOperationError } from 'n8n-workflow';
import { get } from 'lodash';
import { moveMany, type MoveInput, type MoveResult } from '../../../lib/stage/memory';
import { stageFromScore, type MoveOutcome, type MoveRequest } from '../../../lib/stage/moves';
import { stageSection } from '../../../lib/stage/section';
import { findStage, requireStage, stageKey, StageError } from '../../../lib/stage/stages';
import type { OpenedStore } from '../../shared/store';
import { noKeysMessage } from '../../shared/leads';
import { leadDims, leadKeys, type StageSettings } from '../config';
import { missingByStage } from '../requirements';
import { perItem } from '../../shared/fastConditions';

const ADVANCED = 0;
const UNCHANGED = 1;
const REFUSED = 2;

/** The output pane's summary of the refusals, by the rule that refused. */
export function moveHints(outcomes: MoveOutcome[]): NodeExecutionHint[] {
	const refused = outcomes.filter((o) => o.status === 'refused');
	if (!refused.length) return [];
	const byRule = new Map<string, number>();
	for (const o of refused) byRule.set(o.rule ?? 'other', (byRule.get(o.rule ?? 'other') ?? 0) + 1);
	const words: Record<string, string> = {
		required: 'missing required fields',
		skip: 'skipping stages',
		transitions: 'not in Allowed Transitions',
		reason: 'no reason given',
		terminal: 'leaving a terminal stage',
		backward: 'moving back',
	};
	return [
		{
			message: `${refused.length} lead${refused.length > 1 ? 's were' : ' was'} refused (${[...byRule]
				.map(([rule, n]) => `${n} ${words[rule] ?? rule}`)
				.join(', ')}): see stage.why on the Refused output.`,
			location: 'outputPane',
		},
	];
}

function parseTime(value: unknown, item: number, ctx: IExecuteFunctions): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const ms =
		typeof value === 'number'
			? value
			: value instanceof Date
				? value.getTime()
				: Date.parse(String(value).slice(0, 100));
	if (!Number.isFinite(ms))
		throw new NodeOperationError(
			ctx.getNode(),
			`Moved At "${String(value).slice(0, 60)}" is not a date (item ${item}): use an ISO date such as 2026-12-01T09:00:00Z`,
			{ itemIndex: item },
		);
	return new Date(ms).toISOString();
}

interface Readers {
	reason: (i: number) => unknown;
	recycle: (i: number) => unknown;
	target: (i: number) => unknown;
	movedAt: (i: number) => unknown;
	fromScore?: {
		field: string;
		labels: Array<{ label: string; stage: string }>;
		numbers: Array<{ min: number; stage: string }>;
	};
}

const readersOf = new WeakMap<IExecuteFunctions, Readers>();

/**
 * The move's parameters, read once per execution: constants once, expressions per item (n8n
 * resolves each for its item); the score maps (From Score) once.
 */
function readers(ctx: IExecuteFunctions, operation: string, settings: StageSettings): Readers {
	let r = readersOf.get(ctx);
	if (r) return r;
	r = {
		reason: perItem<unknown>(ctx, 'reason', ''),
		recycle: operation === 'recycle' ? perItem<unknown>(ctx, 'recycleStage', 'Nurture') : () => 'Nurture',
		target: operation === 'set' ? perItem<unknown>(ctx, 'targetStage', '') : () => '',
		movedAt: perItem<unknown>(ctx, 'options.movedAt', ''),
	};
	if (operation === 'fromScore')
		r.fromScore = {
			field: String(ctx.getNodeParameter('scoreField', 0, 'score.label') || 'score.label'),
			labels: ((ctx.getNodeParameter('labelMap.values', 0, []) as IDataObject[]) ?? []).map((m) => ({
				label: String(m.label ?? ''),
				stage: requireStage(settings.list, String(m.stage ?? ''), `Label to Stage "${String(m.label ?? '')}"`).name,
			})),
			numbers: ((ctx.getNodeParameter('numberMap.values', 0, []) as IDataObject[]) ?? []).map((m) => ({
				min: Number(m.min ?? 0),
				stage: requireStage(settings.list, String(m.stage ?? ''), 'Number Thresholds: stage').name,
			})),
		};
	readersOf.set(ctx, r);
	return r;
}

/** What this item asks for; undefined when a From Score lead's score stands for no stage. */
function requestFor(
	ctx: IExecuteFunctions,
	operation: string,
	settings: StageSettings,
	json: IDataObject,
	i: number,
): MoveRequest | { none: string } {
	const read = readers(ctx, operation, settings);
	const reason = String(read.reason(i) ?? '');
	if (operation === 'advance') return { kind: 'next', reason };
	if (operation === 'recycle') {
		const target = requireStage(settings.list, String(read.recycle(i)), 'Recycle To').name;
		return { kind: 'recycle', target, reason };
	}
	if (operation === 'fromScore') {
		const { field, labels, numbers } = read.fromScore!;
		const value = get(json, field);
		const target = stageFromScore(settings.list, value, labels, numbers);
		if (!target)
			return {
				none:
					value === undefined || value === null || value === ''
						? `No score at ${field}`
						: `Score ${JSON.stringify(value).slice(0, 60)} (${field}) stands for no stage`,
			};
		return { kind: 'score', target, reason };
	}
	const target = String(read.target(i) ?? '').trim();
	if (!target) throw new StageError('Stage is empty: name the stage to set');
	return { kind: 'set', target: requireStage(settings.list, target).name, reason };
}

/**
 * Set Stage, Advance to Next, From Score and Recycle: every lead's move decided against its
 * remembered (or stated) stage and recorded, the whole batch in one transaction; three outputs.
 */
export async function execute(
	this: IExecuteFunctions,
	settings: StageSettings,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const operation = this.getNodeParameter('operation', 0) as string;
	const outputs: INodeExecutionData[][] = [[], [], []];
	const placed: Array<{ index: number; output: number; item: INodeExecutionData }> = [];
	const inputs: Array<{ index: number; input: MoveInput }> = [];
	const nowIso = new Date(settings.now).toISOString();
	const fromItem = this.getNodeParameter('currentFrom', 0, 'memory') === 'item';
	const currentField = String(this.getNodeParameter('currentField', 0, 'lifecyclestage') || 'lifecyclestage');
	const fail = (i: number, error: Error) => {
		if (!this.continueOnFail())
			throw error instanceof NodeOperationError
				? error
				: new NodeOperationError(this.getNode(), error.message, { itemIndex: i });
		placed.push({
			index: i,
			output: REFUSED,
			item: { json: { ...items[i].json, error: error.message }, pairedItem: { item: i } },
		});
	};
	for (let i = 0; i < items.length; i++) {
		const json = items[i].json;
		try {
			const lead = leadKeys(json, settings);
			if (!lead.ids.length && !lead.emails.length)
				throw new StageError(`${noKeysMessage(settings.idField, settings.emailField)}: map them under Options`);
			const request = requestFor(this, operation, settings, json, i);
			if ('none' in request) {
				const section = { status: 'unchanged', why: request.none };
				placed.push({
					index: i,
					output: UNCHANGED,
					item: { json: { ...json, [settings.outputField]: section }, pairedItem: { item: i } },
				});
				continue;
			}
			const stated = fromItem ? get(json, currentField) : undefined;
			const itemStage = typeof stated === 'string' && stated.trim() ? stated.trim() : undefined;
			if (itemStage && !findStage(settings.list, itemStage))
				throw new StageError(
					`The lead's current stage "${itemStage.slice(0, 80)}" (${currentField}) is not in the stage list (${settings.list.stages.map((s) => s.name).join(', ')})`,
				);
			const at = parseTime(readers(this, operation, settings).movedAt(i), i, this) ?? nowIso;
			const missing = missingByStage(this, i, json);
			inputs.push({
				index: i,
				input: {
					lead,
					request,
					at,
					itemStage,
					dims: leadDims(json, settings),
					missingFor: (stage) => missing.get(stageKey(stage.name)) ?? [],
				},
			});
		} catch (error) {
			fail(i, error as Error);
		}
	}
	let results: MoveResult[] = [];
	if (inputs.length) {
		const workflow = this.getWorkflow();
		results = await moveMany(
			await store(),
			settings.namespace,
			settings.list,
			settings.rules,
			inputs.map((x) => x.input),
			{
				node: this.getNode().name,
				workflow: workflow.id ?? workflow.name ?? undefined,
				execution: this.getExecutionId() ?? undefined,
			},
			settings.now,
		);
	}
	this.addExecutionHints(...moveHints(results.map((r) => r.outcome)));
	markExecution(
		this,
		'stage',
		results.map(({ outcome }) =>
			outcome.status === 'advanced'
				? `to ${outcome.to ?? '?'}`
				: outcome.status === 'refused'
					? 'refused'
					: `still ${outcome.from ?? outcome.to ?? '?'}`,
		),
	);
	// (getNode() copies the whole node: once, not per lead)
	const nodeName = this.getNode().name;
	results.forEach(({ outcome, record }, k) => {
		const i = inputs[k].index;
		const json = items[i].json;
		const section = stageSection(settings.list, record, outcome, settings.now, settings.timeZone);
		const out: IDataObject = { ...json, [settings.outputField]: section as unknown as IDataObject };
		if (outcome.status === 'advanced' && Array.isArray(json.history)) {
			out.history = [
				...(json.history as IDataObject[]),
				{
					at: inputs[k].input.at,
					node: nodeName,
					action: 'stage_changed',
					detail: { from: outcome.from, to: outcome.to },
				},
			];
		}
		const output = outcome.status === 'advanced' ? ADVANCED : outcome.status === 'unchanged' ? UNCHANGED : REFUSED;
		placed.push({
			index: i,
			output,
			item: { json: out, ...(items[i].binary ? { binary: items[i].binary } : {}), pairedItem: { item: i } },
		});
	});
	for (const p of placed.sort((a, b) => a.index - b.index)) outputs[p.output].push(p.item);
	return outputs;
}
