import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeExecutionHint } from 'n8n-workflow';
import { markExecution } from '../../shared/executionData';
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
			message: `${unmatchable} lead${unmatchable === 1 ? ' has' : 's have'} no email, phone, name or company to compare, so ${unmatchable === 1 ? 'it was' : 'they were'} kept unchecked (dedupe.unmatchable). Check the field mapping in "Lead Fields" if your leads carry these under other names.`,
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
			const store = await memory();
			// 1.1: comparisons use weights learned from the remembered leads (version 1: hand-set).
			const learn = this.getNode().typeVersion >= 1.1 && settings.config.matcher.learn !== false;
			outcome = await dedupeAgainstMemory(
				jsons,
				settings.config,
				store,
				settings.namespace,
				settings.retention,
				learn ? { weights: store } : {},
			);
		} else if (mode === 'reference') {
			const reference = this.getInputData(1).map((i) => i.json as IDataObject);
			outcome = dedupeBatch(jsons, settings.config, reference);
		} else {
			outcome = dedupeBatch(jsons, settings.config);
		}
	} catch (error) {
		const message = storeErrorMessage(error as Error);
		if (this.continueOnFail()) return unchecked(this, settings, items, message);
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
	markExecution(this, 'lead', [
		...outcome.kept.map(() => 'new'),
		...outcome.duplicates.map(() => 'duplicate'),
		...outcome.repeats.map(() => 'repeat'),
	]);
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

/**
 * The leads of a run whose check failed (the store is down), as n8n's error settings say: each
 * carries the error, so with "Continue (using error output)" n8n moves them to the error output
 * (as n8n does there: the incoming lead with `error`);
 * with "Continue" they leave on Duplicates (one output: flagged), never on Kept, where they would
 * pass for new people and reach "create in CRM". Marked `dedupe.status: "unchecked"`.
 */
function unchecked(
	ctx: IExecuteFunctions,
	settings: DedupeSettings,
	items: INodeExecutionData[],
	message: string,
): INodeExecutionData[][] {
	const node = ctx.getNode();
	// n8n moves the items that carry an error to the error output (WorkflowExecute's handleNodeErrorOutput).
	const toErrorOutput = node.onError === 'continueErrorOutput';
	const out = items.map(
		(item, i): INodeExecutionData => ({
			json: { ...item.json, dedupe: { status: 'unchecked', error: message }, error: message },
			...(item.binary ? { binary: item.binary } : {}),
			...(toErrorOutput ? { error: new NodeOperationError(node, message, { itemIndex: i }) } : {}),
			pairedItem: { item: i },
		}),
	);
	if (ctx.getNodeParameter('outputMode', 0) === 'flag') return [out];
	return settings.config.repeats === 'separate' ? [[], out, []] : [[], out];
}
