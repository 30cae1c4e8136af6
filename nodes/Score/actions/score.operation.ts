import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { get } from 'lodash';
import { predict, type Model } from '../../../lib/score/model';
import { loadModel, modelNames, type StoredModel } from '../../../lib/score/modelStore';
import { combineWithModel } from '../../../lib/score/combine';
import { readEvents, scoreLead } from '../../../lib/score/points';
import { b2bPreset, bantPreset } from '../../../lib/score/presets';
import { missingFieldHints } from '../../shared/conditions';
import { NativeFilter } from '../../shared/fastConditions';
import { scopeText } from '../../shared/scope';
import type { OpenedStore } from '../../shared/store';
import { readScoreSettings } from '../config';

/** The lead's values of the fields a model uses (dotted paths; "a*b" pairs need both). */
function modelRow(model: Model, json: IDataObject): Record<string, unknown> {
	const row: Record<string, unknown> = {};
	for (const f of model.features) {
		for (const name of f.name.includes('*') ? f.name.split('*') : [f.name]) {
			const v = get(json, name);
			if (v !== undefined) row[name] = v;
		}
	}
	return row;
}

/**
 * Score Leads: rules (fit on the lead's fields through n8n's condition builder, engagement on its
 * events), a trained model, or both (the model's probability as the fit score).
 */
export async function execute(
	this: IExecuteFunctions,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const settings = readScoreSettings(this);
	const { config: own } = settings;
	let stored: StoredModel | undefined;
	if (settings.scoreWith !== 'rules') {
		const opened = await store();
		stored = await loadModel(opened, settings.modelName, undefined, settings.modelNamespace);
		if (!stored) {
			const known = await modelNames(opened, settings.modelNamespace);
			const where = settings.modelScope.scope === 'shared' ? '' : ` for ${scopeText(settings.modelScope)}`;
			// The same name kept for every workflow (a model trained by version 1, or shared on purpose).
			const shared =
				settings.modelScope.scope !== 'shared' && (await loadModel(opened, settings.modelName))
					? `. A shared model "${settings.modelName}" exists (trained in another workflow, or by Score Leads version 1): set Remember For to A Shared Name here and in Train Model to use it`
					: '';
			throw new NodeOperationError(
				this.getNode(),
				`No model named "${settings.modelName}"${where} (${known.length ? `saved models: ${known.join(', ')}` : 'none saved yet: run Train Model first'})${shared}`,
			);
		}
	}
	// Preset rules go first; their matches are decided here from the mapped fields.
	const presetName = settings.scoreWith === 'model' ? 'none' : (this.getNodeParameter('preset', 0, 'none') as string);
	const preset = presetName === 'b2b' ? b2bPreset() : presetName === 'bant' ? bantPreset(settings.now) : [];
	const map = this.getNodeParameter('presetFields', 0, {}) as Record<string, unknown>;
	const path = (key: string, fallback: string) => String(map[key] ?? fallback) || fallback;
	const presetOptions = {
		countries: String(map.countries ?? '')
			.split(/[,;\s]+/)
			.map((c) => c.trim().toUpperCase())
			.filter(Boolean),
		minBudget: Number(map.minBudget ?? 1),
		timelineMonths: Number(map.timelineMonths ?? 6),
	};
	const ownFit = own.fit;
	// The preset's rules first, then the user's: a config of this run, the settings stay as read.
	const config = { ...own, fit: [...preset, ...ownFit] };
	const labels = config.thresholds.map((t) => t.label);
	const outputs: INodeExecutionData[][] = settings.outputPerLabel ? labels.map(() => []).concat([[]]) : [[]];
	const scoredAt = new Date(settings.now).toISOString();
	// Each rule's conditions read once; plain references to the lead are looked up without n8n's
	// per-item expression engine (nodes/shared/fastConditions.ts).
	const fitFilters = ownFit.map((_, k) => new NativeFilter(this, `fitRules.values[${k}].conditions`));
	// (getNode() copies the whole node: once, not per lead)
	const nodeName = this.getNode().name;
	for (let i = 0; i < items.length; i++) {
		const json = items[i].json;
		let rule = '';
		try {
			const fields = {
				jobTitle: get(json, path('jobTitle', 'job_title')),
				companySize: get(json, path('companySize', 'company_size')),
				email: get(json, path('emailField', 'email')),
				country: get(json, path('country', 'country')),
				budget: get(json, path('budget', 'budget')),
				need: get(json, path('need', 'message')),
				timeline: get(json, path('timeline', 'timeline')),
			};
			const fired = [
				...preset.map((r) => r.test(fields, presetOptions)),
				...ownFit.map((r, k) => {
					rule = r.name;
					return fitFilters[k].passes(i, json);
				}),
			];
			rule = '';
			const events = config.engagement.length
				? readEvents(get(json, settings.eventsField), settings.eventTypeField, settings.eventTimeField)
				: [];
			let result = scoreLead(config, fired, events, settings.now);
			let model: IDataObject | undefined;
			if (stored) {
				const p = predict(stored.model, modelRow(stored.model, json));
				const probability = Math.round(p.probability * 1000) / 10;
				model = {
					name: stored.name,
					version: stored.version,
					probability,
					contributions: p.contributions,
					...(p.missingFields.length ? { missing_fields: p.missingFields } : {}),
				};
				result = combineWithModel(config, result, probability, `Model "${stored.name}"`, {
					mode: settings.scoreWith === 'model' ? 'model' : settings.combine,
					weight: settings.modelWeight,
					points: settings.modelPoints,
				});
			}
			const section: IDataObject = {
				fit: result.fit,
				engagement: result.engagement,
				total: result.total,
				grade: result.grade,
				label: result.label,
				...(result.matrix ? { matrix: result.matrix } : {}),
				...(model ? { model } : {}),
				reasons: result.reasons as unknown as IDataObject[],
				scored_at: scoredAt,
			};
			const out: IDataObject = { ...json, [settings.outputField]: section };
			if (Array.isArray(json.history)) {
				out.history = [
					...(json.history as IDataObject[]),
					{
						at: scoredAt,
						node: nodeName,
						action: 'scored',
						detail: { total: result.total, label: result.label, grade: result.grade },
					},
				];
			}
			const index = settings.outputPerLabel
				? result.label === null
					? labels.length
					: labels.indexOf(result.label)
				: 0;
			outputs[index].push({ json: out, pairedItem: { item: i } });
		} catch (error) {
			const where = rule ? `Rule "${rule}": ` : '';
			const message = `${where}${(error as Error).message}`;
			if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), message, { itemIndex: i });
			outputs[outputs.length - 1].push({ json: { ...json, error: message }, pairedItem: { item: i } });
		}
	}
	const raw = ((this.getNode().parameters.fitRules as IDataObject | undefined)?.values ?? []) as IDataObject[];
	const hints = [
		...settings.hints,
		...missingFieldHints(
			ownFit.map((r, k) => ({ name: r.name, conditions: raw[k]?.conditions })),
			items.map((item) => item.json),
		),
	];
	if (hints.length) this.addExecutionHints(...hints.map((message) => ({ message, location: 'outputPane' as const })));
	return outputs;
}
