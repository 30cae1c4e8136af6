/**
 * Installing the package as an admin does: through n8n's own community-package install (the REST
 * call Settings > Community Nodes > Install makes), from the npm registry. The package is not
 * published, and n8n 2.41 accepts another registry only with an Enterprise licence
 * (N8N_COMMUNITY_PACKAGES_REGISTRY), so the registry n8n knows, registry.npmjs.org, is answered by
 * an intercepting proxy on 127.0.0.1: this package's packument and packed tarball come from here,
 * everything else (its dependencies) from the real registry. Then n8n is restarted, the nodes are
 * still there, listed where the editor's node panel reads them, and a lead goes through them.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/net';
import { HttpsInterceptor } from '../helpers/httpsInterceptor';
import { canvasShowsIssues, openEditor, panelShows, searchNodePanel } from './editor';
import { N8n, nodeItems } from './n8n';
import { nodeOf, pipeline } from './pipeline';

type Json = Record<string, any>;
const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as Json;
const NODE_TYPES = (pkg.n8n.nodes as string[]).length;

/** The versions "published" on the intercepted registry: packed tarball and manifest. */
const published: Record<string, { tarball: Buffer; manifest: Json }> = {};
const tarballPathOf = (version: string) => `/${pkg.name}/-/${pkg.name}-${version}.tgz`;
/** Publishes a packed tarball under the version its own package.json gives. */
function publish(tarball: Buffer): string {
	const own = JSON.parse(
		execFileSync('tar', ['-xOzf', '-', 'package/package.json'], { input: tarball }).toString(),
	) as Json;
	published[own.version] = {
		tarball,
		manifest: {
			...own,
			_id: `${pkg.name}@${own.version}`,
			dist: {
				tarball: `https://registry.npmjs.org${tarballPathOf(own.version)}`,
				shasum: createHash('sha1').update(tarball).digest('hex'),
				integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
			},
		},
	};
	return own.version as string;
}

/**
 * The previous build, packed (`scripts/pack-release.sh`): what an admin who installed the package
 * earlier has. The upgrade test installs it, lets it remember, then updates to this build.
 */
const RELEASES = join(__dirname, '..', 'fixtures', 'releases');
const PREVIOUS = readdirSync(RELEASES).find((f) => f.endsWith('.tgz'))!;

let registry: HttpsInterceptor;
let n8n: N8n;
let env: Record<string, string>;
/** The folder the tests' n8n user folders go in. */
let prepared: string;
const INES = new URLSearchParams({
	'Your name': 'Ines Moreau',
	'Your email': 'ines.moreau@atelier-lumiere.fr',
	Company: 'Atelier Lumière',
	Country: 'FR',
	Phone: '06 12 34 56 78',
}).toString();

beforeAll(async () => {
	if (!process.env.E2E_N8N_USER_FOLDER) {
		throw new Error('E2E_N8N_USER_FOLDER is not set: run through npm test or npm run test:e2e');
	}
	prepared = process.env.E2E_N8N_USER_FOLDER;
	// Published in version order: `latest` is this build.
	publish(readFileSync(join(RELEASES, PREVIOUS)));
	expect(publish(readFileSync(join(prepared, 'package.tgz')))).toBe(pkg.version);
	registry = new HttpsInterceptor(['registry.npmjs.org'], (req) => {
		if (req.path === `/${pkg.name}`) {
			const versions = Object.keys(published);
			return {
				status: 200,
				body: {
					_id: pkg.name,
					name: pkg.name,
					'dist-tags': { latest: versions[versions.length - 1] },
					versions: Object.fromEntries(versions.map((v) => [v, published[v].manifest])),
					time: Object.fromEntries(versions.map((v) => [v, new Date().toISOString()])),
				},
			};
		}
		// One version's document, which n8n asks for before it runs npm (`latest` when none is given).
		if (req.path.startsWith(`/${pkg.name}/`) && !req.path.startsWith(`/${pkg.name}/-/`)) {
			const versions = Object.keys(published);
			const asked = decodeURIComponent(req.path.slice(pkg.name.length + 2));
			const version = asked === 'latest' ? versions[versions.length - 1] : asked;
			return published[version]
				? { status: 200, body: published[version].manifest }
				: { status: 404, body: { error: 'version not found' } };
		}
		const version = Object.keys(published).find((v) => req.path === tarballPathOf(v));
		if (version) return { status: 200, bytes: published[version].tarball };
		return 'forward';
	});
	env = await registry.start();
	n8n = await freshN8n('install-');
}, 180_000);

/** A fresh n8n without the package (its user folder has no nodes), started and set up. */
async function freshN8n(prefix: string, startEnv = env): Promise<N8n> {
	const folder = mkdtempSync(join(prepared, prefix));
	const started = new N8n(folder, await freePort(), join(folder, 'n8n.log'));
	await started.start(startEnv);
	await started.setupOwner();
	return started;
}

/** The whole pipeline (every node of the package) on the embedded store: Ines's form, her lead. */
async function captureInes(): Promise<Json> {
	// Dedupe at 1.1, the newest version the previous build knows (the demo pipeline is at 1.2).
	const wf = pipeline('installed', 'sqlite');
	nodeOf(wf, 'Dedupe Leads').typeVersion = 1.1;
	const id = await n8n.deploy(wf, 'installed');
	const res = await fetch(`${n8n.base}/webhook/installed`, {
		method: 'POST',
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
		body: INES,
	});
	expect(res.status).toBe(200);
	const [execution] = await n8n.waitForExecutions(id, 1);
	expect(execution.status).toBe('success');
	const [lead] = nodeItems(execution, 'New lead').map((i) => i.json as Json);
	expect(lead).toMatchObject({ email: 'ines.moreau@atelier-lumiere.fr', phone: '+33612345678', country: 'FR' });
	expect(lead.owner.id).toBe('marie@example.com');
	expect(lead.enrichment).toBeTruthy();
	expect(lead.score.label).toBeTruthy();
	expect(lead.stage.history).toHaveLength(1);
	expect(lead.sla.result).toBe('started');
	return lead;
}
afterAll(async () => {
	await n8n?.stop();
	await registry?.stop();
}, 60_000);

interface Step {
	name: string;
	type: string;
	parameters: Record<string, unknown>;
}

/** A Webhook on `path` followed by `steps` in a chain; the call answers with the last step's items. */
function webhookFlow(name: string, path: string, steps: Step[]): Json {
	const receive = {
		name: 'Receive',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: `${path}-hook`,
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
	};
	const nodes = [receive, ...steps.map((step) => ({ typeVersion: 1, ...step }))].map((node, i) => ({
		id: `${path}-${i + 1}`,
		position: [i * 200, 0],
		...node,
	}));
	return {
		name,
		nodes,
		connections: Object.fromEntries(
			nodes
				.slice(0, -1)
				.map((node, i) => [node.name, { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] }]),
		),
		settings: { executionOrder: 'v1' },
	};
}

/** One item per element of `body.<field>` (what the Webhook received). */
const splitOut = (field: string): Step => ({
	name: 'Rows',
	type: 'n8n-nodes-base.splitOut',
	parameters: { fieldToSplitOut: `body.${field}`, include: 'noOtherFields', options: {} },
});

async function post(base: string, path: string, body: unknown): Promise<Json[]> {
	const res = await fetch(`${base}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	expect(res.status).toBe(200);
	return (await res.json()) as Json[];
}

/** History with a plain pattern: enterprise leads from referrals convert most. */
const HISTORY = Array.from({ length: 120 }, (_, i) => {
	const size = ['small', 'mid', 'enterprise'][i % 3];
	const source = ['ads', 'referral'][Math.floor(i / 3) % 2];
	const won = (size === 'enterprise' && i % 4 !== 0) || (source === 'referral' && i % 5 === 0);
	return { id: `h${i}`, size, source, status: won ? 'won' : 'lost' };
});
const SCORED = [{ id: 'new-1', size: 'enterprise', source: 'referral' }];

it('installs through Settings > Community Nodes, survives a restart, and its nodes run a lead', async () => {
	const installed = await n8n.rest<Json>('POST', '/community-packages', { name: pkg.name });
	expect(installed).toMatchObject({ packageName: pkg.name, installedVersion: pkg.version });
	expect((installed.installedNodes as Json[]).map((n) => n.type).sort()).toHaveLength(NODE_TYPES);
	// The tarball carries what n8n loads: no screenshots, no compiler state (2.1 MB with them).
	const files = execFileSync('tar', ['-tzf', '-'], { input: published[pkg.version].tarball }).toString().split('\n');
	expect(files.filter((f) => /dist\/docs\/|\.tsbuildinfo$/.test(f))).toEqual([]);
	expect(files).toEqual(expect.arrayContaining(['package/dist/nodes/Dedupe/Dedupe.node.js', 'package/README.md']));
	// n8n fetched the package from "the registry" (here) and its dependencies from the real one.
	expect(registry.requests.some((r) => r.path.endsWith('.tgz') && r.path.includes(pkg.name))).toBe(true);

	await n8n.stop();
	await n8n.start(env);
	const listed = await n8n.rest<Json[]>('GET', '/community-packages');
	expect(listed.map((p) => `${p.packageName}@${p.installedVersion}`)).toEqual([`${pkg.name}@${pkg.version}`]);
	// What the editor's node panel lists: every node of the package, found when searching "lead".
	const types = await n8n.signedInGet<Json[]>('/types/nodes.json');
	const installedTypes = (installed.installedNodes as Json[]).map((n) => n.type as string);
	const ours = types.filter((t) => installedTypes.includes(t.name));
	expect(new Set(ours.map((t) => t.name))).toEqual(new Set(installedTypes));
	for (const t of ours) expect(`${t.displayName} ${t.codex?.alias?.join(' ') ?? ''}`.toLowerCase()).toContain('lead');
	// n8n adds an AI-agent tool variant of each node that is usable as a tool (all but the trigger).
	expect(types.filter((t) => t.name.startsWith(`${pkg.name}.`) && t.name.endsWith('Tool'))).toHaveLength(
		NODE_TYPES - 1,
	);
	// And in the editor itself: the node panel of a new workflow, searched for "lead" in Chromium.
	const editor = await openEditor(n8n);
	try {
		await editor.page.goto(`${n8n.base}/workflow/new`);
		const shown = await searchNodePanel(editor.page, 'lead', join(n8n.userFolder, 'node-panel-failure.png'));
		console.log(`node panel, searched for "lead": ${shown.join(', ')}`);
		expect(shown).toEqual(expect.arrayContaining(ours.map((t) => t.displayName as string)));
		// A choice that cannot work is marked before any run: Dedupe against earlier executions on
		// Redis with no Redis credential gets n8n's issues sign; on the embedded store it does not.
		const dedupeOn = async (store: string, waitMs: number) => {
			const { id } = await n8n.api<{ id: string }>('POST', '/workflows', {
				name: `Dedupe on ${store}`,
				nodes: [
					{
						id: `${store}-1`,
						name: 'Start',
						type: 'n8n-nodes-base.manualTrigger',
						typeVersion: 1,
						position: [0, 0],
						parameters: {},
					},
					{
						id: `${store}-2`,
						name: 'Dedupe Leads',
						type: `${pkg.name}.dedupe`,
						typeVersion: 1,
						position: [300, 0],
						parameters: { operation: 'findDuplicates', mode: 'memory', store },
					},
				],
				connections: { Start: { main: [[{ node: 'Dedupe Leads', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			});
			return await canvasShowsIssues(editor.page, n8n.base, id as string, 'Dedupe Leads', waitMs);
		};
		expect(await dedupeOn('redis', 30_000)).toBe(true);
		// (the editor showed the sign above within moments: 5 s without it means none)
		expect(await dedupeOn('sqlite', 5_000)).toBe(false);
		// Enrich With Provider shows Operation and Provider at the top of its panel (n8n's editor once
		// took Provider for an authentication field and moved both into the credential dialog).
		const { id: enrichId } = await n8n.api<{ id: string }>('POST', '/workflows', {
			name: 'Enrich with a provider',
			nodes: [
				{
					id: 'e-1',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 'e-2',
					name: 'Enrich Leads',
					type: `${pkg.name}.enrich`,
					typeVersion: 1,
					position: [300, 0],
					parameters: { operation: 'provider', provider: 'apollo' },
				},
			],
			connections: { Start: { main: [[{ node: 'Enrich Leads', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		});
		const panel = await panelShows(
			editor.page,
			n8n.base,
			enrichId as string,
			'Enrich Leads',
			['operation', 'provider'],
			join(n8n.userFolder, 'enrich-provider-panel.png'),
		);
		expect(panel).toEqual({ operation: true, provider: true });
	} finally {
		await editor.close();
	}

	await captureInes();
}, 300_000);

it('upgrades from the previous build through Settings > Community Nodes (Update) and keeps what the nodes remember', async () => {
	// An n8n that has run the previous build: installed through the same panel, leads captured.
	// Its state where an admin's is: the default file beside n8n's data (not the tests' shared one).
	const ownEnv = { ...env, LEAD_MANAGEMENT_DB: '' };
	await n8n.stop();
	n8n = await freshN8n('upgrade-', ownEnv);
	const stateFile = join(n8n.userFolder, '.n8n', 'lead-management.sqlite');
	const previous = PREVIOUS.slice(`${pkg.name}-`.length, -'.tgz'.length);
	expect(previous).not.toBe(pkg.version);
	const old = await n8n.rest<Json>('POST', '/community-packages', { name: pkg.name, version: previous });
	expect(old).toMatchObject({ packageName: pkg.name, installedVersion: previous });
	const firstLead = await captureInes();
	// A model trained before the update, and what it says of a lead.
	const train = webhookFlow('Train before the update', 'train-before', [
		splitOut('rows'),
		{
			name: 'Train',
			type: `${pkg.name}.score`,
			parameters: { operation: 'train', modelName: 'upgrade-model', outcomeField: 'status', positiveValues: 'won' },
		},
	]);
	const scoreWithModel = webhookFlow('Score with the stored model', 'score-model', [
		splitOut('leads'),
		{
			name: 'Score',
			type: `${pkg.name}.score`,
			parameters: { operation: 'score', scoreWith: 'model', modelName: 'upgrade-model' },
		},
	]);
	await n8n.deploy(train, 'train-before');
	await n8n.deploy(scoreWithModel, 'score-model');
	const [report] = await post(n8n.base, 'train-before', { rows: HISTORY });
	expect(report).toMatchObject({ model: 'upgrade-model', version: 1, rows: 120 });
	const [before] = await post(n8n.base, 'score-model', { leads: SCORED });
	expect(before.score.model).toMatchObject({ name: 'upgrade-model', version: 1 });
	expect(before.score.model.probability).toBeGreaterThan(50);

	const updated = await n8n.rest<Json>('PATCH', '/community-packages', { name: pkg.name, version: pkg.version });
	expect(updated).toMatchObject({ packageName: pkg.name, installedVersion: pkg.version });
	await n8n.stop();
	await n8n.start(ownEnv);
	expect((await n8n.rest<Json[]>('GET', '/community-packages')).map((p) => p.installedVersion)).toEqual([pkg.version]);
	expect(existsSync(stateFile)).toBe(true);

	// A week past her first-response target, before anything else touches her clock: Check Due
	// finds it although the previous build kept no index of open clocks (the first check builds
	// it), and says so once.
	const checkDue = webhookFlow('Check Due after the upgrade', 'due-after', [
		{
			name: 'Check Due',
			type: `${pkg.name}.slaCheck`,
			parameters: { operation: 'due', outputMode: 'single', options: { now: '={{ $json.body.now }}' } },
		},
	]);
	await n8n.deploy(checkDue, 'due-after');
	const weekLater = new Date(Date.parse(firstLead.sla.due_at) + 7 * 86_400_000).toISOString();
	const [overdue] = await post(n8n.base, 'due-after', { now: weekLater });
	expect(overdue).toMatchObject({ email: firstLead.email, sla: { status: 'breached', newly: 'breached' } });
	// (n8n answers a last node without items with a message, not a list)
	expect(await post(n8n.base, 'due-after', { now: weekLater })).not.toEqual(
		expect.arrayContaining([expect.objectContaining({ email: firstLead.email })]),
	);

	// The same person again, from another form (the same post again would be a re-delivery, answered
	// without a run): Dedupe still remembers her.
	const workflows = await n8n.api<{ data: Json[] }>('GET', '/workflows');
	const id = workflows.data.find((w) => w.name === 'Queue burst (sqlite)')!.id as string;
	const res = await fetch(`${n8n.base}/webhook/installed`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email: 'Ines.Moreau@Atelier-Lumiere.fr', name: 'ines moreau', phone: '+33 6 12 34 56 78' }),
	});
	expect(res.status).toBe(200);
	const executions = await n8n.waitForExecutions(id, 2);
	const again = executions.flatMap((e) => nodeItems(e, 'Already known')).map((i) => i.json as Json);
	expect(again).toHaveLength(1);
	expect(again[0].dedupe).toMatchObject({ status: 'duplicate', duplicate_of: firstLead.id });

	// Her stage history and her SLA clock are still there.
	const wf = webhookFlow('After the upgrade', 'after-upgrade', [
		{
			name: 'Get History',
			type: `${pkg.name}.advanceStage`,
			parameters: { operation: 'history', options: { emailField: 'body.email' } },
		},
		{
			name: 'Start Clock',
			type: `${pkg.name}.slaCheck`,
			parameters: { operation: 'start', options: { emailField: 'body.email' } },
		},
	]);
	await n8n.deploy(wf, 'after-upgrade');
	const [remembered] = await post(n8n.base, 'after-upgrade', { email: 'ines.moreau@atelier-lumiere.fr' });
	expect(remembered.stage).toMatchObject({ current: firstLead.stage.current });
	expect(remembered.stage.history).toHaveLength(1);
	expect(remembered.sla).toMatchObject({ result: 'running', due_at: firstLead.sla.due_at });

	// The stored model: the same version gives the same lead the same probability.
	const [after] = await post(n8n.base, 'score-model', { leads: SCORED });
	expect(after.score.model).toMatchObject({ name: 'upgrade-model', version: 1 });
	expect(after.score.model.probability).toBe(before.score.model.probability);
}, 300_000);

it("installs without any registry for the package: the release tarball npm-installed into ~/.n8n/nodes (the README's route, the same in Docker's volume)", async () => {
	// An admin with the release's .tgz (attached to the GitHub release) and a stock n8n: no
	// community-package install call, no proxy for the package (only its dependencies come from
	// the npm registry, as they would on any machine).
	await n8n.stop();
	const folder = mkdtempSync(join(prepared, 'tarball-'));
	const nodesDir = join(folder, '.n8n', 'nodes');
	const tarball = join(folder, `${pkg.name}-${pkg.version}.tgz`);
	writeFileSync(tarball, published[pkg.version].tarball);
	mkdirSync(nodesDir, { recursive: true });
	// The README's commands, word for word: cd ~/.n8n/nodes && npm install ./<file>.tgz
	execFileSync('npm', ['init', '-y'], { cwd: nodesDir, stdio: 'ignore' });
	execFileSync('npm', ['install', '--no-audit', '--no-fund', tarball], {
		cwd: nodesDir,
		stdio: 'ignore',
		env: { ...process.env, npm_config_ignore_scripts: 'true' },
	});
	expect(existsSync(join(nodesDir, 'node_modules', pkg.name, 'dist', 'nodes', 'Dedupe', 'Dedupe.node.js'))).toBe(true);
	// n8n started as usual, without the community-packages registry (nothing intercepts it).
	n8n = new N8n(folder, await freePort(), join(folder, 'n8n.log'));
	// Its state where an admin's is (the default file in its own user folder).
	await n8n.start({ LEAD_MANAGEMENT_DB: '' });
	await n8n.setupOwner();
	const types = await n8n.signedInGet<Json[]>('/types/nodes.json');
	const ours = types.filter(
		(t) => (t.name as string).startsWith(`${pkg.name}.`) && !(t.name as string).endsWith('Tool'),
	);
	expect(ours).toHaveLength(NODE_TYPES);
	await captureInes();
}, 300_000);
