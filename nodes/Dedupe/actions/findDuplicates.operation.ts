import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeExecutionHint } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { dedupeAgainstMemory, dedupeBatch, type DedupeOutcome } from '../../../lib/dedupe/dedupe';
import { storeErrorMessage, type OpenedStore } from '../../shared/store';
import type { DedupeSettings } from '../config';

/** What the output pane should point out after a run (as Remove Duplicates v2 does). */
export async function dedupeHints(
	outcome: DedupeOutcome,
	mode: string,
	settings: DedupeSettings,
	store?: { count(ns: string): Promise<number> },
): Promise<NodeExecutionHint[]> {
	const hints: NodeExecutionHint[] = [];
	const unmatchable = outcome.kept.filter(
		(k) => (k.json.dedupe as { unmatchable?: boolean } | undefined)?.unmatchable,
	).length;
	if (unmatchable > 0) {
		hints.push({
			message: `${unmatchable} lead${unmatchable === 1 ? ' has' : 's have'} no email, phone, name or company to compare, so ${unmatchable === 1 ? 'it was' : 'they were'} kept unchecked (dedupe.unmatchable). Check the field mapping in "Fields" if your leads carry these under other names.`,
			location: 'outputPane',
		});
	}
	const max = settings.retention.maxEntries;
	if (store && mode === 'memory' && max > 0) {
		// The leads are saved by now: a store that fails to count only costs the hint.
		const remembered = await store.count(settings.namespace).catch(() => 0);
		if (remembered > max / 2) {
			hints.push({
				message: `The memory holds ${remembered} of at most ${max} leads: past the limit the oldest are forgotten and their returns no longer found. Raise "Max Remembered Leads" or set "Forget After (Days)".`,
				location: 'outputPane',
			});
		}
	}
	return hints;
}

/**
 * Find Duplicates: within the incoming items, against earlier executions (the memory) or against a
 * reference list on the second input; Kept and Duplicates (and Repeats) outputs, or one flagged.
 */
export async function execute(
	this: IExecuteFunctions,
	settings: DedupeSettings,
	memory: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const mode = this.getNodeParameter('mode', 0) as string;
	const jsons = items.map((i) => i.json as IDataObject);
	let outcome: DedupeOutcome;
	try {
		if (mode === 'memory') {
			outcome = await dedupeAgainstMemory(
				jsons,
				settings.config,
				await memory(),
				settings.namespace,
				settings.retention,
			);
		} else if (mode === 'reference') {
			const reference = this.getInputData(1).map((i) => i.json as IDataObject);
			outcome = dedupeBatch(jsons, settings.config, reference);
		} else {
			outcome = dedupeBatch(jsons, settings.config);
		}
	} catch (error) {
		const message = storeErrorMessage(error as Error);
		if (this.continueOnFail())
			return [items.map((item, i) => ({ json: { ...item.json, error: message }, pairedItem: { item: i } }))];
		throw new NodeOperationError(this.getNode(), message);
	}
	this.addExecutionHints(
		...(await dedupeHints(outcome, mode, settings, mode === 'memory' ? await memory() : undefined)),
	);
	const toItem = ({ index, json }: { index: number; json: IDataObject }): INodeExecutionData => ({
		json,
		...(items[index].binary ? { binary: items[index].binary } : {}),
		pairedItem: { item: index },
	});
	const [kept, duplicates, repeats] = [outcome.kept, outcome.duplicates, outcome.repeats].map((list) =>
		list.map((k) => toItem(k as { index: number; json: IDataObject })),
	);
	if (this.getNodeParameter('outputMode', 0) === 'flag') {
		return [
			[...kept, ...duplicates, ...repeats].sort(
				(a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item,
			),
		];
	}
	return settings.config.repeats === 'separate' ? [kept, duplicates, repeats] : [kept, duplicates];
}
