import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { leadManagementRedisConnectionTest } from '../shared/store';
import { router } from './actions/router';
import { scoreProperties } from './description';

/**
 * One output, or one per threshold label plus "No Label" (like Switch). Typed functions the editor
 * evaluates from their source: they must stay self-contained.
 */
export const configuredOutputs = (parameters: {
	operation?: string;
	outputPerLabel?: boolean;
	thresholds?: { values?: Array<{ label?: string }> };
}) => {
	if (parameters.operation === 'train' || !parameters.outputPerLabel) return [{ type: 'main' }];
	return (parameters.thresholds?.values ?? [])
		.filter((t) => t.label)
		.map((t) => ({ type: 'main', displayName: String(t.label) }))
		.concat([{ type: 'main', displayName: 'No Label' }]);
};

/** The canvas subtitle, in a marketer's words. */
export const subtitle = (parameters: { operation?: string; scoreWith?: string; modelName?: string }) => {
	if (parameters.operation === 'train') return `Train model "${parameters.modelName ?? 'conversion'}"`;
	if (parameters.scoreWith === 'model') return `With model "${parameters.modelName ?? 'conversion'}"`;
	if (parameters.scoreWith === 'both') return 'With rules and a model';
	return 'With fit and engagement rules';
};

export class Score implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Score Leads',
		name: 'score',
		icon: { light: 'file:../../icons/score.svg', dark: 'file:../../icons/score.dark.svg' },
		group: ['transform'],
		// 1.1: thresholds out of lifecycle order and an outcome with many values (Train Model) stop
		// the node (version 1 keeps running them, with a hint); models are kept for this workflow
		// unless Remember For says A Shared Name (version 1: every model is shared by its name).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: `={{(${subtitle})($parameter)}}`,
		description:
			'Scores leads with fit and engagement points (reasons, caps, decay, grade, MQL/SQL labels) or a model trained on your won/lost history',
		defaults: { name: 'Score Leads' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		usableAsTool: true,
		credentials: [
			{
				name: 'leadManagementRedisApi',
				required: true,
				testedBy: 'leadManagementRedisConnectionTest',
				displayOptions: { show: { store: ['redis'] } },
			},
		],
		properties: scoreProperties,
	};

	methods = { credentialTest: { leadManagementRedisConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
