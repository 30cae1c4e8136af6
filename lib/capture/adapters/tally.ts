import { emptySubmission, type ParsedSubmission } from '../types';
import { answer, asArray, isObj, str, toIso, type Obj } from './util';

const CHOICE_TYPES = new Set(['MULTIPLE_CHOICE', 'CHECKBOXES', 'DROPDOWN', 'MULTI_SELECT', 'RANKING']);

/**
 * Tally webhook (https://tally.so/help/webhooks): data.fields[]{key,label,type,value}.
 * Choice values are option ids resolved through options[]; checkboxes also arrive expanded into
 * one boolean field per option (key "<field key>_<option id>"), which we keep out of the answers.
 */
export function parseTally(body: Obj): ParsedSubmission[] {
	const data = isObj(body.data) ? body.data : {};
	const sub = emptySubmission('tally');
	sub.formId = str(data.formId);
	sub.formName = str(data.formName);
	sub.submissionId = str(data.submissionId) ?? str(data.responseId) ?? str(body.eventId);
	sub.submittedAt = toIso(data.createdAt) ?? toIso(body.createdAt);
	if (str(body.eventId)) sub.meta.event_id = str(body.eventId);
	if (str(data.respondentId)) sub.meta.respondent_id = str(data.respondentId);

	const fields = asArray(data.fields).filter(isObj);
	const mainKeys = new Set(fields.filter((f) => CHOICE_TYPES.has(str(f.type) ?? '')).map((f) => str(f.key)));
	for (const f of fields) {
		const key = str(f.key) ?? `field_${sub.answers.length + 1}`;
		const type = str(f.type) ?? 'UNKNOWN';
		const label = str(f.label);
		if (
			type === 'CHECKBOXES' &&
			typeof f.value === 'boolean' &&
			[...mainKeys].some((k) => k && key.startsWith(`${k}_`))
		) {
			continue; // per-option expansion of a checkbox group already present
		}
		let value: unknown = f.value;
		if (CHOICE_TYPES.has(type)) value = resolveOptions(f.value, asArray(f.options));
		if (type === 'HIDDEN_FIELDS') {
			if (label) sub.hidden[label] = value;
			continue;
		}
		if (type === 'CALCULATED_FIELDS') {
			if (label) sub.meta[label] = value;
			continue;
		}
		sub.answers.push(answer(key, value, label, type));
		if (type === 'INPUT_EMAIL' && sub.typed.email === undefined) sub.typed.email = value;
		if (type === 'INPUT_PHONE_NUMBER' && sub.typed.phone === undefined) sub.typed.phone = value;
		if (type === 'INPUT_LINK' && /web|site|url/i.test(label ?? '') && sub.typed.website === undefined)
			sub.typed.website = value;
	}
	return [sub];
}

function resolveOptions(value: unknown, options: unknown[]): unknown {
	const byId = new Map<string, string>();
	for (const o of options) if (isObj(o) && str(o.id)) byId.set(str(o.id)!, str(o.text) ?? str(o.id)!);
	const one = (v: unknown) => (typeof v === 'string' && byId.has(v) ? byId.get(v) : v);
	if (Array.isArray(value)) return value.map(one);
	return one(value);
}
