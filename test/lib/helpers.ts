import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingSubmission } from '../../lib/capture/types';
import type { CaptureConfig } from '../../lib/capture/capture';
import { parseEscalation, type PolicySpec } from '../../lib/sla/policy';

export const FIXTURES = join(__dirname, '..', 'fixtures');

export function fixture(name: string): Buffer {
	return readFileSync(join(FIXTURES, 'payloads', name));
}
export function fixtureJson(name: string): Record<string, unknown> {
	return JSON.parse(fixture(name).toString('utf8'));
}

/** A request as the trigger sees it after n8n's body parser. */
export function jsonRequest(
	body: unknown,
	headers: Record<string, string> = {},
	extra: Partial<IncomingSubmission> = {},
): IncomingSubmission {
	const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
	return {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		query: {},
		body: typeof body === 'string' ? JSON.parse(body) : JSON.parse(raw.toString()),
		rawBody: raw,
		ip: '127.0.0.1',
		receivedAt: new Date('2026-11-20T12:00:00Z'),
		...extra,
	};
}

export function formRequest(text: string, extra: Partial<IncomingSubmission> = {}): IncomingSubmission {
	return {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		query: {},
		body: Object.fromEntries(new URLSearchParams(text)),
		rawBody: Buffer.from(text),
		ip: '127.0.0.1',
		receivedAt: new Date('2026-11-20T12:00:00Z'),
		...extra,
	};
}

export function config(overrides: Partial<CaptureConfig> = {}): CaptureConfig {
	return {
		provider: 'auto',
		auth: { type: 'none' },
		ipAllowlist: [],
		mapping: {},
		validation: { required: ['email_or_phone'], validateEmail: true, validatePhone: true },
		spam: {
			honeypotFields: ['_gotcha'],
			minFillSeconds: 3,
			startedAtField: 'form_started_at',
			rejectDisposableEmail: true,
			rejectBotUserAgent: false,
		},
		publicUrl: 'https://n8n.example/webhook/lead',
		...overrides,
	};
}

/** The SLA policy the SLA tests start from (business hours in Berlin, 4 h first response), changed by `over`. */
export const slaSpec = (over: Partial<PolicySpec> = {}): PolicySpec => ({
	name: 'Inbound',
	firstResponseHours: 4,
	from: 'created',
	clock: { kind: 'business', schedule: 'Mon-Fri 09:00-17:00', zone: 'Europe/Berlin', holidays: '' },
	ownerZone: true,
	atRiskPercent: 75,
	escalation: parseEscalation('100: owner, 150: manager, 200: re-route'),
	...over,
});
