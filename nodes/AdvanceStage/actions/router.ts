import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { openStore, storeErrorMessage, type OpenedStore } from '../../shared/store';
import { readStageSettings } from '../config';
import * as forget from './forget.operation';
import * as history from './history.operation';
import * as move from './move.operation';
import * as report from './report.operation';

const OPERATIONS = { set: move, advance: move, fromScore: move, recycle: move, history, report, forget };

/** Runs the node's operation; the state store is opened once, when the operation needs it. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as keyof typeof OPERATIONS;
	const settings = readStageSettings(this);
	let opened: OpenedStore | undefined;
	const store = async () =>
		(opened ??= await openStore(this, this.getNodeParameter('store', 0, 'sqlite') as string, settings.stateFile));
	try {
		return await (OPERATIONS[operation] ?? move).execute.call(this, settings, store);
	} catch (error) {
		throw error instanceof NodeOperationError
			? error
			: new NodeOperationError(this.getNode(), storeErrorMessage(error as Error));
	}
}
