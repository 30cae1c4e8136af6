import { IDENTITY_FIELDS, type Consent } from '../lead/schema';

type Json = Record<string, unknown>;

const IDENTITY = IDENTITY_FIELDS;

function blank(v: unknown): boolean {
	return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/** When a lead was submitted, for "newest wins"; input order breaks ties. */
export function submittedAt(lead: Json): number {
	const source = lead.source as Json | undefined;
	const t = Date.parse(
		String(source?.submitted_at ?? source?.received_at ?? lead.submitted_at ?? lead.created_at ?? ''),
	);
	return Number.isNaN(t) ? 0 : t;
}

/**
 * Consent is never widened by a merge: a flag is true only if the kept lead already gave it; any
 * explicit refusal (false) in a duplicate wins. (Merging must not subscribe someone who did not
 * subscribe on this record, as Mautic's auto-merge once did.) When a refusal wins, the record of
 * consent (when, from which IP, on which page, with which wording) is the refusal's, so it
 * describes the state that is kept, not the earlier grant.
 */
export function mergeConsent(
	kept: Partial<Consent> | undefined,
	others: Array<Partial<Consent> | undefined>,
): Partial<Consent> | undefined {
	if (!kept && !others.length) return undefined;
	const out: Partial<Consent> = { ...(kept ?? {}) };
	const refusals: Array<Partial<Consent>> = [];
	for (const flag of ['marketing', 'terms'] as const) {
		const refusing = others.filter((o): o is Partial<Consent> => o?.[flag] === false);
		if (!refusing.length) continue;
		if (out[flag] !== false) refusals.push(...refusing);
		out[flag] = false;
	}
	if (refusals.length) {
		// The latest refusal (by its time, else the last in order) describes the kept state.
		const latest = refusals.reduce((a, b) =>
			Date.parse(String(b.at ?? '')) >= Date.parse(String(a.at ?? '')) || !a.at ? b : a,
		);
		for (const field of ['at', 'ip', 'source', 'text'] as const) out[field] = latest[field] ?? null;
	}
	return out;
}

/**
 * Merges duplicates into the kept lead: blanks filled, newest value wins per identity field,
 * answers and history appended, attribution kept from the first touch (blanks filled), consent
 * never widened. The result keeps the kept lead's id.
 */
export function mergeLeads(kept: Json, duplicates: Json[]): Json {
	const all = [kept, ...duplicates].map((lead, order) => ({ lead, order, t: submittedAt(lead) }));
	const newestFirst = [...all].sort((a, b) => b.t - a.t || b.order - a.order);
	const out: Json = { ...kept };
	for (const field of IDENTITY) {
		const newest = newestFirst.find((x) => !blank(x.lead[field]));
		if (newest) out[field] = newest.lead[field];
	}
	for (const { lead } of newestFirst)
		for (const [k, v] of Object.entries(lead)) if (blank(out[k]) && !blank(v)) out[k] = v;
	if (Array.isArray(kept.answers))
		out.answers = all.flatMap((x) => (Array.isArray(x.lead.answers) ? x.lead.answers : []));
	if (kept.attribution && typeof kept.attribution === 'object') {
		const attr: Json = { ...(kept.attribution as Json) };
		for (const d of duplicates)
			for (const [k, v] of Object.entries((d.attribution as Json) ?? {})) if (blank(attr[k]) && !blank(v)) attr[k] = v;
		out.attribution = attr;
	}
	if (kept.custom && typeof kept.custom === 'object') {
		out.custom = Object.assign(
			{},
			...[...all].sort((a, b) => a.t - b.t || a.order - b.order).map((x) => (x.lead.custom as Json) ?? {}),
		);
	}
	if ('consent' in kept || duplicates.some((d) => 'consent' in d)) {
		out.consent = mergeConsent(
			kept.consent as Partial<Consent>,
			duplicates.map((d) => d.consent as Partial<Consent>),
		);
	}
	if (Array.isArray(kept.history))
		out.history = all.flatMap((x) => (Array.isArray(x.lead.history) ? x.lead.history : []));
	out.id = kept.id;
	return out;
}
