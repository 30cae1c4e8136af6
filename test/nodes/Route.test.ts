import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, IWorkflowBase } from 'n8n-workflow';
import { loadWorkflow, runWorkflow } from './harness';
import { closeRedisStores } from '../../lib/store/redis';
import { startRedis } from '../helpers/redisServer';

let dir: string;
let files = 0;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'route-node-'))));
afterAll(async () => {
	rmSync(dir, { recursive: true, force: true });
	// The nodes keep their Redis connections for the process's life, as in n8n: close them here.
	await closeRedisStores();
});

/** A workflow fixture with its Route node's parameters changed; each gets its own state file unless told. */
function workflow(
	file: string,
	params: Record<string, unknown> = {},
	options: Record<string, unknown> = {},
): IWorkflowBase {
	const wf = loadWorkflow(file);
	const node = wf.nodes.find((n) => n.type.endsWith('.route'))!;
	node.parameters = {
		...node.parameters,
		...params,
		options: {
			stateFile: join(dir, `state-${++files}.sqlite`),
			timeZone: 'UTC',
			...(node.parameters.options as object),
			...options,
		},
	} as typeof node.parameters;
	return wf;
}
const items = (list: Array<Record<string, unknown>>) => list.map((json) => ({ json }));
const owner = (json: IDataObject) => json.owner as IDataObject & { routing: IDataObject };

const leads = items([
	{ id: 'l1', country: 'FR', history: [] },
	{ id: 'l2', country: 'de', history: [] },
	{ id: 'l3', country: 'US' },
	{ id: 'l4', country: 'FR', custom: { employees: '5000' } },
	{ id: 'l5', country: 'BR', attribution: { utm_source: 'partner-x' } },
	{ id: 'l6', country: 'JP' },
	{ id: 'l7', country: 'US' },
	{ id: 'l8', country: 'US' },
]);

describe('Route Leads in the n8n engine', () => {
	it("sends each lead to the first matching rule's owner or pool, with the routing log", async () => {
		const r = await runWorkflow(workflow('route-basic.json'), { Leads: leads });
		const out = r.output('Routed');
		expect(out.map((i) => [i.json.id, owner(i.json).id ?? owner(i.json).status])).toEqual([
			['l1', 'ana'],
			['l2', 'ben'],
			['l3', 'cy'],
			['l4', 'eve'],
			['l5', 'output'],
			['l6', 'ana'],
			['l7', 'cy'],
			['l8', 'unassigned'],
		]);
		expect(out.map((i) => i.pairedItem)).toEqual(leads.map((_, i) => ({ item: i })));
		// Who got them, in the execution's custom data (the Executions list).
		expect(String(r.run.data.resultData.metadata?.routed_to)).toMatch(/^2 Ana.*1 unassigned$/);
		expect(owner(out[0].json)).toMatchObject({
			name: 'Ana',
			email: 'ana@acme.com',
			crm_owner_id: '101',
			status: 'assigned',
			method: 'pool',
			time_zone: null,
		});
		expect(owner(out[0].json).routing).toMatchObject({
			rule: 'Europe',
			rule_number: 2,
			pool: 'EMEA',
			strategy: 'roundRobin',
		});
		expect(out[0].json.history).toEqual([expect.objectContaining({ node: 'Route Leads', action: 'assigned' })]);
		// Cy's daily cap is 2: the third American lead has nobody left and no fallback: unassigned, with why.
		expect(owner(out[7].json).routing).toMatchObject({
			reason: 'rule "Americas", but nobody in AMER is available; no fallback owner is set',
			skipped: [{ id: 'cy', name: 'Cy', reason: 'daily cap reached (2/2)' }],
		});
		expect(owner(out[5].json).routing).toMatchObject({ rule: null, pool: 'All Owners' });
	});

	it('routes territories by postal code prefix or numeric range', async () => {
		const wf = workflow('route-basic.json');
		const node = wf.nodes.find((n) => n.name === 'Route Leads')!;
		const options = { caseSensitive: false, leftValue: '', typeValidation: 'loose', version: 3 };
		node.parameters.rules = {
			values: [
				{
					name: 'Paris',
					ruleAssignTo: 'owner',
					ruleOwner: 'ana',
					conditions: {
						options,
						combinator: 'and',
						conditions: [
							{
								id: 'p1',
								leftValue: '={{ $json.custom.postal_code }}',
								rightValue: '75',
								operator: { type: 'string', operation: 'startsWith' },
							},
						],
					},
				},
				{
					name: 'Rhône-Alpes',
					ruleAssignTo: 'owner',
					ruleOwner: 'ben',
					conditions: {
						options,
						combinator: 'and',
						conditions: [
							{
								id: 'r1',
								leftValue: '={{ $json.custom.postal_code }}',
								rightValue: 69000,
								operator: { type: 'number', operation: 'gte' },
							},
							{
								id: 'r2',
								leftValue: '={{ $json.custom.postal_code }}',
								rightValue: 74999,
								operator: { type: 'number', operation: 'lte' },
							},
						],
					},
				},
			],
		};
		const r = await runWorkflow(wf, {
			Leads: items(['75011', '69003', '74000', '13001'].map((postal_code) => ({ custom: { postal_code } }))),
		});
		expect(r.output('Routed').map((i) => [owner(i.json).id, owner(i.json).routing.rule])).toEqual([
			['ana', 'Paris'],
			['ben', 'Rhône-Alpes'],
			['ben', 'Rhône-Alpes'],
			['ana', null],
		]);
	});

	it('continues the rotation in the next execution (state outlives the run)', async () => {
		const wf = workflow('route-basic.json');
		const first = await runWorkflow(wf, { Leads: items([{ country: 'FR' }]) });
		const second = await runWorkflow(wf, { Leads: items([{ country: 'FR' }, { country: 'FR' }]) });
		expect([...first.output('Routed'), ...second.output('Routed')].map((i) => owner(i.json).id)).toEqual([
			'ana',
			'ben',
			'ana',
		]);
	});

	it('splits outputs per rule, plus No Match and Unassigned; the fallback owner catches the overflow', async () => {
		const r = await runWorkflow(workflow('route-basic.json', { outputMode: 'perRule' }), { Leads: leads });
		const ids = (n: number) => r.output('Route Leads', n).map((i) => i.json.id);
		expect([ids(0), ids(1), ids(2), ids(3), ids(4), ids(5)]).toEqual([
			['l4'],
			['l1', 'l2'],
			['l3', 'l7'],
			['l5'],
			['l6'],
			['l8'],
		]);
		const withFallback = await runWorkflow(
			workflow('route-basic.json', { outputMode: 'perRule', fallbackOwner: 'eve' }),
			{ Leads: leads },
		);
		expect(
			withFallback.output('Route Leads', 2).map((i) => [i.json.id, owner(i.json).id, owner(i.json).method]),
		).toEqual([
			['l3', 'cy', 'pool'],
			['l7', 'cy', 'pool'],
			['l8', 'eve', 'fallback'],
		]);
		expect(withFallback.output('Route Leads', 5)).toEqual([]);
	});

	it('refuses a rule naming an unknown pool, and a bad owner, with errors that name them', async () => {
		const wf = workflow('route-basic.json');
		const node = wf.nodes.find((n) => n.name === 'Route Leads')!;
		((node.parameters.rules as IDataObject).values as IDataObject[])[2].rulePool = 'NA';
		const r = await runWorkflow(wf, { Leads: leads });
		expect(r.error('Route Leads')?.message).toBe(
			'Rule 3 ("Americas"): no pool or team named "NA" (known: EMEA, AMER; "*" means all owners)',
		);
		const badOwner = workflow('route-basic.json');
		((badOwner.nodes[1].parameters.owners as IDataObject).owner as IDataObject[])[1].working_hours = 'weekdays 9-5';
		expect((await runWorkflow(badOwner, { Leads: leads })).error('Route Leads')?.message).toBe(
			'Owner 2 (Ben): "weekdays" is not a day of the week (in "weekdays 9-5"); use Mon, Tue, Wed, Thu, Fri, Sat, Sun',
		);
	});

	it('reports a failing condition with the item index, or passes the item out unassigned when continuing on fail', async () => {
		const wf = workflow('route-basic.json');
		const node = wf.nodes.find((n) => n.name === 'Route Leads')!;
		const rules = (node.parameters.rules as IDataObject).values as Array<{ conditions: { conditions: IDataObject[] } }>;
		rules[0].conditions.conditions[0].leftValue =
			"={{ $json.broken ? $('No such node').item.json.size : $json.custom?.employees }}";
		const batch = items([
			{ country: 'FR', custom: { employees: 5 } },
			{ id: 'bad', country: 'FR', broken: true },
		]);
		const r = await runWorkflow(wf, { Leads: batch });
		const error = r.error('Route Leads') as Error & { context?: { itemIndex?: number } };
		expect(error.message).toBe("Referenced node doesn't exist");
		expect(error.context?.itemIndex).toBe(1);
		node.continueOnFail = true;
		const ok = await runWorkflow(wf, { Leads: batch });
		expect(ok.output('Routed').map((i) => [owner(i.json)?.id ?? null, i.json.error ? 'error' : 'ok'])).toEqual([
			['ana', 'ok'],
			[null, 'error'],
		]);
	});

	it('reads owners from an input (sheet columns) and account owners from a CRM export', async () => {
		const team = items([
			{ 'Owner ID': 'd1', Name: 'Dealer North', Team: 'Dealers', 'Monthly Quota': 2 },
			{ 'Owner ID': 'd2', Name: 'Dealer South', Team: 'Dealers', Active: 'yes' },
			{ 'Owner ID': 'd3', Name: 'Dealer West', Team: 'Dealers', Active: 'no' },
		]);
		const accounts = items([
			{ Domain: 'bigco.com', 'Owner ID': 'd2' },
			{ Website: 'https://www.globex.io', Owner: 'd1' },
		]);
		const batch = items([
			{ id: 'a', email: 'x@bigco.com' },
			{ id: 'b', website: 'globex.io' },
			{ id: 'c', email: 'someone@gmail.com' },
			{ id: 'd', email: 'y@newco.com' },
			{ id: 'e', email: 'z@newco.com' },
			{ id: 'f', email: 'w@other.com' },
		]);
		const r = await runWorkflow(workflow('route-inputs.json'), {
			Leads: batch,
			'Team sheet': team,
			'CRM accounts': accounts,
		});
		const out = r.output('Route Leads');
		expect(out.map((i) => [i.json.id, owner(i.json).id, owner(i.json).method])).toEqual([
			['a', 'd2', 'account_owner'],
			['b', 'd1', 'account_owner'],
			['c', 'd1', 'pool'], // a free mailbox: no account, the pool's turn
			['d', 'd2', 'pool'],
			['e', 'd2', 'account_owner'], // newco.com was remembered as d2's account
			['f', 'd2', 'pool'], // d1's monthly quota of 2 is used up, d3 is inactive
		]);
		expect(owner(out[5].json).routing.skipped).toEqual([
			{ id: 'd1', name: 'Dealer North', reason: 'monthly cap reached (2/2)' },
			{ id: 'd3', name: 'Dealer West', reason: 'inactive' },
		]);
		const e = owner(out[4].json);
		expect(e.routing.counts).toMatchObject({ month: 3 });
	});

	it('names the owner row that is wrong in the Owners input, and routes with an empty accounts list', async () => {
		const bad = await runWorkflow(workflow('route-inputs.json'), {
			Leads: items([{ id: 'a' }]),
			'Team sheet': items([
				{ id: 'd1', team: 'Dealers' },
				{ name: 'No Id', team: 'Dealers' },
			]),
			'CRM accounts': items([{}]),
		});
		expect(bad.error('Route Leads')?.message).toBe('Owner 2 (No Id): needs an ID or an email');
		const none = await runWorkflow(workflow('route-inputs.json'), {
			Leads: items([{ id: 'a' }]),
			'Team sheet': [],
			'CRM accounts': items([{}]),
		});
		expect(none.error('Route Leads')?.message).toMatch(/^No owners: the Owners input has no items/);
		// An accounts source that ran and found nothing (an empty export) must not hold the leads back.
		const wf = workflow('route-inputs.json');
		wf.nodes.push({
			id: 'f1000000-0000-4000-8000-000000000009',
			name: 'Nothing',
			type: 'test.drop',
			typeVersion: 1,
			position: [100, 400],
			parameters: {},
		});
		wf.connections['CRM accounts'] = { main: [[{ node: 'Nothing', type: 'main', index: 0 }]] } as never;
		wf.connections.Nothing = { main: [[{ node: 'Route Leads', type: 'main', index: 2 }]] } as never;
		const empty = await runWorkflow(wf, {
			Leads: items([{ id: 'a', email: 'a@x.com' }]),
			'Team sheet': items([{ id: 'd1', team: 'Dealers' }]),
			'CRM accounts': items([{}]),
		});
		expect(empty.output('Route Leads').map((i) => owner(i.json).id)).toEqual(['d1']);
	});

	it('lists owner loads and resets the rotation', async () => {
		const stateFile = join(dir, 'loads.sqlite');
		await runWorkflow(workflow('route-basic.json', {}, { stateFile }), { Leads: leads });
		const loads = await runWorkflow(workflow('route-basic.json', { operation: 'loads' }, { stateFile }), {
			Leads: items([{}]),
		});
		const byId = Object.fromEntries(loads.output('Route Leads').map((i) => [i.json.id, i.json]));
		expect(byId.cy).toMatchObject({
			available: false,
			unavailable_reason: 'daily cap reached (2/2)',
			counts: { today: 2, all_time: 2 },
			caps: { day: 2 },
		});
		expect(byId.ana).toMatchObject({ available: true, counts: { today: 2 } });
		const reset = await runWorkflow(workflow('route-basic.json', { operation: 'reset' }, { stateFile }), {
			Leads: items([{}]),
		});
		expect(reset.output('Route Leads')[0].json).toMatchObject({ reset: true, rotation: 'route:wf-route-basic' });
		expect((reset.output('Route Leads')[0].json.keys_removed as number) > 0).toBe(true);
		const after = await runWorkflow(workflow('route-basic.json', { operation: 'loads' }, { stateFile }), {
			Leads: items([{}]),
		});
		expect(after.output('Route Leads').map((i) => (i.json.counts as IDataObject).all_time)).toEqual([0, 0, 0, 0]);
	});

	it('keeps its state in Redis when asked', async () => {
		const server = await startRedis('pw');
		try {
			const wf = workflow('route-basic.json', { store: 'redis' });
			wf.nodes[1].credentials = { leadManagementRedisApi: { id: 'r1', name: 'Redis' } };
			const creds = {
				leadManagementRedisApi: {
					host: '127.0.0.1',
					port: server.port,
					password: 'pw',
					database: 0,
					keyPrefix: 'route-node:',
				},
			};
			const a = await runWorkflow(
				wf,
				{ Leads: items([{ country: 'FR' }, { country: 'FR' }, { country: 'FR' }]) },
				creds,
			);
			expect(a.output('Routed').map((i) => owner(i.json).id)).toEqual(['ana', 'ben', 'ana']);
			const b = await runWorkflow(wf, { Leads: items([{ country: 'FR' }]) }, creds);
			expect(owner(b.output('Routed')[0].json).id).toBe('ben');
		} finally {
			await server.stop();
		}
	});
});
