import { emptySubmission, type ParsedSubmission } from '../types';
import { answer, asArray, idString, isObj, str, type Obj } from './util';

const COLUMNS: Record<
	string,
	'email' | 'phone' | 'first_name' | 'last_name' | 'full_name' | 'company' | 'job_title' | 'city' | 'country'
> = {
	EMAIL: 'email',
	WORK_EMAIL: 'email',
	PHONE_NUMBER: 'phone',
	WORK_PHONE: 'phone',
	FIRST_NAME: 'first_name',
	LAST_NAME: 'last_name',
	FULL_NAME: 'full_name',
	COMPANY_NAME: 'company',
	JOB_TITLE: 'job_title',
	CITY: 'city',
	COUNTRY: 'country',
};

/**
 * Google Ads lead form webhook (https://developers.google.com/google-ads/webhook/docs/implementation):
 * lead_id, user_column_data[{column_id, column_name, string_value}], form_id, campaign_id, gcl_id,
 * is_test, and google_key (the shared secret, checked by the trigger, never kept on the lead).
 */
export function parseGoogleAds(body: Obj): ParsedSubmission[] {
	const sub = emptySubmission('googleAds');
	sub.submissionId = idString(body.lead_id);
	sub.formId = idString(body.form_id);
	for (const c of asArray(body.user_column_data)) {
		if (!isObj(c)) continue;
		const id = str(c.column_id) ?? str(c.column_name) ?? `column_${sub.answers.length + 1}`;
		const value = c.string_value ?? null;
		sub.answers.push(answer(id, value, str(c.column_name), 'user_column'));
		const target = COLUMNS[id.toUpperCase()];
		if (target && sub.typed[target] === undefined) sub.typed[target] = value;
	}
	if (str(body.gcl_id)) sub.hidden.gclid = str(body.gcl_id);
	for (const k of ['campaign_id', 'adgroup_id', 'creative_id', 'asset_group_id', 'api_version']) {
		const v = idString(body[k]);
		if (v) sub.meta[k] = v;
	}
	if (typeof body.is_test === 'boolean') sub.meta.is_test = body.is_test;
	return [sub];
}
