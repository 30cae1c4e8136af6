import type { INodeProperties } from 'n8n-workflow';
import { REQUIRABLE_FIELDS } from '../../lib/capture/validate';
import { IDENTITY_FIELDS } from '../../lib/lead/schema';
import { titleCase } from '../shared/labels';
import { storeProperty } from '../shared/store';

const labels: Record<string, string> = {
	email_or_phone: 'Email or Phone',
	'consent.marketing': 'Marketing Consent',
	'consent.terms': 'Terms Consent',
};
const title = (f: string) => labels[f] ?? titleCase(f);

export const mappableFields = [...IDENTITY_FIELDS, 'consent_marketing', 'consent_terms'];

export const captureProperties: INodeProperties[] = [
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: '',
		placeholder: 'lead-capture',
		description: 'The webhook path; leave empty to use the generated one shown above',
	},
	{
		displayName: 'Form Provider',
		name: 'provider',
		description:
			'Which form tool posts to this webhook; Auto-Detect recognises the vendor from its headers and payload',
		type: 'options',
		default: 'auto',
		options: [
			{
				name: 'Auto-Detect',
				value: 'auto',
				description: 'Recognise the vendor from its headers and payload',
			},
			{
				name: 'Elementor Pro',
				value: 'elementor',
			},
			{
				name: 'Facebook / Instagram Lead Ads',
				value: 'facebook',
			},
			{
				name: 'Generic JSON / Plain HTML Form',
				value: 'generic',
			},
			{
				name: 'Google Ads Lead Form',
				value: 'googleAds',
			},
			{
				name: 'HubSpot Form Submission',
				value: 'hubspot',
			},
			{
				name: 'Jotform',
				value: 'jotform',
			},
			{
				name: 'Tally',
				value: 'tally',
			},
			{
				name: 'Typeform',
				value: 'typeform',
			},
			{
				name: 'Webflow',
				value: 'webflow',
			},
		],
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		description:
			"How callers prove they may post: nothing (plain HTML forms), a header token, basic auth, or the vendor's signature",
		type: 'options',
		default: 'none',
		options: [
			{
				name: 'None',
				value: 'none',
			},
			{
				name: 'Header Token',
				value: 'headerAuth',
			},
			{
				name: 'Basic Auth',
				value: 'basicAuth',
			},
			{
				name: 'Signature (HMAC)',
				value: 'signature',
				description: "Check the vendor's signature over the raw body",
			},
		],
	},
	{
		displayName: 'Signature Scheme',
		name: 'signatureScheme',
		description: 'Which signature to check over the raw body: the one the chosen provider sends, or a named scheme',
		type: 'options',
		default: 'provider',
		displayOptions: { show: { authentication: ['signature'] } },
		options: [
			{
				name: 'As the Provider Signs',
				value: 'provider',
				description: 'Typeform, Tally, Webflow, Meta, HubSpot v3 or Google Ads key, by provider',
			},
			{
				name: 'Facebook X-Hub-Signature-256',
				value: 'facebook',
			},
			{
				name: 'Generic HMAC-SHA256 of the Body',
				value: 'genericHmac',
			},
			{
				name: 'Google Ads Key in Body',
				value: 'googleAdsKey',
			},
			{
				name: 'HubSpot Signature V3',
				value: 'hubspotV3',
			},
			{
				name: 'Tally-Signature',
				value: 'tally',
			},
			{
				name: 'Typeform-Signature',
				value: 'typeform',
			},
			{
				name: 'Webflow (with Timestamp)',
				value: 'webflow',
			},
		],
	},
	{
		displayName: 'Signature Header',
		name: 'signatureHeader',
		description: 'Header carrying the signature, e.g. X-Signature',
		type: 'string',
		default: 'X-Signature',
		displayOptions: { show: { authentication: ['signature'], signatureScheme: ['genericHmac'] } },
	},
	{
		displayName: 'Signature Encoding',
		name: 'signatureEncoding',
		description: 'How the signature is written in the header: hexadecimal or Base64',
		type: 'options',
		default: 'hex',
		options: [
			{
				name: 'Hex',
				value: 'hex',
			},
			{
				name: 'Base64',
				value: 'base64',
			},
		],
		displayOptions: { show: { authentication: ['signature'], signatureScheme: ['genericHmac'] } },
	},
	{
		displayName: 'Signature Prefix',
		name: 'signaturePrefix',
		description: 'Text before the signature in the header, e.g. sha256=; empty when none',
		type: 'string',
		default: '',
		placeholder: 'sha256=',
		displayOptions: { show: { authentication: ['signature'], signatureScheme: ['genericHmac'] } },
	},
	{
		displayName: 'Replay Window (Seconds)',
		name: 'replayWindowSeconds',
		type: 'number',
		default: 300,
		typeOptions: { minValue: 1 },
		description: 'Refuse signed requests whose timestamp is older than this (Webflow, HubSpot)',
		displayOptions: { show: { authentication: ['signature'] } },
	},
	{
		displayName: 'Field Mapping',
		name: 'fieldMapping',
		type: 'fixedCollection',
		placeholder: 'Add Field',
		default: {},
		typeOptions: { multipleValues: true },
		description: 'Which answer holds which lead field, when the automatic matching by name is not enough',
		options: [
			{
				displayName: 'Field',
				name: 'fields',
				values: [
					{
						displayName: 'Lead Field',
						name: 'field',
						description: 'The canonical lead field this answer fills',
						type: 'options',
						default: 'email',
						options: mappableFields.map((f) => ({
							name: title(f),
							value: f,
						})),
					},
					{
						displayName: 'Answer Key or Label',
						name: 'source',
						description: "The form's field name or question label, as it arrives in the submission",
						type: 'string',
						default: '',
						placeholder: 'your-email',
					},
				],
			},
		],
	},
	{
		displayName: 'Respond',
		name: 'responseMode',
		type: 'options',
		default: 'onReceived',
		options: [
			{
				name: 'Immediately',
				value: 'onReceived',
				description: 'Answer 200 with the lead ID as soon as the lead is accepted',
			},
			{
				name: 'When Last Node Finishes',
				value: 'lastNode',
				description: "Answer with the workflow's last output",
			},
			{
				name: 'Redirect (303) to a Thank-You Page',
				value: 'redirect',
				description: 'For plain HTML forms',
			},
		],
	},
	{
		displayName: 'Thank-You URL',
		name: 'redirectUrl',
		description: 'Where the browser is sent after a plain HTML form is accepted',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/thank-you',
		displayOptions: { show: { responseMode: ['redirect'] } },
	},
	{
		displayName: "Answer People's Browsers With",
		name: 'browserAnswer',
		description:
			'What a person sees after sending a plain HTML form from their browser. Apps, scripts and vendor webhooks always get JSON.',
		type: 'options',
		default: 'page',
		options: [
			{
				name: 'A Thank-You Page',
				value: 'page',
				description: 'A short page with your text; problems with the form listed in words, with a link back',
			},
			{
				name: 'A Redirect to Your Own Page',
				value: 'redirect',
				description: 'Accepted submissions go to your page; problems still get the page listing them',
			},
			{
				name: 'JSON (Like Apps Get)',
				value: 'json',
				description: 'The same JSON answer as for apps and webhooks',
			},
		],
		displayOptions: { show: { responseMode: ['onReceived'], '@version': [{ _cnd: { gte: 3 } }] } },
	},
	{
		displayName: 'Thank-You Text',
		name: 'thankYouText',
		description: 'Shown to the person after the form is sent. Blank lines start new paragraphs.',
		type: 'string',
		typeOptions: { rows: 3 },
		default: 'We received your details and will be in touch soon.',
		displayOptions: {
			show: { responseMode: ['onReceived'], browserAnswer: ['page'], '@version': [{ _cnd: { gte: 3 } }] },
		},
	},
	{
		displayName: 'Your Thank-You Page',
		name: 'browserRedirectUrl',
		description: 'The web address people are sent to after the form is accepted',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/thank-you',
		displayOptions: {
			show: { responseMode: ['onReceived'], browserAnswer: ['redirect'], '@version': [{ _cnd: { gte: 3 } }] },
		},
	},
	{ ...storeProperty, description: 'Where recent submission IDs are remembered (Repeat Window)' },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Block Bot User Agents',
				displayOptions: { show: { '/provider': ['auto', 'generic', 'elementor'] } },
				name: 'rejectBotUserAgent',
				type: 'boolean',
				default: false,
				description:
					'Whether to reject submissions whose browser user agent is a bot or script (plain HTML forms, Elementor)',
			},
			{
				displayName: 'Default Phone Country',
				name: 'defaultCountry',
				type: 'string',
				default: '',
				placeholder: 'FR',
				description: 'Two-letter country for phone numbers typed without +country code',
			},
			{
				displayName: 'Form Start Time Field',
				displayOptions: { show: { '/provider': ['auto', 'generic', 'elementor', 'webflow'] } },
				name: 'startedAtField',
				type: 'string',
				default: 'form_started_at',
				description: 'Hidden field holding when the form was opened, for the minimum fill time',
			},
			{
				displayName: 'Honeypot Fields',
				displayOptions: { show: { '/provider': ['auto', 'generic', 'elementor', 'webflow', 'jotform'] } },
				name: 'honeypotFields',
				type: 'string',
				default: '_gotcha, _honeypot',
				description: 'Comma-separated hidden inputs a person never fills in',
			},
			{
				displayName: 'IP Allowlist',
				name: 'ipAllowlist',
				type: 'string',
				default: '',
				placeholder: '203.0.113.0/24, 2001:db8::/32',
				description: 'Comma-separated addresses or CIDR ranges allowed to call; empty allows all',
			},
			{
				displayName: 'Minimum Fill Time (Seconds)',
				displayOptions: { show: { '/provider': ['auto', 'generic', 'elementor', 'webflow', 'jotform', 'typeform'] } },
				name: 'minFillSeconds',
				type: 'number',
				default: 3,
				description:
					'Reject submissions completed faster than this, when the form says when it was opened; 0 turns it off',
			},
			{
				displayName: 'Reject Disposable Emails',
				name: 'rejectDisposableEmail',
				description:
					'Whether submissions with a throwaway address (mailinator.com and 100,000+ such domains) are rejected as spam',
				type: 'boolean',
				default: true,
			},
			{
				displayName: 'Rejected to Own Output',
				name: 'rejectedOutput',
				type: 'boolean',
				default: true,
				description:
					'Whether spam and invalid submissions go to the Rejected output for review; off drops them after answering the sender',
			},
			{
				displayName: 'Rejection Status',
				name: 'rejectionStatus',
				description:
					'The HTTP status a rejected submission gets: what the vendor expects (2xx for webhooks, which retry otherwise), always 4xx, or always 200',
				type: 'options',
				default: 'vendor',
				options: [
					{
						name: 'As the Vendor Expects',
						value: 'vendor',
						description: '2xx for vendor webhooks (they retry otherwise), 422 for plain forms and APIs',
					},
					{
						name: 'Always 4xx',
						value: 'always4xx',
					},
					{
						name: 'Always 200',
						value: 'always200',
					},
				],
			},
			{
				displayName: 'Repeat Window (Seconds)',
				name: 'repeatWindowSeconds',
				type: 'number',
				default: 86400,
				description: 'A submission ID seen again within this window starts no new execution; 0 turns it off',
			},
			{
				displayName: 'Required Fields',
				name: 'requiredFields',
				description: 'Fields a lead must have to be accepted; by default an email or a phone',
				type: 'multiOptions',
				default: ['email_or_phone'],
				options: REQUIRABLE_FIELDS.map((f) => ({
					name: title(f),
					value: f,
				})),
			},
			{
				displayName: 'Skip Meta Signature Check (Insecure)',
				name: 'acceptUnsignedLeadAds',
				type: 'boolean',
				default: false,
				displayOptions: { show: { '/provider': ['facebook'] } },
				description:
					"Whether to accept Lead Ads webhooks without checking Meta's signature. Warning: anyone who knows the URL can then make this node fetch leads with your page token and, when responding from the last node, read them. Add the App Secret to the credential instead.",
			},
			{
				displayName: 'State File',
				displayOptions: { show: { '/store': ['sqlite'] } },
				name: 'stateFile',
				type: 'string',
				default: '',
				placeholder: '~/.n8n/lead-management.sqlite',
				description: "SQLite file remembering recent submission IDs; empty uses the default beside n8n's data",
			},
			{
				displayName: 'Validate Email Format',
				name: 'validateEmail',
				description:
					'Whether an email that is not a valid address rejects the submission (otherwise it is kept as typed)',
				type: 'boolean',
				default: true,
			},
			{
				displayName: 'Validate Phone Format',
				name: 'validatePhone',
				description: 'Whether a phone in no known format rejects the submission when there is no valid email beside it',
				type: 'boolean',
				default: true,
			},
		],
	},
];
