import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { get, set } from 'lodash';
import { CACHE_NAMESPACE, cacheNamespaceOf, runProvider, type ProviderSummary } from '../../../lib/enrich/client';
import { genericAdapter, genericSpecProblem, type GenericSpec } from '../../../lib/enrich/providers/generic';
import type {
	LookupInput,
	ProviderAdapter,
	ProviderRequest,
	ProviderResponse,
} from '../../../lib/enrich/providers/types';
import { VENDOR_ADAPTERS } from '../../../lib/enrich/providers/vendors';
import { applyOutcome, fieldState, sectionOf } from '../../../lib/enrich/section';
import { companyDomain } from '../../../lib/normalize/domain';
import { normalizeEmail } from '../../../lib/normalize/email';
import { splitFullName } from '../../../lib/normalize/name';
import { readScope, SCOPED_VERSION } from '../../shared/scope';
import type { OpenedStore } from '../../shared/store';
import { readLead, type EnrichSettings } from '../config';

export const CREDENTIAL_OF: Record<string, string> = {
	hunter: 'leadManagementHunterApi',
	apollo: 'leadManagementApolloApi',
	pdl: 'leadManagementPeopleDataLabsApi',
	http: 'leadManagementHttpProviderApi',
};

const ADAPTER_OF: Record<string, string> = {
	'hunter:verify': 'hunter.verify',
	'hunter:finder': 'hunter.finder',
	'hunter:domain': 'hunter.domain',
	'apollo:person': 'apollo.person',
	'apollo:organization': 'apollo.organization',
	'pdl:person': 'pdl.person',
	'pdl:organization': 'pdl.company',
};

function adapterFor(ctx: IExecuteFunctions, provider: string): ProviderAdapter {
	if (provider === 'http') {
		const spec: GenericSpec = {
			method: ctx.getNodeParameter('method', 0, 'GET') === 'POST' ? 'POST' : 'GET',
			url: String(ctx.getNodeParameter('url', 0, '') ?? ''),
			body: String(ctx.getNodeParameter('body', 0, '') ?? ''),
			fields: ((ctx.getNodeParameter('fieldMap.values', 0, []) as IDataObject[]) ?? []).map((f) => ({
				target: String(f.target ?? '').trim(),
				path: String(f.path ?? '').trim(),
			})),
		};
		const problem = genericSpecProblem(spec);
		if (problem) throw new NodeOperationError(ctx.getNode(), problem);
		return genericAdapter(spec);
	}
	const action = ctx.getNodeParameter('lookup', 0) as string;
	const adapter = VENDOR_ADAPTERS[ADAPTER_OF[`${provider}:${action}`]];
	if (!adapter) throw new NodeOperationError(ctx.getNode(), `Unknown action "${action}" for ${provider}`);
	return adapter;
}

/** What a lead offers to look it up with, normalised as Capture and Dedupe do. */
function lookupInput(lead: ReturnType<typeof readLead>, json: IDataObject): LookupInput {
	const split = !lead.first_name && !lead.last_name ? splitFullName(lead.full_name) : undefined;
	return {
		email: normalizeEmail(lead.email)?.email ?? null,
		first_name: lead.first_name || split?.first_name || null,
		last_name: lead.last_name || split?.last_name || null,
		full_name: lead.full_name || [lead.first_name, lead.last_name].filter(Boolean).join(' ') || null,
		domain: companyDomain({ website: lead.website, email: lead.email }),
		company: lead.company || null,
		item: json,
	};
}

function summaryHint(s: ProviderSummary): string {
	return (
		`${s.provider}: ${s.requests} request${s.requests === 1 ? '' : 's'} for ${s.leads} lead${s.leads === 1 ? '' : 's'}; ` +
		`${s.calls_saved} look-up${s.calls_saved === 1 ? '' : 's'} saved (${s.cache_hits} from the cache, ${s.duplicates} repeated in the batch, ${s.fresh} already enriched)` +
		(s.not_found ? `; ${s.not_found} not found` : '') +
		(s.skipped ? `; ${s.skipped} skipped for missing input` : '') +
		(s.retries ? `; ${s.retries} retried` : '') +
		(s.errors ? `; ${s.errors} failed` : '')
	);
}

/** Enrich With Provider: one call per distinct look-up, cached, rate-capped, retried, never losing a lead. */
export async function execute(
	this: IExecuteFunctions,
	settings: EnrichSettings,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const provider = this.getNodeParameter('provider', 0) as string;
	const adapter = adapterFor(this, provider);
	const credentialType = CREDENTIAL_OF[provider];
	const credential = await this.getCredentials(credentialType);
	const o = settings.options;
	const timeout = Math.max(1, Number(o.timeout ?? 30)) * 1000;

	const send = async (request: ProviderRequest): Promise<ProviderResponse> => {
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			qs: request.qs,
			body: request.body,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout,
		};
		let response: { statusCode: number; headers: Record<string, string>; body: unknown };
		if (provider === 'http') {
			// The HTTP provider's key goes where the credential says: a header and/or a query parameter.
			const header = String(credential.headerName ?? '').trim();
			if (header) options.headers = { [header]: String(credential.headerSecret ?? '') };
			const query = String(credential.queryName ?? '').trim();
			if (query) options.qs = { ...(options.qs ?? {}), [query]: String(credential.querySecret ?? '') };
			response = await this.helpers.httpRequest(options);
		} else {
			response = await this.helpers.httpRequestWithAuthentication.call(this, credentialType, options);
		}
		return { status: response.statusCode, headers: response.headers ?? {}, body: response.body };
	};

	const sections = items.map((item) => sectionOf(get(item.json, settings.outputField)));
	const leads = items.map((item) => readLead(item.json, settings));
	const cacheHours = Number(o.cacheHours ?? 720);
	const maxAgeDays = Number(o.maxAgeDays ?? 0);
	const { outcomes, summary } = await runProvider(
		items.map((item, i) => ({
			input: lookupInput(leads[i], item.json),
			has: (field: string) => fieldState(sections[i], field),
		})),
		{
			adapter,
			baseUrl: String(credential.baseUrl ?? ''),
			send,
			store: cacheHours > 0 || Number(o.rps ?? 5) > 0 ? await store() : undefined,
			cacheTtlMs: cacheHours * 3600_000,
			// Version 1: one cache for the whole n8n; 1.1: this workflow's, unless Remember For says otherwise.
			cacheNamespace:
				this.getNode().typeVersion < SCOPED_VERSION
					? CACHE_NAMESPACE
					: cacheNamespaceOf(readScope(this, 'default').key),
			maxAgeMs: maxAgeDays > 0 ? maxAgeDays * 86_400_000 : undefined,
			rateKey: `${credentialType}:${this.getNode().credentials?.[credentialType]?.id ?? 'default'}`,
			requestsPerSecond: Number(o.rps ?? 5),
			maxRetries: Number(o.maxRetries ?? 3),
			maxRetryWaitMs: Number(o.maxRetryWait ?? 60) * 1000,
			concurrency: Number(o.concurrency ?? 4),
		},
	);

	const fail = this.getNodeParameter('onError', 0, 'flag') === 'fail';
	const out: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const outcome = outcomes[i];
		if (outcome.error && fail) {
			if (!this.continueOnFail())
				throw new NodeOperationError(this.getNode(), outcome.error.message, {
					itemIndex: i,
					description: 'Choose "Pass the Lead Through, Flagged" under On Provider Error to keep going',
				});
			out.push({ json: { ...items[i].json, error: outcome.error.message }, pairedItem: { item: i } });
			continue;
		}
		const json: IDataObject = { ...items[i].json };
		const section = applyOutcome(sections[i], adapter, outcome, {
			keepRaw: o.keepRaw !== false,
			overwrite: o.overwrite === true,
		});
		if (settings.fillFields && outcome.answer?.found) {
			const company = outcome.answer.fields['company.name'];
			const title = outcome.answer.fields['person.title'];
			if (typeof company === 'string' && !leads[i].company) set(json, settings.paths.company, company);
			if (typeof title === 'string' && !leads[i].job_title) set(json, settings.paths.job_title, title);
		}
		set(json, settings.outputField, section);
		out.push({ json, pairedItem: { item: i } });
	}
	this.addExecutionHints({ message: summaryHint(summary), location: 'outputPane' });
	return [out];
}
