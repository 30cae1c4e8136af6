/**
 * The credentials the templates in templates/ name, with their n8n type and fields: created with
 * test secrets by the template tests and with placeholders by `npm run screenshots`, so a template
 * that names a new credential needs it here once.
 */
export interface CredentialValues {
	/** The value for a secret; the template tests use the names as values (they assert them). */
	secret(name: string): string;
	smtpPort: number;
	/** Where the Graph API credential points (the tests' mock); absent: Facebook's own. */
	graphBaseUrl?: string;
}

export function templateCredentials(
	v: CredentialValues,
): Record<string, { type: string; data: Record<string, unknown> }> {
	return {
		'CRM API key': {
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: `Bearer ${v.secret('crm-test-key')}` },
		},
		'Acme CRM key': {
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: `Bearer ${v.secret('acme-key')}` },
		},
		'Erasure request key': {
			type: 'httpHeaderAuth',
			data: { name: 'X-Erasure-Key', value: v.secret('erasure-test-key') },
		},
		'HubSpot app token': { type: 'hubspotAppToken', data: { appToken: v.secret('hubspot-test-token') } },
		'Slack bot': { type: 'slackApi', data: { accessToken: v.secret('xoxb-slack-test') } },
		'Pipedrive API token': { type: 'pipedriveApi', data: { apiToken: v.secret('pd-test-token') } },
		'Facebook Lead Ads': {
			type: 'facebookLeadAdsGraphApi',
			data: {
				accessToken: v.secret('page-token'),
				appSecret: v.secret('template-app-secret'),
				verifyToken: v.secret('template-verify'),
				apiVersion: 'v23.0',
				...(v.graphBaseUrl ? { baseUrl: v.graphBaseUrl } : {}),
			},
		},
		'SMTP account': {
			type: 'smtp',
			data: { user: '', password: '', host: '127.0.0.1', port: v.smtpPort, secure: false, disableStartTls: true },
		},
	};
}
