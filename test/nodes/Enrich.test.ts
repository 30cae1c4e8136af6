import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IWorkflowBase } from 'n8n-workflow';
import { ProviderMock } from '../helpers/providerMock';
import { runWorkflow, useStateFile, withParameters } from './harness';

useStateFile('enrich-node-', 'enrich.sqlite');

type Json = Record<string, any>;
const items = (list: Json[]) => list.map((json) => ({ json }));
const recorded = (name: string) =>
	JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'providers', `${name}.json`), 'utf8')) as unknown;

function workflow(file: string, params: Json = {}): IWorkflowBase {
	const wf = withParameters(file, 'Enrich Leads', params);
	const n = wf.nodes.find((x) => x.name === 'Enrich Leads')!;
	if (params.provider === 'http') n.credentials = { leadManagementHttpProviderApi: { id: 'cred-http', name: 'API' } };
	return wf;
}

/** A canonical lead as Lead Capture Trigger writes it (only the fields these tests read). */
const lead = (id: string, fields: Json) => ({ id, custom: {}, history: [], ...fields });

describe('Enrich Leads in the n8n engine: locally', () => {
	it('enriches canonical leads and writes back E.164 phones, ISO countries and tidy names', async () => {
		const r = await runWorkflow(workflow('enrich-local.json'), {
			Leads: items([
				lead('a', {
					email: 'ann.lee@acme-robotics.com',
					first_name: 'ANN',
					last_name: 'LEE',
					phone: '(415) 555-2671',
					country: 'United States',
				}),
				lead('b', {
					email: 'bob.ray@acme-robotics.com',
					full_name: 'Mr Bob Ray',
					phone: '06 12 34 56 78',
					country: 'France',
				}),
				lead('c', { email: 'info@mailinator.com', phone: 'n/a', country: 'Atlantis', custom: { salutation: 'Frau' } }),
			]),
		});
		const out = r.output('Out');
		expect(out.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const [a, b, c] = out.map((i) => i.json as Json);
		expect(a).toMatchObject({ first_name: 'Ann', last_name: 'Lee', phone: '+14155552671', country: 'US' });
		expect(a.enrichment).toMatchObject({
			email: { valid: true, free: false, role: false, company_domain: 'acme-robotics.com', pattern: '{first}.{last}' },
			company: { domain: 'acme-robotics.com', name_guess: 'Acme Robotics' },
			phone: { e164: '+14155552671', valid: true, national: '(415) 555-2671' },
			country: { code: 'US', name: 'United States' },
			time_zone: { zone: 'America/Los_Angeles', source: 'phone' },
		});
		expect(b).toMatchObject({ first_name: 'Bob', last_name: 'Ray', phone: '+33612345678', country: 'FR' });
		expect(b.enrichment.name).toMatchObject({ salutation: 'Mr', gender: 'male' });
		expect(b.enrichment.time_zone).toEqual({ zone: 'Europe/Paris', source: 'country' });
		// nothing lost: what cannot be read stays as typed, flagged in the section
		expect(c).toMatchObject({ phone: 'n/a', country: 'Atlantis', email: 'info@mailinator.com' });
		expect(c.enrichment.email).toMatchObject({ disposable: true, role: true, company_domain: null });
		expect(c.enrichment.country).toBeNull();
		expect(c.enrichment.name).toBeNull();
	});
	it('reads other shapes through the field mapping and leaves their fields alone when asked', async () => {
		const r = await runWorkflow(
			workflow('enrich-local.json', {
				fields: { email: 'contact.mail', phone: 'contact.tel', country: 'contact.land' },
				options: { fillFields: false, outputField: 'facts' },
			}),
			{ Leads: items([{ contact: { mail: 'X@Firma.de', tel: '030 1234567', land: 'Deutschland' } }]) },
		);
		const [json] = r.output('Out').map((i) => i.json as Json);
		expect(json.contact).toEqual({ mail: 'X@Firma.de', tel: '030 1234567', land: 'Deutschland' });
		expect(json.facts).toMatchObject({
			email: { address: 'x@firma.de', company_domain: 'firma.de' },
			phone: { e164: '+49301234567', country: 'DE' },
			time_zone: { zone: 'Europe/Berlin', source: 'country' },
		});
	});
	it('a Default Phone Country that is not a code stops with a message naming it', async () => {
		const r = await runWorkflow(workflow('enrich-local.json', { defaultCountry: 'Germany' }), {
			Leads: items([lead('a', { phone: '030 1234567' })]),
		});
		expect(r.error('Enrich Leads')?.message).toBe(
			'Default Phone Country "GERMANY" is not a two-letter country code (e.g. US, GB, DE)',
		);
	});
});

describe('Enrich Leads in the n8n engine: with a provider', () => {
	let mock: ProviderMock;
	let base: string;
	beforeEach(async () => {
		mock = new ProviderMock({
			'/email-verifier': (req) =>
				req.query.api_key !== 'key-1'
					? { status: 401, body: recorded('errors') && (recorded('errors') as Json).hunter401 }
					: req.query.email === 'gone@acme.com'
						? { status: 404, body: { errors: [{ details: 'not found' }] } }
						: { status: 200, body: recorded('hunter-verify') },
		});
		base = await mock.start();
	});
	afterEach(async () => await mock.stop());

	it('calls once per distinct email with the credential, caches, and tells what it saved', async () => {
		const credentials = { leadManagementHunterApi: { apiKey: 'key-1', baseUrl: base } };
		const leads = items([
			lead('a', { email: 'pat@stripe.com' }),
			lead('b', { email: 'PAT@stripe.com' }),
			lead('c', { email: 'gone@acme.com' }),
			lead('d', { email: '' }),
			lead('e', {
				email: 'done@acme.com',
				enrichment: {
					email: { verification: { status: 'valid' } },
					fields: { 'email.verification': { source: 'hunter.verify', at: '2026-11-30T00:00:00Z' } },
				},
			}),
		]);
		const first = await runWorkflow(workflow('enrich-provider.json'), { Leads: leads }, credentials);
		const out = first.output('Out').map((i) => i.json as Json);
		expect(out.map((j) => j.enrichment.providers['hunter.verify'].status)).toEqual([
			'called',
			'duplicate',
			'called',
			'skipped',
			'fresh',
		]);
		expect(out[0].enrichment).toMatchObject({
			email: { verification: { status: 'valid', score: 100 } },
			fields: { 'email.verification': { source: 'hunter.verify' } },
			raw: { 'hunter.verify': { email: 'patrick@stripe.com' } },
		});
		expect(out[2].enrichment.providers['hunter.verify']).toMatchObject({ found: false });
		expect(mock.requests.map((q) => q.query.email)).toEqual(['pat@stripe.com', 'gone@acme.com']);
		const hints = first.run.data.resultData.runData['Enrich Leads'][0].hints ?? [];
		expect(hints.map((h) => h.message)).toContain(
			'Hunter Email Verifier: 2 requests for 5 leads; 2 look-ups saved (0 from the cache, 1 repeated in the batch, 1 already enriched); 1 not found; 1 skipped for missing input',
		);

		const second = await runWorkflow(workflow('enrich-provider.json'), { Leads: leads }, credentials);
		expect(second.output('Out').map((i) => (i.json as Json).enrichment.providers['hunter.verify'].status)).toEqual([
			'cached',
			'duplicate',
			'cached',
			'skipped',
			'fresh',
		]);
		expect(mock.requests).toHaveLength(2);
	});
	it('a refused credential: the leads pass through flagged, or the node stops naming the item', async () => {
		const credentials = { leadManagementHunterApi: { apiKey: 'wrong', baseUrl: base } };
		const leads = items([lead('a', { email: 'x1@acme.com' }), lead('b', { email: 'x2@acme.com' })]);
		const flagged = await runWorkflow(workflow('enrich-provider.json'), { Leads: leads }, credentials);
		const out = flagged.output('Out').map((i) => i.json as Json);
		expect(out).toHaveLength(2);
		expect(out[1].enrichment.providers['hunter.verify']).toEqual({
			status: 'error',
			error:
				'Hunter Email Verifier refused the credential (401): No user found for the API key supplied. Check the API key in the credential',
			error_kind: 'auth',
		});
		expect(mock.requests).toHaveLength(1);

		const failed = await runWorkflow(
			workflow('enrich-provider.json', { onError: 'fail' }),
			{ Leads: leads },
			credentials,
		);
		const error = failed.error('Enrich Leads') as Error & { context?: Json };
		expect(error.message).toMatch(/^Hunter Email Verifier refused the credential \(401\)/);
		expect(error.context?.itemIndex).toBe(0);
	});
	it('the cache is keyed by provider, credential, endpoint and request; raw answers are mapped on read', async () => {
		mock.route('/v3/firmo', () => ({ status: 200, body: { company: { sector: 'Retail', staff: 120, city: 'Lyon' } } }));
		const httpNode = (fields: Json[], credentialId = 'cred-http') => {
			const wf = workflow('enrich-provider.json', {
				provider: 'http',
				method: 'GET',
				url: `${base}/v3/firmo?d={domain}`,
				fieldMap: { values: fields },
			});
			wf.id = 'wf-cache-keys';
			const n = wf.nodes.find((x) => x.name === 'Enrich Leads')!;
			n.typeVersion = 1.1;
			n.credentials = { leadManagementHttpProviderApi: { id: credentialId, name: 'API' } };
			return wf;
		};
		const creds = { leadManagementHttpProviderApi: { headerName: 'X-Api-Key', headerSecret: 's' } };
		const leads = { Leads: items([lead('a', { email: 'ana@shop-lyon.fr' })]) };
		const first = await runWorkflow(httpNode([{ target: 'company.industry', path: 'company.sector' }]), leads, creds);
		expect((first.output('Out')[0].json as Json).enrichment.company).toEqual({ industry: 'Retail' });
		// A second node on the same URL maps other fields: the cached raw answer, mapped its way.
		const second = await runWorkflow(httpNode([{ target: 'company.city', path: 'company.city' }]), leads, creds);
		const out = second.output('Out')[0].json as Json;
		expect(out.enrichment.providers.http.status).toBe('cached');
		expect(out.enrichment.company).toEqual({ city: 'Lyon' });
		expect(mock.on('/v3/firmo')).toHaveLength(1);
		// Another account (credential) asks for itself.
		await runWorkflow(httpNode([{ target: 'company.city', path: 'company.city' }], 'cred-other'), leads, creds);
		expect(mock.on('/v3/firmo')).toHaveLength(2);
	});
	it('the generic HTTP provider: a URL template, the key from its credential, answer paths', async () => {
		mock.route('/v2/company', (req) =>
			req.headers['x-api-key'] === 'secret' && req.query.token === 'q1'
				? { status: 200, body: { company: { sector: 'Payments', staff: 8000 } } }
				: { status: 403, body: { message: 'forbidden' } },
		);
		const r = await runWorkflow(
			workflow('enrich-provider.json', {
				provider: 'http',
				method: 'GET',
				url: `${base}/v2/company?d={domain}`,
				fieldMap: {
					values: [
						{ target: 'company.industry', path: 'company.sector' },
						{ target: 'company.employees', path: 'company.staff' },
					],
				},
			}),
			{ Leads: items([lead('a', { email: 'pat@stripe.com' }), lead('b', { email: 'me@gmail.com' })]) },
			{
				leadManagementHttpProviderApi: {
					headerName: 'X-Api-Key',
					headerSecret: 'secret',
					queryName: 'token',
					querySecret: 'q1',
				},
			},
		);
		expect(r.error('Enrich Leads')).toBeUndefined();
		const out = r.output('Out').map((i) => i.json as Json);
		expect(out[0].enrichment.company).toEqual({ industry: 'Payments', employees: 8000 });
		// a free-mail lead has no company domain: nothing to ask
		expect(out[1].enrichment.providers.http).toEqual({ status: 'skipped', reason: 'needs domain for the URL' });
		expect(mock.on('/v2/company').map((q) => q.query.d)).toEqual(['stripe.com']);
	});
});
