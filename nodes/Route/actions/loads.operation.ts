import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { ownerLoad } from '../../../lib/route/result';
import type { OpenedStore } from '../../shared/store';
import type { RouteSettings } from '../config';

/** Get Owner Loads: one item per owner with their counts, caps and availability now. */
export async function execute(
	this: IExecuteFunctions,
	settings: RouteSettings,
	store: OpenedStore,
	now: number,
): Promise<INodeExecutionData[][]> {
	const { router } = settings;
	return [
		await store.transact(settings.namespace, router.keysFor([], now), (view) =>
			router.owners.map((o) => ({ json: ownerLoad(router, o, view, now), pairedItem: { item: 0 } })),
		),
	];
}
