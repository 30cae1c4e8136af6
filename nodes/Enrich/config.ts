import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { get } from 'lodash';
import { fieldText } from '../shared/leads';
import type { LocalInput } from '../../lib/enrich/local';
import { IDENTITY_FIELDS, type IdentityField } from '../../lib/lead/schema';

/** The lead fields Enrich reads: the canonical identity fields (but the message) and a salutation. */
export const FIELD_NAMES = [...IDENTITY_FIELDS.filter((f) => f !== 'message'), 'salutation'] as Array<
	Exclude<IdentityField, 'message'> | 'salutation'
>;
export type LeadField = (typeof FIELD_NAMES)[number];

/** Where each field is in a canonical lead (the mapping's defaults). */
export const DEFAULT_PATHS = Object.fromEntries(
	FIELD_NAMES.map((f) => [f, f === 'salutation' ? 'custom.salutation' : f]),
) as Record<LeadField, string>;

export interface EnrichSettings {
	/** Where each lead field is read (and written back): dotted paths. */
	paths: Record<LeadField, string>;
	outputField: string;
	fillFields: boolean;
	options: IDataObject;
}

export function readEnrichSettings(ctx: IExecuteFunctions): EnrichSettings {
	const mapped = ctx.getNodeParameter('fields', 0, {}) as IDataObject;
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const paths = Object.fromEntries(
		FIELD_NAMES.map((f) => [f, String(mapped[f] ?? '').trim() || DEFAULT_PATHS[f]]),
	) as Record<LeadField, string>;
	return {
		paths,
		outputField: String(options.outputField ?? '').trim() || 'enrichment',
		fillFields: options.fillFields !== false,
		options,
	};
}

/** The lead's fields as bounded text, read through the mapping. */
export function readLead(
	json: IDataObject,
	settings: EnrichSettings,
): LocalInput & { company: string; job_title: string } {
	const value = (f: LeadField) => fieldText(get(json, settings.paths[f]));
	return {
		email: value('email'),
		phone: value('phone'),
		first_name: value('first_name'),
		last_name: value('last_name'),
		full_name: value('full_name'),
		company: value('company'),
		job_title: value('job_title'),
		website: value('website'),
		country: value('country'),
		city: value('city'),
		salutation: value('salutation'),
	};
}
