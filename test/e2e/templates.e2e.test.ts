/**
 * The templates in templates/, imported into a real n8n as a user would (credentials matched by
 * name, nothing else edited but the CRM's address) and run with sample leads; the CRM and the mail
 * server are local mocks on 127.0.0.1 that record what they received, and the test checks it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProviderMock, type SeenRequest } from '../helpers/providerMock';
import { SmtpMock } from '../helpers/smtpMock';
import { startN8nForTests, type N8n } from './n8n';

type Json = Record<string, any>;
let n8n: N8n;
let crm: ProviderMock;
let crmBase: string;
let smtp: SmtpMock;
let smtpPort: number;

beforeAll(async () => {
	crm = new ProviderMock({
		'/api/leads/upsert': (req: SeenRequest, n: number) =>
			req.headers.authorization === 'Bearer crm-test-key'
				? { status: 200, body: { id: `crm-${n + 1}` } }
				: { status: 401, body: { error: 'bad key' } },
	});
	crmBase = await crm.start();
	smtp = new SmtpMock();
	smtpPort = await smtp.start();
	n8n = await startN8nForTests();
}, 180_000);
afterAll(async () => {
	await n8n?.stop();
	await crm?.stop();
	await smtp?.stop();
}, 60_000);

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

describe('template: inbound form -> generic CRM + owner email', () => {
	it('sends each new lead once to the CRM with its owner, stage and score, and emails that owner why', async () => {
		const creds = {
			'CRM API key': await n8n.createCredential('httpHeaderAuth', 'CRM API key', {
				name: 'Authorization',
				value: 'Bearer crm-test-key',
			}),
			'SMTP account': await n8n.createCredential('smtp', 'SMTP account', {
				user: '',
				password: '',
				host: '127.0.0.1',
				port: smtpPort,
				secure: false,
				disableStartTls: true,
			}),
		};
		const wf = template('inbound-generic-crm.json', creds);
		const upsert = wf.nodes.find((n: Json) => n.name === 'Create or update in CRM');
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
		const posts: Array<{ type: string; body: string }> = [
			{ type: 'application/x-www-form-urlencoded', body: html.toString() },
			{
				type: 'application/json',
				body: JSON.stringify({ email: 'DANA.WHITFIELD@northwind-labs.com', name: 'Dana Whitfield' }),
			},
			{
				type: 'application/json',
				body: JSON.stringify({
					'What is your first name?': 'Lukas',
					'What is your last name?': 'Brenner',
					'Your email address': 'lukas.brenner@gmail.com',
					Land: 'Deutschland',
				}),
			},
		];
		for (const post of posts) {
			const res = await fetch(`${n8n.base}/webhook/inbound-lead`, {
				method: 'POST',
				headers: { 'content-type': post.type },
				body: post.body,
			});
			expect(res.status).toBe(200);
		}
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
		expect(dana.reasons).toMatch(/Business email.*Asked to be called/);
		const lukas = sent.find((s) => s.email.startsWith('lukas'))!;
		expect(lukas).toMatchObject({ first_name: 'Lukas', last_name: 'Brenner', country: 'DE', score_label: 'Lead' });
		expect(lukas.owner_email).toBe('marie@example.com');

		// Each owner got one email about their lead, with the reasons.
		expect(smtp.mails.map((m) => m.to.join(',')).sort()).toEqual([dana.owner_email, 'marie@example.com'].sort());
		const toDana = smtp.mails.find((m) => m.to.includes(dana.owner_email))!;
		expect(toDana.header('subject')).toBe('New SQL for you: Dana Whitfield');
		expect(toDana.body).toContain('Business email +20');
		expect(toDana.body).toContain('Asked to be called +30');
	}, 180_000);
});
