/**
 * The templates in templates/, imported into a real n8n as a user would (credentials matched by
 * name, nothing else edited but the CRM's address) and run with sample leads; the CRM and the mail
 * server are local mocks on 127.0.0.1 that record what they received, and the test checks it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signatureHeaders } from '../../lib/capture/signatures';
import { fixtureJson } from '../lib/helpers';
import { HttpsInterceptor } from '../helpers/httpsInterceptor';
import { ProviderMock, type SeenRequest } from '../helpers/providerMock';
import { SmtpMock } from '../helpers/smtpMock';
import { startN8nForTests, type N8n } from './n8n';
import { templateCredentials } from './templateCredentials';

type Json = Record<string, any>;
let n8n: N8n;
let crm: ProviderMock;
let crmBase: string;
let smtp: SmtpMock;
let smtpPort: number;
/** HubSpot's, Slack's and Pipedrive's APIs, reached by n8n's own nodes through an intercepting proxy. */
let saas: HttpsInterceptor;

beforeAll(async () => {
	crm = new ProviderMock({
		'/api/leads/upsert': (req: SeenRequest, n: number) =>
			req.headers.authorization === 'Bearer crm-test-key'
				? { status: 200, body: { id: `crm-${n + 1}` } }
				: { status: 401, body: { error: 'bad key' } },
		'/api/leads': (req: SeenRequest) => {
			if (req.method === 'GET') {
				return req.headers.authorization === 'Bearer crm-test-key'
					? { status: 200, body: nurtureList() }
					: { status: 401, body: { error: 'bad key' } };
			}
			return req.headers.authorization === 'Bearer acme-key'
				? { status: 201, body: { ok: true } }
				: { status: 401, body: { error: 'bad key' } };
		},
		...Object.fromEntries(
			['n1', 'n2', 'n3'].map((id) => [
				`/api/leads/${id}`,
				(req: SeenRequest) =>
					req.method === 'PATCH' && req.headers.authorization === 'Bearer crm-test-key'
						? { status: 200, body: { id } }
						: { status: 401, body: { error: 'bad key' } },
			]),
		),
		'/api/leads/activity': (req: SeenRequest) =>
			req.headers.authorization === 'Bearer crm-test-key'
				? { status: 200, body: { ok: true } }
				: { status: 401, body: { error: 'bad key' } },
		// Meta's Graph API: the leads a Lead Ads webhook names (with the page token)
		'/v23.0/123412341234': (req: SeenRequest) => graph(req, fixtureJson('facebook-lead-123412341234.json')),
		'/v23.0/987698769876': (req: SeenRequest) => graph(req, fixtureJson('facebook-lead-987698769876.json')),
		'/v23.0/555512341234': (req: SeenRequest) =>
			graph(req, {
				id: '555512341234',
				created_time: '2026-11-28T09:30:00+0000',
				ad_id: '777777777',
				form_id: '444444444444',
				campaign_id: '120210000099',
				campaign_name: 'Winter webinar',
				platform: 'ig',
				field_data: [
					{ name: 'full_name', values: ['joe example'] },
					{ name: 'email', values: ['JOE@example.org'] },
					{ name: 'phone_number', values: ['(415) 555-0123'] },
				],
			}),
	});
	crmBase = await crm.start();
	smtp = new SmtpMock();
	smtpPort = await smtp.start();
	let vid = 1000;
	let person = 500;
	saas = new HttpsInterceptor(['api.hubapi.com', 'slack.com', 'api.pipedrive.com'], (req) => {
		if (req.host === 'api.pipedrive.com') {
			if (req.query.api_token !== 'pd-test-token')
				return { status: 401, body: { success: false, error: 'unauthorized' } };
			const body = JSON.parse(req.body || '{}') as Json;
			if (req.method === 'POST' && req.path === '/api/v2/persons') {
				return { status: 201, body: { success: true, data: { ...body, id: ++person } } };
			}
			if (req.method === 'POST' && req.path === '/v1/leads') {
				return { status: 201, body: { success: true, data: { ...body, id: `lead-${body.person_id}` } } };
			}
		}
		if (req.host === 'api.hubapi.com' && req.path.startsWith('/contacts/v1/contact/createOrUpdate/email/')) {
			return req.headers.authorization === 'Bearer hubspot-test-token'
				? { status: 200, body: { vid: ++vid, isNew: true } }
				: { status: 401, body: { status: 'error', message: 'Authentication credentials not found' } };
		}
		if (req.host === 'slack.com' && req.path === '/api/chat.postMessage') {
			return req.headers.authorization === 'Bearer xoxb-slack-test'
				? { status: 200, body: { ok: true, channel: 'C0SALES', ts: `${Date.now() / 1000}`, message: {} } }
				: { status: 200, body: { ok: false, error: 'invalid_auth' } };
		}
		return { status: 404, body: { error: `not mocked: ${req.method} ${req.host}${req.path}` } };
	});
	n8n = await startN8nForTests(await saas.start());
}, 180_000);
afterAll(async () => {
	await n8n?.stop();
	await crm?.stop();
	await smtp?.stop();
	await saas?.stop();
}, 60_000);

/** The CRM's nurture list as the nightly run reads it: activity dated relative to now. */
function nurtureList(): Json[] {
	const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
	return [
		{
			id: 'n1',
			email: 'maya.chen@orbitfreight.com',
			first_name: 'Maya',
			last_name: 'Chen',
			job_title: 'VP Marketing',
			events: [
				{ type: 'demo_request', at: ago(1) },
				{ type: 'page_view', url: 'https://example.com/pricing', at: ago(2) },
				{ type: 'email_click', at: ago(3) },
				{ type: 'email_click', at: ago(6) },
			],
		},
		{
			id: 'n2',
			email: 'tariq.aziz@brightlane.io',
			first_name: 'Tariq',
			last_name: 'Aziz',
			job_title: 'Marketing Manager',
			events: [
				{ type: 'webinar_attended', at: ago(5) },
				{ type: 'page_view', url: 'https://example.com/pricing', at: ago(3) },
			],
		},
		{
			id: 'n3',
			email: 'june.l.parker@gmail.com',
			first_name: 'June',
			last_name: 'Parker',
			job_title: '',
			events: [
				...Array.from({ length: 4 }, () => ({ type: 'email_click', at: ago(25) })),
				{ type: 'webinar_attended', at: ago(80) },
			],
		},
	];
}

const graph = (req: SeenRequest, lead: unknown) =>
	req.query.access_token === 'page-token' ? { status: 200, body: lead } : { status: 401, body: { error: 'bad token' } };

/**
 * A template as the editor imports it: every credential reference resolved by its name to a
 * credential of this n8n (the ids in the file are placeholders), the editor-only `meta` left out.
 */
function template(file: string, credentials: Record<string, { id: string; name: string }>): Json {
	const wf = JSON.parse(readFileSync(join(__dirname, '..', '..', 'templates', file), 'utf8')) as Json;
	for (const node of wf.nodes as Json[]) {
		for (const [type, ref] of Object.entries((node.credentials ?? {}) as Record<string, { name: string }>)) {
			const found = credentials[ref.name];
			if (!found)
				throw new Error(`${file}: node "${node.name}" uses a credential "${ref.name}" the test did not create`);
			node.credentials[type] = found;
		}
	}
	delete wf.meta;
	return wf;
}

async function settled(workflowId: string, count: number) {
	const deadline = Date.now() + 60_000;
	for (;;) {
		const all = await n8n.allExecutions(workflowId, true);
		if (all.length >= count && all.every((e) => !['new', 'running', 'waiting'].includes(e.status))) return all;
		if (Date.now() > deadline) throw new Error(`expected ${count} finished executions, found ${all.length}`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

/** The credentials the templates name, created once in this n8n. */
let created: Promise<Record<string, { id: string; name: string }>> | undefined;
async function credentials(): Promise<Record<string, { id: string; name: string }>> {
	created ??= (async () => {
		const out: Record<string, { id: string; name: string }> = {};
		const wanted = templateCredentials({ secret: (name) => name, smtpPort, graphBaseUrl: crmBase });
		for (const [name, { type, data }] of Object.entries(wanted))
			out[name] = await n8n.createCredential(type, name, data);
		return out;
	})();
	return await created;
}

const nodeNamed = (wf: Json, name: string): Json => {
	const node = (wf.nodes as Json[]).find((n) => n.name === name);
	if (!node) throw new Error(`no node "${name}" in ${wf.name}`);
	return node;
};

/**
 * Form submissions to a workflow's webhook, one after the other (each waits for its execution), as
 * people fill in forms: a URLSearchParams body is posted as an HTML form, anything else as JSON.
 */
function submitter(path: string, workflowId: string) {
	let sent = 0;
	return async (body: Json | URLSearchParams): Promise<void> => {
		const form = body instanceof URLSearchParams;
		const res = await fetch(`${n8n.base}/webhook/${path}`, {
			method: 'POST',
			// A form is posted as a browser posts it: the person gets the thank-you page.
			headers: form
				? { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }
				: { 'content-type': 'application/json' },
			body: form ? body.toString() : JSON.stringify(body),
		});
		expect(res.status).toBe(200);
		if (form) expect(await res.text()).toContain('<h1>Thank you</h1>');
		await settled(workflowId, ++sent);
	};
}

describe('template: inbound form -> generic CRM + owner email', () => {
	it('sends each new lead once to the CRM with its owner, stage and score, and emails that owner why', async () => {
		const creds = await credentials();
		const wf = template('inbound-generic-crm.json', creds);
		const upsert = nodeNamed(wf, 'Create or update in CRM');
		upsert.parameters.url = upsert.parameters.url.replace('https://crm.example.com', crmBase);
		const id = await n8n.deploy(wf, 'inbound-lead');

		// What forms send: an HTML form (urlencoded, national phone), the same person again from
		// another form with the address typed in capitals, and a JSON form with question wordings.
		const html = new URLSearchParams({
			'Your name': 'Dana Whitfield',
			'Work email': 'dana.whitfield@northwind-labs.com',
			Company: 'Northwind Labs',
			Phone: '(415) 555-0142',
			Country: 'US',
			'How can we help?': 'Please call me about pricing for 40 seats',
		});
		const submit = submitter('inbound-lead', id);
		await submit(html);
		await submit({ email: 'DANA.WHITFIELD@northwind-labs.com', name: 'Dana Whitfield' });
		await submit({
			'What is your first name?': 'Lukas',
			'What is your last name?': 'Brenner',
			'Your email address': 'lukas.brenner@gmail.com',
			Land: 'Deutschland',
		});
		const executions = await settled(id, 3);
		expect(executions.map((e) => e.status)).toEqual(['success', 'success', 'success']);

		// The CRM got each person once (the repeat stopped at Dedupe), with the pipeline's results.
		const sent = crm.on('/api/leads/upsert').map((r) => JSON.parse(r.body) as Json);
		expect(sent.map((s) => s.email).sort()).toEqual(['dana.whitfield@northwind-labs.com', 'lukas.brenner@gmail.com']);
		const dana = sent.find((s) => s.email.startsWith('dana'))!;
		expect(dana).toMatchObject({
			first_name: 'Dana',
			last_name: 'Whitfield',
			company: 'Northwind Labs',
			phone: '+14155550142',
			country: 'US',
			score_label: 'SQL',
			lifecycle_stage: 'SQL',
		});
		expect(['grace@example.com', 'alan@example.com']).toContain(dana.owner_email);
		expect(dana.reasons).toMatch(/Work email.*Gave a phone number/);
		const lukas = sent.find((s) => s.email.startsWith('lukas'))!;
		expect(lukas).toMatchObject({ first_name: 'Lukas', last_name: 'Brenner', country: 'DE', score_label: 'Lead' });
		expect(lukas.owner_email).toBe('marie@example.com');

		// Each owner got one email about their lead, with the reasons.
		expect(smtp.mails.map((m) => m.to.join(',')).sort()).toEqual([dana.owner_email, 'marie@example.com'].sort());
		const toDana = smtp.mails.find((m) => m.to.includes(dana.owner_email))!;
		expect(toDana.header('subject')).toBe('New SQL for you: Dana Whitfield');
		expect(toDana.body).toContain('Work email +20');
		expect(toDana.body).toContain('Gave a phone number +30');
		expect(toDana.body).toMatch(/Please answer by \w+day \d{1,2} \w+ (\d{4} )?at \d{1,2}:\d\d( [AP]M)? [\w ]+ time\./);
	}, 180_000);
});

describe('template: SLA escalation', () => {
	it('tells the owner (at risk, then breached), then the manager, then re-routes, each once; a touch from the CRM stops it', async () => {
		const creds = await credentials();
		// The inbound template starts the clocks; here on its own path, with its policy shortened to
		// 36 calendar seconds so that the test sees every level (at risk 27 s, breached 36 s, manager
		// 54 s, re-route 72 s).
		const inbound = template('inbound-generic-crm.json', creds);
		const trigger = nodeNamed(inbound, 'Form submission');
		trigger.parameters.path = 'inbound-sla';
		trigger.webhookId = 'inbound-sla-hook';
		const policy = nodeNamed(inbound, 'Start SLA Clock').parameters.policies.values[0];
		Object.assign(policy, { firstResponseHours: 0.01, clock: 'calendar' });
		const upsert = nodeNamed(inbound, 'Create or update in CRM');
		upsert.parameters.url = upsert.parameters.url.replace('https://crm.example.com', crmBase);
		await n8n.deploy(inbound, 'inbound-sla');
		// The escalation template as it is, but checking every 3 seconds instead of every 15 minutes.
		const sla = template('sla-escalation.json', creds);
		nodeNamed(sla, 'Every 15 minutes').parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 3 }] };
		const slaId = await n8n.deploy(sla, 'sla-touch');

		const post = async (path: string, body: Json) => {
			const res = await fetch(`${n8n.base}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
			expect(res.status).toBe(200);
			return (await res.json()) as Json;
		};
		await post('inbound-sla', {
			name: 'Ola Nordmann',
			email: 'ola.nordmann@fjord-shipping.no',
			company: 'Fjord Shipping',
			country: 'Norway',
		});
		await post('inbound-sla', {
			name: 'Kim Park',
			email: 'kim.park@lumen-analytics.com',
			company: 'Lumen Analytics',
			country: 'US',
		});
		// Kim's owner calls at once; the CRM reports it.
		await new Promise((r) => setTimeout(r, 2_000)); // the clock is started by the inbound execution
		const touch = await post('sla-touch', {
			email: 'Kim.Park@lumen-analytics.com',
			type: 'call',
			at: new Date().toISOString(),
		});
		expect((Array.isArray(touch) ? touch[0] : touch).sla.result).toBe('recorded');

		const about = (who: string) => smtp.mails.filter((m) => (m.header('subject') ?? '').includes(who));
		const deadline = Date.now() + 150_000;
		while (!about('Ola Nordmann').some((m) => m.header('subject')!.startsWith('Re-routed')) && Date.now() < deadline) {
			await new Promise((r) => setTimeout(r, 1_000));
		}
		await new Promise((r) => setTimeout(r, 7_000)); // two more checks: nothing may come twice
		const ola = about('Ola Nordmann').map(
			(m) =>
				`${m.to.join(',')} ${m
					.header('subject')!
					.replace(/\(.*\)$/, '')
					.trim()}`,
		);
		const newOwner = ola.find((m) => m.includes('Re-routed'))?.split(' ')[0];
		expect(['priya@example.com', 'tom@example.com']).toContain(newOwner);
		expect(ola.sort()).toEqual(
			[
				'marie@example.com New Lead for you: Ola Nordmann', // from the inbound template
				'marie@example.com Reply soon: Ola Nordmann',
				'marie@example.com Overdue: Ola Nordmann',
				'sales-manager@example.com Escalation: Ola Nordmann still waits',
				`${newOwner} Re-routed to you: Ola Nordmann`,
			].sort(),
		);
		// Times in the owners' emails are in words in their zone, never raw UTC.
		const reply = about('Ola Nordmann').find((m) => m.header('subject')!.startsWith('Reply soon'))!;
		expect(reply.body).toMatch(/due \w+day \d{1,2} \w+ (\d{4} )?at \d{1,2}:\d\d( [AP]M)? [\w ]+ time\./);
		expect(reply.body).not.toMatch(/\d{4}-\d\d-\d\dT/);
		// Kim: the inbound email only; the call stopped the clock before anything was due.
		expect(about('Kim Park').map((m) => m.header('subject'))).toEqual(['New Lead for you: Kim Park']);
		// Every scheduled check succeeded.
		const checks = await n8n.allExecutions(slaId);
		expect(checks.filter((e) => e.status !== 'success' && e.status !== 'running')).toEqual([]);
	}, 240_000);
});

describe('template: GDPR erasure request', () => {
	it("erases a person the inbound template remembered, answers what it erased, and the person's next form is new", async () => {
		const creds = await credentials();
		const inbound = template('inbound-generic-crm.json', creds);
		const trigger = nodeNamed(inbound, 'Form submission');
		trigger.parameters.path = 'inbound-gdpr';
		trigger.webhookId = 'inbound-gdpr-hook';
		const upsert = nodeNamed(inbound, 'Create or update in CRM');
		upsert.parameters.url = upsert.parameters.url.replace('https://crm.example.com', crmBase);
		const inboundId = await n8n.deploy(inbound, 'inbound-gdpr');
		await n8n.deploy(template('gdpr-erasure-request.json', creds), 'gdpr-erasure');
		const submit = submitter('inbound-gdpr', inboundId);
		const lead = { name: 'Ines Moreau', email: 'ines.moreau@atelier-moreau.fr', company: 'Atelier Moreau' };
		await submit(lead);
		const ask = (headers: Record<string, string>) =>
			fetch(`${n8n.base}/webhook/gdpr-erasure`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: JSON.stringify({ email: 'Ines.Moreau@atelier-moreau.fr', request_id: 'DSR-2026-017' }),
			});
		expect((await ask({})).status).toBe(403);
		const res = await ask({ 'x-erasure-key': 'erasure-test-key' });
		expect(res.status).toBe(200);
		const answer = (await res.json()) as Json;
		const audit = Array.isArray(answer) ? answer[0] : answer;
		expect(audit).toMatchObject({
			request: 'DSR-2026-017',
			erased: { dedupe_memory: 1, stage_history: 1, sla_clocks: 1 },
		});
		expect(audit.total).toBeGreaterThanOrEqual(3);
		// Her next form is a new person to Dedupe: it reaches the CRM again.
		const before = crm.requests.filter((r) => r.path === '/api/leads/upsert').length;
		await submit({ ...lead, message: 'Me again' });
		expect(crm.requests.filter((r) => r.path === '/api/leads/upsert').length).toBe(before + 1);
	}, 120_000);
});

describe('template: Lead Ads -> Dedupe -> CRM', () => {
	it("answers Meta's challenge, creates each new person once, logs a returning one as an activity, ignores Meta's re-delivery", async () => {
		const wf = template('lead-ads-dedupe-crm.json', await credentials());
		for (const name of ['Create in CRM', 'Log the return in CRM']) {
			const node = nodeNamed(wf, name);
			node.parameters.url = node.parameters.url.replace('https://crm.example.com', crmBase);
		}
		const id = await n8n.deploy(wf, 'lead-ads');
		const challenge = await fetch(
			`${n8n.base}/webhook/lead-ads?hub.mode=subscribe&hub.challenge=424242&hub.verify_token=template-verify`,
		);
		expect(await challenge.text()).toBe('424242');

		const signedPost = async (body: Json) => {
			const raw = JSON.stringify(body);
			const res = await fetch(`${n8n.base}/webhook/lead-ads`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...signatureHeaders('facebook', 'template-app-secret', raw) },
				body: raw,
			});
			expect(res.status).toBe(200);
		};
		const change = (leadgen: string, at: number) => ({
			object: 'page',
			entry: [
				{
					id: '153125381133',
					time: at,
					changes: [
						{
							field: 'leadgen',
							value: { leadgen_id: leadgen, form_id: '444444444444', page_id: '153125381133', created_time: at },
						},
					],
				},
			],
		});
		// Meta's sample (two leads in one post), Meta re-delivering it, then Joe again from an
		// Instagram ad a week later, his address typed in capitals.
		const sample = fixtureJson('facebook-webhook.json') as Json;
		await signedPost(sample);
		await settled(id, 1);
		await signedPost(sample);
		await signedPost(change('555512341234', 1764322200));
		const executions = await settled(id, 2);
		await new Promise((r) => setTimeout(r, 2_000)); // a third execution would show up by now
		expect((await n8n.allExecutions(id)).map((e) => e.status)).toEqual(['success', 'success']);
		expect(executions).toHaveLength(2);

		const created = crm.on('/api/leads/upsert').map((r) => JSON.parse(r.body) as Json);
		const fromAds = created.filter((c) => c.lead_source?.endsWith('Lead Ads'));
		expect(fromAds.map((c) => c.email).sort()).toEqual(['ana.lima@example.com.br', 'joe@example.org']);
		expect(fromAds.find((c) => c.email === 'joe@example.org')).toMatchObject({
			first_name: 'Joe',
			last_name: 'Example',
			phone: '+14155550123',
			company: 'Example Corp',
			lead_source: 'Facebook Lead Ads',
			campaign_id: '120210000000',
			ad_id: '444444444',
			marketing_consent: true,
		});
		const returns = crm.on('/api/leads/activity').map((r) => JSON.parse(r.body) as Json);
		expect(returns).toHaveLength(1);
		expect(returns[0]).toMatchObject({ email: 'joe@example.org', type: 'form_resubmitted' });
		expect(returns[0].note).toContain('Winter webinar');
		expect(returns[0].matched_on).toEqual(expect.arrayContaining(['email']));
	}, 120_000);
});

describe("template: agency, several clients' forms", () => {
	it("keeps each client's leads apart: dedupe per client, each client's reps in rotation, monthly quota kept, unknown forms flagged", async () => {
		const wf = template('agency-multi-client.json', await credentials());
		const acme = nodeNamed(wf, "Send to Acme's CRM");
		acme.parameters.url = acme.parameters.url.replace('https://crm.acme.example', crmBase);
		// Globex bought 2 leads this month (the template's 100, lowered to reach it in the test).
		const owners = nodeNamed(wf, 'Route per client').parameters.owners.owner as Json[];
		owners.find((o) => o.name === 'Chloe Wu')!.cap_month = 2;
		const id = await n8n.deploy(wf, 'agency-forms');
		const submit = submitter('agency-forms', id);
		const post = async (form: string, email: string, name: string) =>
			await submit(new URLSearchParams({ form_id: form, name, email, phone: '212-555-0187' }));
		await post('acme-contact', 'rosa.diaz@brightpath.io', 'Rosa Diaz');
		await post('acme-demo', 'omar.haddad@quillworks.com', 'Omar Haddad');
		await post('acme-contact', 'Rosa.Diaz@BrightPath.io', 'rosa diaz'); // the same person, again
		await post('globex-quote', 'rosa.diaz@brightpath.io', 'Rosa Diaz'); // new for Globex
		await post('globex-quote', 'lena.fischer@hollow-oak.de', 'Lena Fischer');
		await post('globex-quote', 'sam.okoro@tidewater.co', 'Sam Okoro'); // past Globex's quota
		await post('initech-signup', 'pat.kim@initech.example', 'Pat Kim'); // a form nobody mapped
		const executions = await settled(id, 7);
		expect(executions.map((e) => e.status)).toEqual(Array(7).fill('success'));

		const toAcme = crm.on('/api/leads').map((r) => JSON.parse(r.body) as Json);
		expect(toAcme.map((l) => l.email).sort()).toEqual(['omar.haddad@quillworks.com', 'rosa.diaz@brightpath.io']);
		expect(toAcme.map((l) => l.owner).sort()).toEqual(['ava@acme.example', 'ben@acme.example']);
		const mails = (to: string) => smtp.mails.filter((m) => m.to.includes(to)).map((m) => m.header('subject'));
		expect(mails('chloe@globex.example').sort()).toEqual([
			'New Globex lead: Lena Fischer',
			'New Globex lead: Rosa Diaz',
		]);
		expect(mails('ops@agency.example').sort()).toEqual([
			'Lead from an unmapped form: initech-signup',
			'Monthly quota reached for Globex: Sam Okoro not delivered',
		]);
		const quota = smtp.mails.find((m) => m.header('subject')!.startsWith('Monthly quota'))!;
		expect(quota.body).toContain('Chloe Wu: monthly cap reached (2/2)');
	}, 120_000);
});

describe('template: nurture re-scoring and the weekly funnel', () => {
	it('re-scores the nurture list with decay, writes only stage moves to the CRM (once), and emails the funnel with its chart', async () => {
		const wf = template('nurture-rescoring-weekly-funnel.json', await credentials());
		for (const name of ['Nurture leads from the CRM', 'Update the CRM']) {
			const node = nodeNamed(wf, name);
			node.parameters.url = node.parameters.url.replace('https://crm.example.com', crmBase);
		}
		// Nightly and weekly in the template; every few seconds here, so several runs happen.
		nodeNamed(wf, 'Every night').parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 4 }] };
		nodeNamed(wf, 'Every Monday at 8').parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 5 }] };
		const id = await n8n.deploy(wf);
		try {
			const patches = () => crm.requests.filter((r) => r.method === 'PATCH');
			const deadline = Date.now() + 60_000;
			while (patches().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
			const movedAt = Date.now();
			const runsBefore = crm.requests.filter((r) => r.method === 'GET' && r.path === '/api/leads').length;
			// Two more nightly runs and a weekly report after the moves.
			const until = Date.now() + 60_000;
			while (
				(crm.requests.filter((r) => r.method === 'GET' && r.path === '/api/leads').length < runsBefore + 2 ||
					!smtp.mails.some((m) => m.at > movedAt && m.to.includes('marketing@example.com'))) &&
				Date.now() < until
			) {
				await new Promise((r) => setTimeout(r, 500));
			}
			// Each lead's stage went to the CRM once: later runs score the same and change nothing.
			const updates = Object.fromEntries(patches().map((r) => [r.path.split('/').pop(), JSON.parse(r.body) as Json]));
			expect(patches()).toHaveLength(3);
			expect(updates.n1).toMatchObject({ lifecycle_stage: 'SQL', score_label: 'SQL' });
			expect(updates.n2).toMatchObject({ lifecycle_stage: 'MQL', score_label: 'MQL' });
			expect(updates.n3).toMatchObject({ lifecycle_stage: 'Lead', score_label: 'Lead' });
			expect(updates.n1.why).toMatch(/Requested a demo \+(39|40)/);
			// June's clicks are 25 days old: worth less than half (decayed), capped with the group.
			expect(updates.n3.why).toMatch(/Clicked an email \+\d+ \(decayed\)/);
			expect(updates.n3.engagement).toBeLessThan(20);

			const report = smtp.mails.filter((m) => m.at > movedAt && m.to.includes('marketing@example.com')).at(-1)!;
			expect(report).toBeDefined();
			expect(report.header('subject')).toMatch(/^Weekly funnel: \d+ new leads, [1-9]\d* reached MQL$/);
			expect(report.data).toMatch(/Content-Type: image\/svg\+xml/i);
			expect(report.data).toMatch(/filename="?funnel\.svg/i);
			// Other tests' leads may be in the funnel too: each of this test's stages has at least one.
			for (const stage of ['Lead', 'MQL', 'SQL'])
				expect(report.data).toMatch(new RegExp(`^${stage}: [1-9]\\d* reached`, 'm'));
		} finally {
			await n8n.api('POST', `/workflows/${id}/deactivate`);
		}
		// Every run succeeded.
		const runs = await n8n.allExecutions(id);
		expect(runs.filter((e) => !['success', 'running'].includes(e.status))).toEqual([]);
	}, 180_000);
});

describe('template: inbound form -> HubSpot + Slack', () => {
	it("upserts each new person's HubSpot contact with owner, lifecycle stage and score, and posts to the team channel", async () => {
		const id = await n8n.deploy(template('inbound-hubspot-slack.json', await credentials()), 'inbound-hubspot');
		const post = submitter('inbound-hubspot', id);
		await post({
			'First name': 'Priya',
			'Last name': 'Nair',
			'Work email': 'priya.nair@tallgrass-energy.com',
			Company: 'Tallgrass Energy',
			Country: 'United States',
			'Phone number': '(512) 555-0177',
			Message: 'Can someone call me this week?',
		});
		await post({ email: 'PRIYA.NAIR@tallgrass-energy.com', name: 'Priya Nair' }); // the same person
		await post({ email: 'hugo.martin@orange.fr', name: 'Hugo Martin', country: 'FR' });
		const executions = await settled(id, 3);
		expect(executions.map((e) => e.status)).toEqual(['success', 'success', 'success']);

		const upserts = saas.requests.filter((r) => r.host === 'api.hubapi.com');
		expect(upserts.map((r) => decodeURIComponent(r.path.split('/').pop()!)).sort()).toEqual([
			'hugo.martin@orange.fr',
			'priya.nair@tallgrass-energy.com',
		]);
		const props = (email: string) =>
			Object.fromEntries(
				(
					JSON.parse(upserts.find((r) => r.path.endsWith(encodeURIComponent(email)) || r.path.endsWith(email))!.body)
						.properties as Array<{ property: string; value: unknown }>
				).map((p) => [p.property, String(p.value)]),
			);
		const priya = props('priya.nair@tallgrass-energy.com');
		expect(priya).toMatchObject({
			firstname: 'Priya',
			lastname: 'Nair',
			company: 'Tallgrass Energy',
			lifecyclestage: 'salesqualifiedlead',
			lead_score: '65',
		});
		expect(['71001', '71002']).toContain(priya.hubspot_owner_id);
		expect(priya.lead_score_reasons).toBe('Work email +20, Gave a company +15, Gave a phone number +30');
		const hugo = props('hugo.martin@orange.fr');
		expect(hugo).toMatchObject({ hubspot_owner_id: '71003', lifecyclestage: 'lead' });

		const messages = saas.on('slack.com', '/api/chat.postMessage').map((r) => JSON.parse(r.body) as Json);
		expect(messages.map((m) => m.channel)).toEqual(['#sales-leads', '#sales-leads']);
		const aboutPriya = messages.find((m) => String(m.text).includes('Priya Nair'))!;
		expect(aboutPriya.text).toMatch(
			/^New SQL for (Grace Hopper|Alan Turing): Priya Nair \(Tallgrass Energy\), score 65: Work email, Gave a company, Gave a phone number\. HubSpot contact \d+\.$/,
		);
	}, 120_000);
});

describe('template: inbound form -> Pipedrive + owner email', () => {
	it('creates a Pipedrive person and lead per new person, owned by the routed rep, and emails that rep', async () => {
		const id = await n8n.deploy(template('inbound-pipedrive-email.json', await credentials()), 'inbound-pipedrive');
		const submit = submitter('inbound-pipedrive', id);
		const post = async (body: Record<string, string>) => await submit(new URLSearchParams(body));
		await post({
			'Full name': 'Noor Haddad',
			Email: 'noor@cedarpoint-analytics.com',
			'Company name': 'Cedarpoint Analytics',
			'Phone number': '(646) 555-0199',
			Country: 'USA',
		});
		await post({ Email: 'noor@cedarpoint-analytics.com', 'Full name': 'Noor Haddad' }); // the same person
		const executions = await settled(id, 2);
		expect(executions.map((e) => e.status)).toEqual(['success', 'success']);

		const persons = saas.on('api.pipedrive.com', '/api/v2/persons').map((r) => JSON.parse(r.body) as Json);
		expect(persons).toHaveLength(1);
		expect(persons[0]).toMatchObject({
			name: 'Noor Haddad',
			emails: [{ value: 'noor@cedarpoint-analytics.com', primary: true, label: 'work' }],
			phones: [{ value: '+16465550199', primary: true, label: 'work' }],
		});
		expect([13001, 13002]).toContain(persons[0].owner_id);
		const leads = saas.on('api.pipedrive.com', '/v1/leads').map((r) => JSON.parse(r.body) as Json);
		expect(leads).toEqual([
			{ title: 'Cedarpoint Analytics (SQL, score 65)', person_id: 501, owner_id: persons[0].owner_id },
		]);
		const owner = persons[0].owner_id === 13001 ? 'grace@example.com' : 'alan@example.com';
		const mail = smtp.mails.find((m) => m.header('subject')?.includes('in Pipedrive'))!;
		expect(mail.to).toEqual([owner]);
		expect(mail.header('subject')).toBe('New SQL in Pipedrive: Cedarpoint Analytics (SQL, score 65)');
		expect(mail.body).toContain('Pipedrive lead lead-501.');
	}, 120_000);
});
