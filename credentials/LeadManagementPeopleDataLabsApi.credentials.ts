import type {
	Icon,
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * People Data Labs API key for Enrich Leads (person and company enrichment);
 * the test asks the free autocomplete endpoint.
 */
export class LeadManagementPeopleDataLabsApi implements ICredentialType {
	name = 'leadManagementPeopleDataLabsApi';

	displayName = 'Lead Management People Data Labs API';

	icon: Icon = { light: 'file:../icons/enrich.svg', dark: 'file:../icons/enrich.dark.svg' };

	documentationUrl = 'https://docs.peopledatalabs.com/docs/authentication';

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
			default: 'https://api.peopledatalabs.com/v5',
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
			url: '/autocomplete',
			qs: { field: 'title', text: 'sales', size: 1 },
		},
	};
}
