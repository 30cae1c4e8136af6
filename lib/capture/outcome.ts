import type { Lead, LeadIssue } from '../lead/schema';
import type { CapturedLead } from './capture';
import { vendorWantsSuccess } from './capture';
import type { Provider } from './types';

export type RejectionStatus = 'vendor' | 'always4xx' | 'always200';

export interface RejectedLead {
	rejected: true;
	reason: 'invalid' | 'spam' | 'fetch_failed';
	reasons: string[];
	issues: LeadIssue[];
	lead: Lead | null;
	source_ids?: Record<string, unknown>;
}

export interface CaptureOutcome {
	accepted: Lead[];
	rejected: RejectedLead[];
	/** Submissions seen before within the repeat window: neither accepted nor rejected. */
	repeated: number;
	/** HTTP status and body for the caller when nothing was accepted. */
	status: number;
	body: Record<string, unknown>;
}

/**
 * Sorts captured leads into accepted and rejected and picks the caller's answer:
 * invalid → 422 for plain forms and APIs (a form can show the issues), 2xx for vendors that
 * retry otherwise; spam → 200 so bots learn nothing; repeats → 200.
 */
export function decideOutcome(
	provider: Provider,
	captured: Array<CapturedLead & { repeated?: boolean }>,
	fetchFailures: RejectedLead[],
	rejectionStatus: RejectionStatus,
): CaptureOutcome {
	const accepted: Lead[] = [];
	const rejected: RejectedLead[] = [...fetchFailures];
	let repeated = 0;
	for (const c of captured) {
		if (c.repeated) repeated++;
		else if (c.issues.length)
			rejected.push({
				rejected: true,
				reason: 'invalid',
				reasons: c.issues.map((i) => `${i.field}: ${i.message}`),
				issues: c.issues,
				lead: c.lead,
			});
		else if (c.spam.spam)
			rejected.push({ rejected: true, reason: 'spam', reasons: c.spam.reasons, issues: [], lead: c.lead });
		else accepted.push(c.lead);
	}
	const invalid = rejected.filter((r) => r.reason === 'invalid');
	let status = 200;
	let body: Record<string, unknown> = { ok: true, lead_ids: accepted.map((l) => l.id) };
	if (accepted.length === 0 && invalid.length > 0) {
		const use4xx = rejectionStatus === 'always4xx' || (rejectionStatus === 'vendor' && !vendorWantsSuccess(provider));
		status = use4xx ? 422 : 200;
		body = {
			ok: false,
			error: 'invalid_submission',
			message: 'The submission has invalid or missing fields',
			issues: invalid.flatMap((r) => r.issues),
		};
	} else if (accepted.length === 0 && rejected.length > 0) {
		status = rejectionStatus === 'always4xx' ? 422 : 200;
		body =
			status === 200
				? { ok: true, lead_ids: [] }
				: { ok: false, error: 'rejected', message: 'The submission was rejected' };
	} else if (accepted.length === 0 && repeated > 0) {
		body = { ok: true, duplicate: true, message: 'Already received' };
	}
	return { accepted, rejected, repeated, status, body };
}
