/**
 * Hostile input in every field of every adapter: 1 MB values made of runs that make naive regular
 * expressions backtrack (dots, spaces, '<', '@', digits, combining accents). Each capture must
 * finish (before issue #9 an email of 100,000 dots alone blocked the event loop for 8 s), every
 * canonical field must stay within its documented limit, and the fields the hostile value did not
 * feed must come out exactly as they do from the untouched payload.
 */
import { applyFacebookLead, parseSubmission } from '../../lib/capture/adapters';
import { captureLead, receiveSubmission, type CaptureConfig } from '../../lib/capture/capture';
import { multipartBoundary, parseMultipart } from '../../lib/capture/multipart';
import type { IncomingSubmission } from '../../lib/capture/types';
import { FIELD_LIMITS } from '../../lib/lead/limits';
import { IDENTITY_FIELDS, checkLead, type Lead } from '../../lib/lead/schema';
import { normalizeEmail } from '../../lib/normalize/email';
import { normalizePhone } from '../../lib/normalize/phone';
import { config, fixture, fixtureJson, formRequest, jsonRequest } from './helpers';

const SIZE = 1_000_000;
const HOSTILE: Record<string, string> = {
	dots: `${'.'.repeat(SIZE)}a`,
	spaces: `${' '.repeat(SIZE)}a`,
	angles: '<'.repeat(SIZE),
	ats: `${'@'.repeat(SIZE)}x`,
	digits: '1'.repeat(SIZE),
	accents: 'e\u0301'.repeat(SIZE / 2),
};

type Json = Record<string, unknown>;
type Outcome = { refused: true; status: number } | { refused: false; lead: Lead; issues: string[] };

interface AdapterCase {
	name: string;
	/** The payload whose string leaves are attacked (a copy is handed to `run`). */
	payload: () => Json;
	run: (payload: Json) => Outcome;
	cfg?: Partial<CaptureConfig>;
}

function capture(req: IncomingSubmission, cfg: CaptureConfig): Outcome {
	const received = receiveSubmission(req, cfg);
	if (!received.ok) return { refused: true, status: received.status };
	const c = captureLead(received.submissions[0], req, cfg);
	return { refused: false, lead: c.lead, issues: c.issues.map((i) => i.field) };
}

const jotformFields = () => {
	const boundary = multipartBoundary('multipart/form-data; boundary=------------------------J1JNT4vbVO4FCC1qLG4HSv')!;
	const fields = parseMultipart(fixture('jotform.multipart'), boundary).fields as Json;
	return { ...fields, rawRequest: JSON.parse(fields.rawRequest as string) };
};

const CASES: AdapterCase[] = [
	...['typeform', 'tally', 'webflow', 'hubspot', 'googleads', 'generic'].map((name) => ({
		name,
		payload: () => fixtureJson(`${name}.json`),
		run: (p: Json) => capture(jsonRequest(p), config({ defaultCountry: 'FR' })),
	})),
	{
		name: 'jotform',
		payload: jotformFields,
		run: (p: Json) => {
			const body = { ...p, rawRequest: JSON.stringify(p.rawRequest) };
			return capture(
				{ method: 'POST', headers: {}, query: {}, body, ip: '10.0.0.1', receivedAt: new Date('2026-11-20T12:00:00Z') },
				config({ defaultCountry: 'US' }),
			);
		},
	},
	...['elementor-simple', 'elementor-advanced'].map((name) => ({
		name,
		payload: () => Object.fromEntries(new URLSearchParams(fixture(`${name}.txt`).toString())) as Json,
		run: (p: Json) => {
			const req = formRequest('');
			return capture({ ...req, body: p, rawBody: undefined }, config({ defaultCountry: 'DE' }));
		},
	})),
	{
		name: 'facebook (Graph lead)',
		payload: () => fixtureJson('facebook-lead-123412341234.json'),
		run: (p: Json) => {
			const hook = fixtureJson('facebook-webhook.json');
			const sub = applyFacebookLead(parseSubmission('facebook', hook)[0], p);
			const c = captureLead(sub, jsonRequest(hook), config());
			return { refused: false, lead: c.lead, issues: c.issues.map((i) => i.field) };
		},
	},
];

/** Paths of every string leaf of a JSON value. */
function stringLeaves(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
	if (typeof value === 'string') return [path];
	if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
	if (value && typeof value === 'object')
		return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
	return [];
}

function setAt(root: Json, path: Array<string | number>, value: string): void {
	let node = root as Record<string | number, unknown>;
	for (const p of path.slice(0, -1)) node = node[p] as Record<string | number, unknown>;
	node[path[path.length - 1]] = value;
}

function getAt(root: Json, path: Array<string | number>): unknown {
	return path.reduce<unknown>((node, p) => (node as Record<string | number, unknown>)?.[p], root);
}

/** Which canonical fields a leaf's text feeds in the untouched lead (so only they may change). */
function fedBy(text: string, lead: Lead): Set<string> {
	const fed = new Set<string>();
	const phone =
		normalizePhone(text, 'FR')?.e164 ?? normalizePhone(text, 'US')?.e164 ?? normalizePhone(text, 'DE')?.e164;
	const email = normalizeEmail(text)?.email;
	for (const f of IDENTITY_FIELDS) {
		const v = lead[f];
		if (!v) continue;
		const t = text.trim();
		const same = v === t || v.toLowerCase() === t.toLowerCase() || v === email || v === phone;
		if (same || (t.length >= 4 && (t.includes(v) || v.includes(t)))) fed.add(f);
	}
	// Derived fields: a full name from its parts (and back), a country from the phone.
	if (fed.has('first_name') || fed.has('last_name')) fed.add('full_name');
	if (fed.has('full_name')) fed.add('first_name').add('last_name');
	if (fed.has('phone') || fed.has('country')) fed.add('country').add('phone');
	return fed;
}

describe.each(CASES)('hostile 1 MB values in every field: $name', (c) => {
	const baseline = c.run(c.payload());
	if (baseline.refused) throw new Error(`${c.name}: the untouched payload is refused`);
	const leaves = stringLeaves(c.payload());

	it('the untouched payload gives a lead (the cases below compare with it)', () => {
		// Several leaves hold field values, so the strict comparison below runs for each.
		expect(
			leaves.filter((p) => fedBy(String(getAt(c.payload(), p)), baseline.lead).size > 0).length,
		).toBeGreaterThanOrEqual(3);
		expect(checkLead(baseline.lead).issues).toEqual([]);
	});

	it.each(Object.keys(HOSTILE))('%s: every field bounded, untouched fields unchanged', (kind) => {
		for (const path of leaves) {
			const payload = c.payload();
			const original = String(getAt(payload, path));
			setAt(payload, path, HOSTILE[kind]);
			const out = c.run(payload);
			const where = `${c.name} ${path.join('.')} (${kind})`;
			if (out.refused) {
				// A refusal is a readable 4xx, never a crash.
				expect([where, out.status >= 400 && out.status < 500]).toEqual([where, true]);
				continue;
			}
			const { lead } = out;
			// A leaf holding a field's value may change that field only. Other leaves (a question's type,
			// the vendor's event name) change what the payload means: for them, bounds and shape alone.
			const fed = fedBy(original, baseline.lead);
			for (const f of IDENTITY_FIELDS) {
				const v = lead[f];
				if (v) expect([where, f, v.length <= FIELD_LIMITS[f]]).toEqual([where, f, true]);
				if (fed.size && !fed.has(f)) expect([where, f, v]).toEqual([where, f, baseline.lead[f]]);
			}
			// An email no longer valid is named in the issues, never passed on as an address.
			if (lead.email && !normalizeEmail(lead.email))
				expect([where, out.issues.includes('email')]).toEqual([where, true]);
			for (const [k, v] of [...Object.entries(lead.attribution), ...Object.entries(lead.source)]) {
				if (typeof v === 'string') expect([where, k, v.length <= 2048]).toEqual([where, k, true]);
			}
			expect([where, checkLead(lead).issues]).toEqual([where, []]);
		}
	});
});
