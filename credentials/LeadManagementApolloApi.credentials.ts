import type {
	Icon,
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Apollo API key for Enrich Leads (people match, organization enrichment);
 * the test calls the health check, which costs no credit.
 */
export class LeadManagementApolloApi implements ICredentialType {
	name = 'leadManagementApolloApi';

	displayName = 'Lead Management Apollo API';

	icon: Icon = { light: 'file:../icons/enrich.svg', dark: 'file:../icons/enrich.dark.svg' };

	documentationUrl = 'https://docs.apollo.io/docs/create-api-key';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.apollo.io/api/v1',
			description: 'Change only to go through a proxy or a test server',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'X-Api-Key': '={{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/auth/health',
		},
	};
}
