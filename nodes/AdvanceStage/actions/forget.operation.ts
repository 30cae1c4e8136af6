import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { normalizeEmail } from '../../../lib/normalize/email';
import { forgetLeads } from '../../../lib/stage/memory';
import type { OpenedStore } from '../../shared/store';
import type { StageSettings } from '../config';

/** Forget Lead (GDPR erasure): removes each lead's stage record, history and keys, one item per input. */
export async function execute(
	this: IExecuteFunctions,
	settings: StageSettings,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const by = this.getNodeParameter('forgetBy', 0, 'email') as string;
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const value = String(this.getNodeParameter('forgetValue', i, '') ?? '')
				.trim()
				.slice(0, 320);
			if (!value)
				throw new NodeOperationError(this.getNode(), 'Nothing to forget: the value is empty', { itemIndex: i });
			const lead =
				by === 'email'
					? { ids: [], emails: [normalizeEmail(value)?.email ?? value.toLowerCase()] }
					: { ids: [value], emails: [] };
			const [transitions] = await forgetLeads(await store(), settings.namespace, [lead]);
			out.push({
				json: { forgotten: value, found: transitions > 0, transitions_removed: transitions },
				pairedItem: { item: i },
			});
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
