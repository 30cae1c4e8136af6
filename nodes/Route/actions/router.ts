import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { asNodeError, openStore } from '../../shared/store';
import { readRouteSettings } from '../config';
import * as loads from './loads.operation';
import * as reset from './reset.operation';
import * as route from './route.operation';

const OPERATIONS = { route, loads, reset };

/** Runs the node's operation on the state store; a store failure says what to do. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as keyof typeof OPERATIONS;
	const settings = readRouteSettings(this);
	const now = Date.now();
	try {
		const store = await openStore(this, this.getNodeParameter('store', 0, 'sqlite') as string, settings.stateFile);
		return await (OPERATIONS[operation] ?? route).execute.call(this, settings, store, now);
	} catch (error) {
		throw asNodeError(this.getNode(), error);
	}
}
