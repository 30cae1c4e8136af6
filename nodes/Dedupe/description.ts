import type { INodeProperties } from 'n8n-workflow';
import { FIELD_KINDS } from '../../lib/dedupe/fields';
import { DEFAULT_THRESHOLD } from '../../lib/dedupe/matcher';
import { titleCase } from '../shared/labels';
import { storeProperty } from '../shared/store';

const findOnly = { show: { operation: ['findDuplicates'] } };
/** Options of the memory of earlier executions: shown only when comparing against it. */
const inMemory = { show: { '/mode': ['memory'] } };

const MEMORY_OPTIONS = {
	maxAgeDays: {
		displayName: 'Forget After (Days)',
		name: 'maxAgeDays',
		type: 'number',
		default: 0,
		description: 'Forget remembered leads older than this; 0 keeps them',
	},
	maxEntries: {
		displayName: 'Max Remembered Leads',
		name: 'maxEntries',
		type: 'number',
		default: 1000000,
		description: 'The oldest are forgotten first when full',
		hint: '0 = no limit',
	},
	memoryName: {
		displayName: 'Memory Name',
		name: 'memoryName',
		type: 'string',
		default: 'leads',
		placeholder: 'leads',
		description: 'Name of the shared memory: every workflow using this name sees the same leads',
		displayOptions: { show: { scope: ['shared'] } },
	},
	scope: {
		displayName: 'Memory Scope',
		name: 'scope',
		type: 'options',
		default: 'workflow',
		description: 'Which leads count as seen before',
		options: [
			{
				name: 'This Workflow',
				value: 'workflow',
			},
			{
				name: 'This Node',
				value: 'node',
			},
			{
				name: 'Shared (Named)',
				value: 'shared',
				description: 'Shared by every workflow using the same memory name',
			},
		],
	},
	stateFile: {
		displayName: 'State File',
		name: 'stateFile',
		type: 'string',
		default: '',
		placeholder: '/home/node/.n8n/lead-management.sqlite',
		description: "SQLite file of the memory (embedded store); empty uses the default beside n8n's data",
	},
} satisfies Record<string, INodeProperties>;

export const dedupeProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'findDuplicates',
		options: [
			{
				name: 'Find Duplicates',
				value: 'findDuplicates',
				action: 'Find duplicate leads',
			},
			{
				name: 'Forget Leads',
				value: 'forget',
				action: 'Forget leads from the memory',
			},
			{
				name: 'Clear Memory',
				value: 'clearMemory',
				action: 'Clear the memory of earlier executions',
			},
			{
				name: 'Erase Person (GDPR)',
				value: 'erase',
				action: 'Erase a person from every memory of the package',
				description:
					'Dedupe memory, stage history, SLA clocks, cached provider answers and the repeat window, with a report per store',
			},
		],
	},
	{
		displayName: 'Compare Against',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		default: 'batch',
		displayOptions: findOnly,
		options: [
			{
				name: 'Incoming Items',
				value: 'batch',
				description: 'Duplicates within the items of this execution',
			},
			{
				name: 'Earlier Executions',
				value: 'memory',
				description: 'Leads remembered from earlier executions (and earlier items)',
			},
			{
				name: 'Reference List (Second Input)',
				value: 'reference',
				description: 'Records on the second input, e.g. a CRM export',
			},
		],
	},
	// The state store matters only where the memory is used: two copies, one per place it shows.
	{
		...storeProperty,
		description: 'Where leads from earlier executions are remembered',
		displayOptions: { show: { operation: ['findDuplicates'], mode: ['memory'] } },
	},
	{
		...storeProperty,
		description: 'Where leads from earlier executions are remembered',
		displayOptions: { show: { operation: ['forget', 'clearMemory'] } },
	},
	{
		...storeProperty,
		description: 'The store whose memories are erased (SQLite beside n8n, or Redis)',
		displayOptions: { show: { operation: ['erase'] } },
	},
	{
		displayName: 'Email',
		name: 'eraseEmail',
		type: 'string',
		default: '={{ $json.email }}',
		displayOptions: { show: { operation: ['erase'] } },
		description: 'The person to erase, by email address (every lead with it); empty: by lead ID only',
	},
	{
		displayName: 'Lead ID',
		name: 'eraseLeadId',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.lead_id }}',
		displayOptions: { show: { operation: ['erase'] } },
		description: "The lead ID to erase too (the CRM's or the one Lead Capture Trigger gave); empty: by email only",
	},
	{
		displayName: 'Erase From',
		name: 'eraseFrom',
		type: 'options',
		default: 'everywhere',
		displayOptions: { show: { operation: ['erase'] } },
		options: [
			{
				name: 'Every Workflow',
				value: 'everywhere',
				description: "Every memory of every workflow in this store (a data subject's erasure request)",
			},
			{
				name: 'Some Workflows',
				value: 'workflows',
				description: 'The memories of the workflows listed (and of their nodes)',
			},
			{
				name: 'A Shared Name',
				value: 'shared',
				description: 'The memories kept under one shared name (Remember For: A Shared Name)',
			},
		],
	},
	{
		displayName: 'Workflow IDs',
		name: 'eraseWorkflows',
		type: 'string',
		default: '',
		placeholder: 'wE8x2ZcK1nQ3, 9fTq0b',
		displayOptions: { show: { operation: ['erase'], eraseFrom: ['workflows'] } },
		description: "Comma-separated IDs of the workflows whose memories are erased (in a workflow's URL)",
	},
	{
		displayName: 'Shared Name',
		name: 'eraseSharedName',
		type: 'string',
		default: '',
		placeholder: 'inbound-sla',
		displayOptions: { show: { operation: ['erase'], eraseFrom: ['shared'] } },
		description: 'The shared name whose memories are erased',
	},
	{
		displayName: 'Forget Account Owner Too',
		name: 'eraseAccountOwner',
		type: 'boolean',
		default: false,
		displayOptions: { show: { operation: ['erase'] } },
		description:
			"Whether Route Leads also forgets who owns the person's company domain (for a sole trader whose domain is their own name)",
	},
	{
		displayName: 'Matching',
		name: 'matching',
		type: 'options',
		default: 'preset',
		displayOptions: findOnly,
		options: [
			{
				name: 'Recommended (Fuzzy, Weighted)',
				value: 'preset',
				description: 'Email, phone, names (nicknames, typos, swapped), company, domain and city weighed together',
			},
			{
				name: 'Rules',
				value: 'rules',
				description: 'State the match equation yourself',
			},
		],
	},
	{
		displayName: 'Match Rule',
		name: 'rule',
		type: 'string',
		default: 'email OR phone OR (name AND company)',
		placeholder: 'email OR phone OR (name AND company)',
		description:
			'Fields (email, phone, name, first_name, last_name, company, domain, city, and any added field) joined with AND, OR, NOT and parentheses',
		displayOptions: { show: { operation: ['findDuplicates'], matching: ['rules'] } },
	},
	{
		displayName: 'On Duplicate',
		name: 'onDuplicate',
		description: 'Which lead of a set of duplicates stays on Kept, or whether they are merged into one',
		type: 'options',
		default: 'keepFirst',
		displayOptions: findOnly,
		options: [
			{
				name: 'Keep First',
				value: 'keepFirst',
			},
			{
				name: 'Keep Latest',
				value: 'keepLatest',
				description: 'By submission time (source.submitted_at), else input order',
			},
			{
				name: 'Merge',
				value: 'merge',
				description: 'Fill blanks, newest value wins per field, keep the original ID; consent is never widened',
			},
		],
	},
	{
		displayName: 'Output',
		name: 'outputMode',
		description: 'Kept and duplicate leads on two outputs, or every lead on one output flagged with dedupe.status',
		type: 'options',
		noDataExpression: true,
		default: 'split',
		displayOptions: findOnly,
		options: [
			{
				name: 'Kept and Duplicates on Separate Outputs',
				value: 'split',
			},
			{
				name: 'One Output with Flags',
				value: 'flag',
				description: 'Every item once, with dedupe.status',
			},
		],
	},
	{
		displayName: 'Lead Fields',
		name: 'fields',
		type: 'fixedCollection',
		placeholder: 'Map a Field or Add One to Compare',
		default: {},
		typeOptions: { multipleValues: true },
		displayOptions: findOnly,
		description:
			'Where to read fields when items are not canonical leads, or extra fields to compare (e.g. a date of birth). Canonical lead fields are read by default.',
		options: [
			{
				displayName: 'Field',
				name: 'field',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'email',
						description:
							'Name used in rules and match reasons; a canonical name (email, phone, first_name, ...) replaces the default',
					},
					{
						displayName: 'Kind',
						name: 'kind',
						description:
							'How the field is compared: email, phone, names, company, domain, city, date, postcode, address, ID or free text',
						type: 'options',
						default: 'text',
						options: FIELD_KINDS.map((k) => ({
							name: titleCase(k),
							value: k,
						})),
					},
					{
						displayName: 'Path in Item',
						name: 'path',
						description: 'Dotted path of the value in each item, e.g. contact.email or answers.dob',
						type: 'string',
						default: '',
						placeholder: 'custom.date_of_birth',
					},
				],
			},
		],
	},
	{
		displayName: 'Forget By',
		name: 'forgetBy',
		description: 'Whether the value to forget is an email address (every lead with it) or a lead ID',
		type: 'options',
		default: 'leadId',
		displayOptions: { show: { operation: ['forget'] } },
		options: [
			{
				name: 'Lead ID',
				value: 'leadId',
			},
			{
				name: 'Email',
				value: 'email',
			},
		],
	},
	{
		displayName: 'Value',
		name: 'forgetValue',
		type: 'string',
		default: '={{ $json.id }}',
		required: true,
		displayOptions: { show: { operation: ['forget'] } },
		description: 'The lead ID or email to forget, per item',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: findOnly,
		options: [
			{
				displayName: 'Default Phone Country',
				name: 'defaultCountry',
				type: 'string',
				default: '',
				placeholder: 'FR',
				description: 'Two-letter country for phone numbers typed without +country code, when the lead states none',
			},
			{ ...MEMORY_OPTIONS.maxAgeDays, displayOptions: inMemory },
			{
				displayName: 'Join Groups Only as Wholes',
				name: 'wholeGroups',
				type: 'boolean',
				default: true,
				displayOptions: { show: { '/matching': ['preset'] } },
				description:
					"Whether two groups of leads holding contradicting details (two company email domains, two phone numbers, two companies) must match as wholes to be joined, not through one link between two of their leads: namesakes at two companies then stay apart, and the lead's dedupe.why says what was decided. Version 1 of the node joins on one link unless this is on.",
			},
			{
				displayName: 'Learn Weights From the Batch',
				name: 'learnWeights',
				type: 'boolean',
				default: true,
				displayOptions: { show: { '/matching': ['preset'] } },
				description:
					'Whether batches of 1,000 leads or more learn how much each field tells (how often people agree on it, how rare each name is) from the batch itself, and, from version 1.1, comparisons against earlier executions learn it from the remembered leads once there are 1,000 (again as the memory grows); off: the fixed weights smaller batches use',
			},
			{
				displayName: 'Match Threshold',
				name: 'threshold',
				type: 'number',
				default: DEFAULT_THRESHOLD,
				displayOptions: { show: { '/matching': ['preset'] } },
				description:
					'How much must agree before two leads count as one person: higher merges fewer (fewer wrong merges, more missed duplicates). The default suits most forms; the guide explains the scale.',
			},
			{ ...MEMORY_OPTIONS.maxEntries, displayOptions: inMemory },
			{ ...MEMORY_OPTIONS.memoryName, displayOptions: { show: { '/mode': ['memory'], scope: ['shared'] } } },
			{ ...MEMORY_OPTIONS.scope, displayOptions: inMemory },
			{
				displayName: 'Repeated Leads',
				name: 'repeats',
				type: 'options',
				default: 'asFirst',
				description:
					'A lead whose ID was already seen (a re-delivered submission, a retried execution) is not a duplicate of another lead: its status is "repeat". Choose where it goes.',
				options: [
					{
						name: 'As the First Time',
						value: 'asFirst',
						description: 'Kept, unless it was a duplicate when first seen',
					},
					{
						name: 'Kept Output',
						value: 'kept',
					},
					{
						name: 'Duplicates Output',
						value: 'duplicates',
					},
					{
						name: 'Own Output (Repeats)',
						value: 'separate',
					},
				],
			},
			{
				displayName: 'Skip Key Groups Larger Than',
				name: 'maxBlockSize',
				type: 'number',
				default: 500,
				description:
					'When more leads than this share one look-up key (a very common name at one company), that key says too little and is not used to compare them',
			},
			{ ...MEMORY_OPTIONS.stateFile, displayOptions: { show: { '/mode': ['memory'], '/store': ['sqlite'] } } },
			{
				displayName: 'Strip +Tags on Every Domain',
				name: 'stripPlusEverywhere',
				type: 'boolean',
				default: false,
				description: 'Whether jane+news@acme.com equals jane@acme.com (always true for Gmail, Outlook, iCloud, ...)',
			},
		],
	},
	{
		// Forget and Clear: only which memory, and where it lives.
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['forget', 'clearMemory'] } },
		options: [
			MEMORY_OPTIONS.memoryName,
			MEMORY_OPTIONS.scope,
			{ ...MEMORY_OPTIONS.stateFile, displayOptions: { show: { '/store': ['sqlite'] } } },
		],
	},
];
