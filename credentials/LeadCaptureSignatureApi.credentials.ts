import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The signing secret a form vendor shares with you (Typeform, Tally, Webflow, Meta app secret,
 * HubSpot client secret, Google Ads key, or your own HMAC key). Inbound only: nothing to test against.
 */
// Inbound secret: the vendor calls n8n, there is no service to send a test request to.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class LeadCaptureSignatureApi implements ICredentialType {
	name = 'leadCaptureSignatureApi';

	displayName = 'Lead Capture Signature API';

	icon: Icon = { light: 'file:../icons/leadCapture.svg', dark: 'file:../icons/leadCapture.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-lead-management/n8n-nodes-lead-management/blob/main/docs/guide/lead-capture-trigger.md#authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'Typeform/Tally/Webflow webhook secret, Meta app secret, HubSpot app client secret, Google Ads webhook key, or your own HMAC key',
		},
	];
}
