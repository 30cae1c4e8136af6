import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { asNodeError, lazyStore } from '../../shared/store';
import { readSlaSettings } from '../config';
import * as check from './check.operation';
import * as due from './due.operation';
import * as ledger from './ledger.operation';
import * as report from './report.operation';

const OPERATIONS = {
	check,
	start: ledger,
	touch: ledger,
	pause: ledger,
	resume: ledger,
	stop: ledger,
	forget: ledger,
	due,
	report,
};

/** Runs the node's operation; the state store is opened once, when the operation needs it. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as keyof typeof OPERATIONS;
	const settings = readSlaSettings(this);
	const store = lazyStore(this, settings.stateFile);
	try {
		return await (OPERATIONS[operation] ?? check).execute.call(this, settings, store);
	} catch (error) {
		throw asNodeError(this.getNode(), error);
	}
}
