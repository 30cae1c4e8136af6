import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { readRecords, type LeadKeys } from '../../../lib/stage/memory';
import { stageSection } from '../../../lib/stage/section';
import { otherScopes, scopeAdvice, scopeText } from '../../shared/scope';
import type { OpenedStore } from '../../shared/store';
import { noKeysMessage } from '../../shared/leads';
import { leadKeys, type StageSettings } from '../config';

/** Get History: each lead with its remembered stage, time in stage and transitions; nothing changes. */
export async function execute(
	this: IExecuteFunctions,
	settings: StageSettings,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const wanted: Array<{ index: number; lead: LeadKeys }> = [];
	const out: Array<{ index: number; item: INodeExecutionData }> = [];
	for (let i = 0; i < items.length; i++) {
		const lead = leadKeys(items[i].json, settings);
		if (lead.ids.length || lead.emails.length) {
			wanted.push({ index: i, lead });
			continue;
		}
		const message = noKeysMessage(settings.idField, settings.emailField);
		if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), message, { itemIndex: i });
		out.push({ index: i, item: { json: { ...items[i].json, error: message }, pairedItem: { item: i } } });
	}
	const records = wanted.length
		? await readRecords(
				await store(),
				settings.namespace,
				wanted.map((w) => w.lead),
			)
		: [];
	const missing = wanted.filter((_, k) => !records[k]);
	if (missing.length) {
		// Not remembered here: it may be kept under another Remember For (or by version 1's shared name).
		const opened = await store();
		for (const other of otherScopes(this, 'stage:', settings.scope, 'lifecycle')) {
			const elsewhere = (
				await readRecords(
					opened,
					other.namespace,
					missing.map((m) => m.lead),
				)
			).filter(Boolean);
			if (elsewhere.length)
				this.addExecutionHints({
					message: `${missing.length} lead${missing.length === 1 ? ' has' : 's have'} no stage history for ${scopeText(settings.scope)}, but ${scopeText(other.choice)} remembers ${elsewhere.length} of them: to read those, ${scopeAdvice(other.choice)}.`,
					location: 'outputPane',
				});
		}
	}
	records.forEach((record, k) => {
		const i = wanted[k].index;
		const section = stageSection(settings.list, record, undefined, settings.now, settings.timeZone);
		out.push({
			index: i,
			item: {
				json: { ...items[i].json, [settings.outputField]: section as unknown as IDataObject },
				pairedItem: { item: i },
			},
		});
	});
	return [out.sort((a, b) => a.index - b.index).map((o) => o.item)];
}
