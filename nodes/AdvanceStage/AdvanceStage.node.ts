import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { getTimeZones } from '../shared/timeZones';
import { NodeConnectionTypes } from 'n8n-workflow';
import { leadManagementRedisConnectionTest } from '../shared/store';
import { router } from './actions/router';
import { stageProperties } from './description';

/**
 * Moves get three outputs (Advanced, Unchanged, Refused); history, report and forget one. Typed
 * functions the editor evaluates from their source: they must stay self-contained.
 */
export const configuredOutputs = (parameters: { operation?: string }) =>
	['set', 'advance', 'fromScore', 'recycle'].includes(parameters.operation ?? 'set')
		? [
				{ type: 'main', displayName: 'Advanced' },
				{ type: 'main', displayName: 'Unchanged' },
				{ type: 'main', displayName: 'Refused' },
			]
		: [{ type: 'main' }];

/** The canvas subtitle, in a marketer's words. */
export const subtitle = (parameters: { operation?: string; targetStage?: string; recycleStage?: string }) => {
	const operation = parameters.operation ?? 'set';
	if (operation === 'set') {
		const stage = String(parameters.targetStage ?? '');
		return stage && !stage.startsWith('=') ? `Set to ${stage}` : 'Set stage';
	}
	if (operation === 'advance') return 'Advance to the next stage';
	if (operation === 'fromScore') return 'Stage from the score';
	if (operation === 'recycle') return `Recycle to ${parameters.recycleStage || 'Nurture'}`;
	if (operation === 'history') return 'Get stage history';
	if (operation === 'report') return 'Funnel report';
	return 'Forget lead';
};

export class AdvanceStage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Advance Stage',
		name: 'advanceStage',
		icon: { light: 'file:../../icons/stage.svg', dark: 'file:../../icons/stage.dark.svg' },
		group: ['transform'],
		// 1.1: histories kept for this workflow unless Remember For names a shared name (version 1:
		// the instance-wide Memory Name, `lifecycle`).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: `={{(${subtitle})($parameter)}}`,
		description:
			'Moves leads through lifecycle stages (forward-only by default, required fields, remembered history) and reports the funnel',
		defaults: { name: 'Advance Stage' },
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
		hints: [
			{
				message: 'Stages in Order is empty: list your stages first to last, e.g. Subscriber, Lead, MQL, SQL, Customer.',
				type: 'warning',
				location: 'outputPane',
				whenToDisplay: 'beforeExecution',
				displayCondition: '={{ $parameter["stageList"] === "custom" && !$parameter["customStages"] }}',
			},
			{
				message: 'Recycle needs a reason: without one every lead is refused. Write it, or map it with an expression.',
				type: 'warning',
				location: 'outputPane',
				whenToDisplay: 'beforeExecution',
				displayCondition: '={{ $parameter["operation"] === "recycle" && !$parameter["reason"] }}',
			},
		],
		properties: stageProperties,
	};

	methods = { credentialTest: { leadManagementRedisConnectionTest }, loadOptions: { getTimeZones } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
