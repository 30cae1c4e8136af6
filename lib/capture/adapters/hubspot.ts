import { emptySubmission, type ParsedSubmission } from '../types';
import { answer, asArray, isObj, str, toIso, type Obj } from './util';

const HS_FIELDS: Record<
	string,
	'email' | 'phone' | 'first_name' | 'last_name' | 'company' | 'job_title' | 'website' | 'country' | 'city' | 'message'
> = {
	email: 'email',
	phone: 'phone',
	mobilephone: 'phone',
	firstname: 'first_name',
	lastname: 'last_name',
	company: 'company',
	jobtitle: 'job_title',
	website: 'website',
	country: 'country',
	city: 'city',
	message: 'message',
};

/**
 * HubSpot form submission shape (Forms API v3 submit): fields[{objectTypeId,name,value}],
 * context{hutk,pageUri,pageName,ipAddress}, legalConsentOptions{consent{consentToProcess,text,
 * communications[{value,subscriptionTypeId,text}]} | legitimateInterest{...}}.
 */
export function parseHubspot(body: Obj): ParsedSubmission[] {
	const sub = emptySubmission('hubspot');
	sub.submittedAt = toIso(body.submittedAt);
	sub.formId = str(body.formId) ?? str(body.formGuid);
	sub.formName = str(body.formName);
	sub.submissionId = str(body.submissionId) ?? str(body.conversionId) ?? str(body.eventId);
	for (const f of asArray(body.fields)) {
		if (!isObj(f) || !str(f.name)) continue;
		const name = str(f.name)!;
		if (/^utm_/i.test(name) || /^(gclid|fbclid)$/i.test(name)) {
			sub.hidden[name] = f.value;
			continue;
		}
		sub.answers.push(answer(name, f.value, name, str(f.objectTypeId)));
		const target = HS_FIELDS[name.toLowerCase()];
		if (target && sub.typed[target] === undefined) sub.typed[target] = f.value;
	}
	const ctx = isObj(body.context) ? body.context : {};
	sub.pageUrl = str(ctx.pageUri);
	sub.visitorIp = str(ctx.ipAddress);
	if (str(ctx.hutk)) sub.meta.hutk = str(ctx.hutk);
	if (str(ctx.pageName)) sub.meta.page_name = str(ctx.pageName);
	const legal = isObj(body.legalConsentOptions) ? body.legalConsentOptions : {};
	const consent = isObj(legal.consent)
		? legal.consent
		: isObj(legal.legitimateInterest)
			? legal.legitimateInterest
			: undefined;
	if (consent) {
		if (typeof consent.consentToProcess === 'boolean') sub.consent.terms = consent.consentToProcess;
		const comms = asArray(consent.communications).filter(isObj);
		if (comms.length) sub.consent.marketing = comms.every((c) => c.value === true);
		const texts = [str(consent.text), ...comms.map((c) => str(c.text))].filter(Boolean);
		if (texts.length) sub.consent.text = texts.join('\n');
		if (isObj(legal.legitimateInterest)) sub.meta.legal_basis = str(legal.legitimateInterest.legalBasis);
	}
	return [sub];
}
