import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IWorkflowBase } from 'n8n-workflow';
import { checkLead } from '../../lib/lead/schema';
import { signatureHeaders } from '../../lib/capture/signatures';
import { parseMultipart } from '../../lib/capture/multipart';
import { fixture, fixtureJson } from '../lib/helpers';
import { loadWorkflow, runWebhook } from './harness';
import { MockServer } from './mockServer';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lead-capture-node-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The basic capture workflow with some trigger parameters changed. */
function workflow(params: Record<string, unknown> = {}, options: Record<string, unknown> = {}): IWorkflowBase {
	const wf = loadWorkflow('capture-basic.json');
	const trigger = wf.nodes[0];
	trigger.parameters = {
		...trigger.parameters,
		...params,
		options: { ...(trigger.parameters.options as object), ...options },
	} as typeof trigger.parameters;
	return wf;
}

describe('Lead Capture Trigger in the n8n engine', () => {
	it.each([
		['typeform.json', 'typeform', 'laura.dupont+demo@gmail.com'],
		['tally.json', 'tally', 'jp@fontaine.example'],
		['webflow.json', 'webflow', 'zaphod@heartofgold.example'],
		['hubspot.json', 'hubspot', 'sam@northwind.example'],
		['googleads.json', 'googleAds', 'test@example.com'],
		['generic.json', 'generic', 'chloe.martin@orange.fr'],
	])('%s → one canonical lead on the Lead output', async (file, provider, email) => {
		const r = await runWebhook(workflow(), { body: fixtureJson(file) });
		expect(r.response.status).toBe(200);
		const leads = r.output('Leads');
		expect(leads).toHaveLength(1);
		expect(checkLead(leads[0].json).issues).toEqual([]);
		expect(leads[0].json).toMatchObject({ email, source: { provider } });
		expect(r.response.body).toEqual({ ok: true, lead_ids: [leads[0].json.id] });
		expect(r.run?.status).toBe('success');
	});

	it('reads urlencoded Elementor posts', async () => {
		const text = fixture('elementor-advanced.txt').toString();
		const r = await runWebhook(workflow({}, { defaultCountry: 'DE' }), {
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: Object.fromEntries(new URLSearchParams(text)),
			rawBody: Buffer.from(text),
		});
		expect(r.output('Leads')[0].json).toMatchObject({
			email: 'tom@weber.example',
			phone: '+49301234567',
			source: { provider: 'elementor' },
		});
	});

	it('reads multipart posts parsed by n8n and keeps file fields as binary', async () => {
		const fields = parseMultipart(
			fixture('jotform.multipart'),
			'------------------------J1JNT4vbVO4FCC1qLG4HSv',
		).fields;
		const file = join(dir, 'upload.tmp');
		writeFileSync(file, 'PDF-1.7 resume');
		const r = await runWebhook(workflow({}, { defaultCountry: 'US' }), {
			headers: { 'content-type': 'multipart/form-data; boundary=x' },
			body: {
				data: fields,
				files: { resume: { filepath: file, originalFilename: 'resume.pdf', mimetype: 'application/pdf' } },
			},
			rawBody: Buffer.alloc(0),
		});
		const [item] = r.output('Leads');
		expect(item.json).toMatchObject({
			email: 'niloth@perera.example',
			source: { provider: 'jotform', submission_id: '6084250982513018472' },
		});
		expect(item.binary?.resume).toMatchObject({ fileName: 'resume.pdf', mimeType: 'application/pdf' });
		expect(Buffer.from(item.binary!.resume.data, 'base64').toString()).toBe('PDF-1.7 resume');
	});

	it('answers 422 naming each bad field and sends the submission to Rejected', async () => {
		const r = await runWebhook(workflow({}, { requiredFields: ['email', 'company'] }), {
			body: { email: 'nope', name: 'X' },
		});
		expect(r.response.status).toBe(422);
		expect(r.response.body).toMatchObject({ ok: false, error: 'invalid_submission' });
		expect((r.response.body as { issues: Array<{ field: string }> }).issues.map((i) => i.field).sort()).toEqual([
			'company',
			'email',
		]);
		expect(r.output('Leads')).toEqual([]);
		expect(r.output('Review')[0].json).toMatchObject({ rejected: true, reason: 'invalid', lead: { email: 'nope' } });
	});

	it('drops invalid submissions without an execution when the review output is off', async () => {
		const r = await runWebhook(workflow({}, { rejectedOutput: false }), { body: { name: 'no contact' } });
		expect(r.response.status).toBe(422);
		expect(r.run).toBeUndefined();
	});

	it('answers spam with 200 and routes it to Rejected', async () => {
		const r = await runWebhook(workflow(), { body: { email: 'bot@mailinator.com', _gotcha: 'x' } });
		expect(r.response).toMatchObject({ status: 200, body: { ok: true, lead_ids: [] } });
		expect(r.output('Leads')).toEqual([]);
		expect(r.output('Review')[0].json).toMatchObject({
			reason: 'spam',
			reasons: ['honeypot field "_gotcha" was filled in', 'disposable email domain mailinator.com'],
		});
	});

	it('checks vendor signatures with the credential secret', async () => {
		const raw = fixture('typeform.json');
		const wf = workflow({ authentication: 'signature', signatureScheme: 'provider' });
		const creds = { leadCaptureSignatureApi: { secret: 'tf-secret' } };
		const good = await runWebhook(
			wf,
			{ body: JSON.parse(raw.toString()), rawBody: raw, headers: signatureHeaders('typeform', 'tf-secret', raw) },
			creds,
		);
		expect(good.output('Leads')).toHaveLength(1);
		const bad = await runWebhook(
			wf,
			{ body: JSON.parse(raw.toString()), rawBody: raw, headers: signatureHeaders('typeform', 'other', raw) },
			creds,
		);
		expect(bad.response).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
		expect(bad.run).toBeUndefined();
	});

	it('checks header tokens', async () => {
		const wf = workflow({ authentication: 'headerAuth' });
		const creds = { leadCaptureHeaderAuthApi: { headerName: 'X-Lead-Token', token: 't0k3n' } };
		expect(
			(await runWebhook(wf, { body: { email: 'a@b.example' }, headers: { 'x-lead-token': 't0k3n' } }, creds)).response
				.status,
		).toBe(200);
		expect(
			(await runWebhook(wf, { body: { email: 'a@b.example' }, headers: { 'x-lead-token': 'nope' } }, creds)).response
				.status,
		).toBe(401);
	});

	it('refuses callers outside the IP allowlist with 403', async () => {
		const wf = workflow({}, { ipAllowlist: '10.0.0.0/8' });
		expect((await runWebhook(wf, { body: { email: 'a@b.example' }, ip: '192.0.2.1' })).response.status).toBe(403);
		expect((await runWebhook(wf, { body: { email: 'a@b.example' }, ip: '10.2.3.4' })).response.status).toBe(200);
	});

	it('starts one execution for repeated deliveries of the same submission', async () => {
		const wf = workflow({}, { repeatWindowSeconds: 3600, stateFile: join(dir, 'repeat.sqlite') });
		const first = await runWebhook(wf, { body: fixtureJson('tally.json') });
		const second = await runWebhook(wf, { body: fixtureJson('tally.json') });
		expect(first.output('Leads')).toHaveLength(1);
		expect(second.run).toBeUndefined();
		expect(second.response).toMatchObject({ status: 200, body: { ok: true, duplicate: true } });
	});

	it('redirects plain HTML forms to the thank-you page with 303', async () => {
		const r = await runWebhook(workflow({ responseMode: 'redirect', redirectUrl: 'https://example.com/thanks' }), {
			body: { email: 'a@b.example' },
		});
		expect(r.response).toMatchObject({ status: 303, redirect: 'https://example.com/thanks' });
		expect(r.output('Leads')).toHaveLength(1);
	});

	it('leaves the answer to n8n when responding after the last node', async () => {
		const r = await runWebhook(workflow({ responseMode: 'lastNode' }), { body: { email: 'a@b.example' } });
		expect(r.result.webhookResponse).toBeUndefined();
		expect(r.result.noWebhookResponse).toBeUndefined();
		expect(r.output('Leads')).toHaveLength(1);
	});

	describe('Facebook Lead Ads', () => {
		const graph = new MockServer({
			'/v23.0/123412341234': { status: 200, body: fixtureJson('facebook-lead-123412341234.json') },
			'/v23.0/987698769876': { status: 200, body: fixtureJson('facebook-lead-987698769876.json') },
			'/v23.0/555': { status: 500, body: { error: { message: 'An unexpected error has occurred', code: 2 } } },
		});
		let baseUrl: string;
		beforeAll(async () => (baseUrl = await graph.start()));
		afterAll(async () => await graph.stop());
		const creds = () => ({
			facebookLeadAdsGraphApi: {
				accessToken: 'page-token',
				appSecret: 'app-s3cret',
				verifyToken: 'verify-me',
				apiVersion: 'v23.0',
				baseUrl,
			},
		});
		/** A Lead Ads POST as Meta sends it: signed with the app secret. */
		const signed = (body: unknown, secret = 'app-s3cret') => {
			const rawBody = Buffer.from(JSON.stringify(body));
			return { body, rawBody, headers: signatureHeaders('facebook', secret, rawBody) };
		};

		it('fetches every lead of a signed webhook from the Graph API with the credential', async () => {
			const r = await runWebhook(
				workflow({ provider: 'facebook' }),
				signed(fixtureJson('facebook-webhook.json')),
				creds(),
			);
			const leads = r.output('Leads').map((i) => i.json);
			expect(leads.map((l) => l.email)).toEqual(['joe@example.org', 'ana.lima@example.com.br']);
			expect(leads[0]).toMatchObject({
				full_name: 'Joe Example',
				consent: { marketing: true },
				source: { submission_id: '123412341234' },
			});
			expect(
				graph.requests.some(
					(q) => q.url.startsWith('/v23.0/123412341234?') && q.url.includes('access_token=page-token'),
				),
			).toBe(true);
		});

		it('refuses unsigned or wrongly signed Lead Ads posts before fetching anything, unless told to accept them', async () => {
			const body = fixtureJson('facebook-webhook.json');
			const before = graph.requests.length;
			const unsigned = await runWebhook(workflow({ provider: 'facebook' }), { body }, creds());
			expect(unsigned.response).toMatchObject({
				status: 401,
				body: { error: 'invalid_signature', message: 'Signature check failed: missing X-Hub-Signature-256 header' },
			});
			const forged = await runWebhook(workflow({ provider: 'facebook' }), signed(body, 'guessed'), creds());
			expect(forged.response).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
			const noSecret = await runWebhook(
				workflow({ provider: 'facebook' }),
				{ body },
				{ facebookLeadAdsGraphApi: { ...creds().facebookLeadAdsGraphApi, appSecret: '' } },
			);
			expect(noSecret.response).toMatchObject({ status: 401, body: { error: 'signature_required' } });
			// Auto-Detect has no Lead Ads credential: it neither fetches nor pretends to.
			const auto = await runWebhook(workflow(), signed(body), creds());
			expect(auto.response).toMatchObject({ status: 400, body: { error: 'provider_not_set' } });
			expect(graph.requests.length).toBe(before);
			const opted = await runWebhook(
				workflow({ provider: 'facebook' }, { acceptUnsignedLeadAds: true }),
				{ body },
				{ facebookLeadAdsGraphApi: { ...creds().facebookLeadAdsGraphApi, appSecret: '' } },
			);
			expect(opted.output('Leads')).toHaveLength(2);
		});

		it('fails the delivery with 502 so Meta retries when the Graph API errors, without passing on its words', async () => {
			const body = {
				object: 'page',
				entry: [{ id: '1', changes: [{ field: 'leadgen', value: { leadgen_id: '555', form_id: '9' } }] }],
			};
			const r = await runWebhook(workflow({ provider: 'facebook' }, { rejectedOutput: false }), signed(body), creds());
			expect(r.response).toMatchObject({ status: 502, body: { error: 'lead_fetch_failed' } });
			expect(JSON.stringify(r.response.body)).not.toMatch(/unexpected error|555|graph/i);
			expect(r.run).toBeUndefined();
			const kept = await runWebhook(workflow({ provider: 'facebook' }), signed(body), creds());
			expect(kept.response).toMatchObject({ status: 200, body: { ok: true, lead_ids: [] } });
			expect(kept.output('Review')[0].json).toMatchObject({
				reason: 'fetch_failed',
				source_ids: { leadgen_id: '555' },
				reasons: [expect.stringMatching(/^Could not fetch lead 555 from the Graph API: /)],
			});
		});

		it('answers the hub.challenge verification only with the right token', async () => {
			const ok = await runWebhook(
				workflow({ provider: 'facebook' }),
				{
					method: 'GET',
					query: { 'hub.mode': 'subscribe', 'hub.challenge': '1158201444', 'hub.verify_token': 'verify-me' },
				},
				creds(),
			);
			expect(ok.response).toMatchObject({ status: 200, body: '1158201444' });
			const bad = await runWebhook(
				workflow({ provider: 'facebook' }),
				{ method: 'GET', query: { 'hub.mode': 'subscribe', 'hub.challenge': '1', 'hub.verify_token': 'x' } },
				creds(),
			);
			expect(bad.response.status).toBe(403);
			const plain = await runWebhook(workflow(), { method: 'GET' });
			expect(plain.response.status).toBe(405);
		});
	});
});
