import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { prepareValue } from '../../../lib/dedupe/fields';
import { emailBlockingKey } from '../../../lib/dedupe/matcher';
import type { OpenedStore } from '../../shared/store';
import type { DedupeSettings } from '../config';

/** Forget Leads: removes each item's lead (by email or lead ID) from the memory, one output item per input. */
export async function execute(
	this: IExecuteFunctions,
	settings: DedupeSettings,
	memory: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const by = this.getNodeParameter('forgetBy', 0) as string;
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const value = String(this.getNodeParameter('forgetValue', i) ?? '').trim();
			if (!value)
				throw new NodeOperationError(this.getNode(), 'Nothing to forget: the value is empty', { itemIndex: i });
			const store = await memory();
			const removed =
				by === 'email'
					? await store.forgetByKey(settings.namespace, emailBlockingKey(prepareValue('email', value) ?? value))
					: await store.forget(settings.namespace, [value]);
			out.push({ json: { forgotten: value, records_removed: removed }, pairedItem: { item: i } });
		} catch (error) {
			if (!this.continueOnFail())
				throw error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex: i });
			out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
		}
	}
	return [out];
}
