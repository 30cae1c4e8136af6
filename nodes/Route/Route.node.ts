import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { getTimeZones } from '../shared/timeZones';
import { leadManagementRedisConnectionTest } from '../shared/store';
import { router } from './actions/router';
import { routeProperties } from './description';

/**
 * Leads, then Owners and Accounts when the parameters ask for them; one output, or one per rule
 * plus "No Match" and "Unassigned" (like Switch). Typed functions the editor evaluates from
 * their source (as Switch v3 does): they must stay self-contained.
 */
export const configuredInputs = (parameters: {
	operation?: string;
	ownersSource?: string;
	accountOwnerFirst?: boolean;
	accountsInput?: boolean;
}) => {
	const inputs: Array<{ type: string; displayName: string }> = [{ type: 'main', displayName: 'Leads' }];
	if (parameters.operation !== 'reset' && parameters.ownersSource === 'input')
		inputs.push({ type: 'main', displayName: 'Owners' });
	if (parameters.operation === 'route' && parameters.accountOwnerFirst && parameters.accountsInput)
		inputs.push({ type: 'main', displayName: 'Accounts' });
	return inputs;
};

export const configuredOutputs = (parameters: {
	operation?: string;
	outputMode?: string;
	rules?: { values?: Array<{ name?: string }> };
}) => {
	if (parameters.operation !== 'route' || parameters.outputMode !== 'perRule') return [{ type: 'main' }];
	return (parameters.rules?.values ?? [])
		.map((r, i) => ({ type: 'main', displayName: r.name || `Rule ${i + 1}` }))
		.concat([
			{ type: 'main', displayName: 'No Match' },
			{ type: 'main', displayName: 'Unassigned' },
		]);
};

export const subtitle = (parameters: { operation?: string; rules?: { values?: unknown[] } }) => {
	if (parameters.operation === 'loads') return 'Owner loads';
	if (parameters.operation === 'reset') return 'Reset the rotation';
	const rules = parameters.rules?.values?.length ?? 0;
	return rules === 0 ? 'Default assignment' : rules === 1 ? '1 territory rule' : `${rules} territory rules`;
};

export class Route implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Route Leads',
		name: 'route',
		icon: { light: 'file:../../icons/route.svg', dark: 'file:../../icons/route.dark.svg' },
		group: ['transform'],
		// 1.1: Remember For (This Workflow, This Node, A Shared Name) in place of Options > Rotation Name.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: `={{(${subtitle})($parameter)}}`,
		description:
			'Assigns each lead an owner: account owner first, ordered territory rules, round robin, weighted or lowest-load pools, working hours, caps and quotas, fallback',
		defaults: {
			name: 'Route Leads',
		},
		inputs: `={{(${configuredInputs})($parameter)}}`,
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
		properties: routeProperties,
	};

	methods = { credentialTest: { leadManagementRedisConnectionTest }, loadOptions: { getTimeZones } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
