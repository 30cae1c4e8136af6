import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { asNodeError, lazyStore } from '../../shared/store';
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
	const store = lazyStore(this, settings.stateFile);
	try {
		return await (OPERATIONS[operation] ?? move).execute.call(this, settings, store);
	} catch (error) {
		throw asNodeError(this.getNode(), error);
	}
}
