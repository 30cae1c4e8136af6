import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	NodeExecutionHint,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { companyDomain, normalizeDomain } from '../../lib/normalize/domain';
import { accountOwnersFromRows } from '../../lib/route/owners';
import { ownerLoad, withRouting } from '../../lib/route/result';
import { routeLeads } from '../../lib/route/route';
import type { RouteDecision, RouteRequest } from '../../lib/route/router';
import { leadManagementRedisConnectionTest, openStore, storeErrorMessage, type OpenedStore } from '../shared/store';
import { readRouteSettings, type RouteSettings } from './config';
import { routeProperties } from './description';

/**
 * Leads, then Owners and Accounts when the parameters ask for them; one output, or one per rule
 * plus "No Rule Matched" and "Unassigned" (like Switch). Typed functions the editor evaluates from
 * their source (as Switch v3 does): they must stay self-contained.
 */
export const configuredInputs = (parameters: {
	operation?: string;
	ownersSource?: string;
	accountOwnerFirst?: boolean;
	accountsInput?: boolean;
}) => {
	const inputs: Array<{ type: string; displayName: string }> = [{ type: 'main', displayName: 'Leads' }];
	if (parameters.operation !== 'reset' && parameters.ownersSource === 'input')
		inputs.push({ type: 'main', displayName: 'Owners' });
	if (parameters.operation === 'route' && parameters.accountOwnerFirst && parameters.accountsInput)
		inputs.push({ type: 'main', displayName: 'Accounts' });
	return inputs;
};

export const configuredOutputs = (parameters: {
	operation?: string;
	outputMode?: string;
	rules?: { values?: Array<{ name?: string }> };
}) => {
	if (parameters.operation !== 'route' || parameters.outputMode !== 'perRule') return [{ type: 'main' }];
	return (parameters.rules?.values ?? [])
		.map((r, i) => ({ type: 'main', displayName: r.name || `Rule ${i + 1}` }))
		.concat([
			{ type: 'main', displayName: 'No Rule Matched' },
			{ type: 'main', displayName: 'Unassigned' },
		]);
};

export const subtitle = (parameters: { operation?: string; rules?: { values?: unknown[] } }) => {
	if (parameters.operation === 'loads') return 'Owner loads';
	if (parameters.operation === 'reset') return 'Reset the rotation';
	const rules = parameters.rules?.values?.length ?? 0;
	return rules === 0 ? 'Default assignment' : rules === 1 ? '1 territory rule' : `${rules} territory rules`;
};

export class Route implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Route Leads',
		name: 'route',
		icon: { light: 'file:../../icons/route.svg', dark: 'file:../../icons/route.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{(${subtitle})($parameter)}}`,
		description:
			'Assigns each lead an owner: account owner first, ordered territory rules, round robin, weighted or lowest-load pools, working hours, caps and quotas, fallback',
		defaults: {
			name: 'Route Leads',
		},
		inputs: `={{(${configuredInputs})($parameter)}}`,
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
		properties: routeProperties,
	};

	methods = { credentialTest: { leadManagementRedisConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const settings = readRouteSettings(this);
		const now = Date.now();
		try {
			const store = await openStore(this, this.getNodeParameter('store', 0, 'sqlite') as string, settings.stateFile);
			return await run.call(this, operation, settings, store, now);
		} catch (error) {
			throw error instanceof NodeOperationError
				? error
				: new NodeOperationError(this.getNode(), storeErrorMessage(error as Error));
		}
	}
}

async function run(
	this: IExecuteFunctions,
	operation: string,
	settings: RouteSettings,
	store: OpenedStore,
	now: number,
): Promise<INodeExecutionData[][]> {
	if (operation === 'reset') {
		const removed = await store.clearKeys(settings.namespace);
		return [[{ json: { reset: true, keys_removed: removed, rotation: settings.namespace }, pairedItem: { item: 0 } }]];
	}
	if (operation === 'loads') return [await ownerLoads(settings, store, now)];
	return await route.call(this, settings, store, now);
}

/** What the output pane should point out after a run: rules no lead matched, leads left unassigned. */
export function routeHints(rules: Array<{ name?: string }>, decisions: RouteDecision[]): NodeExecutionHint[] {
	const hints: NodeExecutionHint[] = [];
	if (decisions.length === 0) return hints;
	const matched = new Set(decisions.map((d) => d.ruleIndex));
	const idle = rules
		.map((r, i) => (matched.has(i) ? undefined : `${i + 1} ("${r.name || `Rule ${i + 1}`}")`))
		.filter((x): x is string => !!x);
	if (idle.length && rules.length) {
		hints.push({
			message: `No lead matched rule${idle.length > 1 ? 's' : ''} ${idle.join(', ')} in this run: check ${idle.length > 1 ? 'their' : 'its'} conditions against the leads' fields.`,
			location: 'outputPane',
		});
	}
	const unassigned = decisions.filter((d) => d.status === 'unassigned').length;
	if (unassigned) {
		hints.push({
			message: `${unassigned} lead${unassigned > 1 ? 's were' : ' was'} left unassigned (every owner away, capped or out of hours, or no rule and no default): set a Fallback Owner to catch ${unassigned > 1 ? 'them' : 'it'}.`,
			location: 'outputPane',
		});
	}
	return hints;
}

async function ownerLoads(settings: RouteSettings, store: OpenedStore, now: number): Promise<INodeExecutionData[]> {
	const { router } = settings;
	return await store.transact(settings.namespace, router.keysFor([], now), (view) =>
		router.owners.map((o) => ({ json: ownerLoad(router, o, view, now), pairedItem: { item: 0 } })),
	);
}

async function route(
	this: IExecuteFunctions,
	settings: RouteSettings,
	store: OpenedStore,
	now: number,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const { router } = settings;
	const rules = router.settings.rules;
	const accounts =
		settings.accountsInput !== undefined
			? accountOwnersFromRows(
					this.getInputData(settings.accountsInput).map((i) => i.json as Record<string, unknown>),
					normalizeDomain,
				).owners
			: undefined;
	const wantsDomain = router.settings.accountOwnerFirst || router.settings.rememberAccountOwners;

	const requests: Array<{ index: number; request: RouteRequest }> = [];
	const failed: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			let ruleIndex = -1;
			for (let r = 0; r < rules.length && ruleIndex < 0; r++) {
				if (this.getNodeParameter(`rules.values[${r}].conditions`, i, false, { extractValue: true }) === true)
					ruleIndex = r;
			}
			const json = items[i].json as IDataObject;
			const domainOption = String(this.getNodeParameter('options.domain', i, '') ?? '').trim();
			const domain = wantsDomain ? (domainOption ? normalizeDomain(domainOption) : companyDomain(json)) : null;
			const given = router.settings.accountOwnerFirst
				? String(this.getNodeParameter('accountOwnerId', i, '') ?? '').trim()
				: '';
			requests.push({
				index: i,
				request: { ruleIndex, domain, accountOwnerId: given || (domain ? accounts?.get(domain) : undefined) },
			});
		} catch (error) {
			if (!this.continueOnFail())
				throw new NodeOperationError(this.getNode(), error as Error, {
					itemIndex: i,
					description: `While checking the routing rules for item ${i}`,
				});
			failed.push({ json: { ...items[i].json, error: (error as Error).message }, pairedItem: { item: i } });
		}
	}

	const decisions = await routeLeads(
		router,
		requests.map((r) => r.request),
		store,
		settings.namespace,
		now,
	);
	this.addExecutionHints(...routeHints(rules, decisions));
	const perRule = settings.outputMode === 'perRule';
	const outputs: INodeExecutionData[][] = Array.from({ length: perRule ? rules.length + 2 : 1 }, () => []);
	const unassigned = outputs.length - 1;
	decisions.forEach((decision, k) => {
		const index = requests[k].index;
		const item: INodeExecutionData = {
			json: withRouting(
				items[index].json as Record<string, unknown>,
				decision,
				now,
				settings.ownerField,
			) as IDataObject,
			...(items[index].binary ? { binary: items[index].binary } : {}),
			pairedItem: { item: index },
		};
		const output = !perRule
			? 0
			: decision.status === 'unassigned'
				? unassigned
				: decision.ruleIndex >= 0
					? decision.ruleIndex
					: rules.length;
		outputs[output].push(item);
	});
	// Items whose rules could not be checked (continue on fail) come out unassigned, with the error.
	outputs[unassigned].push(...failed);
	if (!perRule)
		outputs[0].sort((a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item);
	return outputs;
}
