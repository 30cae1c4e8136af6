import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { OpenedStore } from '../../shared/store';
import type { DedupeSettings } from '../config';
import { forgetMemoryModel } from '../../../lib/dedupe/memoryModel';

/** Clear Memory: forgets every lead of this memory; one item with how many records went. */
export async function execute(
	this: IExecuteFunctions,
	settings: DedupeSettings,
	memory: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const store = await memory();
	const removed = await store.clear(settings.namespace);
	await forgetMemoryModel(store, settings.namespace);
	return [[{ json: { cleared: removed, memory: settings.namespace }, pairedItem: { item: 0 } }]];
}
