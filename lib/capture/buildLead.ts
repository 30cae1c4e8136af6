import { createHash, randomUUID } from 'node:crypto';
import {
	ATTRIBUTION_FIELDS,
	IDENTITY_FIELDS,
	LEAD_SCHEMA_VERSION,
	type Attribution,
	type Consent,
	type IdentityField,
	type Lead,
} from '../lead/schema';
import { ATTRIBUTION_LIMIT, FIELD_LIMITS, IP_LIMIT, LABEL_LIMIT, USER_AGENT_LIMIT } from '../lead/limits';
import { cleanString, foldText } from '../normalize/text';
import { normalizeEmail } from '../normalize/email';
import { normalizePhone } from '../normalize/phone';
import { splitFullName, tidyNameCase } from '../normalize/name';
import { normalizeWebsite } from '../normalize/domain';
import { normalizeCountry } from '../normalize/country';
import type { ParsedSubmission } from './types';

/** User's field mapping: canonical field → the answer key, label or hidden field that holds it. */
export type FieldMapping = Partial<Record<IdentityField | 'consent_marketing' | 'consent_terms', string>>;

export interface BuildContext {
	receivedAt: Date;
	requestIp?: string;
	requestUserAgent?: string;
	requestReferrer?: string;
	/** The visitor's country from a CDN header (Cloudflare's CF-IPCountry...), when there is one. */
	requestCountry?: string;
	query?: Record<string, unknown>;
	mapping?: FieldMapping;
	defaultCountry?: string;
	nodeName?: string;
}

/** Name patterns (folded: lower-case, no accents, words separated by spaces), exact matches first. */
const SYNONYMS: Record<IdentityField, RegExp> = {
	email:
		/^(e ?mail|e ?mail address|e ?mail adress|work e ?mail|business e ?mail|work e ?mail address|business e ?mail address|courriel|adresse (e )?mail|adresse courriel|e ?mail adresse|correo( electronico)?|direccion de correo( electronico)?|indirizzo e ?mail|endereco de e ?mail|e ?mailadres|mail)$/,
	phone:
		/^(phone|phone number|telephone|tel|mobile|mobile phone|mobile number|cell|cell phone|cell number|whatsapp|whatsapp number|telefon|telefonnummer|handynummer|telefono|numero de telefono|telephone number|numero de telephone|numero|portable|handy|celular|cellulare|telefoon|telefoonnummer)$/,
	first_name:
		/^(first name|firstname|fname|given name|first|forename|prenom|vorname|nombre|nome|primo nome|voornaam|your first name)$/,
	last_name:
		/^(last name|lastname|lname|surname|family name|last|nom|nom de famille|nachname|familienname|apellido|apellidos|sobrenome|cognome|achternaam|your last name)$/,
	full_name:
		/^(name|full name|fullname|your name|contact name|nom complet|nom et prenom|nom prenom|prenom et nom|prenom nom|vollstandiger name|vor und nachname|nombre completo|nome completo|volledige naam|naam|how should we call you|who are you|heissen sie|heisst du|vous appelez vous|t appelles tu|te llamas|se llama|ti chiami|si chiama|se chama|te chamas|your full name)$/,
	company:
		/^(company|company name|organization|organisation|organization name|business|business name|employer|entreprise|nom de l entreprise|societe|firma|firmenname|unternehmen|empresa|nombre de la empresa|azienda|bedrijf|account name)$/,
	job_title: /^(job title|jobtitle|title|position|role|job role|job|fonction|poste|cargo|berufsbezeichnung)$/,
	website: /^(website|web site|company website|url|site|site web|webseite|homepage|website url)$/,
	country:
		/^(country|country code|pays|land|pais|paese|country region|nation|where are you based|where are you located)$/,
	city: /^(city|town|ville|stadt|ort|ciudad|citta|cidade|plaats|locality)$/,
	message:
		/^(message|your message|comments|comment|question|questions|how can we help( you)?|details|inquiry|enquiry|notes|note|description|nachricht|mensaje|project details|tell us more)$/,
};
/** Looser patterns tried only when no exact name matched; values must also look right. */
const CONTAINS: Partial<Record<IdentityField, RegExp>> = {
	email: /\be ?mail\b/,
	phone: /\b(phone|tel|mobile|telephone|whatsapp)\b/,
	company: /\b(company|organi[sz]ation)\b/,
	message: /\b(message|comment)\b/,
};
const CONSENT_MARKETING =
	/(marketing|newsletter|subscribe|opt ?in|optin|communications?|gdpr|consent|updates|promotional)/;
const CONSENT_TERMS = /(terms|privacy|agree|accept|tos|legal|conditions|datenschutz|cgu)/;

/**
 * Words that wrap a question around the field's name ("What is your first name?", "Please enter
 * your email", "Quel est votre prénom ?", "Wie lautet Ihre E-Mail?", "¿Cuál es tu teléfono?"),
 * dropped from the start of a label before it is compared with the field names.
 */
const LEAD_IN_WORDS = new Set([
	'and',
	'also',
	'finally',
	'lastly',
	'now',
	'ok',
	'great',
	'thanks',
	'what',
	'whats',
	's',
	'is',
	'are',
	'please',
	'enter',
	'type',
	'provide',
	'give',
	'share',
	'tell',
	'us',
	'me',
	'may',
	'can',
	'could',
	'we',
	'have',
	'get',
	'your',
	'you',
	'r',
	'ur',
	'the',
	'a',
	'an',
	'best',
	'et',
	'quel',
	'quelle',
	'est',
	'c',
	'quoi',
	'indiquez',
	'entrez',
	'saisissez',
	'votre',
	'vos',
	'ton',
	'ta',
	'und',
	'wie',
	'lautet',
	'ist',
	'bitte',
	'geben',
	'sie',
	'ihr',
	'ihre',
	'ihren',
	'dein',
	'deine',
	'deinen',
	'y',
	'cual',
	'es',
	'tu',
	'su',
	'sus',
	'por',
	'favor',
	'ingrese',
	'introduce',
	'escribe',
	'e',
	'qual',
	'o',
	'seu',
	'sua',
	'informe',
	'inserisci',
	'indica',
	'il',
	'la',
	'tuo',
	'tua',
	'suo',
	'wat',
	'uw',
	'je',
	'how',
	'comment',
	'como',
	'come',
	'hoe',
]);
/** ...and words that close it ("Your email address here", "Phone (optional)"). */
const TAIL_WORDS = new Set([
	'please',
	'here',
	'below',
	'optional',
	'required',
	'facultatif',
	'optionnel',
	'obligatoire',
	'pflichtfeld',
]);

/** A folded label with the question around the field's name dropped; '' when nothing is left. */
export function questionCore(folded: string): string {
	const words = folded.split(' ');
	let from = 0;
	let to = words.length;
	while (from < to - 1 && LEAD_IN_WORDS.has(words[from])) from++;
	while (to > from + 1 && TAIL_WORDS.has(words[to - 1])) to--;
	return words.slice(from, to).join(' ');
}

/**
 * A question's key and label as field names are compared (folded, and without the question's
 * wording); overlong ones are no name.
 */
function keyForms(key: string, label?: string | null): string[] {
	const forms: string[] = [];
	if (key.length <= LABEL_LIMIT) forms.push(foldText(key.replace(/[_\-.]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2')));
	if (label && label.length <= LABEL_LIMIT) forms.push(foldText(label));
	for (const form of [...forms]) {
		const core = questionCore(form);
		if (core && core !== form) forms.push(core);
	}
	return forms;
}

function truthy(v: unknown): boolean | undefined {
	if (typeof v === 'boolean') return v;
	if (typeof v === 'number') return v !== 0;
	if (Array.isArray(v)) return v.length > 0 ? v.some((x) => truthy(x) !== false) : false;
	if (typeof v === 'string') {
		const s = foldText(v);
		if (['true', 'on', 'yes', 'y', '1', 'checked', 'accepted', 'agree', 'i agree', 'oui', 'ja', 'si'].includes(s))
			return true;
		if (['false', 'off', 'no', 'n', '0', '', 'unchecked', 'declined', 'non', 'nein'].includes(s)) return false;
		return true; // a checkbox whose value is its own label
	}
	return undefined;
}

/** Single answers sometimes arrive as one-element arrays (PHP forms, Lead Ads values[]). */
function unwrap(value: unknown): unknown {
	return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

function looksRight(field: IdentityField, raw: unknown, defaultCountry?: string): boolean {
	const value = unwrap(raw);
	if (field === 'email') return normalizeEmail(value) !== null;
	if (field === 'phone') return normalizePhone(value, defaultCountry) !== null;
	return cleanString(value) !== null;
}

/** Find the value of each canonical field among the answers: mapping, vendor types, then names. */
export function resolveIdentity(sub: ParsedSubmission, ctx: BuildContext): Partial<Record<IdentityField, unknown>> {
	const out: Partial<Record<IdentityField, unknown>> = {};
	const used = new Set<number>();
	const mapping = ctx.mapping ?? {};
	const findMapped = (wanted: string): unknown => {
		const w = foldText(wanted);
		for (let i = 0; i < sub.answers.length; i++) {
			const a = sub.answers[i];
			if (a.key === wanted || foldText(a.key) === w || (a.label && foldText(a.label) === w)) {
				used.add(i);
				return a.value;
			}
		}
		for (const [k, v] of Object.entries(sub.hidden)) if (k === wanted || foldText(k) === w) return v;
		return undefined;
	};
	for (const field of IDENTITY_FIELDS) {
		const wanted = mapping[field];
		if (wanted) {
			const v = findMapped(wanted);
			if (v !== undefined) out[field] = v;
		}
	}
	for (const field of IDENTITY_FIELDS) {
		if (out[field] === undefined && sub.typed[field] !== undefined) out[field] = sub.typed[field];
	}
	// Mark answers already taken by typed values so heuristics do not reuse them.
	sub.answers.forEach((a, i) => {
		if (IDENTITY_FIELDS.some((f) => out[f] !== undefined && out[f] === a.value && typeof a.value !== 'boolean'))
			used.add(i);
	});
	const forms = sub.answers.map((a) => keyForms(a.key, a.label));
	for (const field of IDENTITY_FIELDS) {
		if (out[field] !== undefined) continue;
		// An answer named exactly like the field is taken whatever it holds (validation judges it);
		// a looser name match must also hold a value of the right shape.
		let hit = sub.answers.findIndex(
			(a, i) => !used.has(i) && forms[i].some((f) => SYNONYMS[field].test(f)) && cleanString(unwrap(a.value)) !== null,
		);
		if (hit < 0 && CONTAINS[field]) {
			hit = sub.answers.findIndex(
				(a, i) =>
					!used.has(i) &&
					forms[i].some((f) => CONTAINS[field]!.test(f)) &&
					looksRight(field, a.value, ctx.defaultCountry),
			);
		}
		if (hit >= 0) {
			out[field] = sub.answers[hit].value;
			used.add(hit);
		}
	}
	return out;
}

function resolveConsent(sub: ParsedSubmission, ctx: BuildContext, submittedAt: string): Consent {
	const consent: Consent = { ...sub.consent };
	const mapping = ctx.mapping ?? {};
	for (const a of sub.answers) {
		const forms = keyForms(a.key, a.label);
		const isMappedMarketing = mapping.consent_marketing && forms.includes(foldText(mapping.consent_marketing));
		const isMappedTerms = mapping.consent_terms && forms.includes(foldText(mapping.consent_terms));
		const isBoolish =
			typeof a.value === 'boolean' || (typeof a.value === 'string' && a.value.length < 200) || Array.isArray(a.value);
		if (!isBoolish) continue;
		if (
			isMappedMarketing ||
			(consent.marketing == null &&
				!mapping.consent_marketing &&
				forms.some((f) => CONSENT_MARKETING.test(f)) &&
				!forms.some((f) => CONSENT_TERMS.test(f)))
		) {
			consent.marketing = truthy(a.value) ?? consent.marketing;
			if (!consent.text && a.label && a.label.length > 20) consent.text = cleanString(a.label, ATTRIBUTION_LIMIT);
		} else if (
			isMappedTerms ||
			(consent.terms == null && !mapping.consent_terms && forms.some((f) => CONSENT_TERMS.test(f)))
		) {
			consent.terms = truthy(a.value) ?? consent.terms;
			if (!consent.text && a.label && a.label.length > 20) consent.text = cleanString(a.label, ATTRIBUTION_LIMIT);
		}
	}
	const any = consent.marketing === true || consent.terms === true;
	return {
		marketing: consent.marketing ?? null,
		terms: consent.terms ?? null,
		text: cleanString(consent.text, ATTRIBUTION_LIMIT),
		at: any ? (consent.at ?? submittedAt) : (consent.at ?? null),
		ip: cleanString(any ? (consent.ip ?? sub.visitorIp ?? ctx.requestIp) : consent.ip, IP_LIMIT),
		source: sourceText(
			any ? (consent.source ?? sub.pageUrl ?? `${sub.provider}${sub.formId ? `:${sub.formId}` : ''}`) : consent.source,
		),
	};
}

function queryOf(url: string | undefined): URLSearchParams | undefined {
	if (!url || url.length > ATTRIBUTION_LIMIT) return undefined;
	try {
		return new URL(url, 'https://placeholder.invalid').searchParams;
	} catch {
		return undefined;
	}
}

/**
 * UTM and click ids from hidden fields, answers, the page URL, the referrer the vendor reports,
 * the request's own Referer header (a plain HTML form posted from the page: browsers keep the
 * query of a same-origin Referer, and strip it from a cross-origin one), then the webhook's query
 * string.
 */
export function resolveAttribution(sub: ParsedSubmission, ctx: BuildContext): Attribution {
	const out: Attribution = {};
	// Attribution keys are short ("utm_source"): longer keys and labels are not compared.
	const named = (name: string | null | undefined, k: string) =>
		!!name && name.length === k.length && name.toLowerCase() === k;
	const page = queryOf(sub.pageUrl);
	const referrer = queryOf(sub.referrer);
	const refererHeader = queryOf(ctx.requestReferrer);
	const sources: Array<(k: string) => unknown> = [
		(k) => Object.entries(sub.hidden).find(([hk]) => named(hk, k))?.[1],
		(k) => sub.answers.find((a) => named(a.key, k) || named(a.label, k))?.value,
		(k) => page?.get(k) ?? undefined,
		(k) => referrer?.get(k) ?? undefined,
		(k) => refererHeader?.get(k) ?? undefined,
		(k) => (ctx.query ? ctx.query[k] : undefined),
	];
	for (const field of ATTRIBUTION_FIELDS) {
		for (const src of sources) {
			const v = cleanString(src(field), ATTRIBUTION_LIMIT);
			if (v) {
				out[field] = v;
				break;
			}
		}
	}
	out.landing_page = out.landing_page ?? cleanString(sub.pageUrl, ATTRIBUTION_LIMIT) ?? null;
	out.referrer =
		out.referrer ??
		cleanString(sub.referrer, ATTRIBUTION_LIMIT) ??
		cleanString(ctx.requestReferrer, ATTRIBUTION_LIMIT) ??
		null;
	for (const field of ATTRIBUTION_FIELDS) if (out[field] === undefined) out[field] = null;
	return out;
}

/** Stable id for a vendor submission, so a retried delivery maps to the same lead id. */
export function leadIdFor(sub: ParsedSubmission): string {
	if (!sub.submissionId) return randomUUID();
	const h = createHash('sha256')
		.update(`${sub.provider}\u0000${sub.formId ?? ''}\u0000${sub.submissionId}`)
		.digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * One canonical field's value: normalised when it reads as one (an address, E.164, a country
 * code), else kept as typed; never longer than FIELD_LIMITS (the normalisers refuse overlong
 * input before any pattern runs on it).
 */
function clean(field: IdentityField, raw: unknown, ctx: BuildContext): string | null {
	const value = unwrap(raw);
	const limit = FIELD_LIMITS[field];
	if (field === 'email') return normalizeEmail(value)?.email ?? cleanString(value, limit);
	if (field === 'phone') return normalizePhone(value, ctx.defaultCountry)?.e164 ?? cleanString(value, limit);
	if (field === 'website') return normalizeWebsite(value) ?? cleanString(value, limit);
	const s = cleanString(value, limit);
	if (!s) return null;
	if (field === 'country') return normalizeCountry(s) ?? s;
	if (field === 'first_name' || field === 'last_name' || field === 'full_name') return tidyNameCase(s);
	return s;
}

/** A vendor-supplied id, name or address for the lead's source section, cut to the limit. */
function sourceText(v: unknown): string | null {
	return cleanString(v, ATTRIBUTION_LIMIT);
}

/** The region of a locale the form states ("de-DE", "fr_FR", "pt-BR"), as a country code. */
function localeCountry(sub: ParsedSubmission): string | undefined {
	const answered = Object.fromEntries(
		sub.answers.filter((a) => a.key.length <= 10).map((a) => [a.key.toLowerCase(), a.value]),
	);
	for (const source of [sub.meta, sub.hidden, answered]) {
		for (const key of ['locale', 'language', 'lang', 'hl']) {
			const v = source[key];
			if (typeof v !== 'string' || v.length > 20) continue;
			const region = v.split(/[-_]/)[1]?.toUpperCase();
			if (region && /^[A-Z]{2}$/.test(region)) return region;
		}
	}
	return undefined;
}

/** Turns a parsed submission into the canonical lead. */
export function buildLead(sub: ParsedSubmission, ctx: BuildContext): Lead {
	const identity = resolveIdentity(sub, ctx);
	// A national phone number is read with the submission's own country: the country it states,
	// else the form's locale, else the visitor's IP country, else the node's default.
	// A number that reads under none of them is kept as typed.
	const country = clean('country', identity.country, ctx);
	const countries = [
		country && /^[A-Z]{2}$/.test(country) ? country : undefined,
		localeCountry(sub),
		ctx.requestCountry,
		ctx.defaultCountry,
	];
	const phoneCountry = countries.find((c) => c && normalizePhone(unwrap(identity.phone), c)) ?? ctx.defaultCountry;
	const phoneCtx = { ...ctx, defaultCountry: phoneCountry };
	const values = Object.fromEntries(
		IDENTITY_FIELDS.map((f) => [f, f === 'country' ? country : clean(f, identity[f], phoneCtx)]),
	) as Record<IdentityField, string | null>;
	if (values.full_name && !values.first_name && !values.last_name) {
		const split = splitFullName(values.full_name);
		values.first_name = cleanString(split.first_name, FIELD_LIMITS.first_name);
		values.last_name = cleanString(split.last_name, FIELD_LIMITS.last_name);
	}
	if (!values.full_name && (values.first_name || values.last_name)) {
		values.full_name = cleanString(
			[values.first_name, values.last_name].filter(Boolean).join(' '),
			FIELD_LIMITS.full_name,
		);
	}
	if (!values.country && values.phone) {
		values.country = normalizePhone(values.phone)?.country ?? null;
	}
	const receivedAt = ctx.receivedAt.toISOString();
	const submittedAt = sub.submittedAt ?? receivedAt;
	const custom: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(sub.hidden)) {
		if (!(ATTRIBUTION_FIELDS as readonly string[]).includes(k.toLowerCase())) custom[k] = v;
	}
	if (Object.keys(sub.meta).length) custom.vendor = sub.meta;
	return {
		schema_version: LEAD_SCHEMA_VERSION,
		id: leadIdFor(sub),
		...values,
		answers: sub.answers,
		custom,
		consent: resolveConsent(sub, ctx, submittedAt),
		attribution: resolveAttribution(sub, ctx),
		source: {
			provider: sub.provider,
			form_id: sourceText(sub.formId),
			form_name: sourceText(sub.formName),
			submission_id: sourceText(sub.submissionId),
			submitted_at: submittedAt,
			received_at: receivedAt,
			ip: cleanString(sub.visitorIp ?? ctx.requestIp, IP_LIMIT),
			user_agent: cleanString(sub.visitorUserAgent ?? ctx.requestUserAgent, USER_AGENT_LIMIT),
		},
		dedupe: null,
		enrichment: null,
		score: null,
		owner: null,
		stage: null,
		sla: null,
		history: [
			{
				at: receivedAt,
				node: ctx.nodeName ?? 'Lead Capture Trigger',
				action: 'captured',
				detail: { provider: sub.provider, ...(sub.formId ? { form_id: sourceText(sub.formId) } : {}) },
			},
		],
	};
}
