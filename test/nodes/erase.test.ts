/**
 * Erase Person (GDPR), in n8n's engine: a person every stateful node remembers (Dedupe's memory,
 * a stage history, an SLA clock, a cached provider answer, the trigger's repeat window) is erased
 * with one operation, which reports what it erased per store; after it, no node returns anything
 * about the person.
 */
import type { IWorkflowBase } from 'n8n-workflow';
import { ProviderMock } from '../helpers/providerMock';
import { loadWorkflow, runWebhook, runWorkflow, useStateFile } from './harness';

useStateFile('erase-node-', 'erase.sqlite');

type Json = Record<string, any>;
const items = (list: Json[]) => list.map((json) => ({ json }));
const person = { id: 'lead-ines', email: 'ines.moreau@atelier-moreau.fr', first_name: 'Ines', last_name: 'Moreau' };
const other = { id: 'lead-tom', email: 'tom.baker@bakery.co.uk', first_name: 'Tom', last_name: 'Baker' };

function node(file: string, name: string, params: Json, version = 1.1, id = 'wf-inbound'): IWorkflowBase {
	const wf = loadWorkflow(file);
	wf.id = id;
	const n = wf.nodes.find((x) => x.name === name)!;
	n.typeVersion = version;
	n.parameters = {
		...n.parameters,
		...params,
		options: { ...(n.parameters.options as object), ...((params.options as object) ?? {}) },
	} as typeof n.parameters;
	return wf;
}

let mock: ProviderMock;
let base: string;
beforeAll(async () => {
	mock = new ProviderMock({
		'/person': (req) => ({ status: 200, body: { person: { title: `Title of ${req.query.email}` } } }),
	});
	base = await mock.start();
});
afterAll(async () => await mock.stop());

describe('Erase Person (GDPR)', () => {
	const dedupe = (leads: Json[]) =>
		runWorkflow(node('dedupe-batch.json', 'Dedupe Leads', { mode: 'memory' }, 1), { Leads: items(leads) });
	const stage = (operation: string, leads: Json[]) =>
		runWorkflow(
			node('stage-moves.json', 'Advance Stage', {
				operation,
				targetStage: 'MQL',
				options: { now: '2026-11-30T08:00:00Z' },
			}),
			{ Leads: items(leads) },
		);
	const sla = (operation: string, leads: Json[]) =>
		runWorkflow(
			node('sla-check.json', 'SLA Check', {
				operation,
				outputMode: 'single',
				options: { now: '2026-11-30T08:05:00Z' },
			}),
			{
				Leads: items(
					leads.map((l) => ({ ...l, source: { provider: 'webflow', received_at: '2026-11-30T08:00:00Z' } })),
				),
			},
		);
	const enrich = (leads: Json[]) => {
		const wf = node('enrich-provider.json', 'Enrich Leads', {
			provider: 'http',
			method: 'GET',
			url: `${base}/person?email={email}`,
			fieldMap: { values: [{ target: 'person.title', path: 'person.title' }] },
		});
		wf.nodes.find((x) => x.name === 'Enrich Leads')!.credentials = {
			leadManagementHttpProviderApi: { id: 'cred-http', name: 'API' },
		};
		return runWorkflow(
			wf,
			{ Leads: items(leads) },
			{ leadManagementHttpProviderApi: { headerName: 'X-Key', headerSecret: 'k' } },
		);
	};
	const capture = () => {
		const wf = loadWorkflow('capture-basic.json');
		wf.id = 'wf-inbound';
		wf.nodes[0].parameters = {
			...wf.nodes[0].parameters,
			options: { ...(wf.nodes[0].parameters.options as object), repeatWindowSeconds: 3600 },
		};
		return runWebhook(wf, {
			body: { email: person.email, name: 'Ines Moreau', submission_id: 'form-42', message: 'Call me' },
		});
	};
	const erase = (params: Json = {}) =>
		runWorkflow(
			node(
				'dedupe-batch.json',
				'Dedupe Leads',
				{ operation: 'erase', eraseEmail: '={{ $json.email }}', ...params },
				1,
				'wf-gdpr',
			),
			{ Leads: items([{ email: 'Ines.Moreau@atelier-moreau.fr' }]) },
		);

	it('forgets the person from every store, reports per store, and no node returns anything about her', async () => {
		// Every node remembers both people.
		expect((await dedupe([person, other])).output('Kept')).toHaveLength(2);
		await stage('set', [person, other]);
		await sla('start', [person, other]);
		await enrich([person, other]);
		expect(mock.requests.filter((r) => r.path === '/person')).toHaveLength(2);
		expect((await capture()).output('Leads')).toHaveLength(1);
		expect((await capture()).response.body).toMatchObject({ duplicate: true });

		const report = (await erase()).output('Kept')[0].json;
		expect(report).toMatchObject({
			email: 'ines.moreau@atelier-moreau.fr',
			erased: {
				dedupe_memory: 1,
				stage_history: 1,
				sla_clocks: 1,
				enrichment_cache: 1,
				repeat_window: 1,
				routing: 0,
			},
			total: 5,
		});

		// Dedupe: she is new again (and Tom is still known).
		const again = await dedupe([
			{ ...person, id: 'lead-ines-2' },
			{ ...other, id: 'lead-tom-2' },
		]);
		expect(again.output('Kept').map((i) => i.json.email)).toEqual([person.email]);
		expect(again.output('Duplicates').map((i) => i.json.email)).toEqual([other.email]);
		// Stage: no history; Tom keeps his.
		const histories = await stage('history', [person, other]);
		expect(histories.output('Advance Stage').map((i) => (i.json.stage as Json).current ?? null)).toEqual([null, 'MQL']);
		// SLA: a touch finds no clock for her; Tom's clock is there.
		const touched = await sla('touch', [person, other]);
		expect(touched.output('SLA Check').map((i) => (i.json.sla as Json).result)).toEqual(['unknown', 'recorded']);
		// Enrich: her answer is asked again (not cached); Tom's comes from the cache.
		const enriched = await enrich([person, other]);
		expect(enriched.output('Out').map((i) => (i.json.enrichment as Json).providers.http.status)).toEqual([
			'called',
			'cached',
		]);
		// Capture: her submission runs again instead of being a repeat.
		expect((await capture()).output('Leads')).toHaveLength(1);
		// Under a shared name nobody uses there is nothing of her, but the repeat window is the
		// trigger's, kept outside every scope: the submission she just sent again is erased from it.
		const twice = await erase({ eraseFrom: 'shared', eraseSharedName: 'nobody' });
		expect(twice.output('Kept')[0].json).toMatchObject({
			erased: { dedupe_memory: 0, stage_history: 0, sla_clocks: 0, enrichment_cache: 0, repeat_window: 1 },
			total: 1,
		});
	});

	it('refuses an item with neither email nor lead ID, naming it', async () => {
		const r = await runWorkflow(
			node('dedupe-batch.json', 'Dedupe Leads', { operation: 'erase', eraseEmail: '', eraseLeadId: '' }, 1, 'wf-gdpr'),
			{ Leads: items([{}]) },
		);
		expect(r.error('Dedupe Leads')?.message).toBe('Nothing to erase: both Email and Lead ID are empty');
	});
});
