import { emptySubmission, type ParsedSubmission } from '../types';
import { answer, asArray, idString, isObj, str, toIso, type Obj } from './util';

/**
 * Facebook / Instagram Lead Ads page webhook: ids only, possibly several changes per POST
 * (https://developers.facebook.com/docs/graph-api/webhooks/getting-started/webhooks-for-leadgen).
 * Ids are JSON numbers in Meta's sample and strings in practice: both are accepted.
 */
export function parseFacebookWebhook(body: Obj): ParsedSubmission[] {
	const out: ParsedSubmission[] = [];
	for (const entry of asArray(body.entry)) {
		if (!isObj(entry)) continue;
		for (const change of asArray(entry.changes)) {
			if (!isObj(change) || change.field !== 'leadgen' || !isObj(change.value)) continue;
			const v = change.value;
			const sub = emptySubmission('facebook');
			sub.fetchLeadId = idString(v.leadgen_id);
			sub.submissionId = sub.fetchLeadId;
			sub.formId = idString(v.form_id);
			sub.submittedAt = toIso(v.created_time);
			for (const k of ['page_id', 'ad_id', 'adgroup_id', 'campaign_id']) {
				const id = idString(v[k]);
				if (id) sub.meta[k] = id;
			}
			if (!sub.meta.page_id && idString(entry.id)) sub.meta.page_id = idString(entry.id);
			out.push(sub);
		}
	}
	return out;
}

/** Standard Lead Ads question names mapped onto the canonical lead. */
const FB_FIELDS: Record<
	string,
	| 'email'
	| 'phone'
	| 'first_name'
	| 'last_name'
	| 'full_name'
	| 'company'
	| 'job_title'
	| 'city'
	| 'country'
	| 'website'
> = {
	email: 'email',
	work_email: 'email',
	phone_number: 'phone',
	work_phone_number: 'phone',
	first_name: 'first_name',
	last_name: 'last_name',
	full_name: 'full_name',
	company_name: 'company',
	job_title: 'job_title',
	city: 'city',
	country: 'country',
	website: 'website',
};

/**
 * Completes a Facebook submission with the lead fetched from the Graph API
 * (GET /{leadgen_id}: field_data[{name, values[]}], custom_disclaimer_responses, is_organic, ...).
 */
export function applyFacebookLead(sub: ParsedSubmission, lead: Obj): ParsedSubmission {
	const out: ParsedSubmission = { ...sub, answers: [], typed: {}, consent: { ...sub.consent }, meta: { ...sub.meta } };
	out.submittedAt = toIso(lead.created_time) ?? sub.submittedAt;
	out.formId = idString(lead.form_id) ?? sub.formId;
	for (const f of asArray(lead.field_data)) {
		if (!isObj(f) || !str(f.name)) continue;
		const name = str(f.name)!;
		const values = asArray(f.values);
		const value = values.length === 1 ? values[0] : values;
		out.answers.push(answer(name, value, name));
		const target = FB_FIELDS[name.toLowerCase()];
		if (target && out.typed[target] === undefined) out.typed[target] = value;
	}
	const disclaimers = asArray(lead.custom_disclaimer_responses).filter(isObj);
	if (disclaimers.length) {
		const checked = disclaimers.map((d) => d.is_checked === true || d.is_checked === '1' || d.is_checked === 1);
		out.consent.marketing = checked.every(Boolean);
		out.meta.custom_disclaimer_responses = disclaimers;
	}
	for (const k of [
		'ad_id',
		'ad_name',
		'adset_id',
		'adset_name',
		'campaign_id',
		'campaign_name',
		'platform',
		'is_organic',
		'partner_name',
	]) {
		if (lead[k] !== undefined) out.meta[k] = typeof lead[k] === 'number' ? String(lead[k]) : lead[k];
	}
	return out;
}
