import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { get } from 'lodash';
import { normalizeEmail } from '../../lib/normalize/email';
import type { LeadKeys } from '../../lib/store/records';

/** A scalar field as trimmed text, bounded; objects and empty values give ''. */
export const fieldText = (v: unknown) =>
	v === null || v === undefined || typeof v === 'object' ? '' : String(v).trim().slice(0, 320);

/**
 * The keys a lead is remembered by (Advance Stage's histories, SLA Check's ledger): its id (Dedupe's
 * cluster id first, so every submission of one person shares a record, else `id`, unless a field is
 * mapped) and its email, normalised as Dedupe does.
 */
export function leadKeysOf(json: IDataObject, idField: string, emailField: string): LeadKeys {
	const id = idField ? fieldText(get(json, idField)) : fieldText(get(json, 'dedupe.cluster_id')) || fieldText(json.id);
	const raw = fieldText(get(json, emailField));
	const email = raw ? (normalizeEmail(raw)?.email ?? raw.toLowerCase()) : '';
	return { ids: id ? [id] : [], emails: email ? [email] : [] };
}

/** Why a lead without keys cannot be remembered, naming where they were looked for. */
export function noKeysMessage(idField: string, emailField: string): string {
	return `The lead has no ID and no email (looked at ${idField || 'dedupe.cluster_id, id'} and ${emailField})`;
}

/** An optional date parameter (a report's period); a value that is no date stops naming it. */
export function dateParameter(ctx: IExecuteFunctions, name: string, label: string): number | undefined {
	const value = String(ctx.getNodeParameter(name, 0, '') ?? '').trim();
	if (!value) return undefined;
	const ms = Date.parse(value);
	if (!Number.isFinite(ms))
		throw new NodeOperationError(ctx.getNode(), `${label} "${value.slice(0, 60)}" is not a date (e.g. 2026-11-01)`);
	return ms;
}
