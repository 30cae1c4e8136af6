import { emptySubmission, type ParsedSubmission } from '../types';
import { answer, asArray, isObj, str, toIso, type Obj } from './util';

/**
 * Webflow form_submission (https://developers.webflow.com/data/reference/webhooks/events/form-submission):
 * payload.data is a flat label → value map (phone arrives as a number), payload.schema[] the types.
 */
export function parseWebflow(body: Obj): ParsedSubmission[] {
	const p = isObj(body.payload) ? body.payload : body;
	const sub = emptySubmission('webflow');
	sub.formId = str(p.formId) ?? str(p.formElementId);
	sub.formName = str(p.name);
	sub.submissionId = str(p.id) ?? str(p._id);
	sub.submittedAt = toIso(p.submittedAt) ?? toIso(p.d);
	sub.pageUrl = str(p.pageUrl);
	if (str(p.siteId) ?? str(p.site)) sub.meta.site_id = str(p.siteId) ?? str(p.site);
	if (str(p.publishedPath)) sub.meta.published_path = str(p.publishedPath);
	const types = new Map<string, string>();
	for (const s of asArray(p.schema)) {
		if (isObj(s) && str(s.fieldName)) types.set(str(s.fieldName)!, str(s.fieldType) ?? '');
	}
	const data = isObj(p.data) ? p.data : {};
	for (const [key, value] of Object.entries(data)) {
		const type = types.get(key);
		sub.answers.push(answer(key, value, key, type));
		if (type === 'FormEmail' && sub.typed.email === undefined) sub.typed.email = value;
		if (type === 'FormPhone' && sub.typed.phone === undefined) sub.typed.phone = value;
	}
	return [sub];
}
