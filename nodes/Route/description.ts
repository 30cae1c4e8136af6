import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';
import { datesBuilder, hoursBuilder } from '../shared/schedule';
import { beforeScopedVersion, scopeProperties } from '../shared/scope';
import { storeProperty } from '../shared/store';

const routeOnly = { show: { operation: ['route'] } };
const ownersInNode = { show: { ownersSource: ['node'], operation: ['route', 'loads'] } };

const strategyOptions = [
	{
		name: 'Round Robin',
		value: 'roundRobin',
		description: 'Each eligible member in turn',
	},
	{
		name: 'Weighted Round Robin',
		value: 'weighted',
		description: 'Turns in proportion to the weights (exact shares)',
	},
	{
		name: 'Lowest Load',
		value: 'lowestLoad',
		description: 'Whoever got the fewest leads (per unit of weight) in the load period',
	},
];

const ownerFields: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		description: "The owner's name, as it appears on the lead's owner section",
		type: 'string',
		default: '',
		placeholder: 'Ana Lopez',
	},
	{
		displayName: 'ID',
		name: 'id',
		type: 'string',
		default: '',
		placeholder: 'ana@acme.com',
		description: 'Unique; rules and pools refer to owners by it. The email is used when empty.',
	},
	{
		displayName: 'Email',
		name: 'email',
		description: "The owner's email, on the lead's owner section (and their ID when ID is empty)",
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
	},
	{
		displayName: 'CRM Owner ID',
		name: 'crm_owner_id',
		type: 'string',
		default: '',
		description: "The owner's ID in your CRM (HubSpot owner ID, Salesforce user ID, ...), passed on with the lead",
	},
	{
		displayName: 'Teams',
		name: 'teams',
		type: 'string',
		default: '',
		placeholder: 'EMEA, SMB',
		description: 'Comma-separated; each team is a pool rules can send leads to',
	},
	{
		displayName: 'Weight',
		name: 'weight',
		type: 'number',
		default: 1,
		typeOptions: { minValue: 0 },
		description: 'Share in weighted pools (2 gets twice the leads of 1); divides the load in lowest-load pools',
	},
	{
		// eslint-disable-next-line n8n-nodes-base/node-param-display-name-wrong-for-dynamic-options
		displayName: 'Time Zone',
		name: 'time_zone',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getTimeZones' },
		default: '',
		// eslint-disable-next-line n8n-nodes-base/node-param-description-wrong-for-dynamic-options
		description: "Of the working hours and days off; the node's time zone when empty",
	},
	{
		displayName: 'Working Hours',
		name: 'working_hours',
		type: 'string',
		default: '',
		placeholder: 'Mon-Fri 09:00-17:00',
		description: 'Such as "Mon-Thu 08:00-12:00, 13:00-17:00; Fri 08:00-15:00"; empty (and no hours below) means always',
	},
	hoursBuilder(
		'working_hours_builder',
		'Working Hours, Day by Day',
		'Days and times picked from lists, added to the Working Hours text',
	),
	{
		displayName: 'Active',
		name: 'active',
		type: 'boolean',
		default: true,
		description: 'Whether the owner takes leads at all',
	},
	{
		displayName: 'Out of Office',
		name: 'out_of_office',
		type: 'string',
		default: '',
		placeholder: '2026-12-24..2027-01-02, 2027-01-15',
		description: "Days off (whole days in the owner's time zone)",
	},
	datesBuilder(
		'out_of_office_dates',
		'Out of Office, on a Calendar',
		'Days off picked on a calendar, added to the text above',
	),
	{
		displayName: 'Daily Cap (0 = No Limit)',
		name: 'cap_day',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: 'Most leads per day',
	},
	{
		displayName: 'Weekly Cap (0 = No Limit)',
		name: 'cap_week',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: 'Most leads per ISO week (Monday to Sunday)',
	},
	{
		displayName: 'Monthly Cap (0 = No Limit)',
		name: 'cap_month',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: 'Most leads per calendar month (a monthly quota)',
	},
];

const targetFields = (prefix: string, show: NonNullable<IDisplayOptions['show']>): INodeProperties[] => [
	{
		displayName: 'Pool or Team',
		name: `${prefix}Pool`,
		type: 'string',
		default: '',
		placeholder: 'EMEA',
		description: 'A pool defined below or a team named on the owners; empty or * means all owners',
		displayOptions: { show: { ...show, [`${prefix}AssignTo`]: ['pool'] } },
	},
	{
		displayName: 'Owner ID',
		name: `${prefix}Owner`,
		description: 'The ID of the owner who gets these leads (as in Owners > ID)',
		type: 'string',
		default: '',
		placeholder: 'ana@acme.com',
		displayOptions: { show: { ...show, [`${prefix}AssignTo`]: ['owner'] } },
	},
];

export const routeProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'route',
		options: [
			{
				name: 'Route',
				value: 'route',
				action: 'Assign leads to owners',
			},
			{
				name: 'Get Owner Loads',
				value: 'loads',
				action: 'Get the counts and availability of each owner',
			},
			{
				name: 'Reset Rotation',
				value: 'reset',
				action: 'Reset the rotation counters and account owners',
			},
		],
	},
	{
		displayName: 'Owners',
		name: 'ownersSource',
		description: 'Where the owners come from: defined in this node, or one item per owner on a second input',
		type: 'options',
		noDataExpression: true,
		default: 'node',
		displayOptions: { show: { operation: ['route', 'loads'] } },
		options: [
			{
				name: 'Defined Below',
				value: 'node',
			},
			{
				name: 'From the Owners Input',
				value: 'input',
				description: 'One item per owner, e.g. rows of a Google Sheet or a Data Table read before this node',
			},
		],
	},
	{
		displayName: 'Owners',
		name: 'owners',
		type: 'fixedCollection',
		placeholder: 'Add Owner',
		default: {},
		typeOptions: { multipleValues: true, sortable: true },
		displayOptions: ownersInNode,
		description: 'In rotation order',
		options: [
			{
				displayName: 'Owner',
				name: 'owner',
				values: ownerFields,
			},
		],
	},
	{
		displayName: 'Owner Columns',
		name: 'ownerColumns',
		type: 'collection',
		placeholder: 'Add Column Name',
		default: {},
		displayOptions: { show: { ownersSource: ['input'], operation: ['route', 'loads'] } },
		description:
			'Which columns of the Owners input hold what, when their names are not the usual ones (ID, name, email, crm_owner_id, team(s), weight, time_zone, working_hours, active, out_of_office, daily_cap, weekly_cap, monthly_cap, load)',
		options: [
			...ownerFields
				.filter((f) => f.type !== 'fixedCollection')
				.map((f) => ({
					displayName: `${f.displayName.replace(' (0 = No Limit)', '')} Column`,
					name: f.name,
					type: 'string' as const,
					default: '',
					placeholder: f.name,
					description: `Column holding the owner's ${f.displayName.toLowerCase()}, when it is not called ${f.name}`,
				})),
			{
				displayName: 'Open Leads Column',
				name: 'load',
				type: 'string',
				default: '',
				description: 'Leads the owner already has (e.g. open in the CRM), added to the load in lowest-load pools',
			},
		],
	},
	{
		displayName: 'Routing Rules',
		name: 'rules',
		type: 'fixedCollection',
		placeholder: 'Add Routing Rule',
		default: {},
		typeOptions: { multipleValues: true, sortable: true },
		displayOptions: routeOnly,
		description: 'Checked in order; the first rule a lead matches decides',
		options: [
			{
				displayName: 'Rule',
				name: 'values',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'EMEA enterprise',
						description: "Shown in the routing log and as the output's name",
					},
					{
						displayName: 'Conditions',
						name: 'conditions',
						description: 'When a lead matches this rule: conditions on its fields, e.g. country is one of FR, DE',
						type: 'filter',
						placeholder: 'Add Condition',
						default: {},
						typeOptions: {
							multipleValues: false,
							filter: {
								caseSensitive: '={{ $parameter.options.caseSensitive === true }}',
								typeValidation: 'loose',
								version: 3,
							},
						},
					},
					{
						displayName: 'Assign To',
						name: 'ruleAssignTo',
						description:
							"Whether leads matching this rule go to a pool or team, to one owner, or out of this rule's output unassigned",
						type: 'options',
						default: 'pool',
						options: [
							{
								name: 'Pool or Team',
								value: 'pool',
							},
							{
								name: 'Owner',
								value: 'owner',
							},
							{
								name: 'Output Only (No Owner)',
								value: 'output',
								description: "Send matching leads out of this rule's output without assigning them",
							},
						],
					},
					...targetFields('rule', {}),
				],
			},
		],
	},
	{
		displayName: 'When No Rule Matches',
		name: 'noMatchAssignTo',
		description:
			'What happens to leads that match no rule: a pool or team, one owner, or unassigned (then the fallback owner, if set)',
		type: 'options',
		default: 'pool',
		displayOptions: routeOnly,
		options: [
			{
				name: 'Assign From a Pool or Team',
				value: 'pool',
			},
			{
				name: 'Assign to an Owner',
				value: 'owner',
			},
			{
				name: 'Leave Unassigned',
				value: 'unassigned',
				description: 'The fallback owner gets it if set, else the Unassigned output',
			},
		],
	},
	...targetFields('noMatch', routeOnly.show),
	{
		displayName: 'Fallback Owner ID',
		name: 'fallbackOwner',
		type: 'string',
		default: '',
		displayOptions: routeOnly,
		description:
			'Gets leads when nobody in the chosen pool is eligible (still never past their cap). Without one, such leads come out unassigned with the reason.',
	},
	{
		displayName: 'Pools',
		name: 'pools',
		type: 'fixedCollection',
		placeholder: 'Add Pool',
		default: {},
		typeOptions: { multipleValues: true },
		displayOptions: routeOnly,
		description:
			'Groups with their own strategy. Every team named on the owners is also a pool, with the default strategy.',
		options: [
			{
				displayName: 'Pool',
				name: 'pool',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						description: "The pool's name, used by rules and the default assignment",
						type: 'string',
						default: '',
						placeholder: 'Inbound SDRs',
					},
					{
						displayName: 'Strategy',
						name: 'strategy',
						type: 'options',
						default: 'roundRobin',
						options: strategyOptions,
					},
					{
						displayName: 'Members',
						name: 'members',
						type: 'string',
						default: '',
						placeholder: 'ana@acme.com, ben@acme.com, EMEA',
						description: 'Owner IDs or team names in rotation order; empty takes the team of the same name',
					},
				],
			},
		],
	},
	{
		displayName: 'Account Owner First',
		name: 'accountOwnerFirst',
		type: 'boolean',
		default: false,
		displayOptions: routeOnly,
		description:
			'Whether a lead whose company already has an owner goes to that owner (if active, not away, under their cap) before any rule',
	},
	{
		displayName: 'Account Owner ID',
		name: 'accountOwnerId',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.account_owner_id }}',
		displayOptions: { show: { operation: ['route'], accountOwnerFirst: [true] } },
		description:
			"The owner of the lead's account when known (e.g. from a CRM lookup). When empty, the owner remembered for the company domain, or found on the Accounts input, is used.",
	},
	{
		displayName: 'Accounts Input',
		name: 'accountsInput',
		type: 'boolean',
		default: false,
		displayOptions: { show: { operation: ['route'], accountOwnerFirst: [true] } },
		description:
			'Whether to add an input of accounts (items with a domain or website and an owner ID, e.g. a CRM export)',
	},
	{
		displayName: 'Output',
		name: 'outputMode',
		description:
			'One output with the owner on each lead, or one output per rule (plus No Match and Unassigned), like the Switch node',
		type: 'options',
		noDataExpression: true,
		default: 'single',
		displayOptions: routeOnly,
		options: [
			{
				name: 'One Output with Owner Fields',
				value: 'single',
			},
			{
				name: 'One Output per Rule',
				value: 'perRule',
				description: 'Plus "No Match" and "Unassigned", like the Switch node',
			},
		],
	},
	{ ...storeProperty, description: 'Where rotation pointers, counters and account owners are kept' },
	...scopeProperties({
		what: 'rotation, counters and account owners',
		name: {
			displayName: 'Shared Name',
			default: 'sales',
			placeholder: 'emea-team',
			description:
				'Workflows using the same name share rotation, counters and account owners (e.g. one team fed by several forms)',
		},
	}),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Case Sensitive Conditions',
				name: 'caseSensitive',
				type: 'boolean',
				default: false,
				description: 'Whether rule conditions compare text with letter case',
			},
			{
				displayName: 'Company Domain',
				name: 'domain',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.company_domain }}',
				description: "For account owners; by default the lead's website, else its email domain unless a free mailbox",
			},
			{
				displayName: 'Default Pool Strategy',
				name: 'defaultStrategy',
				type: 'options',
				default: 'roundRobin',
				options: strategyOptions,
				description: 'For teams and "*" (all owners)',
			},
			{
				displayName: 'Load Period',
				name: 'loadPeriod',
				type: 'options',
				default: 'day',
				description: 'What lowest-load pools count',
				options: [
					{
						name: 'Today',
						value: 'day',
					},
					{
						name: 'This Week',
						value: 'week',
					},
					{
						name: 'This Month',
						value: 'month',
					},
					{
						name: 'All Time',
						value: 'all',
					},
				],
			},
			{
				displayName: 'Owner Field',
				name: 'ownerField',
				type: 'string',
				default: 'owner',
				description: 'Where the owner and routing log go on each lead',
			},
			{
				displayName: 'Remember Account Owners',
				name: 'rememberAccountOwners',
				type: 'boolean',
				default: true,
				description: 'Whether the first owner of a company domain becomes its account owner for later leads',
			},
			{
				displayName: 'Respect Working Hours',
				name: 'respectWorkingHours',
				type: 'boolean',
				default: true,
				description: 'Whether owners outside their working hours are skipped',
			},
			{
				displayName: 'Rotation Name',
				name: 'memoryName',
				type: 'string',
				default: '',
				displayOptions: { show: beforeScopedVersion },
				description:
					'Workflows using the same name share rotation, counters and account owners (e.g. one team fed by several forms). Empty: this workflow only.',
			},
			{
				displayName: 'State File',
				name: 'stateFile',
				type: 'string',
				default: '',
				description: "SQLite file (embedded store); empty uses the default beside n8n's data",
			},
			{
				// eslint-disable-next-line n8n-nodes-base/node-param-display-name-wrong-for-dynamic-options
				displayName: 'Time Zone',
				name: 'timeZone',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getTimeZones' },
				default: '',
				// eslint-disable-next-line n8n-nodes-base/node-param-description-wrong-for-dynamic-options
				description:
					"Where days, weeks and months of caps begin, and the zone of owners who state none; the workflow's time zone when empty",
			},
			{
				displayName: 'When Nobody Is Working',
				name: 'whenNobodyAvailable',
				description:
					'What happens when every eligible owner is outside working hours: the fallback owner, or the usual rotation ignoring hours',
				type: 'options',
				default: 'fallback',
				options: [
					{
						name: 'Use the Fallback',
						value: 'fallback',
					},
					{
						name: 'Assign Anyway (Ignore Working Hours)',
						value: 'ignoreWorkingHours',
						description: 'Among members who are active, not away and under their caps',
					},
				],
			},
		],
	},
];
