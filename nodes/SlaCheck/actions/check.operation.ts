import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { buildPolicy, evaluateSla, type PolicySpec, type SlaResult } from '../../../lib/sla/policy';
import { NativeFilter } from '../../shared/fastConditions';
import { timesFromItem, type SlaSettings } from '../config';

export const STATUS_OUTPUT: Record<SlaResult['status'], number> = { on_track: 0, at_risk: 1, breached: 2, met: 3 };

const filtersOf = new WeakMap<SlaSettings, Array<NativeFilter | undefined>>();

/**
 * The first policy whose conditions the lead meets (a policy without conditions takes every lead);
 * each policy's conditions are read once per execution (nodes/shared/fastConditions.ts).
 */
export function policyFor(ctx: IExecuteFunctions, settings: SlaSettings, item: number): PolicySpec | undefined {
	let filters = filtersOf.get(settings);
	if (!filters) {
		const raw = ((ctx.getNode().parameters.policies as IDataObject | undefined)?.values ?? []) as IDataObject[];
		filters = settings.policies.map((_, k) => {
			const conditions = ((raw[k]?.conditions as IDataObject | undefined)?.conditions ?? []) as unknown[];
			return conditions.length ? new NativeFilter(ctx, `policies.values[${k}].conditions`) : undefined;
		});
		filtersOf.set(settings, filters);
	}
	const json = ctx.getInputData(0)[item]?.json ?? {};
	return settings.policies.find((_, k) => !filters[k] || filters[k].passes(item, json));
}

/** Places an item on the output of its status (or the only output). */
export function place(
	outputs: INodeExecutionData[][],
	settings: SlaSettings,
	status: SlaResult['status'],
	item: INodeExecutionData,
) {
	outputs[settings.split ? STATUS_OUTPUT[status] : 0].push(item);
}

/** Check Leads: each lead evaluated from its own fields at now; nothing is stored. */
export async function execute(this: IExecuteFunctions, settings: SlaSettings): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const outputs: INodeExecutionData[][] = settings.split ? [[], [], [], []] : [[]];
	for (let i = 0; i < items.length; i++) {
		const json = items[i].json;
		try {
			const spec = policyFor(this, settings, i);
			if (!spec) {
				const section = { policy: null, status: 'met', why: 'No policy applies to this lead' };
				place(outputs, settings, 'met', {
					json: { ...json, [settings.outputField]: section },
					pairedItem: { item: i },
				});
				continue;
			}
			const result = evaluateSla(buildPolicy(spec), timesFromItem(json, settings), settings.now);
			place(outputs, settings, result.status, {
				json: { ...json, [settings.outputField]: result as unknown as IDataObject },
				pairedItem: { item: i },
			});
		} catch (error) {
			const message = (error as Error).message;
			if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), message, { itemIndex: i });
			outputs[0].push({ json: { ...json, error: message }, pairedItem: { item: i } });
		}
	}
	return outputs;
}
