import type { INodeProperties } from 'n8n-workflow';
import { datesBuilder, hoursBuilder } from '../shared/schedule';
import { beforeScopedVersion, scopeProperties } from '../shared/scope';
import { storeProperty } from '../shared/store';

const withPolicies = { show: { operation: ['check', 'start'] } };
const withStatus = { show: { operation: ['check', 'due'] } };
const ledger = ['start', 'touch', 'pause', 'resume', 'stop', 'due', 'report', 'forget'];

export const slaProperties: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		default: 'check',
		options: [
			{
				name: 'Check Leads Passed In',
				value: 'check',
				action: 'Check the SLA of leads from their own fields',
			},
			{
				name: 'Find New Alerts (Scheduled)',
				value: 'due',
				action: 'Find leads whose SLA got worse since the last check',
			},
			{ name: 'Forget Lead', value: 'forget', action: 'Forget the SLA clock of a lead' },
			{ name: 'Pause Clock', value: 'pause', action: 'Pause the SLA clock of leads' },
			{ name: 'Record Touch', value: 'touch', action: 'Record a call email or meeting' },
			{ name: 'Resume Clock', value: 'resume', action: 'Resume the SLA clock of leads' },
			{ name: 'SLA Report', value: 'report', action: 'Report the share met and response times' },
			{ name: 'Start Clock', value: 'start', action: 'Start the SLA clock of leads' },
			{ name: 'Stop Clock', value: 'stop', action: 'Stop the SLA clock of leads' },
		],
	},
	{
		displayName: 'Policies',
		name: 'policies',
		type: 'fixedCollection',
		placeholder: 'Add Policy',
		typeOptions: { multipleValues: true, sortable: true },
		default: {
			values: [
				{
					name: 'Standard',
					firstResponseHours: 24,
					from: 'created',
					clock: 'calendar',
					followUpTouches: 3,
					periodDays: 14,
					maxGapHours: 96,
				},
			],
		},
		displayOptions: withPolicies,
		description: 'Checked in order; the first whose conditions the lead meets applies',
		options: [
			{
				displayName: 'Policy',
				name: 'values',
				// A policy reads top-down (name, which leads, target, clock, cadence), not alphabetically.
				// eslint-disable-next-line n8n-nodes-base/node-param-fixed-collection-type-unsorted-items
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						description: 'Shown on every lead it applies to',
					},
					{
						displayName: 'Conditions',
						name: 'conditions',
						type: 'filter',
						placeholder: 'Add Condition',
						default: {},
						description:
							'Which leads it applies to (source, score label, country, stage...); left empty, as it first shows, it applies to every lead',
						typeOptions: { filter: { caseSensitive: false, typeValidation: 'loose', version: 3 } },
					},
					{
						displayName: 'First Response (Hours)',
						name: 'firstResponseHours',
						type: 'number',
						default: 4,
						typeOptions: { minValue: 0, numberPrecision: 2 },
						description: 'Hours of clock time for the first touch; 0: no first-response target',
					},
					{
						displayName: 'Measured From',
						name: 'from',
						type: 'options',
						default: 'created',
						options: [
							{ name: 'Creation', value: 'created', description: 'When the lead came in' },
							{ name: 'Assignment', value: 'assigned', description: 'When Route Leads gave it an owner' },
						],
					},
					{
						displayName: 'Clock',
						name: 'clock',
						type: 'options',
						default: 'business',
						options: [
							{ name: 'Business Hours', value: 'business', description: 'Only working hours count' },
							{ name: 'Calendar Hours', value: 'calendar', description: 'Every hour counts' },
						],
					},
					{
						displayName: 'Business Hours',
						name: 'businessHours',
						type: 'string',
						default: 'Mon-Fri 09:00-17:00',
						placeholder: 'Mon-Thu 08:00-12:00, 13:00-17:00; Fri 08:00-15:00',
						displayOptions: { show: { clock: ['business'] } },
						description: 'Weekly schedule; several ranges a day, shifts past midnight (22:00-06:00)',
					},
					{
						...hoursBuilder(
							'businessHoursBuilder',
							'Business Hours, Day by Day',
							'Days and times picked from lists; when set, used instead of the Business Hours text',
						),
						displayOptions: { show: { clock: ['business'] } },
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
							"The zone the clock's times are read in when the owner has none (business hours, and the time_zone shown with a calendar clock); empty: the workflow's",
					},
					{
						displayName: 'Holidays',
						name: 'holidays',
						type: 'string',
						default: '',
						placeholder: '2026-12-24..2026-12-26, 2027-01-01',
						displayOptions: { show: { clock: ['business'] } },
						description: 'Dates or date ranges with no business hours',
					},
					{
						...datesBuilder(
							'holidayDates',
							'Holidays, on a Calendar',
							'Days picked on a calendar, added to the Holidays text',
						),
						displayOptions: { show: { clock: ['business'] } },
					},
					{
						displayName: 'Follow-Up Touches',
						name: 'followUpTouches',
						type: 'number',
						default: 0,
						typeOptions: { minValue: 0 },
						description: 'Touches expected within the period, the first response included; 0: no cadence',
					},
					{
						displayName: 'Within (Days)',
						name: 'periodDays',
						type: 'number',
						default: 14,
						typeOptions: { minValue: 1 },
						description: 'The cadence period from the start of the clock, in calendar days',
					},
					{
						displayName: 'Max Hours Between Touches',
						name: 'maxGapHours',
						type: 'number',
						default: 72,
						typeOptions: { minValue: 0 },
						description: 'Clock hours allowed from one touch to the next until the cadence is done',
						hint: '0 = no limit',
					},
				],
			},
		],
	},
	{
		displayName: 'Touch Type',
		name: 'touchType',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.type }}',
		displayOptions: { show: { operation: ['touch'] } },
		description: 'Call, email or meeting, kept with the touch',
	},
	{
		displayName: 'Output',
		name: 'outputMode',
		type: 'options',
		default: 'split',
		displayOptions: withStatus,
		options: [
			{ name: 'One Output per Status', value: 'split', description: 'On Track, At Risk, Breached, Met' },
			{ name: 'One Output', value: 'single', description: 'Every lead with its sla section' },
		],
	},
	{
		displayName: 'Period From',
		name: 'periodFrom',
		type: 'dateTime',
		default: '',
		displayOptions: { show: { operation: ['report'] } },
		description: 'Clocks started on or after this; empty: from the start',
	},
	{
		displayName: 'Period To',
		name: 'periodTo',
		type: 'dateTime',
		default: '',
		displayOptions: { show: { operation: ['report'] } },
		description: 'Clocks started before this; empty: until now',
	},
	{
		displayName: 'Group By',
		name: 'groupBy',
		type: 'multiOptions',
		default: ['owner', 'source', 'policy'],
		displayOptions: { show: { operation: ['report'] } },
		description: 'One block of rows per choice',
		options: [
			{ name: 'Owner', value: 'owner' },
			{ name: 'Policy', value: 'policy' },
			{ name: 'Source', value: 'source' },
		],
	},
	{
		...storeProperty,
		displayOptions: { show: { operation: ledger } },
		description: 'Where the SLA clocks are kept (the ledger)',
	},
	...scopeProperties({
		what: 'SLA clocks',
		operations: ledger,
		name: {
			displayName: 'Shared Name',
			default: 'default',
			placeholder: 'inbound',
			description:
				'Workflows using one name share the clocks: Start Clock after routing, Record Touch from a CRM webhook, Find New Alerts on a schedule',
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
				displayName: 'Assigned At Field',
				name: 'assignedField',
				type: 'string',
				default: 'owner.assigned_at',
				description: 'When the lead got its owner (Route Leads writes owner.assigned_at)',
			},
			{
				displayName: 'At Risk At (%)',
				name: 'atRiskPercent',
				type: 'number',
				default: 75,
				description: 'Share of a target used that makes a lead At Risk',
			},
			{
				displayName: 'Created At Field',
				name: 'createdField',
				type: 'string',
				default: '',
				placeholder: 'createdate',
				description: "When the lead was created; empty: the canonical lead's source.received_at",
			},
			{
				displayName: 'Email Field',
				name: 'emailField',
				type: 'string',
				default: 'email',
				description: 'The ledger also finds a clock by this address (a touch from an email tool)',
			},
			{
				displayName: 'Escalation Steps',
				name: 'escalation',
				type: 'string',
				default: '100: owner, 150: manager, 200: re-route',
				description: 'Percent of the target used: level name; Find New Alerts emits each level once',
			},
			{
				displayName: 'Event Time',
				name: 'eventTime',
				type: 'string',
				default: '',
				placeholder: 'e.g. {{ $json.timestamp }}',
				description: 'When the touch, pause, resume or stop happened; empty: now',
			},
			{
				displayName: 'Lead ID Field',
				name: 'idField',
				type: 'string',
				default: '',
				placeholder: 'crm.contact_key',
				description: "Dotted path of the lead's ID; empty: Dedupe's dedupe.cluster_id, else ID",
			},
			{
				displayName: 'Memory Name',
				name: 'memoryName',
				type: 'string',
				default: 'default',
				displayOptions: { show: beforeScopedVersion },
				description: 'Workflows using one name share the clocks (start after routing, touch from a CRM webhook)',
			},
			{
				displayName: 'Now',
				name: 'now',
				type: 'string',
				default: '',
				placeholder: '2026-12-01T09:00:00Z',
				description: 'The time the SLA is evaluated at; empty: the execution time',
			},
			{
				displayName: 'Output Field',
				name: 'outputField',
				type: 'string',
				default: 'sla',
				description: 'Where each lead gets its SLA section',
			},
			{
				displayName: 'Owner Time Zone Field',
				name: 'zoneField',
				type: 'string',
				default: 'owner.time_zone',
				description: "The owner's IANA time zone on the lead",
			},
			{
				displayName: 'Pause Stages or Statuses',
				name: 'pauseStages',
				type: 'string',
				default: 'Nurture, On Hold',
				description:
					'Check Leads Passed In: stages or statuses (comma-separated) during which the clock stops, as support desks pause on Pending or On Hold; read from the stage and status histories, else from the current stage or status',
			},
			{
				displayName: 'Stage Field',
				name: 'stageField',
				type: 'string',
				default: 'stage.current',
				description: 'Check Leads Passed In: the current stage, when there is no stage history',
			},
			{
				displayName: 'Stage History Field',
				name: 'stageHistoryField',
				type: 'string',
				default: 'stage.history',
				description: 'Check Leads Passed In: transitions (to, at) as Advance Stage writes them',
			},
			{
				displayName: 'State File',
				name: 'stateFile',
				type: 'string',
				default: '',
				displayOptions: { show: { '/store': ['sqlite'] } },
				description: "SQLite file (embedded store); empty uses the default beside n8n's data",
			},
			{
				displayName: 'Status Changed At Field',
				name: 'statusChangedAtField',
				type: 'string',
				default: 'status_changed_at',
				description:
					'Check Leads Passed In: when the current status was set; a pause status with no time here pauses the clock from the check time on',
			},
			{
				displayName: 'Status Field',
				name: 'statusField',
				type: 'string',
				default: 'status',
				description:
					"Check Leads Passed In: the lead's current status (a CRM lead status), when there is no status history",
			},
			{
				displayName: 'Status History Field',
				name: 'statusHistoryField',
				type: 'string',
				default: 'status_history',
				description:
					'Check Leads Passed In: status changes as a list, each with the status (to, status or value) and its time (at, timestamp or changed_at)',
			},
			{
				displayName: 'Stop Stages or Statuses',
				name: 'stopStages',
				type: 'string',
				default: 'Customer, Disqualified',
				description: 'Check Leads Passed In: stages or statuses that end the SLA (nothing more is owed)',
			},
			{
				displayName: 'Touch ID Field',
				name: 'touchIdField',
				type: 'string',
				default: '',
				placeholder: 'activity_id',
				description:
					"Record Touch: the touch's own ID (a CRM activity ID), so a touch sent twice counts once; empty: each item is a touch of its own",
			},
			{
				displayName: 'Touches Field',
				name: 'touchesField',
				type: 'string',
				default: 'touches',
				description: 'Check Leads Passed In: a list of touch times (ISO dates, or objects with at)',
			},
			{
				displayName: 'Use Owner Time Zone',
				name: 'ownerTimeZone',
				type: 'boolean',
				default: true,
				description: "Whether business hours are read in the owner's time zone when the lead has one",
			},
		],
	},
];
