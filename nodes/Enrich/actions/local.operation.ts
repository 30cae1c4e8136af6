import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { set } from 'lodash';
import { enrichLocally, type LocalOptions } from '../../../lib/enrich/local';
import { checkMailDomains } from '../../../lib/enrich/mx';
import { mergeLocal, sectionOf } from '../../../lib/enrich/section';
import { readLead, type EnrichSettings } from '../config';

/** Enrich Locally: every lead of the batch at once (patterns and name counts are batch-wide). */
export async function execute(this: IExecuteFunctions, settings: EnrichSettings): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const parts = new Set(this.getNodeParameter('parts', 0, []) as string[]);
	const o = settings.options;
	const defaultCountry = String(this.getNodeParameter('defaultCountry', 0, '') ?? '')
		.trim()
		.toUpperCase();
	if (defaultCountry && !/^[A-Z]{2}$/.test(defaultCountry))
		throw new NodeOperationError(
			this.getNode(),
			`Default Phone Country "${defaultCountry.slice(0, 40)}" is not a two-letter country code (e.g. US, GB, DE)`,
		);
	const options: LocalOptions = {
		email: parts.has('email'),
		phone: parts.has('phone'),
		name: parts.has('name'),
		country: parts.has('country'),
		defaultCountry: defaultCountry || undefined,
		language: String(o.language ?? 'en').trim() || 'en',
		detectSwaps: o.detectSwaps !== false,
		salutation: o.salutation === true,
	};
	const leads = items.map((item) => readLead(item.json, settings));
	const results = enrichLocally(leads, options);

	const mail =
		o.mx === true && options.email
			? await checkMailDomains(
					results.map((r) => r.enrichment.email?.domain).filter((d): d is string => !!d && !!d.includes('.')),
					{
						timeoutMs: Number(o.mxTimeout ?? 3000),
						cacheMs: 24 * 3600_000,
						servers: String(o.dnsServers ?? '')
							.split(/[,\s]+/)
							.filter(Boolean),
					},
				)
			: undefined;

	const at = new Date().toISOString();
	return [
		items.map((item, i) => {
			const { enrichment, updates } = results[i];
			const json: IDataObject = { ...item.json };
			const section = mergeLocal(sectionOf(json[settings.outputField]), enrichment, at);
			const domain = enrichment.email?.domain;
			if (mail && domain && section.email)
				(section.email as IDataObject).mail = mail.get(domain) as unknown as IDataObject;
			if (settings.fillFields) {
				for (const [field, value] of Object.entries(updates)) {
					const path = settings.paths[field as keyof typeof settings.paths];
					// A mapped field nested in another object is written on a copy of that object.
					if (path.includes('.')) {
						const top = path.split('.')[0];
						json[top] = structuredClone(json[top]);
					}
					set(json, path, value);
				}
			}
			json[settings.outputField] = section as IDataObject;
			return { json, pairedItem: { item: i } };
		}),
	];
}
