import { isIP } from 'node:net';
import { expandBracketKeys } from '../safeBody';
import { emptySubmission, type ParsedSubmission } from '../types';
import { answer, isObj, isUtmKey, str, toIso, type Obj } from './util';

/**
 * Elementor Pro form webhook, sent urlencoded by wp_remote_post.
 * Simple mode: label → value plus form_id / form_name.
 * Advanced data: form{id,name}, fields{id:{id,type,title,value,raw_value,required}}, meta{date,time,
 * page_url,user_agent,remote_ip,credit}{title,value}.
 */
export function parseElementor(input: Obj): ParsedSubmission[] {
	const body = Object.keys(input).some((k) => k.includes('[')) ? expandBracketKeys(input) : input;
	const sub = emptySubmission('elementor');
	if (isObj(body.form) && isObj(body.fields)) {
		sub.formId = str(body.form.id);
		sub.formName = str(body.form.name);
		for (const [id, f] of Object.entries(body.fields)) {
			if (!isObj(f)) continue;
			const type = str(f.type);
			const value = f.raw_value ?? f.value;
			if (type === 'hidden' || isUtmKey(id)) {
				sub.hidden[id] = value;
				continue;
			}
			if (type === 'honeypot') {
				sub.meta.honeypot = value;
				continue;
			}
			sub.answers.push(answer(str(f.id) ?? id, value, str(f.title), type));
			if (type === 'email' && sub.typed.email === undefined) sub.typed.email = value;
			if (type === 'tel' && sub.typed.phone === undefined) sub.typed.phone = value;
			if (type === 'url' && sub.typed.website === undefined) sub.typed.website = value;
			if (type === 'acceptance' && sub.consent.terms === undefined) {
				sub.consent.terms = value === 'on' || value === 'yes' || value === '1' || value === true;
				if (str(f.title)) sub.consent.text = str(f.title);
			}
		}
		const meta = isObj(body.meta) ? body.meta : {};
		const metaValue = (k: string) => (isObj(meta[k]) ? str((meta[k] as Obj).value) : undefined);
		sub.pageUrl = metaValue('page_url');
		sub.visitorUserAgent = metaValue('user_agent');
		sub.visitorIp = metaValue('remote_ip');
		const date = metaValue('date');
		const time = metaValue('time');
		if (date) sub.submittedAt = toIso(`${date} ${time ?? ''}`.trim());
		return [sub];
	}
	sub.formId = str(body.form_id);
	sub.formName = str(body.form_name);
	let date: string | undefined;
	let time: string | undefined;
	for (const [key, value] of Object.entries(body)) {
		if (key === 'form_id' || key === 'form_name') continue;
		if (isUtmKey(key)) {
			sub.hidden[key] = value;
			continue;
		}
		// The form's metadata arrives as labelled answers in simple mode, titled as Elementor Pro's
		// form record titles them.
		const meta = SIMPLE_META[key.toLowerCase()];
		if (meta && typeof value === 'string') {
			if (meta === 'remote_ip' && isIP(value.trim())) sub.visitorIp = value.trim();
			else if (meta === 'page_url') sub.pageUrl = str(value);
			else if (meta === 'user_agent') sub.visitorUserAgent = str(value);
			else if (meta === 'date') date = str(value);
			else if (meta === 'time') time = str(value);
			else sub.meta[meta] = value;
			// A question may be titled "Date" too: dates and times stay answers as well.
			const keep = meta === 'date' || meta === 'time' || (meta === 'remote_ip' && !isIP(value.trim()));
			if (!keep) continue;
		}
		sub.answers.push(answer(key, value, key));
	}
	if (date && time) sub.submittedAt = toIso(`${date} ${time}`);
	return [sub];
}

/** Elementor Pro's metadata titles (form record `meta`), as simple mode labels them. */
const SIMPLE_META: Record<string, string> = {
	'remote ip': 'remote_ip',
	'page url': 'page_url',
	'user agent': 'user_agent',
	date: 'date',
	time: 'time',
	'powered by': 'credit',
};
