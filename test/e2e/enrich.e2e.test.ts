/**
 * Enrich Leads in a real n8n: captured leads are enriched locally, then looked up with Hunter's
 * Domain Search on a mock provider (127.0.0.1). Concurrent submissions from one company cost one
 * call in all (claims and the cache in the state store), and later executions read the cache.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProviderMock } from '../helpers/providerMock';
import { nodeItems, startN8nForTests, type N8n } from './n8n';

let n8n: N8n;
let mock: ProviderMock;
let base: string;
beforeAll(async () => {
	mock = new ProviderMock({
		'/domain-search': (req) =>
			req.query.api_key === 'e2e-key'
				? {
						status: 200,
						delayMs: 300,
						body: {
							data: {
								domain: req.query.domain,
								organization: 'Acme Robotics',
								pattern: '{first}.{last}',
								industry: 'Robotics',
							},
						},
					}
				: { status: 401, body: { errors: [{ details: 'No user found for the API key supplied' }] } },
	});
	base = await mock.start();
	n8n = await startN8nForTests();
}, 180_000);
afterAll(async () => {
	await n8n?.stop();
	await mock?.stop();
}, 60_000);

const fixture = (name: string) =>
	JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'workflows', `${name}.json`), 'utf8')) as {
		nodes: Array<Record<string, unknown>>;
	};

it('enriches captured leads offline, then spends one provider call per company across concurrent executions', async () => {
	const cred = await n8n.createCredential('leadManagementHunterApi', 'Hunter (mock)', {
		apiKey: 'e2e-key',
		baseUrl: base,
	});
	const wf = fixture('e2e-enrich');
	wf.nodes[2].credentials = { leadManagementHunterApi: { id: cred.id, name: cred.name } };
	const id = await n8n.deploy(wf, 'e2e-enrich');
	const post = async (lead: Record<string, unknown>) => {
		const res = await fetch(`${n8n.base}/webhook/e2e-enrich`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(lead),
		});
		expect(res.status).toBe(200);
	};
	// Six people of one company at once, as a team signing up for a webinar.
	const team = ['ann lee', 'bob ray', 'cara diaz', 'dan kim', 'eve ng', 'fay moss'].map((name) => {
		const [first, last] = name.split(' ');
		return {
			email: `${first}.${last}@acme-robotics.com`,
			first_name: first.toUpperCase(),
			last_name: last,
			phone: '(415) 555-2671',
			country: 'USA',
		};
	});
	await Promise.all(team.map(post));
	// Later, one more from the same company, and one on free mail (no company domain: no call).
	await post({
		email: 'gus.bell@acme-robotics.com',
		full_name: 'Mr Gus Bell',
		phone: '030 1234567',
		country: 'Deutschland',
	});
	await post({ email: 'hal@gmail.com', first_name: 'Hal', last_name: 'Moe', country: 'Royaume-Uni' });

	const executions = await n8n.waitForExecutions(id, 8, 90_000);
	const leads = executions.flatMap((e) => nodeItems(e, 'Done')).map((i) => i.json as Record<string, any>);
	expect(leads).toHaveLength(8);
	expect(mock.on('/domain-search').map((r) => r.query.domain)).toEqual(['acme-robotics.com']);

	const ann = leads.find((l) => l.email === 'ann.lee@acme-robotics.com')!;
	expect(ann).toMatchObject({ first_name: 'Ann', last_name: 'Lee', phone: '+14155552671', country: 'US' });
	expect(ann.enrichment).toMatchObject({
		email: { valid: true, free: false, company_domain: 'acme-robotics.com' },
		phone: { type: 'fixed_line_or_mobile', national: '(415) 555-2671' },
		time_zone: { zone: 'America/Los_Angeles', source: 'phone' },
		company: {
			domain: 'acme-robotics.com',
			name_guess: 'Acme Robotics',
			name: 'Acme Robotics',
			industry: 'Robotics',
			email_pattern: '{first}.{last}',
		},
		fields: { 'company.name': { source: 'hunter.domain' } },
	});
	const statuses = leads
		.filter((l) => l.email.endsWith('@acme-robotics.com'))
		.map((l) => l.enrichment.providers['hunter.domain'].status)
		.sort();
	expect(statuses).toEqual(['cached', 'cached', 'cached', 'cached', 'cached', 'cached', 'called']);
	const gus = leads.find((l) => l.email === 'gus.bell@acme-robotics.com')!;
	expect(gus).toMatchObject({ first_name: 'Gus', last_name: 'Bell', phone: '+49301234567', country: 'DE' });
	expect(gus.enrichment.time_zone).toEqual({ zone: 'Europe/Berlin', source: 'country' });
	const hal = leads.find((l) => l.email === 'hal@gmail.com')!;
	expect(hal.enrichment.providers['hunter.domain']).toEqual({
		status: 'skipped',
		reason: 'no company domain (website or business email)',
	});
	expect(hal.enrichment.country).toEqual({
		code: 'GB',
		name: 'United Kingdom',
		region: 'Europe',
		sales_region: 'EMEA',
	});
}, 240_000);
