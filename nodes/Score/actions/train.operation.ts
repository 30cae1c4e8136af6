import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { get } from 'lodash';
import { readOutcome, trainModel } from '../../../lib/score/model';
import { saveModel } from '../../../lib/score/modelStore';
import type { OpenedStore } from '../../shared/store';

const list = (text: unknown) =>
	String(text ?? '')
		.split(/[,;\n]+/)
		.map((s) => s.trim())
		.filter(Boolean);

/** Identifiers and contact details say who a lead is, not whether it converts. */
const NOT_FEATURES = /(^|_)(id|uuid|email|phone|name|first_name|last_name|full_name)$/i;

/** Top-level fields holding plain values on at least one row, except the outcome and identifiers. */
function usableFields(rows: IDataObject[], outcome: string): string[] {
	const names = new Set<string>();
	for (const r of rows.slice(0, 5000)) {
		for (const [k, v] of Object.entries(r)) {
			if (
				k !== outcome &&
				!NOT_FEATURES.test(k) &&
				(typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
			)
				names.add(k);
		}
	}
	return [...names].sort();
}

/** Train Model: history rows in, a model saved under its name, one training report out. */
export async function execute(
	this: IExecuteFunctions,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const node = this.getNode();
	const outcomeField = String(this.getNodeParameter('outcomeField', 0, 'outcome')).trim();
	const positives = list(this.getNodeParameter('positiveValues', 0, ''));
	const name = String(this.getNodeParameter('modelName', 0, 'conversion')).trim();
	if (!name) throw new NodeOperationError(node, 'Model Name is empty: name the model to save it');
	const o = this.getNodeParameter('options', 0, {}) as Record<string, unknown>;
	const jsons = items.map((i) => i.json);
	const features = list(this.getNodeParameter('features', 0, '')).length
		? list(this.getNodeParameter('features', 0, ''))
		: usableFields(jsons, outcomeField);
	const rows: Array<Record<string, unknown>> = [];
	const outcomes: number[] = [];
	let skipped = 0;
	for (const json of jsons) {
		const outcome = readOutcome(get(json, outcomeField), positives.length ? positives : undefined);
		if (outcome === undefined) {
			skipped++;
			continue;
		}
		rows.push(Object.fromEntries(features.map((f) => [f, get(json, f)])));
		outcomes.push(outcome);
	}
	const interactionsText = String(o.interactions ?? 'auto').trim();
	const interactions = interactionsText === 'auto' ? 2 : interactionsText ? list(interactionsText) : 0;
	let model;
	try {
		model = trainModel(rows, outcomes, features, {
			lambda: Number(o.lambda ?? 1),
			testShare: Number(o.testShare ?? 0.2),
			seed: Number(o.seed ?? 42),
			interactions,
		});
	} catch (error) {
		throw new NodeOperationError(
			node,
			`Cannot train "${name}": ${(error as Error).message} (outcome field "${outcomeField}")`,
		);
	}
	const saved = await saveModel(await store(), {
		name,
		trainedAt: new Date().toISOString(),
		fields: features,
		outcomeField,
		model,
	});
	const strongest = model.columns
		.map((c, j) => ({ column: c, weight: Math.round(model.weights[j] * 1000) / 1000 }))
		.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
		.slice(0, 10);
	const m = model.metrics!;
	return [
		[
			{
				json: {
					model: name,
					version: saved.version,
					rows: rows.length,
					rows_without_outcome: skipped,
					fields: features,
					interactions: model.features.filter((f) => f.name.includes('*')).map((f) => f.name),
					columns: model.columns.length,
					held_out: {
						auc: Math.round(m.auc * 1000) / 1000,
						log_loss: Math.round(m.logLoss * 1000) / 1000,
						rows: m.testRows,
						calibration: m.calibration,
					},
					conversion_rate: Math.round(m.positiveRate * 1000) / 1000,
					strongest_effects: strongest,
				} as IDataObject,
				pairedItem: items.map((_, i) => ({ item: i })),
			},
		],
	];
}
