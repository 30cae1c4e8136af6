import type {
	Icon,
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Hunter API key for Enrich Leads (email verifier, email finder, domain search);
 * the test reads the account, which costs no credit.
 */
export class LeadManagementHunterApi implements ICredentialType {
	name = 'leadManagementHunterApi';

	displayName = 'Lead Management Hunter API';

	icon: Icon = { light: 'file:../icons/enrich.svg', dark: 'file:../icons/enrich.dark.svg' };

	documentationUrl = 'https://hunter.io/api-documentation/v2#authentication';

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
			default: 'https://api.hunter.io/v2',
			description: 'Change only to go through a proxy or a test server',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { qs: { api_key: '={{$credentials.apiKey}}' } },
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/account',
		},
	};
}
