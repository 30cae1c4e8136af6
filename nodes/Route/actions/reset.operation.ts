import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { OpenedStore } from '../../shared/store';
import type { RouteSettings } from '../config';

/** Reset Rotation: forgets rotation pointers, counters and remembered account owners. */
export async function execute(
	this: IExecuteFunctions,
	settings: RouteSettings,
	store: OpenedStore,
): Promise<INodeExecutionData[][]> {
	const removed = await store.clearKeys(settings.namespace);
	return [[{ json: { reset: true, keys_removed: removed, rotation: settings.namespace }, pairedItem: { item: 0 } }]];
}
