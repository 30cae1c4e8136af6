import { get, set } from 'lodash';
import type { Outcome } from './client';
import type { LocalEnrichment } from './local';
import type { ProviderAdapter } from './providers/types';

/** The canonical lead's `enrichment` section (see the README): plain JSON. */
export type EnrichmentSection = Record<string, unknown>;

/** Where a field came from and when: `fields["company.industry"] = { source: "apollo.person", at }`. */
export interface Provenance {
	source: string;
	at: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A copy of a lead's section to write into (the input item is never changed). */
export function sectionOf(value: unknown): EnrichmentSection {
	return isObject(value) ? structuredClone(value) : {};
}

/** Whether the section holds a field, and when it was filled (null when no provenance says). */
export function fieldState(section: EnrichmentSection, field: string): { present: boolean; at: number | null } {
	const value = get(section, field);
	const present = value !== undefined && value !== null && value !== '';
	const at = (section.fields as Record<string, Provenance> | undefined)?.[field]?.at;
	const ms = at ? Date.parse(at) : NaN;
	return { present, at: Number.isFinite(ms) ? ms : null };
}

/** Local facts into the section: each part replaced whole (local facts are recomputed every run). */
export function mergeLocal(section: EnrichmentSection, local: LocalEnrichment, at: string): EnrichmentSection {
	for (const [part, value] of Object.entries(local)) {
		if (part === 'company' && isObject(value)) {
			// Providers' company fields stay; only the locally derived ones are refreshed.
			section.company = { ...(isObject(section.company) ? section.company : {}), ...value };
		} else if (part === 'email' && isObject(value) && isObject(section.email)) {
			section.email = { ...section.email, ...value };
		} else section[part] = value;
	}
	section.local_at = at;
	return section;
}

/** A provider's outcome into the section: its fields with provenance, its status, its raw answer. */
export function applyOutcome(
	section: EnrichmentSection,
	adapter: ProviderAdapter,
	outcome: Outcome,
	options: { keepRaw: boolean; overwrite: boolean },
): EnrichmentSection {
	const providers = (section.providers = isObject(section.providers) ? section.providers : {});
	const status: Record<string, unknown> = { status: outcome.status };
	if (outcome.answer) {
		status.found = outcome.answer.found;
		status.at = outcome.answer.at;
		const fields = (section.fields = isObject(section.fields) ? section.fields : {}) as Record<string, Provenance>;
		for (const [path, value] of Object.entries(outcome.answer.fields)) {
			if (!options.overwrite && fieldState(section, path).present && fields[path]?.source !== adapter.id) continue;
			set(section, path, value);
			fields[path] = { source: adapter.id, at: outcome.answer.at };
		}
		if (options.keepRaw) {
			const raw = (section.raw = isObject(section.raw) ? section.raw : {});
			raw[adapter.id] = outcome.answer.raw;
		}
	}
	if (outcome.error) {
		status.error = outcome.error.message;
		status.error_kind = outcome.error.kind;
	}
	if (outcome.reason) status.reason = outcome.reason;
	providers[adapter.id] = status;
	return section;
}
