import { z } from 'zod';

/**
 * The canonical lead: the one shape every node of this package reads and writes.
 * Field names are the package's public API; add fields, never rename them.
 */
export const LEAD_SCHEMA_VERSION = 1;

const str = z.string();
const optStr = str.nullish();
const isoDate = z.string().datetime({ offset: true });

export const consentSchema = z
	.object({
		marketing: z.boolean().nullish(),
		terms: z.boolean().nullish(),
		text: optStr,
		at: isoDate.nullish(),
		ip: optStr,
		source: optStr,
	})
	.strict();

export const attributionSchema = z
	.object({
		utm_source: optStr,
		utm_medium: optStr,
		utm_campaign: optStr,
		utm_term: optStr,
		utm_content: optStr,
		gclid: optStr,
		fbclid: optStr,
		landing_page: optStr,
		referrer: optStr,
	})
	.strict();

export const leadSourceSchema = z
	.object({
		provider: str,
		form_id: optStr,
		form_name: optStr,
		submission_id: optStr,
		submitted_at: isoDate.nullish(),
		received_at: isoDate,
		ip: optStr,
		user_agent: optStr,
	})
	.strict();

/** One answer as the form sent it: kept so nothing the visitor typed is lost. */
export const answerSchema = z
	.object({
		key: str,
		label: optStr,
		type: optStr,
		value: z.unknown(),
	})
	.strict();

export const historyEntrySchema = z
	.object({
		at: isoDate,
		node: str,
		action: str,
		detail: z.record(z.unknown()).optional(),
	})
	.strict();

/** Sections filled by later nodes (Dedupe, Enrich, Score, Route, Advance Stage, SLA Check). */
const openSection = z.record(z.unknown());

export const leadSchema = z
	.object({
		schema_version: z.literal(LEAD_SCHEMA_VERSION),
		id: str.min(1),
		email: optStr,
		phone: optStr,
		first_name: optStr,
		last_name: optStr,
		full_name: optStr,
		company: optStr,
		job_title: optStr,
		website: optStr,
		country: optStr,
		city: optStr,
		message: optStr,
		answers: z.array(answerSchema),
		custom: z.record(z.unknown()),
		consent: consentSchema,
		attribution: attributionSchema,
		source: leadSourceSchema,
		dedupe: openSection.nullish(),
		enrichment: openSection.nullish(),
		score: openSection.nullish(),
		owner: openSection.nullish(),
		stage: openSection.nullish(),
		sla: openSection.nullish(),
		history: z.array(historyEntrySchema),
		/** Problems that did not stop the lead (a phone in no known format beside a valid email). */
		warnings: z.array(z.object({ field: str, message: str }).strict()).optional(),
	})
	.strict();

export type Consent = z.infer<typeof consentSchema>;
export type Attribution = z.infer<typeof attributionSchema>;
export type LeadSource = z.infer<typeof leadSourceSchema>;
export type Answer = z.infer<typeof answerSchema>;
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export type Lead = z.infer<typeof leadSchema>;

/** The identity fields a form can fill, in the order the README documents them. */
export const IDENTITY_FIELDS = [
	'email',
	'phone',
	'first_name',
	'last_name',
	'full_name',
	'company',
	'job_title',
	'website',
	'country',
	'city',
	'message',
] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

export const ATTRIBUTION_FIELDS = [
	'utm_source',
	'utm_medium',
	'utm_campaign',
	'utm_term',
	'utm_content',
	'gclid',
	'fbclid',
	'landing_page',
	'referrer',
] as const;
export type AttributionField = (typeof ATTRIBUTION_FIELDS)[number];

export interface LeadIssue {
	field: string;
	message: string;
}

/** Validate a candidate lead; returns the issues by dotted field path instead of throwing. */
export function checkLead(value: unknown): { lead?: Lead; issues: LeadIssue[] } {
	const parsed = leadSchema.safeParse(value);
	if (parsed.success) return { lead: parsed.data, issues: [] };
	return {
		issues: parsed.error.issues.map((i) => ({
			field: i.path.join('.') || '(lead)',
			message: i.message,
		})),
	};
}
