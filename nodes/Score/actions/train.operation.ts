import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { get } from 'lodash';
import { readOutcome, trainModel } from '../../../lib/score/model';
import { modelNamespace, saveModel } from '../../../lib/score/modelStore';
import { readScope, scopeText } from '../../shared/scope';
import type { OpenedStore } from '../../shared/store';

const list = (text: unknown) =>
	String(text ?? '')
		.split(/[,;\n]+/)
		.map((s) => s.trim())
		.filter(Boolean);

/** Identifiers and contact details say who a lead is, not whether it converts. */
const NOT_FEATURES = /(^|_)(id|uuid|email|phone|name|first_name|last_name|full_name)$/i;

/**
 * Fields recorded after the outcome, or by this package once a lead moved on (its stage, owner,
 * score, SLA and dedupe sections, close dates, won/lost reasons): learning from them predicts the
 * outcome from its own consequences. Left out of the automatic choice; Fields to Learn From can
 * still name them.
 */
const AFTER_OUTCOME =
	/^(stage|lifecycle_?stage|deal_?stage|lead_?status|status|owner|owner_\w+|score|score_\w+|sla|sla_\w+|dedupe|dedupe_\w+|history|routing|\w*closed?_(at|date|on)|close_?date|\w*(won|lost)_\w+|\w*_reason|converted_\w+|is_(won|closed|converted))$/i;

/**
 * Top-level fields holding plain values on at least one row, except the outcome, identifiers and
 * what comes after the outcome.
 */
function usableFields(rows: IDataObject[], outcome: string): string[] {
	const names = new Set<string>();
	for (const r of rows.slice(0, 5000)) {
		for (const [k, v] of Object.entries(r)) {
			if (
				k !== outcome &&
				!NOT_FEATURES.test(k) &&
				!AFTER_OUTCOME.test(k) &&
				(typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
			)
				names.add(k);
		}
	}
	return [...names].sort();
}

const DEFAULT_CONVERTED = 'won, closed won, yes, converted, customer, true, 1';
const key = (v: unknown) => String(v).trim().toLowerCase();

/**
 * An outcome field with more than two values (a count, a deal stage with open deals) read with
 * the default Converted Values: a message naming the values found, or undefined.
 */
function manyValuedOutcome(values: unknown[], field: string, positives: string[]): string | undefined {
	if (positives.map(key).join(',') !== list(DEFAULT_CONVERTED).map(key).join(',')) return undefined;
	const seen = new Map<string, number>();
	for (const v of values) {
		if (v === undefined || v === null || (typeof v === 'string' && !v.trim())) continue;
		const k = typeof v === 'object' ? JSON.stringify(v).slice(0, 40) : String(v).trim().slice(0, 40);
		seen.set(k, (seen.get(k) ?? 0) + 1);
	}
	if (seen.size <= 2) return undefined;
	const common = [...seen.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, 6)
		.map(([v, n]) => `"${v}" (${n})`);
	return `Outcome field "${field}" has ${seen.size} different values (${common.join(', ')}${seen.size > 6 ? ', ...' : ''}); a model learns converted or not: set Converted Values, and Lost Values for what counts as lost (other rows, such as open deals, are then left out)`;
}

/** Train Model: history rows in, a model saved under its name, one training report out. */
export async function execute(
	this: IExecuteFunctions,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const node = this.getNode();
	const outcomeField = String(this.getNodeParameter('outcomeField', 0, 'outcome')).trim();
	const positives = list(this.getNodeParameter('positiveValues', 0, DEFAULT_CONVERTED));
	const negatives = list(this.getNodeParameter('negativeValues', 0, ''));
	const name = String(this.getNodeParameter('modelName', 0, 'conversion')).trim();
	if (!name) throw new NodeOperationError(node, 'Model Name is empty: name the model to save it');
	const o = this.getNodeParameter('options', 0, {}) as Record<string, unknown>;
	const jsons = items.map((i) => i.json);
	const hints: string[] = [];
	const many = negatives.length
		? undefined
		: manyValuedOutcome(
				jsons.map((j) => get(j, outcomeField)),
				outcomeField,
				positives,
			);
	if (many) {
		// Version 1 trained on such an outcome ("1 means converted, anything else not"), and says so now.
		if (node.typeVersion >= 1.1) throw new NodeOperationError(node, many);
		hints.push(`${many} (Score Leads 1.1 stops here)`);
	}
	const features = list(this.getNodeParameter('features', 0, '')).length
		? list(this.getNodeParameter('features', 0, ''))
		: usableFields(jsons, outcomeField);
	const rows: Array<Record<string, unknown>> = [];
	const outcomes: number[] = [];
	let skipped = 0;
	for (const json of jsons) {
		const outcome = readOutcome(
			get(json, outcomeField),
			positives.length ? positives : undefined,
			negatives.length ? negatives : undefined,
		);
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
		model = await trainModel(rows, outcomes, features, {
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
	const separating = model.metrics?.separating ?? [];
	for (const f of separating)
		hints.push(
			`"${f.field}" alone tells won from lost almost perfectly (held-out AUC ${f.auc}): if it is recorded after the outcome (a stage, an owner, a close date), leave it out under Fields to Learn From`,
		);
	const scope = readScope(this, name);
	const saved = await saveModel(
		await store(),
		{ name, trainedAt: new Date().toISOString(), fields: features, outcomeField, model },
		modelNamespace(scope.scope === 'shared' ? undefined : scope.key),
	);
	const strongest = model.columns
		.map((c, j) => ({ column: c, weight: Math.round(model.weights[j] * 1000) / 1000 }))
		.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
		.slice(0, 10);
	const m = model.metrics!;
	if (hints.length) this.addExecutionHints(...hints.map((message) => ({ message, location: 'outputPane' as const })));
	return [
		[
			{
				json: {
					model: name,
					version: saved.version,
					saved_for: scopeText(scope),
					rows: rows.length,
					// Rows whose outcome is empty, or neither converted nor lost when Lost Values are set.
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
					...(separating.length ? { separating_fields: separating } : {}),
					...(hints.length ? { warnings: hints } : {}),
				} as IDataObject,
				pairedItem: items.map((_, i) => ({ item: i })),
			},
		],
	];
}
