import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { leadManagementRedisConnectionTest } from '../shared/store';
import { router } from './actions/router';
import { enrichProperties } from './description';

/** The canvas subtitle, in a marketer's words. Evaluated by the editor from its source: self-contained. */
export const subtitle = (parameters: { operation?: string; provider?: string; action?: string }) => {
	if (parameters.operation !== 'provider') return 'Offline, no credits';
	const names: Record<string, string> = {
		hunter: 'Hunter',
		apollo: 'Apollo',
		pdl: 'People Data Labs',
		http: 'HTTP provider',
	};
	return `With ${names[parameters.provider ?? 'hunter'] ?? 'a provider'}`;
};

export class Enrich implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Enrich Leads',
		name: 'enrich',
		icon: { light: 'file:../../icons/enrich.svg', dark: 'file:../../icons/enrich.dark.svg' },
		group: ['transform'],
		// 1.1: provider answers cached for this workflow unless Remember For names a shared name
		// (version 1: one cache for the whole n8n).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: `={{(${subtitle})($parameter)}}`,
		description:
			'Adds what can be derived offline (email, phone, names, country, time zone) and, when configured, what data providers know, without wasting credits',
		defaults: { name: 'Enrich Leads' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		// Each provider's credential is chosen by hiding it for the other providers, not by showing it
		// for its own: n8n's editor takes a field whose every option some credential shows for as the
		// node's authentication field and moves it, and Operation with it, into the credential dialog.
		credentials: [
			{
				name: 'leadManagementHunterApi',
				required: true,
				displayOptions: { show: { operation: ['provider'] }, hide: { provider: ['apollo', 'pdl', 'http'] } },
			},
			{
				name: 'leadManagementApolloApi',
				required: true,
				displayOptions: { show: { operation: ['provider'] }, hide: { provider: ['hunter', 'pdl', 'http'] } },
			},
			{
				name: 'leadManagementPeopleDataLabsApi',
				required: true,
				displayOptions: { show: { operation: ['provider'] }, hide: { provider: ['hunter', 'apollo', 'http'] } },
			},
			{
				name: 'leadManagementHttpProviderApi',
				required: true,
				displayOptions: { show: { operation: ['provider'] }, hide: { provider: ['hunter', 'apollo', 'pdl'] } },
			},
			{
				name: 'leadManagementRedisApi',
				required: true,
				testedBy: 'leadManagementRedisConnectionTest',
				displayOptions: { show: { operation: ['provider'], store: ['redis'] } },
			},
		],
		hints: [
			{
				message:
					'Credits are spent only for leads missing the fields this provider fills; answers are cached in the state store for every execution and worker.',
				type: 'info',
				location: 'outputPane',
				whenToDisplay: 'beforeExecution',
				displayCondition: '={{ $parameter["operation"] === "provider" }}',
			},
		],
		properties: enrichProperties,
	};

	methods = { credentialTest: { leadManagementRedisConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
