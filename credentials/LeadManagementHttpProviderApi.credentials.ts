import type {
	Icon,
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * The secret of any enrichment API for Enrich Leads' HTTP provider: sent as a header (X-Api-Key,
 * Authorization: Bearer ...) and, when the API wants it so, as a query parameter.
 */
export class LeadManagementHttpProviderApi implements ICredentialType {
	name = 'leadManagementHttpProviderApi';

	displayName = 'Lead Management Enrichment HTTP API';

	icon: Icon = { light: 'file:../icons/enrich.svg', dark: 'file:../icons/enrich.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-lead-management/n8n-nodes-lead-management/blob/main/docs/guide/enrich-leads.md';

	properties: INodeProperties[] = [
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'Authorization',
			required: true,
			description: 'The header the API reads its key from (Authorization, X-Api-Key...)',
		},
		{
			displayName: 'Header Value (Secret)',
			name: 'headerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'Bearer sk_live_...',
		},
		{
			displayName: 'Query Parameter Name',
			name: 'queryName',
			type: 'string',
			default: '',
			placeholder: 'api_key',
			description: 'Only for APIs that take the key in the URL; empty: none',
		},
		{
			displayName: 'Query Parameter Value (Secret)',
			name: 'querySecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Test URL',
			name: 'testUrl',
			type: 'string',
			default: '',
			placeholder: 'https://api.example.com/v1/me',
			description:
				'A URL of the API that answers 2xx to a valid key without spending credits (an account or health endpoint)',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		// The node itself adds the query parameter (and the header) to each request; this applies the
		// header to the credential test, as n8n's own Header Auth credential does.
		properties: { headers: { '={{$credentials.headerName}}': '={{$credentials.headerSecret}}' } },
	};

	test: ICredentialTestRequest = {
		request: { url: '={{$credentials.testUrl}}' },
	};
}
