import type {
	Icon,
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Page access token to read Lead Ads leads from the Graph API, the app secret that signs the
 * webhooks, and the webhook verify token.
 */
export class FacebookLeadAdsGraphApi implements ICredentialType {
	name = 'facebookLeadAdsGraphApi';

	displayName = 'Facebook Lead Ads Graph API';

	icon: Icon = { light: 'file:../icons/facebook.svg', dark: 'file:../icons/facebook.dark.svg' };

	documentationUrl = 'https://developers.facebook.com/docs/marketing-api/guides/lead-ads/retrieving';

	properties: INodeProperties[] = [
		{
			displayName: 'Page Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A page access token with the leads_retrieval and pages_manage_metadata permissions',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				"Your Meta app's secret (App settings > Basic): every Lead Ads webhook is checked against its X-Hub-Signature-256, so only Meta can make the node fetch leads",
		},
		{
			displayName: 'Verify Token',
			name: 'verifyToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'The token you typed in the app dashboard when subscribing the webhook (answers the GET hub.challenge)',
		},
		{
			displayName: 'Graph API Version',
			name: 'apiVersion',
			type: 'string',
			default: 'v23.0',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://graph.facebook.com',
			description: 'Change only to go through a proxy or a test server',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			qs: { access_token: '={{$credentials.accessToken}}' },
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}/{{$credentials.apiVersion}}',
			url: '/me',
			qs: { fields: 'id,name' },
		},
	};
}
