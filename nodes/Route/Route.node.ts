import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { companyDomain, normalizeDomain } from '../../lib/normalize/domain';
import { accountOwnersFromRows } from '../../lib/route/owners';
import { ownerLoad, withRouting } from '../../lib/route/result';
import { routeLeads } from '../../lib/route/route';
import type { RouteRequest } from '../../lib/route/router';
import { leadManagementRedisConnectionTest, openStore, type OpenedStore } from '../shared/store';
import { readRouteSettings, type RouteSettings } from './config';
import { routeProperties } from './description';

/** Leads, then Owners and Accounts when the parameters ask for them (evaluated by n8n in the editor). */
const inputsExpression = `={{ [{ type: 'main', displayName: 'Leads' }]
	.concat($parameter.operation !== 'reset' && $parameter.ownersSource === 'input' ? [{ type: 'main', displayName: 'Owners' }] : [])
	.concat($parameter.operation === 'route' && $parameter.accountOwnerFirst && $parameter.accountsInput ? [{ type: 'main', displayName: 'Accounts' }] : []) }}`;
/** One output, or one per rule plus "No Rule Matched" and "Unassigned" (like Switch). */
const outputsExpression = `={{ $parameter.operation === 'route' && $parameter.outputMode === 'perRule'
	? ($parameter.rules?.values ?? []).map((r, i) => ({ type: 'main', displayName: r.name || 'Rule ' + (i + 1) })).concat([{ type: 'main', displayName: 'No Rule Matched' }, { type: 'main', displayName: 'Unassigned' }])
	: [{ type: 'main' }] }}`;

export class Route implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Route Leads',
		name: 'route',
		icon: { light: 'file:../../icons/route.svg', dark: 'file:../../icons/route.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter.operation === "route" ? ($parameter.rules?.values?.length ?? 0) + " rules" : $parameter.operation }}',
		description: 'Assigns each lead an owner: account owner first, ordered territory rules, round robin, weighted or lowest-load pools, working hours, caps and quotas, fallback',
		defaults: { name: 'Route Leads' },
		inputs: inputsExpression,
		outputs: outputsExpression,
		usableAsTool: true,
		credentials: [{ name: 'leadManagementRedisApi', required: true, testedBy: 'leadManagementRedisConnectionTest', displayOptions: { show: { store: ['redis'] } } }],
		properties: routeProperties,
	};

	methods = { credentialTest: { leadManagementRedisConnectionTest } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const settings = readRouteSettings(this);
		const store = await openStore(this, this.getNodeParameter('store', 0, 'sqlite') as string, settings.stateFile);
		const now = Date.now();

		if (operation === 'reset') {
			const removed = await store.clearKeys(settings.namespace);
			return [[{ json: { reset: true, keys_removed: removed, rotation: settings.namespace }, pairedItem: { item: 0 } }]];
		}
		if (operation === 'loads') return [await ownerLoads(settings, store, now)];
		return await route.call(this, settings, store, now);
	}
}

async function ownerLoads(settings: RouteSettings, store: OpenedStore, now: number): Promise<INodeExecutionData[]> {
	const { router } = settings;
	return await store.transact(settings.namespace, router.keysFor([], now), (view) => router.owners.map((o) => ({ json: ownerLoad(router, o, view, now), pairedItem: { item: 0 } })));
}

async function route(this: IExecuteFunctions, settings: RouteSettings, store: OpenedStore, now: number): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const { router } = settings;
	const rules = router.settings.rules;
	const accounts = settings.accountsInput !== undefined ? accountOwnersFromRows(this.getInputData(settings.accountsInput).map((i) => i.json as Record<string, unknown>), normalizeDomain).owners : undefined;
	const wantsDomain = router.settings.accountOwnerFirst || router.settings.rememberAccountOwners;

	const requests: Array<{ index: number; request: RouteRequest }> = [];
	const failed: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			let ruleIndex = -1;
			for (let r = 0; r < rules.length && ruleIndex < 0; r++) {
				if (this.getNodeParameter(`rules.values[${r}].conditions`, i, false, { extractValue: true }) === true) ruleIndex = r;
			}
			const json = items[i].json as IDataObject;
			const domainOption = String(this.getNodeParameter('options.domain', i, '') ?? '').trim();
			const domain = wantsDomain ? (domainOption ? normalizeDomain(domainOption) : companyDomain(json)) : null;
			const given = router.settings.accountOwnerFirst ? String(this.getNodeParameter('accountOwnerId', i, '') ?? '').trim() : '';
			requests.push({ index: i, request: { ruleIndex, domain, accountOwnerId: given || (domain ? accounts?.get(domain) : undefined) } });
		} catch (error) {
			if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), error as Error, { itemIndex: i, description: `While checking the routing rules for item ${i}` });
			failed.push({ json: { ...items[i].json, error: (error as Error).message }, pairedItem: { item: i } });
		}
	}

	const decisions = await routeLeads(router, requests.map((r) => r.request), store, settings.namespace, now);
	const perRule = settings.outputMode === 'perRule';
	const outputs: INodeExecutionData[][] = Array.from({ length: perRule ? rules.length + 2 : 1 }, () => []);
	const unassigned = outputs.length - 1;
	decisions.forEach((decision, k) => {
		const index = requests[k].index;
		const item: INodeExecutionData = {
			json: withRouting(items[index].json as Record<string, unknown>, decision, now, settings.ownerField) as IDataObject,
			...(items[index].binary ? { binary: items[index].binary } : {}),
			pairedItem: { item: index },
		};
		const output = !perRule ? 0 : decision.status === 'unassigned' ? unassigned : decision.ruleIndex >= 0 ? decision.ruleIndex : rules.length;
		outputs[output].push(item);
	});
	// Items whose rules could not be checked (continue on fail) come out unassigned, with the error.
	outputs[unassigned].push(...failed);
	if (!perRule) outputs[0].sort((a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item);
	return outputs;
}
