import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A shared secret the form sends in a header. Inbound only: there is no service to test it against. */
// Inbound secret: the vendor calls n8n, there is no service to send a test request to.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class LeadCaptureHeaderAuthApi implements ICredentialType {
	name = 'leadCaptureHeaderAuthApi';

	displayName = 'Lead Capture Header Auth API';

	icon: Icon = { light: 'file:../icons/leadCapture.svg', dark: 'file:../icons/leadCapture.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-lead-management/n8n-nodes-lead-management/blob/main/docs/guide/lead-capture-trigger.md#authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: 'X-Lead-Token',
			required: true,
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
	];
}
