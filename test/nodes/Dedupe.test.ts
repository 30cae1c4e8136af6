import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IWorkflowBase } from 'n8n-workflow';
import { loadWorkflow, runWorkflow } from './harness';
import { closeRedisStores } from '../../lib/store/redis';
import { startRedis, type RedisServer } from '../helpers/redisServer';
import { BARE_NAMESAKE, NAMESAKE_GROUPS } from '../lib/joinScenario';
import { NAMESAKES_OWN_PHONES, ONE_NUMBER_TWO_WAYS } from '../lib/peoplePhones';
import { formTraffic } from '../../bench/traffic';
import { modelNamespace } from '../../lib/dedupe/memoryModel';
import { SqliteStore } from '../../lib/store/sqlite';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'dedupe-node-'))));
afterAll(async () => {
	rmSync(dir, { recursive: true, force: true });
	// The nodes keep their Redis connections for the process's life, as in n8n: close them here.
	await closeRedisStores();
});

function workflow(
	file: string,
	params: Record<string, unknown> = {},
	options: Record<string, unknown> = {},
	/** The Dedupe node's version, where the fixture's is not the one tested. */
	typeVersion?: number,
): IWorkflowBase {
	const wf = loadWorkflow(file);
	const node = wf.nodes.find((n) => n.type.endsWith('.dedupe'))!;
	node.parameters = {
		...node.parameters,
		...params,
		options: { ...(node.parameters.options as object), ...options },
	} as typeof node.parameters;
	if (typeVersion !== undefined) node.typeVersion = typeVersion;
	return wf;
}
const items = (list: Array<Record<string, unknown>>) => list.map((json) => ({ json }));

const leads = items([
	{
		id: 'l1',
		email: 'Laura.Dupont@gmail.com',
		first_name: 'Laura',
		last_name: 'Dupont',
		source: { submitted_at: '2026-11-01T10:00:00Z' },
	},
	{
		id: 'l2',
		email: 'lauradupont+promo@googlemail.com',
		phone: '06 12 34 56 78',
		source: { submitted_at: '2026-11-02T10:00:00Z' },
	},
	{ id: 'l3', first_name: 'Marc', last_name: 'Lefèvre', company: 'Acme SAS' },
	{ id: 'l4', first_name: 'marc', last_name: 'Lefevre', company: 'ACME' },
	{ id: 'l5', first_name: 'Marc', last_name: 'Lefèvre', company: 'Globex' },
]);

describe('Dedupe Leads in the n8n engine', () => {
	it('splits kept and duplicates within the incoming items, with paired items and reasons', async () => {
		const r = await runWorkflow(workflow('dedupe-batch.json'), { Leads: leads });
		expect(r.output('Kept').map((i) => i.json.id)).toEqual(['l1', 'l3', 'l5']);
		const dups = r.output('Duplicates');
		expect(dups.map((i) => [i.json.id, (i.json.dedupe as Record<string, unknown>).duplicate_of])).toEqual([
			['l2', 'l1'],
			['l4', 'l3'],
		]);
		expect(dups[0].json.dedupe).toMatchObject({ status: 'duplicate', matched_on: ['email'], mode: 'batch' });
		expect(r.output('Dedupe Leads', 1).map((i) => i.pairedItem)).toEqual([{ item: 1 }, { item: 3 }]);
		// The Executions list tells new from duplicate leads (n8n's custom execution data).
		expect(r.run.data.resultData.metadata).toEqual({ lead: '3 new, 2 duplicate' });
	});

	it('version 1.1 keeps namesakes at two companies apart where version 1 chains them through one link', async () => {
		const namesakes = items([...NAMESAKE_GROUPS, BARE_NAMESAKE]);
		const at = (typeVersion: number, options: Record<string, unknown> = {}) =>
			workflow('dedupe-batch.json', {}, { defaultCountry: 'US', ...options }, typeVersion);
		const groups = (r: Awaited<ReturnType<typeof runWorkflow>>) =>
			[...r.output('Kept'), ...r.output('Duplicates')].map((i) => [
				i.json.id,
				(i.json.dedupe as Record<string, unknown>).cluster_id,
			]);
		const v1 = await runWorkflow(at(1), { Leads: namesakes });
		expect(v1.output('Kept').map((i) => i.json.id)).toEqual(['a1']);
		const v11 = await runWorkflow(at(1.1), { Leads: namesakes });
		expect(groups(v11)).toEqual([
			['a1', 'a1'],
			['b1', 'b1'],
			['a2', 'a1'],
			['b2', 'b1'],
			['z', 'a1'],
		]);
		expect(v11.output('Duplicates').find((i) => i.json.id === 'z')!.json.dedupe).toMatchObject({
			why: expect.stringMatching(/^Kept apart from lead b1's group: work domains differ/),
		});
		// The option decides where it is set, in either version.
		const off = await runWorkflow(at(1.1, { wholeGroups: false }), { Leads: namesakes });
		expect(off.output('Kept').map((i) => i.json.id)).toEqual(['a1']);
		const on = await runWorkflow(at(1, { wholeGroups: true }), { Leads: namesakes });
		expect(on.output('Kept').map((i) => i.json.id)).toEqual(['a1', 'b1']);
	});

	it('version 1.2 reads company names as the names of businesses: one switchboard is not one business, a longer name is', async () => {
		// An account list: no person, no email. Two restaurants of one hotel share its street address
		// and switchboard; one café is listed again with its site added and a neighbouring city.
		const accounts = items([
			{ id: 'h1', company: 'Harbor Grill', phone: '213/555-0142', city: 'Los Angeles', address: '506 S Grand Ave' },
			{ id: 'h2', company: 'Cedar Room', phone: '(213) 555-0142', city: 'Los Angeles', address: '506 S Grand Ave' },
			{ id: 'c1', company: 'Luna', phone: '310-555-0199', city: 'Los Angeles', address: '8358 Sunset Blvd' },
			{
				id: 'c2',
				company: 'Luna at the Grand Plaza',
				phone: '+1 310 555 0199',
				city: 'West Hollywood',
				address: '8358 Sunset Blvd',
			},
		]);
		const at = (typeVersion: number) =>
			workflow(
				'dedupe-batch.json',
				{ fields: { field: [{ name: 'address', kind: 'address', path: 'address' }] } },
				{ defaultCountry: 'US' },
				typeVersion,
			);
		const duplicates = async (typeVersion: number) =>
			(await runWorkflow(at(typeVersion), { Leads: accounts }))
				.output('Duplicates')
				.map((i) => [i.json.id, (i.json.dedupe as Record<string, unknown>).duplicate_of]);
		// 1.1: the shared phone and address outweigh two names; the longer name reads as another company.
		expect(await duplicates(1.1)).toEqual([['h2', 'h1']]);
		expect(await duplicates(1.2)).toEqual([['c2', 'c1']]);
	});

	it('version 1.2 keeps two businesses of one building apart against earlier executions too', async () => {
		const memory = (typeVersion: number) =>
			workflow(
				'dedupe-batch.json',
				{ mode: 'memory', fields: { field: [{ name: 'address', kind: 'address', path: 'address' }] } },
				{ defaultCountry: 'US', stateFile: join(dir, `building-${typeVersion}.sqlite`) },
				typeVersion,
			);
		const hotel = (id: string, company: string) =>
			items([{ id, company, phone: '213 555 0142', city: 'Los Angeles', address: '506 S Grand Ave' }]);
		for (const [typeVersion, second] of [
			[1.1, 'Duplicates'],
			[1.2, 'Kept'],
		] as const) {
			await runWorkflow(memory(typeVersion), { Leads: hotel('h1', 'Harbor Grill') });
			const r = await runWorkflow(memory(typeVersion), { Leads: hotel('h2', 'Cedar Room') });
			expect(r.output(second).map((i) => i.json.id)).toEqual(['h2']);
		}
	});

	it("version 1.2 weighs two people's phones against a match, and reads a number that does not parse by its country", async () => {
		const people = items([...NAMESAKES_OWN_PHONES, ...ONE_NUMBER_TWO_WAYS]);
		const duplicates = async (typeVersion: number) =>
			(await runWorkflow(workflow('dedupe-batch.json', {}, { defaultCountry: 'US' }, typeVersion), { Leads: people }))
				.output('Duplicates')
				.map((i) => [
					i.json.id,
					(i.json.dedupe as Record<string, unknown>).duplicate_of,
					(i.json.dedupe as Record<string, unknown>).matched_on,
				]);
		// 1.1: the namesakes are one person, and Lucia's two spellings of one number are two numbers.
		expect(await duplicates(1.1)).toEqual([['k2', 'k1', ['last_name', 'first_name', 'company', 'city']]]);
		expect(await duplicates(1.2)).toEqual([['l2', 'l1', ['phone', 'last_name', 'first_name', 'company']]]);
	});

	it('marks a one-lead execution "new" or "duplicate" in its custom data', async () => {
		const one = await runWorkflow(workflow('dedupe-batch.json'), { Leads: leads.slice(0, 1) });
		expect(one.run.data.resultData.metadata).toEqual({ lead: 'new' });
	});

	it('flags every item on one output when asked', async () => {
		const r = await runWorkflow(workflow('dedupe-batch.json', { outputMode: 'flag' }), { Leads: leads });
		const out = r.output('Kept');
		expect(out.map((i) => [i.json.id, (i.json.dedupe as Record<string, unknown>).status])).toEqual([
			['l1', 'unique'],
			['l2', 'duplicate'],
			['l3', 'unique'],
			['l4', 'duplicate'],
			['l5', 'unique'],
		]);
	});

	it('merges duplicates into the original lead', async () => {
		const r = await runWorkflow(workflow('dedupe-batch.json', { onDuplicate: 'merge' }), { Leads: leads });
		expect(r.output('Kept')[0].json).toMatchObject({
			id: 'l1',
			phone: '06 12 34 56 78',
			email: 'lauradupont+promo@googlemail.com',
			first_name: 'Laura',
			dedupe: { merged_ids: ['l2'] },
		});
	});

	it('follows a user rule and refuses a malformed one with a clear error', async () => {
		const r = await runWorkflow(workflow('dedupe-batch.json', { matching: 'rules', rule: 'name AND company' }), {
			Leads: leads,
		});
		expect(r.output('Duplicates').map((i) => i.json.id)).toEqual(['l4']);
		const bad = await runWorkflow(workflow('dedupe-batch.json', { matching: 'rules', rule: 'email OR (fax' }), {
			Leads: leads,
		});
		expect(bad.error('Dedupe Leads')?.message).toMatch(/^Match Rule: unknown field "fax" at position 11 /);
		expect((bad.error('Dedupe Leads') as Error & { description?: string })?.description).toBe(
			`Rule: email OR (fax\n${' '.repeat(16)}^`,
		);
	});

	it("refuses a State File inside n8n's own folder with a clear error", async () => {
		const user = join(dir, 'n8n-user');
		const previous = process.env.N8N_USER_FOLDER;
		process.env.N8N_USER_FOLDER = user;
		try {
			const r = await runWorkflow(
				workflow('dedupe-batch.json', { mode: 'memory' }, { stateFile: join(user, '.n8n', 'database.sqlite') }),
				{ Leads: leads },
			);
			expect(r.error('Dedupe Leads')?.message).toMatch(/^State File ".*database\.sqlite" is inside n8n's own files/);
		} finally {
			if (previous === undefined) delete process.env.N8N_USER_FOLDER;
			else process.env.N8N_USER_FOLDER = previous;
		}
	});

	it('reads other shapes through field paths, and passes items with nothing comparable through', async () => {
		const wf = workflow('dedupe-batch.json', {
			fields: {
				field: [
					{ name: 'email', kind: 'email', path: 'contact.mail' },
					{ name: 'dob', kind: 'date', path: 'dob' },
				],
			},
		});
		const r = await runWorkflow(wf, {
			Leads: items([
				{ contact: { mail: 'A@B.example' }, dob: '1990-01-01' },
				{ contact: { mail: 'a@b.example' } },
				{ unrelated: true },
				{},
			]),
		});
		expect(r.output('Duplicates')).toHaveLength(1);
		expect(r.output('Kept').map((i) => (i.json.dedupe as Record<string, unknown>).unmatchable ?? false)).toEqual([
			false,
			true,
			true,
		]);
		// the output pane says so, and where to look
		const hints = r.run.data.resultData.runData['Dedupe Leads'][0].hints ?? [];
		expect(hints.map((h) => h.message)).toEqual([
			expect.stringMatching(/^2 leads have no email, phone, name or company to compare.*"Lead Fields"/),
		]);
	});

	it('says in the output pane when the memory is over half full', async () => {
		const options = { stateFile: join(dir, 'half-full.sqlite'), maxEntries: 3 };
		const r = await runWorkflow(workflow('dedupe-batch.json', { mode: 'memory' }, options), {
			Leads: leads.slice(0, 3),
		});
		const hints = r.run.data.resultData.runData['Dedupe Leads'][0].hints ?? [];
		expect(hints.map((h) => h.message)).toEqual([expect.stringMatching(/^The memory holds \d of at most 3 leads/)]);
		const roomy = await runWorkflow(
			workflow('dedupe-batch.json', { mode: 'memory' }, { stateFile: join(dir, 'roomy.sqlite') }),
			{ Leads: leads.slice(0, 3) },
		);
		expect(roomy.run.data.resultData.runData['Dedupe Leads'][0].hints ?? []).toEqual([]);
	});

	it('remembers leads across executions and forgets them on request', async () => {
		const params = { mode: 'memory' };
		const options = { stateFile: join(dir, 'memory.sqlite') };
		const first = await runWorkflow(workflow('dedupe-batch.json', params, options), { Leads: leads.slice(0, 1) });
		expect(first.output('Kept')).toHaveLength(1);
		const second = await runWorkflow(workflow('dedupe-batch.json', params, options), {
			Leads: items([{ id: 'l9', email: 'laura.dupont@gmail.com' }]),
		});
		expect(second.output('Duplicates')[0].json.dedupe).toMatchObject({ duplicate_of: 'l1', mode: 'memory' });
		const forget = await runWorkflow(
			workflow(
				'dedupe-batch.json',
				{ operation: 'forget', forgetBy: 'email', forgetValue: '={{ $json.email }}' },
				options,
			),
			{ Leads: items([{ email: 'LAURA.DUPONT@gmail.com' }]) },
		);
		expect(forget.output('Kept')[0].json).toMatchObject({ records_removed: 2 });
		const third = await runWorkflow(workflow('dedupe-batch.json', params, options), {
			Leads: items([{ id: 'l10', email: 'laura.dupont@gmail.com' }]),
		});
		expect(third.output('Kept')).toHaveLength(1);
		const clear = await runWorkflow(workflow('dedupe-batch.json', { operation: 'clearMemory' }, options), {
			Leads: items([{}]),
		});
		expect(clear.output('Kept')[0].json).toMatchObject({ cleared: 1 });
	});

	it('version 1.1 learns the weights of its memory once it holds 1,000 leads; Clear Memory drops them', async () => {
		const file = join(dir, 'learn.sqlite');
		const run = async (
			typeVersion: number,
			list: Array<Record<string, unknown>>,
			params: Record<string, unknown> = { mode: 'memory' },
		) => {
			return await runWorkflow(workflow('dedupe-batch.json', params, { stateFile: file }, typeVersion), {
				Leads: items(list),
			});
		};
		const traffic = formTraffic(1100, 7) as unknown as Array<Record<string, unknown>>;
		const weightsIn = async () => {
			const store = new SqliteStore(file);
			try {
				const [ns] = await store.memoryNamespaces('dedupe:');
				return Object.keys(await store.entries(modelNamespace(ns), ''));
			} finally {
				await store.close();
			}
		};
		await run(1, traffic.slice(0, 1050));
		await run(1, traffic.slice(1050, 1060));
		expect(await weightsIn()).toEqual([]); // version 1: the hand-set weights
		const later = await run(1.1, traffic.slice(1060, 1100));
		expect(later.output('Kept').length + later.output('Duplicates').length).toBe(40);
		expect((await weightsIn()).sort()).toEqual(['meta', 'weights']);
		await run(1.1, [{}], { operation: 'clearMemory' });
		expect(await weightsIn()).toEqual([]);
	}, 60_000);

	it('remembers leads in Redis with the Redis credential', async () => {
		const redis: RedisServer = await startRedis('node-pass');
		try {
			const creds = {
				leadManagementRedisApi: {
					host: '127.0.0.1',
					port: redis.port,
					password: 'node-pass',
					database: 2,
					tls: false,
					keyPrefix: 'node-test:',
				},
			};
			const wf = () => workflow('dedupe-batch.json', { mode: 'memory', store: 'redis' });
			const first = await runWorkflow(wf(), { Leads: leads.slice(0, 1) }, creds);
			expect(first.error('Dedupe Leads')).toBeUndefined();
			expect(first.output('Kept')).toHaveLength(1);
			const again = await runWorkflow(wf(), { Leads: items([{ id: 'r2', email: 'laura.dupont@gmail.com' }]) }, creds);
			expect(again.output('Duplicates')[0].json.dedupe).toMatchObject({ duplicate_of: 'l1', mode: 'memory' });
			const wrong = await runWorkflow(
				wf(),
				{ Leads: leads.slice(0, 1) },
				{ leadManagementRedisApi: { ...creds.leadManagementRedisApi, password: 'nope' } },
			);
			expect(wrong.error('Dedupe Leads')?.message).toMatch(
				/Cannot connect to Redis \(127\.0\.0\.1:\d+\): (WRONGPASS|NOAUTH)/,
			);
			// The store down under n8n's error settings: no lead passes for a new person on Kept.
			const down = async (onError: 'continueErrorOutput' | 'continueRegularOutput', outputMode = 'split') => {
				const w = workflow('dedupe-batch.json', { mode: 'memory', store: 'redis', outputMode });
				w.nodes.find((n) => n.type.endsWith('.dedupe'))!.onError = onError;
				return await runWorkflow(
					w,
					{ Leads: leads.slice(0, 2) },
					{
						leadManagementRedisApi: { ...creds.leadManagementRedisApi, password: 'nope' },
					},
				);
			};
			const toErrors = await down('continueErrorOutput');
			expect(toErrors.error('Dedupe Leads')).toBeUndefined();
			expect(toErrors.output('Dedupe Leads', 0)).toEqual([]);
			expect(toErrors.output('Dedupe Leads', 1)).toEqual([]);
			// On the error output, as n8n puts items there: the incoming lead (by its paired item) and the error.
			const errors = toErrors.output('Dedupe Leads', 2);
			expect(errors.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(errors.every((i) => /Cannot connect to Redis/.test(String(i.json.error)))).toBe(true);
			const regular = await down('continueRegularOutput');
			expect(regular.output('Dedupe Leads', 0)).toEqual([]);
			expect(regular.output('Dedupe Leads', 1).map((i) => (i.json.dedupe as Record<string, unknown>).status)).toEqual([
				'unchecked',
				'unchecked',
			]);
			expect(regular.output('Dedupe Leads', 1)[1].pairedItem).toEqual({ item: 1 });
			const flagged = await down('continueRegularOutput', 'flag');
			expect(flagged.output('Dedupe Leads', 0).map((i) => (i.json.dedupe as Record<string, unknown>).status)).toEqual([
				'unchecked',
				'unchecked',
			]);
		} finally {
			await redis.stop();
		}
	});

	it('matches new leads against a reference list on the second input', async () => {
		const r = await runWorkflow(workflow('dedupe-reference.json'), {
			'New leads': items([
				{ id: 'n1', email: 'jane@acme.com', phone: '+14155550134' },
				{ id: 'n2', email: 'new@lead.io' },
			]),
			'CRM export': items([{ id: 'crm-7', email: 'JANE@acme.com', first_name: 'Jane', company: 'Acme' }]),
		});
		expect(r.output('Kept').map((i) => i.json.id)).toEqual(['n2']);
		expect(r.output('Duplicates')[0].json).toMatchObject({
			id: 'crm-7',
			phone: '+14155550134',
			company: 'Acme',
			dedupe: { duplicate_of: 'crm-7', mode: 'reference' },
		});
		expect(r.output('Dedupe Leads', 1)[0].pairedItem).toEqual({ item: 0 });
	});
});
