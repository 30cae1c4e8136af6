import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/** User and password the form's webhook URL carries. Inbound only: nothing to test against. */
// Inbound secret: the vendor calls n8n, there is no service to send a test request to.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class LeadCaptureBasicAuthApi implements ICredentialType {
	name = 'leadCaptureBasicAuthApi';

	displayName = 'Lead Capture Basic Auth API';

	icon: Icon = { light: 'file:../icons/leadCapture.svg', dark: 'file:../icons/leadCapture.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-lead-management/n8n-nodes-lead-management/blob/main/docs/guide/lead-capture-trigger.md#authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
	];
}
