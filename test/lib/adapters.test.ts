import { applyFacebookLead, detectProvider, parseSubmission } from '../../lib/capture/adapters';
import { captureLead, receiveSubmission } from '../../lib/capture/capture';
import { parseMultipart, multipartBoundary } from '../../lib/capture/multipart';
import { checkLead } from '../../lib/lead/schema';
import type { IncomingSubmission } from '../../lib/capture/types';
import { config, fixture, fixtureJson, formRequest, jsonRequest } from './helpers';

function captureOne(req: IncomingSubmission, cfg = config()) {
	const received = receiveSubmission(req, cfg);
	if (!received.ok) throw new Error(JSON.stringify(received.body));
	expect(received.submissions).toHaveLength(1);
	const c = captureLead(received.submissions[0], req, cfg);
	expect(checkLead(c.lead).issues).toEqual([]);
	return { provider: received.provider, ...c };
}

describe('Typeform', () => {
	const { provider, lead, issues, spam } = captureOne(jsonRequest(fixtureJson('typeform.json')));
	it('is detected and every typed answer lands in the canonical fields', () => {
		expect(provider).toBe('typeform');
		expect(lead).toMatchObject({
			email: 'laura.dupont+demo@gmail.com',
			phone: '+33612345678',
			first_name: 'Laura',
			last_name: 'Dupont',
			full_name: 'Laura Dupont',
			company: 'Acme SAS',
			website: 'https://www.acme.example',
			country: 'FR',
		});
		expect(issues).toEqual([]);
		expect(spam.spam).toBe(false);
	});
	it('keeps choices, numbers and the legal answer, and reads hidden UTMs', () => {
		const byKey = Object.fromEntries(lead.answers.map((a) => [a.key, a.value]));
		expect(byKey.company_size).toBe('51-200');
		expect(byKey.products).toEqual(['CRM', 'Analytics', 'Billing']);
		expect(byKey.likelihood).toBe(8);
		expect(lead.consent).toMatchObject({
			terms: true,
			text: 'I accept the privacy policy and terms',
			at: '2026-11-20T10:16:40.000Z',
		});
		expect(lead.attribution).toMatchObject({ utm_source: 'newsletter', utm_campaign: 'black-friday' });
		expect(lead.custom).toMatchObject({ user_id: 'abc123456', score: 4, name: 'typeform', vendor: { score: 9 } });
		expect(lead.source).toMatchObject({
			provider: 'typeform',
			form_id: 'lT4Z3j',
			form_name: 'Request a demo',
			submission_id: 'a3a12ec67a1365927098a606107fac15',
			submitted_at: '2026-11-20T10:16:40.000Z',
		});
	});
	it('flags a form filled faster than the minimum from landed_at', () => {
		const body = fixtureJson('typeform.json');
		(body.form_response as Record<string, unknown>).landed_at = '2026-11-20T10:16:39Z';
		expect(captureOne(jsonRequest(body)).spam.reasons[0]).toMatch(/filled in 1 s/);
	});
});

describe('Tally', () => {
	const { provider, lead } = captureOne(jsonRequest(fixtureJson('tally.json')));
	it('resolves option ids to labels and drops the per-option checkbox expansion', () => {
		expect(provider).toBe('tally');
		const byLabel = Object.fromEntries(lead.answers.map((a) => [a.label, a.value]));
		expect(byLabel['Team size']).toEqual(['11-50']);
		expect(byLabel.Interests).toEqual(['Routing', 'Dedupe']);
		expect(byLabel['Interests (Routing)']).toBeUndefined();
		expect(byLabel.Seats).toBe(42);
	});
	it('splits the full name and reads hidden fields as attribution', () => {
		expect(lead).toMatchObject({
			first_name: 'Jean-Pierre',
			last_name: 'de la Fontaine',
			email: 'jp@fontaine.example',
			phone: '+32470123456',
			country: 'BE',
		});
		expect(lead.attribution).toMatchObject({ utm_campaign: 'newsletter', utm_source: 'linkedin' });
		expect(lead.consent.marketing).toBe(true);
		expect(lead.source.submission_id).toBe('2wgx4n');
		expect(lead.custom.vendor).toMatchObject({ Score: 12, event_id: 'a4cb511e-d513-4fa5-baee-b815d718dfd1' });
	});
});

describe('Webflow', () => {
	const { provider, lead } = captureOne(jsonRequest(fixtureJson('webflow.json')));
	it('reads the flat data map, a numeric phone and UTMs from the page URL', () => {
		expect(provider).toBe('webflow');
		expect(lead).toMatchObject({
			first_name: 'Zaphod',
			last_name: 'Beeblebrox',
			email: 'zaphod@heartofgold.example',
			phone: '+15550000000',
			company: 'Heart of Gold Ltd',
		});
		expect(lead.attribution).toMatchObject({
			utm_source: 'google',
			utm_medium: 'cpc',
			gclid: 'Cj0KCQ-test',
			landing_page: 'https://heartofgold.example/contact?utm_source=google&utm_medium=cpc&gclid=Cj0KCQ-test',
		});
		expect(lead.source).toMatchObject({ form_name: 'Contact Us', submission_id: '6321ca84df3949bfc6752327' });
	});
});

describe('Jotform (multipart)', () => {
	const raw = fixture('jotform.multipart');
	const boundary = multipartBoundary('multipart/form-data; boundary=------------------------J1JNT4vbVO4FCC1qLG4HSv')!;
	const fields = parseMultipart(raw, boundary).fields;
	const req: IncomingSubmission = {
		method: 'POST',
		headers: {},
		query: {},
		body: fields,
		ip: '10.0.0.1',
		receivedAt: new Date('2026-11-20T12:00:00Z'),
	};
	const { provider, lead } = captureOne(req, config({ defaultCountry: 'US' }));
	it('parses rawRequest compound answers (name, phone, address)', () => {
		expect(provider).toBe('jotform');
		expect(lead).toMatchObject({
			first_name: 'Niloth',
			last_name: 'Perera',
			email: 'niloth@perera.example',
			phone: '+14155550134',
			city: 'Colombo',
			country: 'LK',
			message: 'Please send pricing',
		});
		expect(lead.source).toMatchObject({
			form_id: '243231271343446',
			submission_id: '6084250982513018472',
			form_name: 'Tutor Appointment Form',
			ip: '27.51.18.17',
		});
		expect(lead.attribution.utm_source).toBe('bing');
		expect(lead.answers.find((a) => a.key === 'date')).toBeUndefined();
	});
});

describe('Elementor Pro', () => {
	it('simple mode: label → value, with the default phone country', () => {
		const { provider, lead } = captureOne(
			formRequest(fixture('elementor-simple.txt').toString()),
			config({ defaultCountry: 'ES' }),
		);
		expect(provider).toBe('elementor');
		expect(lead).toMatchObject({
			full_name: 'María García',
			first_name: 'María',
			last_name: 'García',
			email: 'maria@garcia.example',
			phone: '+34612345678',
			message: 'Need a quote',
		});
		expect(lead.source).toMatchObject({ form_id: 'a1b2c3d', form_name: 'Contact Form' });
		expect(lead.attribution.utm_source).toBe('facebook');
	});
	it('advanced data: nested fields and meta, visitor IP and user agent', () => {
		const { provider, lead } = captureOne(
			formRequest(fixture('elementor-advanced.txt').toString()),
			config({ defaultCountry: 'DE' }),
		);
		expect(provider).toBe('elementor');
		expect(lead).toMatchObject({ full_name: 'Tom Weber', email: 'tom@weber.example', phone: '+49301234567' });
		expect(lead.consent).toMatchObject({
			terms: true,
			ip: '203.0.113.9',
			text: 'I accept the terms and privacy policy',
		});
		expect(lead.attribution).toMatchObject({
			utm_source: 'google',
			utm_medium: 'cpc',
			landing_page: 'https://weber.example/quote?utm_source=google&utm_medium=cpc',
		});
		expect(lead.source.user_agent).toMatch(/Chrome/);
		expect(lead.source.ip).toBe('203.0.113.9');
	});
});

describe('Facebook Lead Ads', () => {
	const body = fixtureJson('facebook-webhook.json');
	it('reads every change, with numeric and string ids alike', () => {
		expect(detectProvider(body)).toBe('facebook');
		const subs = parseSubmission('facebook', body);
		expect(subs.map((s) => s.fetchLeadId)).toEqual(['123412341234', '987698769876']);
		expect(subs[0].meta).toMatchObject({ ad_id: '444444444', page_id: '153125381133', adgroup_id: '44444444444' });
		expect(subs[0].formId).toBe('444444444444');
	});
	it('builds the lead from the Graph API answer', () => {
		const req = jsonRequest(body);
		const sub = applyFacebookLead(parseSubmission('facebook', body)[0], fixtureJson('facebook-lead-123412341234.json'));
		const { lead } = captureLead(sub, req, config());
		expect(lead).toMatchObject({
			full_name: 'Joe Example',
			first_name: 'Joe',
			last_name: 'Example',
			email: 'joe@example.org',
			phone: '+14155550123',
			company: 'Example Corp',
		});
		expect(lead.consent.marketing).toBe(true);
		expect(lead.source).toMatchObject({
			provider: 'facebook',
			submission_id: '123412341234',
			submitted_at: '2026-11-20T12:00:00.000Z',
		});
		expect(lead.custom.vendor).toMatchObject({ campaign_id: '120210000000', is_organic: false });
	});
});

describe('HubSpot', () => {
	const { provider, lead } = captureOne(jsonRequest(fixtureJson('hubspot.json')));
	it('maps internal property names and the legal consent object', () => {
		expect(provider).toBe('hubspot');
		expect(lead).toMatchObject({
			email: 'sam@northwind.example',
			first_name: 'Sam',
			last_name: 'Jones',
			company: 'Northwind Traders, Inc.',
			job_title: 'VP Marketing',
		});
		expect(lead.consent).toMatchObject({
			terms: true,
			marketing: true,
			ip: '198.51.100.23',
			source: 'https://www.northwind.example/pricing?utm_source=hs_email&utm_campaign=q4',
		});
		expect(lead.consent.text).toContain('marketing communications');
		expect(lead.attribution).toMatchObject({ utm_medium: 'email', utm_source: 'hs_email', utm_campaign: 'q4' });
		expect(lead.source.submitted_at).toBe('2025-11-20T12:00:00.000Z');
	});
});

describe('Google Ads lead form', () => {
	const { provider, lead } = captureOne(jsonRequest(fixtureJson('googleads.json')));
	it('maps column ids and keeps the gclid, never the key', () => {
		expect(provider).toBe('googleAds');
		expect(lead).toMatchObject({
			email: 'test@example.com',
			phone: '+16505550123',
			first_name: 'FirstName',
			last_name: 'LastName',
			company: 'Globex',
		});
		expect(lead.attribution.gclid).toBe('TeSter-123-gclid');
		expect(lead.source.form_id).toBe('40000000000');
		expect(JSON.stringify(lead)).not.toContain('gads-shared-key-0001');
		expect(lead.custom.vendor).toMatchObject({ is_test: true, campaign_id: '20000000000' });
	});
});

describe('plain HTML / generic JSON', () => {
	it('finds fields by common names and reads consent and UTMs', () => {
		const { provider, lead, spam } = captureOne(
			jsonRequest(fixtureJson('generic.json')),
			config({ defaultCountry: 'FR' }),
		);
		expect(provider).toBe('generic');
		expect(lead).toMatchObject({
			full_name: 'Chloé Martin',
			email: 'chloe.martin@orange.fr',
			phone: '+33612345678',
			company: 'Martin & Fils SARL',
			message: 'Call me back please',
		});
		expect(lead.consent.marketing).toBe(true);
		expect(lead.attribution.utm_medium).toBe('social');
		expect(spam.spam).toBe(false);
	});
	it('follows the field mapping over the name heuristics', () => {
		const body = { a1: 'x@y.example', a2: 'other@y.example', a3: 'Zed', opt: 'on' };
		const { lead } = captureOne(
			jsonRequest(body),
			config({ mapping: { email: 'a2', first_name: 'a3', consent_marketing: 'opt' } }),
		);
		expect(lead.email).toBe('other@y.example');
		expect(lead.first_name).toBe('Zed');
		expect(lead.consent.marketing).toBe(true);
	});
	it('reads UTMs from the query string of the webhook URL', () => {
		const { lead } = captureOne(
			jsonRequest({ email: 'q@q.example' }, {}, { query: { utm_source: 'qs', utm_term: 'leads' } }),
		);
		expect(lead.attribution).toMatchObject({ utm_source: 'qs', utm_term: 'leads' });
	});
	it('gives retried deliveries of one vendor submission the same lead id', () => {
		const a = captureOne(jsonRequest(fixtureJson('tally.json'))).lead.id;
		const b = captureOne(jsonRequest(fixtureJson('tally.json'))).lead.id;
		expect(a).toBe(b);
		expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
	});
});
