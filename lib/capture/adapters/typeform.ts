import { emptySubmission, type ParsedSubmission } from '../types';
import { answer, asArray, isObj, str, toIso, type Obj } from './util';

/**
 * Typeform webhook (https://www.typeform.com/developers/webhooks/example-payload/):
 * form_response.answers[] typed by `type`, the value under the key of that name, linked to
 * definition.fields[] by field.id; hidden{}, variables[], calculated.score.
 */
export function parseTypeform(body: Obj): ParsedSubmission[] {
	const fr = isObj(body.form_response) ? body.form_response : {};
	const sub = emptySubmission('typeform');
	const definition = isObj(fr.definition) ? fr.definition : {};
	sub.formId = str(fr.form_id) ?? str(definition.id);
	sub.formName = str(definition.title);
	sub.submissionId = str(fr.token) ?? str(body.event_id);
	sub.submittedAt = toIso(fr.submitted_at);
	sub.startedAt = toIso(fr.landed_at);
	const titles = new Map<string, Obj>();
	for (const f of asArray(definition.fields)) if (isObj(f) && str(f.id)) titles.set(str(f.id)!, f);

	for (const a of asArray(fr.answers)) {
		if (!isObj(a)) continue;
		const field = isObj(a.field) ? a.field : {};
		const def = titles.get(str(field.id) ?? '') ?? {};
		const type = str(a.type) ?? 'unknown';
		const value = typeformValue(a, type);
		const key = str(field.ref) ?? str(field.id) ?? `answer_${sub.answers.length + 1}`;
		const fieldType = str(field.type) ?? str(def.type);
		sub.answers.push(answer(key, value, str(def.title), fieldType ?? type));
		if (type === 'email' && sub.typed.email === undefined) sub.typed.email = value;
		if (type === 'phone_number' && sub.typed.phone === undefined) sub.typed.phone = value;
		if (type === 'url' && fieldType === 'website' && sub.typed.website === undefined) sub.typed.website = value;
		if (fieldType === 'legal' && typeof value === 'boolean') {
			sub.consent.terms = value;
			if (str(def.title)) sub.consent.text = str(def.title);
		}
	}
	if (isObj(fr.hidden)) Object.assign(sub.hidden, fr.hidden);
	for (const v of asArray(fr.variables)) {
		if (isObj(v) && str(v.key)) sub.hidden[str(v.key)!] = v[str(v.type) ?? 'text'] ?? v.number ?? v.text;
	}
	if (isObj(fr.calculated)) sub.meta.score = fr.calculated.score;
	if (str(body.event_id)) sub.meta.event_id = str(body.event_id);
	return [sub];
}

function typeformValue(a: Obj, type: string): unknown {
	switch (type) {
		case 'choice': {
			const c = isObj(a.choice) ? a.choice : {};
			return c.label ?? c.other ?? null;
		}
		case 'choices': {
			const c = isObj(a.choices) ? a.choices : {};
			const labels = asArray(c.labels).slice();
			if (c.other !== undefined && c.other !== null) labels.push(c.other);
			return labels;
		}
		case 'payment':
		case 'multi_format':
			return a[type] ?? null;
		default:
			return a[type] ?? null;
	}
}
