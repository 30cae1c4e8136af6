/**
 * A person posting a plain HTML form from a browser gets a page in words (version 3): a thank-you
 * page, the problems with a link back, or the marketer's own page; apps, vendor webhooks and
 * saved workflows at versions 1 and 2 keep their JSON answers.
 */
import type { IWorkflowBase } from 'n8n-workflow';
import { loadWorkflow, runWebhook } from './harness';

const BROWSER = {
	'content-type': 'application/x-www-form-urlencoded',
	accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
	'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0 Safari/537.36',
	referer: 'https://www.example.com/contact',
};

function workflow(version: number, params: Record<string, unknown> = {}): IWorkflowBase {
	const wf = loadWorkflow('capture-basic.json');
	const trigger = wf.nodes[0];
	trigger.typeVersion = version;
	trigger.parameters = { ...trigger.parameters, ...params } as typeof trigger.parameters;
	return wf;
}

const form = (fields: Record<string, string>, headers: Record<string, string> = BROWSER) => ({
	headers,
	body: fields,
	rawBody: Buffer.from(new URLSearchParams(fields).toString()),
});

describe('Lead Capture Trigger: answers to a browser posting a plain HTML form', () => {
	it('version 3: a thank-you page (HTML, 200) and the lead goes on', async () => {
		const r = await runWebhook(workflow(3), form({ name: 'Ana Souza', email: 'ana.souza@example.org' }));
		expect(r.response.status).toBe(200);
		expect(r.response.headers['content-type']).toBe('text/html; charset=utf-8');
		const html = String(r.response.body);
		expect(html).toMatch(/^<!doctype html>/);
		expect(html).toContain('<html lang="en">');
		expect(html).toContain('<h1>Thank you</h1>');
		expect(html).toContain('We received your details');
		expect(r.output('Leads').map((l) => l.json.email)).toEqual(['ana.souza@example.org']);
	});

	it("the thank-you text is the marketer's, escaped, paragraphs kept", async () => {
		const r = await runWebhook(
			workflow(3, { thankYouText: 'Danke <b>sehr</b>!\n\nWir melden uns innerhalb von 24 Stunden.' }),
			form({ name: 'Jonas Weber', email: 'jonas@example.de' }),
		);
		const html = String(r.response.body);
		expect(html).toContain('<p>Danke &lt;b&gt;sehr&lt;/b&gt;!</p>');
		expect(html).toContain('<p>Wir melden uns innerhalb von 24 Stunden.</p>');
	});

	it('an invalid submission: 422 with the problems in words and a link back to the form', async () => {
		const r = await runWebhook(workflow(3), form({ name: 'Bob', email: 'bob@@example' }));
		expect(r.response.status).toBe(422);
		const html = String(r.response.body);
		expect(html).toContain('<h1>Please check the form</h1>');
		expect(html).toContain('<li>Email: &quot;bob@@example&quot; is not a valid email address.</li>');
		expect(html).toContain('<a href="https://www.example.com/contact">Go back to the form</a>');
		// The submission is not lost: it waits on the Rejected output for review.
		expect(r.output('Lead Capture Trigger', 1)).toHaveLength(1);
	});

	it('the link back prefers the page the form reported (page_url) over the Referer', async () => {
		const r = await runWebhook(
			workflow(3),
			form({ email: '', name: 'No Contact', page_url: 'https://shop.example.com/demo?utm_source=ads' }),
		);
		const html = String(r.response.body);
		expect(html).toContain('Please give an email address or a phone number.');
		expect(html).toContain('href="https://shop.example.com/demo?utm_source=ads"');
	});

	it('a javascript: Referer is never a link', async () => {
		const r = await runWebhook(workflow(3), form({ email: 'x' }, { ...BROWSER, referer: 'javascript:alert(1)' }));
		expect(String(r.response.body)).not.toContain('javascript:');
		expect(String(r.response.body)).toContain("your browser's Back button");
	});

	it('spam gets the thank-you page too (a bot learns nothing)', async () => {
		const r = await runWebhook(workflow(3), form({ name: 'Bot', email: 'bot@example.org', _gotcha: 'filled' }));
		expect(r.response.status).toBe(200);
		expect(String(r.response.body)).toContain('<h1>Thank you</h1>');
		expect(r.output('Leads')).toHaveLength(0);
	});

	it("a redirect to the marketer's own page when chosen; problems still get the page", async () => {
		const wf = workflow(3, { browserAnswer: 'redirect', browserRedirectUrl: 'https://example.com/merci' });
		const ok = await runWebhook(wf, form({ name: 'Ana', email: 'ana@example.org' }));
		expect(ok.response).toMatchObject({ status: 303, redirect: 'https://example.com/merci' });
		expect(ok.output('Leads')).toHaveLength(1);
		const bad = await runWebhook(wf, form({ name: 'Ana', email: 'ana@' }));
		expect(bad.response.status).toBe(422);
		expect(String(bad.response.body)).toContain('Please check the form');
	});

	it('a redirect address that is no web address shows the thank-you page, never loses the lead', async () => {
		const wf = workflow(3, { browserAnswer: 'redirect', browserRedirectUrl: 'example.com/thanks' });
		const r = await runWebhook(wf, form({ name: 'Ana', email: 'ana@example.org' }));
		expect(r.response.status).toBe(200);
		expect(String(r.response.body)).toContain('<h1>Thank you</h1>');
		expect(r.output('Leads')).toHaveLength(1);
	});

	it('JSON when chosen, for fetch() calls (no text/html) and for JSON bodies', async () => {
		const json = await runWebhook(workflow(3, { browserAnswer: 'json' }), form({ email: 'a@example.org' }));
		expect(json.response.body).toMatchObject({ ok: true });
		const fetchCall = await runWebhook(
			workflow(3),
			form({ email: 'b@example.org' }, { 'content-type': 'application/x-www-form-urlencoded', accept: '*/*' }),
		);
		expect(fetchCall.response.body).toMatchObject({ ok: true });
		const api = await runWebhook(workflow(3), {
			headers: { accept: 'text/html' },
			body: { email: 'c@example.org' },
		});
		expect(api.response.body).toMatchObject({ ok: true });
	});

	it.each([1, 2])('version %i keeps answering JSON to browsers (saved workflows)', async (version) => {
		const r = await runWebhook(workflow(version), form({ name: 'Ana', email: 'ana@example.org' }));
		expect(r.response.body).toMatchObject({ ok: true });
		const bad = await runWebhook(workflow(version), form({ name: 'Ana', email: 'ana@' }));
		expect(bad.response).toMatchObject({ status: 422, body: { error: 'invalid_submission' } });
	});

	it("When Last Node Finishes is n8n's answer, not a page", async () => {
		const r = await runWebhook(workflow(3, { responseMode: 'lastNode' }), form({ email: 'd@example.org' }));
		expect(typeof r.response.body).not.toBe('string');
	});
});
