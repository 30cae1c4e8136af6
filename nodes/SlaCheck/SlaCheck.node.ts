import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { getTimeZones } from '../shared/timeZones';
import { NodeConnectionTypes } from 'n8n-workflow';
import { leadManagementRedisConnectionTest } from '../shared/store';
import { router } from './actions/router';
import { slaProperties } from './description';

/**
 * Check Leads and Check Due get one output per status (or one); the ledger operations one. Typed
 * functions the editor evaluates from their source: they must stay self-contained.
 */
export const configuredOutputs = (parameters: { operation?: string; outputMode?: string }) =>
	['check', 'due'].includes(parameters.operation ?? 'check') && parameters.outputMode !== 'single'
		? [
				{ type: 'main', displayName: 'On Track' },
				{ type: 'main', displayName: 'At Risk' },
				{ type: 'main', displayName: 'Breached' },
				{ type: 'main', displayName: 'Met' },
			]
		: [{ type: 'main' }];

/** The canvas subtitle, in a marketer's words. */
export const subtitle = (parameters: { operation?: string }) =>
	(
		({
			check: 'Check leads',
			start: 'Start the clock',
			touch: 'Record a touch',
			pause: 'Pause the clock',
			resume: 'Resume the clock',
			stop: 'Stop the clock',
			due: 'Check what is due',
			report: 'SLA report',
			forget: 'Forget lead',
		}) as Record<string, string>
	)[parameters.operation ?? 'check'] ?? 'Check leads';

export class SlaCheck implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SLA Check',
		name: 'slaCheck',
		icon: { light: 'file:../../icons/sla.svg', dark: 'file:../../icons/sla.dark.svg' },
		group: ['transform'],
		// 1.1: clocks kept for this workflow unless Remember For names a shared name (version 1: the
		// instance-wide Memory Name, `default`).
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: `={{(${subtitle})($parameter)}}`,
		description:
			'Checks that each lead is followed up in time (business hours, holidays, pauses) and escalates once per level',
		defaults: { name: 'SLA Check' },
		inputs: [NodeConnectionTypes.Main],
		outputs: `={{(${configuredOutputs})($parameter)}}`,
		usableAsTool: true,
		credentials: [
			{
				name: 'leadManagementRedisApi',
				required: true,
				testedBy: 'leadManagementRedisConnectionTest',
				displayOptions: { show: { store: ['redis'] } },
			},
		],
		hints: [
			{
				message:
					'Find New Alerts is meant to run on a Schedule Trigger (every few minutes): each change comes out once.',
				type: 'info',
				location: 'outputPane',
				whenToDisplay: 'beforeExecution',
				displayCondition: '={{ $parameter["operation"] === "due" }}',
			},
		],
		properties: slaProperties,
	};

	methods = { credentialTest: { leadManagementRedisConnectionTest }, loadOptions: { getTimeZones } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
