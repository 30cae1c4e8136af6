import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	NodeExecutionHint,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { dedupeAgainstMemory, dedupeBatch, type DedupeOutcome } from '../../lib/dedupe/dedupe';
import { prepareValue } from '../../lib/dedupe/fields';
import { emailBlockingKey } from '../../lib/dedupe/matcher';
import { leadManagementRedisConnectionTest, openStore, storeErrorMessage } from '../shared/store';
import { readDedupeSettings } from './config';
import { dedupeProperties } from './description';

/**
 * Inputs and outputs follow the mode and output choice. Typed functions (as Switch v3 does) that
 * the editor evaluates from their source: they must stay self-contained.
 */
export const configuredInputs = (parameters: { operation?: string; mode?: string }) =>
	parameters.operation !== 'forget' && parameters.operation !== 'clearMemory' && parameters.mode === 'reference'
		? [
				{ type: 'main', displayName: 'Leads' },
				{ type: 'main', displayName: 'Reference' },
			]
		: [{ type: 'main' }];

export const configuredOutputs = (parameters: {
	operation?: string;
	outputMode?: string;
	options?: { repeats?: string };
}) => {
	if (parameters.operation === 'forget' || parameters.operation === 'clearMemory' || parameters.outputMode === 'flag') {
		return [{ type: 'main' }];
	}
	const outputs = [
		{ type: 'main', displayName: 'Kept' },
		{ type: 'main', displayName: 'Duplicates' },
	];
	if (parameters.options?.repeats === 'separate') outputs.push({ type: 'main', displayName: 'Repeats' });
	return outputs;
};

/** The canvas subtitle, in a marketer's words (self-contained: the editor evaluates its source). */
export const subtitle = (parameters: { operation?: string; mode?: string }) => {
	if (parameters.operation === 'forget') return 'Forget leads';
	if (parameters.operation === 'clearMemory') return 'Clear the memory';
	if (parameters.mode === 'memory') return 'Against earlier executions';
	if (parameters.mode === 'reference') return 'Against a reference list';
	return 'Within the incoming items';
};

/** What the output pane should point out after a run (as Remove Duplicates v2 does). */
async function dedupeHints(
	outcome: DedupeOutcome,
	mode: string,
	settings: ReturnType<typeof readDedupeSettings>,
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
		const remembered = await store.count(settings.namespace);
		if (remembered > max / 2) {
			hints.push({
				message: `The memory holds ${remembered} of at most ${max} leads: past the limit the oldest are forgotten and their returns no longer found. Raise "Max Remembered Leads" or set "Forget After (Days)".`,
				location: 'outputPane',
			});
		}
	}
	return hints;
}

export class Dedupe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dedupe Leads',
		name: 'dedupe',
		icon: { light: 'file:../../icons/dedupe.svg', dark: 'file:../../icons/dedupe.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{(${subtitle})($parameter)}}`,
		description:
			'Finds duplicate leads (normalized email, phone, fuzzy names, company) within items, against earlier executions or a reference list; merges or routes them',
		defaults: {
			name: 'Dedupe Leads',
		},
		inputs: `={{(${configuredInputs})($parameter)}}`,
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		usableAsTool: true,
		hints: [
			{
				message: 'Write a match rule, e.g. "email OR phone OR (name AND company)"',
				displayCondition:
					'={{ $parameter.operation === "findDuplicates" && $parameter.matching === "rules" && !String($parameter.rule ?? "").trim() }}',
				whenToDisplay: 'beforeExecution',
				location: 'outputPane',
			},
			{
				message: 'Connect the list to compare against (a CRM export, a sheet) to the second input, "Reference"',
				displayCondition: '={{ $parameter.operation === "findDuplicates" && $parameter.mode === "reference" }}',
				whenToDisplay: 'beforeExecution',
				location: 'outputPane',
			},
		],
		credentials: [
			{
				name: 'leadManagementRedisApi',
				required: true,
				testedBy: 'leadManagementRedisConnectionTest',
				displayOptions: { show: { store: ['redis'] } },
			},
		],
		properties: dedupeProperties,
	};

	methods = { credentialTest: { leadManagementRedisConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const items = this.getInputData(0);
		const settings = readDedupeSettings(this);
		const storeKind = this.getNodeParameter('store', 0, 'sqlite') as string;
		const memory = async () => await openStore(this, storeKind, settings.stateFile);

		if (operation === 'clearMemory') {
			const removed = await (await memory()).clear(settings.namespace);
			return [[{ json: { cleared: removed, memory: settings.namespace }, pairedItem: { item: 0 } }]];
		}
		if (operation === 'forget') {
			const by = this.getNodeParameter('forgetBy', 0) as string;
			const out: INodeExecutionData[] = [];
			for (let i = 0; i < items.length; i++) {
				try {
					const value = String(this.getNodeParameter('forgetValue', i) ?? '').trim();
					if (!value)
						throw new NodeOperationError(this.getNode(), 'Nothing to forget: the value is empty', { itemIndex: i });
					const removed =
						by === 'email'
							? await (
									await memory()
								).forgetByKey(settings.namespace, emailBlockingKey(prepareValue('email', value) ?? value))
							: await (await memory()).forget(settings.namespace, [value]);
					out.push({ json: { forgotten: value, records_removed: removed }, pairedItem: { item: i } });
				} catch (error) {
					if (!this.continueOnFail())
						throw error instanceof NodeOperationError
							? error
							: new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
				}
			}
			return [out];
		}

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
}
