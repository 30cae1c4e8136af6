import { parseJsonSafely } from '../safeBody';
import { emptySubmission, type ParsedSubmission } from '../types';
import { answer, isObj, str, type Obj } from './util';

/** Keys of Jotform's rawRequest that are form plumbing, not answers. */
const PLUMBING = new Set([
	'slug',
	'jsExecutionTracker',
	'submitSource',
	'buildDate',
	'uploadServerUrl',
	'eventObserver',
	'timeToSubmit',
	'temp_upload',
	'file_server',
	'preview',
	'validatedNewRequiredFieldIDs',
	'path',
	'event_id',
	'website',
	'simple_spc',
]);

/**
 * Jotform webhook: multipart with formID, submissionID, formTitle, ip, pretty and rawRequest (a JSON
 * string keyed q<N>_<name>, with compound values for name, phone, address and date).
 */
export function parseJotform(body: Obj): ParsedSubmission[] {
	const sub = emptySubmission('jotform');
	sub.formId = str(body.formID);
	sub.formName = str(body.formTitle);
	sub.submissionId = str(body.submissionID);
	sub.visitorIp = str(body.ip);
	const raw = parseJsonSafely(body.rawRequest);
	const request = isObj(raw) ? raw : {};
	if (str(request.timeToSubmit)) sub.meta.time_to_submit_seconds = Number(request.timeToSubmit);
	for (const [key, value] of Object.entries(request)) {
		const m = /^q(\d+)_(.+)$/.exec(key);
		if (!m) {
			if (!PLUMBING.has(key) && !Array.isArray(value) && !isObj(value) && /^utm_|^gclid$|^fbclid$/i.test(key)) {
				sub.hidden[key] = value;
			}
			continue;
		}
		const name = m[2];
		if (isEmptyCompound(value)) continue;
		sub.answers.push(answer(name, value, undefined, jotformType(name, value)));
		const lower = name.toLowerCase();
		if (isObj(value) && ('first' in value || 'last' in value)) {
			if (sub.typed.first_name === undefined && str(value.first)) sub.typed.first_name = value.first;
			if (sub.typed.last_name === undefined && str(value.last)) sub.typed.last_name = value.last;
		} else if (isObj(value) && ('full' in value || 'area' in value || 'phone' in value)) {
			if (sub.typed.phone === undefined) {
				sub.typed.phone = str(value.full) ?? [str(value.area), str(value.phone)].filter(Boolean).join(' ');
			}
		} else if (isObj(value) && ('addr_line1' in value || 'city' in value)) {
			if (sub.typed.city === undefined && str(value.city)) sub.typed.city = value.city;
			if (sub.typed.country === undefined && str(value.country)) sub.typed.country = value.country;
		} else if (/^e-?mail/.test(lower) && sub.typed.email === undefined) {
			sub.typed.email = value;
		}
	}
	// Uploaded files are listed as URLs under the bare field name (e.g. "identityProof").
	for (const [key, value] of Object.entries(request)) {
		if (
			!/^q\d+_/.test(key) &&
			!PLUMBING.has(key) &&
			Array.isArray(value) &&
			value.every((v) => typeof v === 'string')
		) {
			sub.answers.push(answer(key, value, undefined, 'file_upload'));
		}
	}
	if (str(body.pretty)) sub.meta.pretty = str(body.pretty);
	return [sub];
}

function isEmptyCompound(v: unknown): boolean {
	if (v === '' || v === null || v === undefined) return true;
	if (isObj(v)) return Object.values(v).every((x) => x === '' || x === null || x === undefined);
	return false;
}

function jotformType(name: string, value: unknown): string | undefined {
	if (isObj(value)) {
		if ('first' in value || 'last' in value) return 'control_fullname';
		if ('full' in value || 'area' in value) return 'control_phone';
		if ('addr_line1' in value) return 'control_address';
		if ('month' in value && 'day' in value) return 'control_datetime';
	}
	if (/^e-?mail/i.test(name)) return 'control_email';
	return undefined;
}
