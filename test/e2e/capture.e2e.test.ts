/**
 * End to end: the packed tarball installed into a real n8n 2.x as a community package
 * (scripts/test-all.sh does the packing and installing), workflows published through the public API,
 * submissions posted over HTTP on 127.0.0.1, executions read back and checked field by field.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signatureHeaders } from '../../lib/capture/signatures';
import { checkLead } from '../../lib/lead/schema';
import { MockServer } from '../nodes/mockServer';
import { fixture, fixtureJson } from '../lib/helpers';
import { openBrowser } from './editor';
import { N8n, nodeItems, startN8nForTests, type ExecutionSummary } from './n8n';

const TYPE = 'n8n-nodes-lead-management.leadCaptureTrigger';
let n8n: N8n;
const graph = new MockServer({
	'/v23.0/123412341234': { status: 200, body: fixtureJson('facebook-lead-123412341234.json') },
	'/v23.0/987698769876': { status: 200, body: fixtureJson('facebook-lead-987698769876.json') },
});

function workflowJson(
	name: string,
	path: string,
	params: Record<string, unknown> = {},
	credentials?: Record<string, unknown>,
) {
	const wf = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'workflows', 'e2e-capture.json'), 'utf8'));
	wf.name = name;
	const trigger = wf.nodes[0];
	trigger.webhookId = `e2e00000-0000-4000-8000-${Buffer.from(path).toString('hex').slice(0, 12).padEnd(12, '0')}`;
	trigger.parameters = {
		...trigger.parameters,
		path,
		...params,
		options: { ...trigger.parameters.options, ...((params.options as object) ?? {}) },
	};
	if (credentials) trigger.credentials = credentials;
	return wf;
}

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
	const res = await fetch(`${n8n.base}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body,
		redirect: 'manual',
	});
	const text = await res.text();
	let json: unknown = text;
	try {
		json = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: res.status, body: json as Record<string, unknown>, headers: res.headers };
}

/** The execution whose Lead output holds this lead id. */
async function executionWithLead(workflowId: string, leadId: string): Promise<ExecutionSummary> {
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		const found = (await n8n.executions(workflowId)).find((e) =>
			nodeItems(e, 'Leads').some((i) => i.json.id === leadId),
		);
		if (found) return found;
		await new Promise((r) => setTimeout(r, 300));
	}
	throw new Error(`no execution with lead ${leadId}`);
}

beforeAll(async () => {
	n8n = await startN8nForTests();
}, 180_000);

afterAll(async () => {
	await n8n?.stop();
	await graph.stop();
}, 60_000);

describe('Lead Capture Trigger in a real n8n', () => {
	let captureId: string;
	let usId: string;
	beforeAll(async () => {
		captureId = await n8n.deploy(workflowJson('E2E capture', 'e2e-lead'), 'e2e-lead');
		// Jotform's sample phone is a US number typed without +1: it needs a US default country.
		usId = await n8n.deploy(
			workflowJson('E2E capture US', 'e2e-lead-us', { options: { defaultCountry: 'US' } }),
			'e2e-lead-us',
		);
	}, 60_000);

	it('is loaded from the community package under its package node type', async () => {
		const wf = await n8n.api<{ nodes: Array<{ type: string }>; active: boolean }>('GET', `/workflows/${captureId}`);
		expect(wf.nodes[0].type).toBe(TYPE);
		expect(wf.active).toBe(true);
	});

	const cases: Array<
		[string, () => { body: string | Buffer; headers?: Record<string, string> }, Record<string, unknown>]
	> = [
		[
			'typeform',
			() => ({ body: fixture('typeform.json') }),
			{
				email: 'laura.dupont+demo@gmail.com',
				phone: '+33612345678',
				first_name: 'Laura',
				last_name: 'Dupont',
				company: 'Acme SAS',
				country: 'FR',
				attribution: expect.objectContaining({ utm_source: 'newsletter', utm_campaign: 'black-friday' }),
				consent: expect.objectContaining({ terms: true }),
				source: expect.objectContaining({
					provider: 'typeform',
					form_id: 'lT4Z3j',
					submission_id: 'a3a12ec67a1365927098a606107fac15',
				}),
			},
		],
		[
			'tally',
			() => ({ body: fixture('tally.json') }),
			{
				email: 'jp@fontaine.example',
				first_name: 'Jean-Pierre',
				last_name: 'de la Fontaine',
				phone: '+32470123456',
				attribution: expect.objectContaining({ utm_source: 'linkedin', utm_campaign: 'newsletter' }),
				source: expect.objectContaining({ provider: 'tally', submission_id: '2wgx4n', form_name: 'Contact sales' }),
			},
		],
		[
			'webflow',
			() => ({ body: fixture('webflow.json') }),
			{
				email: 'zaphod@heartofgold.example',
				phone: '+15550000000',
				company: 'Heart of Gold Ltd',
				attribution: expect.objectContaining({ utm_source: 'google', gclid: 'Cj0KCQ-test' }),
				source: expect.objectContaining({ provider: 'webflow', submission_id: '6321ca84df3949bfc6752327' }),
			},
		],
		[
			'hubspot',
			() => ({ body: fixture('hubspot.json') }),
			{
				email: 'sam@northwind.example',
				job_title: 'VP Marketing',
				consent: expect.objectContaining({ marketing: true, terms: true, ip: '198.51.100.23' }),
				source: expect.objectContaining({ provider: 'hubspot' }),
			},
		],
		[
			'googleAds',
			() => ({ body: fixture('googleads.json') }),
			{
				email: 'test@example.com',
				phone: '+16505550123',
				company: 'Globex',
				attribution: expect.objectContaining({ gclid: 'TeSter-123-gclid' }),
				source: expect.objectContaining({ provider: 'googleAds' }),
			},
		],
		[
			'generic JSON',
			() => ({ body: fixture('generic.json') }),
			{
				email: 'chloe.martin@orange.fr',
				phone: '+33612345678',
				full_name: 'Chloé Martin',
				consent: expect.objectContaining({ marketing: true }),
				source: expect.objectContaining({ provider: 'generic' }),
			},
		],
		[
			'elementor (urlencoded)',
			() => ({
				body: fixture('elementor-simple.txt'),
				headers: { 'content-type': 'application/x-www-form-urlencoded' },
			}),
			{
				email: 'maria@garcia.example',
				full_name: 'María García',
				source: expect.objectContaining({ provider: 'elementor', form_name: 'Contact Form' }),
			},
		],
		[
			'jotform (multipart)',
			() => ({
				body: fixture('jotform.multipart'),
				headers: { 'content-type': 'multipart/form-data; boundary=------------------------J1JNT4vbVO4FCC1qLG4HSv' },
			}),
			{
				email: 'niloth@perera.example',
				phone: '+14155550134',
				first_name: 'Niloth',
				city: 'Colombo',
				country: 'LK',
				source: expect.objectContaining({ provider: 'jotform', submission_id: '6084250982513018472' }),
			},
		],
	];

	it.each(cases)('%s submission becomes the expected canonical lead', async (_name, make, expected) => {
		const { body, headers } = make();
		const us = _name.startsWith('jotform');
		const res = await post(us ? 'e2e-lead-us' : 'e2e-lead', body, headers);
		expect(res.status).toBe(200);
		expect(res.body.ok).toBe(true);
		const [leadId] = res.body.lead_ids as string[];
		const execution = await executionWithLead(us ? usId : captureId, leadId);
		expect(execution.status).toBe('success');
		const lead = nodeItems(execution, 'Leads').find((i) => i.json.id === leadId)!.json;
		expect(checkLead(lead).issues).toEqual([]);
		expect(lead).toMatchObject(expected);
	});

	it('keeps multipart file fields as binary', async () => {
		const b = 'e2eBoundary42';
		const body = Buffer.from(
			[
				`--${b}`,
				'Content-Disposition: form-data; name="email"',
				'',
				'files@example.org',
				`--${b}`,
				'Content-Disposition: form-data; name="resume"; filename="cv.txt"',
				'Content-Type: text/plain',
				'',
				'my resume',
				`--${b}--`,
				'',
			].join('\r\n'),
		);
		const res = await post('e2e-lead', body, { 'content-type': `multipart/form-data; boundary=${b}` });
		expect(res.status).toBe(200);
		const execution = await executionWithLead(captureId, (res.body.lead_ids as string[])[0]);
		const item = nodeItems(execution, 'Leads')[0];
		expect(item.json.email).toBe('files@example.org');
		expect(item.binary?.resume).toMatchObject({ fileName: 'cv.txt', mimeType: 'text/plain' });
	});

	it('answers 422 naming the bad fields and sends the submission to the Rejected output', async () => {
		const res = await post(
			'e2e-lead',
			JSON.stringify({ email: 'not-an-email', name: 'Invalid Person', submission_id: 'bad-1' }),
		);
		expect(res.status).toBe(422);
		expect(res.body).toMatchObject({ ok: false, error: 'invalid_submission', issues: [{ field: 'email' }] });
		const deadline = Date.now() + 20_000;
		let review: Array<{ json: Record<string, unknown> }> = [];
		while (Date.now() < deadline && review.length === 0) {
			review = (await n8n.executions(captureId))
				.flatMap((e) => nodeItems(e, 'Review'))
				.filter((i) => (i.json.lead as { email?: string } | null)?.email === 'not-an-email');
			await new Promise((r) => setTimeout(r, 300));
		}
		expect(review[0].json).toMatchObject({ rejected: true, reason: 'invalid' });
	});

	it('refuses a malformed JSON body with a 4xx and starts nothing', async () => {
		const before = (await n8n.executions(captureId)).length;
		const res = await post('e2e-lead', '{"email": "a@b.example",');
		expect(res.status).toBeGreaterThanOrEqual(400);
		expect(res.status).toBeLessThan(500);
		await new Promise((r) => setTimeout(r, 500));
		expect((await n8n.executions(captureId)).length).toBe(before);
	});

	it('survives hostile bodies (prototype keys, deep nesting) and keeps serving', async () => {
		let deep = '"x"';
		for (let i = 0; i < 200; i++) deep = `{"d":${deep}}`;
		const res = await post('e2e-lead', `{"email":"deep@example.org","__proto__":{"polluted":1},"n":${deep}}`);
		expect(res.status).toBe(400);
		const ok = await post('e2e-lead', JSON.stringify({ email: 'after@example.org', __proto__: { admin: true } }));
		expect(ok.status).toBe(200);
		expect((await fetch(`${n8n.base}/healthz`)).status).toBe(200);
	});

	it('starts exactly one execution for 20 simultaneous deliveries of one submission', async () => {
		const id = await n8n.deploy(workflowJson('E2E burst', 'e2e-burst'), 'e2e-burst');
		const body = fixture('tally.json');
		const answers = await Promise.all(Array.from({ length: 20 }, () => post('e2e-burst', body)));
		expect(answers.every((a) => a.status === 200)).toBe(true);
		expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(19);
		await n8n.waitForExecutions(id, 1);
		await new Promise((r) => setTimeout(r, 1000));
		expect(await n8n.executions(id)).toHaveLength(1);
	}, 60_000);

	it('a vendor retry after a failed run (Respond When Last Node Finishes) runs again, not as a duplicate', async () => {
		// The CRM is down for the first delivery, then back.
		const crm = new MockServer({ '/contacts': { status: 503, body: { error: 'maintenance' } } });
		const crmBase = await crm.start();
		try {
			const wf = workflowJson('E2E retry after failure', 'e2e-retry', { responseMode: 'lastNode' });
			wf.nodes.push({
				id: 'e2e00000-0000-4000-8000-000000000009',
				name: 'Create in CRM',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [600, 0],
				parameters: { method: 'POST', url: `${crmBase}/contacts`, options: {} },
			});
			wf.connections.Leads = { main: [[{ node: 'Create in CRM', type: 'main', index: 0 }]] };
			const id = await n8n.deploy(wf, 'e2e-retry');
			const body = fixture('typeform.json');
			const failed = await post('e2e-retry', body);
			expect(failed.status).toBeGreaterThanOrEqual(500);
			crm.set('/contacts', { status: 200, body: { id: 'crm-1' } });
			// The vendor retries: the lead runs again and reaches the CRM.
			const retried = await post('e2e-retry', body);
			expect(retried.status).toBe(200);
			expect(retried.body).toMatchObject({ id: 'crm-1' });
			// A delivery after that success is a repeat: nothing runs again.
			const again = await post('e2e-retry', body);
			expect(again.body).toMatchObject({ duplicate: true });
			expect(crm.requests.filter((r) => r.url === '/contacts')).toHaveLength(2);
			await n8n.waitForExecutions(id, 2);
			const runs = await n8n.executions(id);
			expect(runs.map((e) => e.status).sort()).toEqual(['error', 'success']);
		} finally {
			await crm.stop();
		}
	}, 60_000);

	it("the README's plain HTML form, in Chromium on another site: a thank-you page, the page's UTMs reach the lead; a wrong email gets the problems in words", async () => {
		const wf = workflowJson('E2E README form', 'e2e-readme-form');
		wf.nodes[0].typeVersion = 3;
		const id = await n8n.deploy(wf, 'e2e-readme-form');
		// The README's example as a marketer pastes it, pointed at this n8n.
		const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
		const start = readme.indexOf('<form method="post" action="https://your-n8n.example.com/webhook/inbound-lead"');
		expect(start).toBeGreaterThan(0);
		const html = readme
			.slice(start, readme.indexOf('</script>', start) + '</script>'.length)
			.split('\n')
			.map((line) => line.replace(/^ {3}/, ''))
			.join('\n')
			.replace('https://your-n8n.example.com/webhook/inbound-lead', `${n8n.base}/webhook/e2e-readme-form`);
		expect(html).toContain('location.href');
		const site = createServer((req, res) => {
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
			// The second page: the same form without the browser's own email check (a person on an
			// old browser, or a form builder that does not set type="email").
			const form = req.url?.startsWith('/old') ? html.replace(' type="email"', '').replace(' required', '') : html;
			res.end(`<!doctype html><html><body><h1>Book a demo</h1>${form}</body></html>`);
		});
		await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
		// localhost, not 127.0.0.1: another site than n8n's, so the browser strips the Referer's query.
		const port = (site.address() as AddressInfo).port;
		const page = `http://localhost:${port}/demo?utm_source=linkedin&utm_campaign=q4-demo&gclid=Cj0KCQ`;
		const shots = join(process.env.E2E_N8N_USER_FOLDER ?? tmpdir(), '..');
		const browser = await openBrowser();
		try {
			await browser.page.goto(page);
			// A person takes a few seconds: the form's start time makes a faster fill spam (3 s minimum).
			await browser.page.waitForTimeout(3500);
			await browser.page.fill('input[name="name"]', 'Ana Souza');
			await browser.page.fill('input[name="email"]', 'ana.souza@browser-form.example');
			await Promise.all([browser.page.waitForNavigation(), browser.page.locator('button').first().click()]);
			expect(await browser.page.locator('h1').textContent()).toBe('Thank you');
			expect(await browser.page.locator('main').textContent()).toContain('We received your details');
			await browser.page.screenshot({ path: join(shots, 'thank-you-page.png') });

			await browser.page.goto(`http://localhost:${port}/old-form`);
			await browser.page.waitForTimeout(3500);
			await browser.page.fill('input[name="name"]', 'Bruno Lima');
			await browser.page.fill('input[name="email"]', 'bruno.lima@gmail');
			await Promise.all([browser.page.waitForNavigation(), browser.page.locator('button').first().click()]);
			expect(await browser.page.locator('h1').textContent()).toBe('Please check the form');
			expect(await browser.page.locator('li').first().textContent()).toBe(
				'Email: "bruno.lima@gmail" is not a valid email address.',
			);
			await browser.page.screenshot({ path: join(shots, 'problems-page.png') });
			// The link goes back to the form's page (its address came with the form).
			await Promise.all([browser.page.waitForNavigation(), browser.page.locator('a').first().click()]);
			expect(browser.page.url()).toBe(`http://localhost:${port}/old-form`);
		} finally {
			await browser.close();
			site.close();
		}
		const runs = await n8n.waitForExecutions(id, 2);
		const leads = runs.flatMap((e) => nodeItems(e, 'Leads').map((i) => i.json));
		expect(leads).toHaveLength(1);
		expect(leads[0]).toMatchObject({
			email: 'ana.souza@browser-form.example',
			attribution: { utm_source: 'linkedin', utm_campaign: 'q4-demo', gclid: 'Cj0KCQ' },
		});
		// The wrong one was not lost: it waits on the Rejected output for review.
		const review = runs.flatMap((e) => nodeItems(e, 'Review').map((i) => i.json));
		expect(review).toMatchObject([{ rejected: true, reason: 'invalid' }]);
	}, 120_000);

	it('redirects plain HTML forms with 303', async () => {
		await n8n.deploy(
			workflowJson('E2E redirect', 'e2e-html', { responseMode: 'redirect', redirectUrl: 'https://example.com/thanks' }),
			'e2e-html',
		);
		const res = await post('e2e-html', 'email=html%40example.org&name=Html+Form', {
			'content-type': 'application/x-www-form-urlencoded',
		});
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe('https://example.com/thanks');
	});

	it('lets only the allowed origins read the answer (CORS)', async () => {
		await n8n.deploy(
			workflowJson('E2E CORS', 'e2e-cors', {
				options: { allowedOrigins: 'https://forms.example,https://www.example.com' },
			}),
			'e2e-cors',
		);
		const from = async (origin: string, email: string) =>
			await post('e2e-cors', JSON.stringify({ email }), { Origin: origin });
		const allowed = await from('https://www.example.com', 'cors1@example.org');
		expect(allowed.status).toBe(200);
		expect(allowed.headers.get('access-control-allow-origin')).toBe('https://www.example.com');
		expect((await from('https://evil.example', 'cors2@example.org')).headers.get('access-control-allow-origin')).toBe(
			'https://forms.example',
		);
		const invalid = await from('https://forms.example', 'not-an-email');
		expect(invalid.status).toBe(422);
		expect(invalid.headers.get('access-control-allow-origin')).toBe('https://forms.example');
	});

	it('verifies vendor signatures with a credential', async () => {
		const cred = await n8n.createCredential('leadCaptureSignatureApi', 'Typeform secret', { secret: 'tf-e2e-secret' });
		await n8n.deploy(
			workflowJson(
				'E2E signed',
				'e2e-signed',
				{ authentication: 'signature', signatureScheme: 'provider' },
				{ leadCaptureSignatureApi: { id: cred.id, name: cred.name } },
			),
			'e2e-signed',
		);
		const raw = fixture('typeform.json');
		const good = await post('e2e-signed', raw, signatureHeaders('typeform', 'tf-e2e-secret', raw));
		expect(good.status).toBe(200);
		const bad = await post('e2e-signed', raw, signatureHeaders('typeform', 'wrong', raw));
		expect(bad).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
		const missing = await post('e2e-signed', raw);
		expect(missing.status).toBe(401);
	});

	it('Facebook Lead Ads: answers hub.challenge, refuses unsigned posts, fetches signed ones from a Graph API on 127.0.0.1', async () => {
		const graphUrl = await graph.start();
		const cred = await n8n.createCredential('facebookLeadAdsGraphApi', 'Graph mock', {
			accessToken: 'page-token',
			appSecret: 'fb-app-secret',
			verifyToken: 'e2e-verify',
			apiVersion: 'v23.0',
			baseUrl: graphUrl,
		});
		const id = await n8n.deploy(
			workflowJson(
				'E2E facebook',
				'e2e-fb',
				{ provider: 'facebook' },
				{ facebookLeadAdsGraphApi: { id: cred.id, name: cred.name } },
			),
			'e2e-fb',
		);
		const challenge = await fetch(
			`${n8n.base}/webhook/e2e-fb?hub.mode=subscribe&hub.challenge=8675309&hub.verify_token=e2e-verify`,
		);
		expect(challenge.status).toBe(200);
		expect(await challenge.text()).toBe('8675309');
		const unsigned = await post('e2e-fb', fixture('facebook-webhook.json'));
		expect(unsigned).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
		expect(graph.requests).toHaveLength(0);
		const raw = fixture('facebook-webhook.json');
		const res = await post('e2e-fb', raw, signatureHeaders('facebook', 'fb-app-secret', raw));
		expect(res.status).toBe(200);
		const [execution] = await n8n.waitForExecutions(id, 1);
		const leads = nodeItems(execution, 'Leads').map((i) => i.json);
		expect(leads.map((l) => l.email)).toEqual(['joe@example.org', 'ana.lima@example.com.br']);
		expect(leads[0]).toMatchObject({
			full_name: 'Joe Example',
			phone: '+14155550123',
			source: expect.objectContaining({ provider: 'facebook', submission_id: '123412341234' }),
		});
		expect(graph.requests.filter((r) => r.url.includes('access_token=page-token'))).toHaveLength(2);
	});
});
