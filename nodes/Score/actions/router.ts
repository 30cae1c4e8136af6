import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { asNodeError, lazyStore } from '../../shared/store';
import * as score from './score.operation';
import * as train from './train.operation';

const OPERATIONS = { score, train };

/** Runs the node's operation; the state store (models) is opened only when needed. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as keyof typeof OPERATIONS;
	const store = lazyStore(this, '');
	try {
		return await (OPERATIONS[operation] ?? score).execute.call(this, store);
	} catch (error) {
		throw asNodeError(this.getNode(), error);
	}
}
