import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { emailFacts } from '../../../lib/enrich/email';
import { erasePerson, type ErasureScope } from '../../../lib/store/erase';
import type { OpenedStore } from '../../shared/store';

const list = (text: string) =>
	text
		.split(/[,;\s]+/)
		.map((s) => s.trim())
		.filter(Boolean);

/** The namespaces the nodes use for each memory, in the scope the erasure names. */
async function scopeOf(ctx: IExecuteFunctions, store: OpenedStore): Promise<ErasureScope> {
	const from = ctx.getNodeParameter('eraseFrom', 0, 'everywhere') as string;
	if (from === 'shared') {
		const name = String(ctx.getNodeParameter('eraseSharedName', 0, '') ?? '').trim();
		if (!name) throw new NodeOperationError(ctx.getNode(), 'Shared Name is empty: name the memories to erase from');
		return {
			dedupe: [`dedupe:shared:${name}`],
			stage: [`stage:${name}`],
			sla: [`sla:${name}`],
			enrichmentCache: [`enrich:cache:${name}`],
			routing: [`route:shared:${name}`],
		};
	}
	if (from === 'workflows') {
		const ids = list(String(ctx.getNodeParameter('eraseWorkflows', 0, '') ?? ''));
		if (!ids.length)
			throw new NodeOperationError(ctx.getNode(), 'Workflow IDs is empty: list the workflows to erase from');
		const scope: ErasureScope = { dedupe: [], stage: [], sla: [], enrichmentCache: [], routing: [] };
		for (const id of ids) {
			// Each workflow's own memories, and those of its nodes (Remember For: This Node).
			scope.dedupe.push(`dedupe:${id}`, ...(await store.memoryNamespaces(`dedupe:${id}:`)));
			scope.stage.push(`stage:wf:${id}`, ...(await store.namespaces(`stage:node:${id}:`)));
			scope.sla.push(`sla:wf:${id}`, ...(await store.namespaces(`sla:node:${id}:`)));
			scope.enrichmentCache.push(`enrich:cache:wf:${id}`, ...(await store.namespaces(`enrich:cache:node:${id}:`)));
			scope.routing.push(`route:${id}`, ...(await store.namespaces(`route:node:${id}:`)));
		}
		return scope;
	}
	return {
		dedupe: await store.memoryNamespaces('dedupe:'),
		stage: await store.namespaces('stage:'),
		sla: await store.namespaces('sla:'),
		enrichmentCache: await store.namespaces('enrich:cache'),
		routing: await store.namespaces('route:'),
	};
}

/**
 * Erase Person (GDPR): each item's person (by email and/or lead ID) forgotten from every memory of
 * the package in the scope; one report per item, for the requester's audit.
 */
export async function execute(
	this: IExecuteFunctions,
	_settings: unknown,
	memory: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const out: INodeExecutionData[] = [];
	let scope: ErasureScope | undefined;
	for (let i = 0; i < items.length; i++) {
		try {
			const email = String(this.getNodeParameter('eraseEmail', i, '') ?? '')
				.trim()
				.slice(0, 320);
			const leadId = String(this.getNodeParameter('eraseLeadId', i, '') ?? '')
				.trim()
				.slice(0, 200);
			if (!email && !leadId)
				throw new NodeOperationError(this.getNode(), 'Nothing to erase: both Email and Lead ID are empty', {
					itemIndex: i,
				});
			const store = await memory();
			scope ??= await scopeOf(this, store);
			const companyDomain =
				email && this.getNodeParameter('eraseAccountOwner', i, false) === true
					? (emailFacts(email)?.company_domain ?? undefined)
					: undefined;
			const report = await erasePerson(store, { email: email || undefined, leadId: leadId || undefined }, scope, {
				companyDomain,
			});
			out.push({
				json: { ...report, erased_at: new Date().toISOString() } as unknown as IDataObject,
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
