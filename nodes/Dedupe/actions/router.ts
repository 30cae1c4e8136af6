import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { asNodeError, openStore } from '../../shared/store';
import { readDedupeSettings } from '../config';
import * as clearMemory from './clearMemory.operation';
import * as erase from './erase.operation';
import * as findDuplicates from './findDuplicates.operation';
import * as forget from './forget.operation';

const OPERATIONS = { findDuplicates, forget, clearMemory, erase };

/**
 * Runs the node's operation; the memory (state store) is opened only when the operation needs it.
 * A store failure says what to do.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as keyof typeof OPERATIONS;
	const settings = readDedupeSettings(this);
	const storeKind = this.getNodeParameter('store', 0, 'sqlite') as string;
	const memory = async () => await openStore(this, storeKind, settings.stateFile);
	const action = OPERATIONS[operation] ?? findDuplicates;
	try {
		return await action.execute.call(this, settings, memory);
	} catch (error) {
		throw asNodeError(this.getNode(), error);
	}
}
