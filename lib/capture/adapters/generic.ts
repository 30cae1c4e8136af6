import { emptySubmission, type ParsedSubmission } from '../types';
import { answer, isObj, isUtmKey, str, toIso, type Obj } from './util';

const META_KEYS = new Set([
	'form_id',
	'formid',
	'form_name',
	'formname',
	'submission_id',
	'submissionid',
	'submitted_at',
	'page_url',
	'pageurl',
]);

/** Plain HTML forms and any flat or lightly nested JSON: every key is an answer. */
export function parseGeneric(body: Obj): ParsedSubmission[] {
	const sub = emptySubmission('generic');
	const src = isObj(body.data) && Object.keys(body).length <= 3 ? body.data : body;
	sub.formId = str(src.form_id) ?? str(src.formId) ?? str(body.form_id);
	sub.formName = str(src.form_name) ?? str(src.formName) ?? str(body.form_name);
	sub.submissionId = str(src.submission_id) ?? str(src.submissionId) ?? str(body.submission_id);
	sub.submittedAt = toIso(src.submitted_at ?? src.submittedAt);
	sub.pageUrl = str(src.page_url) ?? str(src.pageUrl);
	for (const [key, value] of Object.entries(src)) {
		if (META_KEYS.has(key.toLowerCase()) || key === 'submittedAt') continue;
		if (isUtmKey(key)) {
			sub.hidden[key] = value;
			continue;
		}
		sub.answers.push(answer(key, value, key));
	}
	return [sub];
}
