import type { Lead, LeadIssue } from '../lead/schema';
import { checkLead, IDENTITY_FIELDS } from '../lead/schema';
import { normalizeEmail } from '../normalize/email';
import { normalizePhone } from '../normalize/phone';

export const REQUIRABLE_FIELDS = ['email_or_phone', ...IDENTITY_FIELDS, 'consent.marketing', 'consent.terms'] as const;
export type RequirableField = (typeof REQUIRABLE_FIELDS)[number];

export interface ValidationRules {
	required: RequirableField[];
	validateEmail: boolean;
	validatePhone: boolean;
	defaultCountry?: string;
}

export interface Validation {
	/** Problems that refuse the lead. */
	issues: LeadIssue[];
	/** Problems noted on the lead, which is accepted. */
	warnings: LeadIssue[];
}

/**
 * Every problem with a captured lead, each naming its field, so a form can show them all at once.
 * A phone in no recognised format beside a valid email never refuses the lead: it is kept as typed
 * and noted in `warnings` (people mistype phones far more often than they give a wrong email).
 */
export function validateLead(lead: Lead, rules: ValidationRules): Validation {
	const issues: LeadIssue[] = [];
	const warnings: LeadIssue[] = [];
	for (const field of rules.required) {
		if (field === 'email_or_phone') {
			if (!lead.email && !lead.phone)
				issues.push({ field: 'email', message: 'an email or a phone number is required' });
		} else if (field === 'consent.marketing' || field === 'consent.terms') {
			const key = field === 'consent.marketing' ? 'marketing' : 'terms';
			if (lead.consent[key] !== true) issues.push({ field, message: 'consent is required' });
		} else if (!lead[field]) {
			issues.push({ field, message: 'is required' });
		}
	}
	if (rules.validateEmail && lead.email && !normalizeEmail(lead.email)) {
		issues.push({ field: 'email', message: `"${truncate(lead.email)}" is not a valid email address` });
	}
	// "Possible" (right length for its country), not "assigned": a lead is never refused over a
	// number the metadata does not know yet.
	if (rules.validatePhone && lead.phone && !normalizePhone(lead.phone, rules.defaultCountry)) {
		const problem = { field: 'phone', message: `"${truncate(lead.phone)}" is not a valid phone number` };
		if (lead.email && normalizeEmail(lead.email))
			warnings.push({ ...problem, message: `${problem.message}; kept as typed` });
		else issues.push(problem);
	}
	issues.push(...checkLead(lead).issues);
	return { issues, warnings };
}

function truncate(s: string): string {
	return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
