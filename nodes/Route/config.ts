import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { datesText, hoursText, joinText, type DatesRow, type HoursRow } from '../shared/schedule';
import { NodeOperationError } from 'n8n-workflow';
import { rowsWithoutConditions } from '../shared/fastConditions';
import { readScope, SCOPED_VERSION } from '../shared/scope';
import { ownerInputFromRow, OwnerError, parseOwners, type OwnerField, type OwnerInput } from '../../lib/route/owners';
import {
	RouteConfigError,
	Router,
	type PoolSpec,
	type RuleSpec,
	type Strategy,
	type Target,
} from '../../lib/route/router';
import type { Period } from '../../lib/route/time';

export interface RouteSettings {
	router: Router;
	namespace: string;
	stateFile: string;
	ownerField: string;
	outputMode: 'single' | 'perRule';
	/** Index of the Accounts input, when there is one. */
	accountsInput?: number;
}

const list = (text: unknown) =>
	String(text ?? '')
		.split(/[,;\n]+/)
		.map((s) => s.trim())
		.filter(Boolean);

function target(kind: string, pool: unknown, owner: unknown): Target {
	if (kind === 'owner') return { type: 'owner', owner: String(owner ?? '').trim() };
	if (kind === 'output') return { type: 'output' };
	if (kind === 'unassigned') return { type: 'unassigned' };
	return { type: 'pool', pool: String(pool ?? '').trim() || '*' };
}

/** The owners: from the node's list, or one per item of the Owners input (input 2). */
export function readOwners(ctx: IExecuteFunctions, fromInput: boolean): OwnerInput[] {
	if (fromInput) {
		const mapping = ctx.getNodeParameter('ownerColumns', 0, {}) as Partial<Record<OwnerField, string>>;
		return ctx.getInputData(1).map((item) => ownerInputFromRow(item.json as Record<string, unknown>, mapping));
	}
	return ((ctx.getNodeParameter('owners.owner', 0, []) as IDataObject[]) ?? []).map((o) => {
		// The builders' rows join the text forms, so one parser reads both.
		const {
			working_hours_builder: hours,
			out_of_office_dates: dates,
			...owner
		} = o as IDataObject & {
			working_hours_builder?: { ranges?: HoursRow[] };
			out_of_office_dates?: { ranges?: DatesRow[] };
		};
		return {
			...owner,
			working_hours: joinText(owner.working_hours, hoursText(hours?.ranges), '; '),
			out_of_office: joinText(owner.out_of_office, datesText(dates?.ranges), ', '),
		} as OwnerInput;
	});
}

/** Reads the node's parameters into a validated router; errors name the owner, pool or rule. */
export function readRouteSettings(ctx: IExecuteFunctions): RouteSettings {
	const o = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	const ownersFromInput = operation !== 'reset' && ctx.getNodeParameter('ownersSource', 0, 'node') === 'input';
	const rules: RuleSpec[] =
		operation === 'route'
			? rowsWithoutConditions(ctx, 'rules.values').map((r, i) => ({
					name: String(r.name ?? '').trim() || `Rule ${i + 1}`,
					target: target(String(r.ruleAssignTo ?? 'pool'), r.rulePool, r.ruleOwner),
				}))
			: [];
	const pools: PoolSpec[] = ((ctx.getNodeParameter('pools.pool', 0, []) as IDataObject[]) ?? []).map((p) => ({
		name: String(p.name ?? '').trim(),
		strategy: (p.strategy as Strategy) ?? 'roundRobin',
		members: list(p.members),
	}));
	const accountOwnerFirst = operation === 'route' && ctx.getNodeParameter('accountOwnerFirst', 0, false) === true;
	const timeZone = String(o.timeZone ?? '').trim() || ctx.getTimezone();
	const workflowId = ctx.getWorkflow().id ?? 'unsaved';
	const owners = operation === 'reset' ? [] : readOwners(ctx, ownersFromInput);
	if (!owners.length && operation !== 'reset') {
		throw new NodeOperationError(
			ctx.getNode(),
			ownersFromInput ? 'No owners: the Owners input has no items' : 'No owners: add at least one owner',
			{
				description: ownersFromInput
					? 'Connect the node that reads your team (a sheet, a table) to the Owners input; each item is one owner.'
					: undefined,
			},
		);
	}
	let router: Router;
	try {
		router = new Router({
			owners: parseOwners(owners),
			pools,
			rules,
			noMatch:
				operation === 'route'
					? target(
							ctx.getNodeParameter('noMatchAssignTo', 0, 'pool') as string,
							ctx.getNodeParameter('noMatchPool', 0, '*'),
							ctx.getNodeParameter('noMatchOwner', 0, ''),
						)
					: { type: 'unassigned' },
			fallbackOwner:
				operation === 'route'
					? String(ctx.getNodeParameter('fallbackOwner', 0, '') ?? '').trim() || undefined
					: undefined,
			timeZone,
			respectWorkingHours: o.respectWorkingHours !== false,
			whenNobodyAvailable: o.whenNobodyAvailable === 'ignoreWorkingHours' ? 'ignoreWorkingHours' : 'fallback',
			defaultStrategy: (o.defaultStrategy as Strategy) ?? 'roundRobin',
			loadPeriod: (o.loadPeriod as Period | 'all') ?? 'day',
			accountOwnerFirst,
			rememberAccountOwners: o.rememberAccountOwners !== false,
		});
	} catch (e) {
		if (e instanceof OwnerError || e instanceof RouteConfigError) {
			throw new NodeOperationError(ctx.getNode(), e.message, {
				description: ownersFromInput ? 'Owners are read from the Owners input (one item per owner).' : undefined,
			});
		}
		throw new NodeOperationError(ctx.getNode(), e as Error);
	}
	// Version 1: this workflow's, or the Rotation Name's; 1.1: Remember For (the same namespaces).
	const memoryName = String(o.memoryName ?? '').trim();
	const scope = ctx.getNode().typeVersion >= SCOPED_VERSION ? readScope(ctx, 'sales') : undefined;
	const namespace = scope
		? scope.scope === 'shared'
			? `route:shared:${scope.name}`
			: scope.scope === 'node'
				? `route:${scope.key}`
				: `route:${workflowId}`
		: memoryName
			? `route:shared:${memoryName}`
			: `route:${workflowId}`;
	return {
		router,
		namespace,
		stateFile: String(o.stateFile ?? ''),
		ownerField: String(o.ownerField ?? '').trim() || 'owner',
		outputMode: ctx.getNodeParameter('outputMode', 0, 'single') === 'perRule' ? 'perRule' : 'single',
		accountsInput:
			accountOwnerFirst && ctx.getNodeParameter('accountsInput', 0, false) === true
				? ownersFromInput
					? 2
					: 1
				: undefined,
	};
}
