import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { asNodeError, lazyStore } from '../../shared/store';
import { readEnrichSettings } from '../config';
import * as local from './local.operation';
import * as provider from './provider.operation';

/** Runs the node's operation; the state store is opened only by the provider operation. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const settings = readEnrichSettings(this);
	try {
		if (operation === 'provider') {
			return await provider.execute.call(this, settings, lazyStore(this, String(settings.options.stateFile ?? '')));
		}
		return await local.execute.call(this, settings);
	} catch (error) {
		throw asNodeError(this.getNode(), error);
	}
}
