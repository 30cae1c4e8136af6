import type { ParsedSubmission, Provider } from '../types';
import { parseElementor } from './elementor';
import { parseFacebookWebhook } from './facebook';
import { parseGeneric } from './generic';
import { parseGoogleAds } from './googleAds';
import { parseHubspot } from './hubspot';
import { parseJotform } from './jotform';
import { parseTally } from './tally';
import { parseTypeform } from './typeform';
import { isObj, type Obj } from './util';
import { parseWebflow } from './webflow';

export { applyFacebookLead } from './facebook';

const PARSERS: Record<Provider, (body: Obj) => ParsedSubmission[]> = {
	typeform: parseTypeform,
	tally: parseTally,
	webflow: parseWebflow,
	jotform: parseJotform,
	elementor: parseElementor,
	facebook: parseFacebookWebhook,
	hubspot: parseHubspot,
	googleAds: parseGoogleAds,
	generic: parseGeneric,
};

function header(headers: Record<string, unknown>, name: string): boolean {
	return headers[name] !== undefined;
}

/** Which vendor sent this body, from its signature header or its shape. */
export function detectProvider(body: unknown, headers: Record<string, unknown> = {}): Provider {
	if (header(headers, 'typeform-signature')) return 'typeform';
	if (header(headers, 'tally-signature')) return 'tally';
	if (header(headers, 'x-webflow-signature')) return 'webflow';
	if (!isObj(body)) return 'generic';
	if (isObj(body.form_response) && (body.event_type === 'form_response' || Array.isArray(body.form_response.answers)))
		return 'typeform';
	if (body.eventType === 'FORM_RESPONSE' && isObj(body.data)) return 'tally';
	if (body.triggerType === 'form_submission' && isObj(body.payload)) return 'webflow';
	if (body.object === 'page' || body.object === 'instagram') {
		if (Array.isArray(body.entry)) return 'facebook';
	}
	if (body.lead_id !== undefined && Array.isArray(body.user_column_data)) return 'googleAds';
	if (body.formID !== undefined && (body.rawRequest !== undefined || body.submissionID !== undefined)) return 'jotform';
	if (
		Array.isArray(body.fields) &&
		(isObj(body.context) || isObj(body.legalConsentOptions) || body.submittedAt !== undefined)
	)
		return 'hubspot';
	if (isObj(body.form) && isObj(body.fields) && (isObj(body.meta) || body.form.name !== undefined)) return 'elementor';
	if (Object.keys(body).some((k) => /^(form|fields|meta)\[/.test(k))) return 'elementor';
	if (body.form_id !== undefined && body.form_name !== undefined) return 'elementor';
	return 'generic';
}

export function parseSubmission(provider: Provider, body: unknown): ParsedSubmission[] {
	return PARSERS[provider](isObj(body) ? body : {});
}
