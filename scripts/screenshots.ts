/**
 * Screenshots of the package in a real n8n editor (see screenshots.sh): signs in as the demo
 * owner, opens the demo workflow, each node's parameter panel, the node panel searched for
 * "lead", and the canvas of each template in templates/ (imported with placeholder credentials of
 * the names it uses), and saves PNGs into docs/screenshots/. For review, not committed: every
 * operation of every node at its defaults, the whole panel in one tall picture, in
 * .screenshots/panels/ (see `everyOperation`).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser, openEditor, panelShows, searchNodePanel, type Page } from '../test/e2e/editor';
import { N8n } from '../test/e2e/n8n';
import { templateCredentials } from '../test/e2e/templateCredentials';

const NODES = [
	'Lead Capture Trigger',
	'Dedupe Leads',
	'Enrich Leads',
	'Score Leads',
	'Route Leads',
	'Stage From Score',
	'Start SLA Clock',
];

async function main(): Promise<void> {
	const folder = process.env.DEMO_USER_FOLDER!;
	const out = join(__dirname, '..', 'docs', 'screenshots');
	mkdirSync(out, { recursive: true });
	const n8n = new N8n(folder, Number(process.env.DEMO_PORT ?? 5679), join(folder, 'n8n.log'));
	await n8n.start();
	let editor: { page: Page; close(): Promise<void> } | undefined;
	try {
		await n8n.setupOwner();
		const workflow = JSON.parse(readFileSync(join(__dirname, '..', 'examples', 'lead-capture.workflow.json'), 'utf8'));
		const id = await n8n.deploy(workflow, 'lead-capture');
		editor = await openEditor(n8n, { width: 1600, height: 1000 });
		const { page } = editor;
		await page.goto(`${n8n.base}/workflow/${id}`);
		await page.getByText('Dedupe Leads', { exact: true }).first().waitFor({ timeout: 30_000 });
		await page.waitForTimeout(1500);
		// n8n's "Production Checklist" pop-up covers the canvas: close it when it is there.
		const checklist = page.locator('[data-test-id="suggested-actions-close"]');
		if (await checklist.count())
			await checklist
				.first()
				.click()
				.catch(() => undefined);
		await page.waitForTimeout(500);
		await page.screenshot({ path: join(out, 'workflow.png') });
		console.log('docs/screenshots/workflow.png');
		for (const name of NODES) {
			// the node's box on the canvas (its label sits under the canvas pane, which takes the clicks)
			await page
				.locator(`[data-test-id="canvas-node"][data-node-name="${name}"], [data-node-name="${name}"]`)
				.first()
				.dblclick({ force: true });
			await page.waitForTimeout(1500);
			const file = `${name.toLowerCase().replace(/\s+/g, '-')}.png`;
			await page.screenshot({ path: join(out, file) });
			console.log(`docs/screenshots/${file}`);
			await page.keyboard.press('Escape');
			await page.waitForTimeout(500);
		}
		// Dedupe's options, as a marketer adds them (the page is loaded again after, which closes all).
		await page
			.locator('[data-test-id="canvas-node"][data-node-name="Dedupe Leads"], [data-node-name="Dedupe Leads"]')
			.first()
			.dblclick({ force: true });
		await page.waitForTimeout(1500);
		await page
			.locator('input[placeholder="Add Option"], [placeholder="Add Option"], :text-is("Add Option")')
			.last()
			.click({ force: true });
		await page.waitForTimeout(800);
		await page.screenshot({ path: join(out, 'dedupe-leads-options.png') });
		console.log('docs/screenshots/dedupe-leads-options.png');
		// Enrich With Provider: Operation and Provider at the top of the panel.
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
					type: 'n8n-nodes-lead-management.enrich',
					typeVersion: 1,
					position: [300, 0],
					parameters: { operation: 'provider', provider: 'hunter' },
				},
			],
			connections: { Start: { main: [[{ node: 'Enrich Leads', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		});
		const shown = await panelShows(
			page,
			n8n.base,
			enrichId,
			'Enrich Leads',
			['operation', 'provider'],
			join(out, 'enrich-leads-provider.png'),
		);
		console.log(`docs/screenshots/enrich-leads-provider.png (${JSON.stringify(shown)})`);
		await page.goto(`${n8n.base}/workflow/${id}`);
		await page.getByText('Dedupe Leads', { exact: true }).first().waitFor({ timeout: 30_000 });
		// The node panel, searched for "lead": every node of the package should be listed.
		await searchNodePanel(page, 'lead');
		await page.screenshot({ path: join(out, 'node-panel-search.png') });
		console.log('docs/screenshots/node-panel-search.png');
		await page.keyboard.press('Escape');
		await templateCanvases(n8n, page, out);
		await formPages(n8n, out);
		await page.setViewportSize({ width: 1600, height: 2600 });
		await everyOperation(n8n, page, join(folder, 'panels'));
	} finally {
		await editor?.close();
		await n8n.stop();
	}
}

/**
 * What a person sees after sending a plain HTML form to the demo workflow: the thank-you page,
 * and the problems page for a mistyped email (posted by a browser, as a visitor's would be).
 */
async function formPages(n8n: N8n, out: string): Promise<void> {
	const browser = await openBrowser({ width: 900, height: 520 });
	try {
		for (const [file, email] of [
			['form-thank-you-page.png', 'ana.souza@example.org'],
			['form-problems-page.png', 'bruno.lima@gmail'],
		] as const) {
			const form = `<form method="post" action="${n8n.base}/webhook/lead-capture">
				<input name="name" value="Visitor"><input name="email" value="${email}">
				<input name="page_url" value="https://www.example.com/contact"><button>Send</button></form>`;
			await browser.page.goto(`data:text/html,${encodeURIComponent(form)}`);
			await Promise.all([browser.page.waitForNavigation(), browser.page.locator('button').first().click()]);
			await browser.page.screenshot({ path: join(out, file) });
			console.log(`docs/screenshots/${file}`);
		}
	} finally {
		await browser.close();
	}
}

/** Placeholder credentials of the names the templates use, so their canvases show no warnings. */
const PLACEHOLDERS = templateCredentials({ secret: () => 'placeholder', smtpPort: 25 });

/** Each template imported (not published) and its canvas saved as template-<file>.png. */
async function templateCanvases(n8n: N8n, page: Page, out: string): Promise<void> {
	const dir = join(__dirname, '..', 'templates');
	const made = new Map<string, { id: string; name: string }>();
	for (const file of readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()) {
		const wf = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
			nodes: Array<{ credentials?: Record<string, { name: string }> }>;
			meta?: unknown;
		};
		delete wf.meta;
		for (const node of wf.nodes) {
			for (const [type, ref] of Object.entries(node.credentials ?? {})) {
				const placeholder = PLACEHOLDERS[ref.name];
				if (!placeholder) throw new Error(`${file}: no placeholder for the credential "${ref.name}"`);
				if (!made.has(ref.name))
					made.set(ref.name, await n8n.createCredential(placeholder.type, ref.name, placeholder.data));
				node.credentials![type] = made.get(ref.name)!;
			}
		}
		const { id } = await n8n.api<{ id: string }>('POST', '/workflows', wf);
		await page.goto(`${n8n.base}/workflow/${id}`);
		await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 30_000 });
		await page.waitForTimeout(2000);
		const png = `template-${file.replace(/\.json$/, '')}.png`;
		await page.screenshot({ path: join(out, png) });
		console.log(`docs/screenshots/${png}`);
	}
}

/**
 * Every operation of every node of the package, as a marketer first sees it (its defaults, in a
 * new workflow), the whole parameter panel in one tall picture: <node>-<operation>.png in `dir`.
 * The operations are read from the descriptions n8n writes for its editor (types/nodes.json).
 */
async function everyOperation(n8n: N8n, page: Page, dir: string): Promise<void> {
	mkdirSync(dir, { recursive: true });
	type Described = {
		name: string;
		displayName: string;
		version: number | number[];
		properties: Array<{ name: string; options?: Array<{ value: unknown }> }>;
	};
	const served = join(n8n.userFolder, '.cache', 'n8n', 'public', 'types', 'nodes.json');
	const described = (JSON.parse(readFileSync(served, 'utf8')) as Described[]).filter(
		(d) => d.name.startsWith('n8n-nodes-lead-management.') && !d.name.endsWith('Tool'),
	);
	const latest = new Map<string, Described>();
	for (const d of described) {
		const v = Math.max(...[d.version].flat());
		const seen = latest.get(d.name);
		if (!seen || v > Math.max(...[seen.version].flat())) latest.set(d.name, d);
	}
	for (const d of latest.values()) {
		const operations = d.properties.find((p) => p.name === 'operation')?.options?.map((o) => String(o.value)) ?? [''];
		for (const operation of operations) {
			const { id } = await n8n.api<{ id: string }>('POST', '/workflows', {
				name: `${d.displayName}: ${operation || 'panel'}`,
				nodes: [
					{
						id: 'p-1',
						name: d.displayName,
						type: d.name,
						typeVersion: Math.max(...[d.version].flat()),
						position: [0, 0],
						parameters: operation ? { operation } : {},
					},
				],
				connections: {},
				settings: { executionOrder: 'v1' },
			});
			const file = `${d.name.split('.')[1]}${operation ? `-${operation}` : ''}.png`;
			await panelShows(page, n8n.base, id, d.displayName, [], join(dir, file));
			console.log(`panels/${file}`);
		}
	}
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
