import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { leadManagementRedisConnectionTest } from '../shared/store';
import { router } from './actions/router';
import { dedupeProperties } from './description';

/**
 * Inputs and outputs follow the mode and output choice. Typed functions (as Switch v3 does) that
 * the editor evaluates from their source: they must stay self-contained.
 */
export const configuredInputs = (parameters: { operation?: string; mode?: string }) =>
	parameters.operation !== 'forget' &&
	parameters.operation !== 'clearMemory' &&
	parameters.operation !== 'erase' &&
	parameters.mode === 'reference'
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
	if (
		parameters.operation === 'forget' ||
		parameters.operation === 'clearMemory' ||
		parameters.operation === 'erase' ||
		parameters.outputMode === 'flag'
	) {
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
	if (parameters.operation === 'erase') return 'Erase a person (GDPR)';
	if (parameters.mode === 'memory') return 'Against earlier executions';
	if (parameters.mode === 'reference') return 'Against a reference list';
	return 'Within the incoming items';
};

export class Dedupe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dedupe Leads',
		name: 'dedupe',
		icon: { light: 'file:../../icons/dedupe.svg', dark: 'file:../../icons/dedupe.dark.svg' },
		group: ['transform'],
		// 1.1: a link that would join two groups holding contradicting records (two work domains,
		// phones or companies) needs the groups to match as wholes (version 1 joins them on the link);
		// comparisons against earlier executions use weights learned from the remembered leads.
		// 1.2: company names read as entity names: leads naming no person and no email (account
		// lists, directories) with different company names are different businesses even at one
		// address and phone, and a name holding the other's words ("Fenix at the Argyle") is alike;
		// between leads naming a person, phones more than a digit apart weigh -4 bits (-2), a number
		// that does not parse is keyed by its country's calling code, and learned weights ask 3.75
		// bits beyond even odds (3).
		version: [1, 1.1, 1.2],
		defaultVersion: 1.2,
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
		return await router.call(this);
	}
}
