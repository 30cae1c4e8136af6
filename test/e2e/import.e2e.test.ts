/**
 * The README's path for a template, done in the editor as a marketer does it (#30): create the
 * credentials the template names, then in a new workflow "... > Import > From File" (the editor's
 * own file input), save; every node that names a credential is bound to the one created, by name
 * and type, with no node opened. Headless Chromium, a real n8n.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEditor, type Page } from './editor';
import { startN8nForTests, type N8n } from './n8n';
import { templateCredentials } from './templateCredentials';

type Json = Record<string, any>;
const TEMPLATES = join(__dirname, '..', '..', 'templates');

let n8n: N8n;
let editor: { page: Page; close(): Promise<void> };
const created: Record<string, string> = {};

beforeAll(async () => {
	n8n = await startN8nForTests();
	for (const [name, c] of Object.entries(templateCredentials({ secret: (s) => s, smtpPort: 2525 }))) {
		created[name] = (await n8n.createCredential(c.type, name, c.data)).id;
	}
	editor = await openEditor(n8n);
});
afterAll(async () => {
	await editor?.close();
	await n8n?.stop();
});

async function importInEditor(page: Page, file: string): Promise<string> {
	const name = (JSON.parse(readFileSync(join(TEMPLATES, file), 'utf8')) as Json).name as string;
	await page.goto(`${n8n.base}/workflow/new`);
	await page.locator('[data-test-id="workflow-import-input"]').first().waitFor({ state: 'attached', timeout: 60_000 });
	await page.setInputFiles('[data-test-id="workflow-import-input"]', join(TEMPLATES, file));
	// The imported nodes on the canvas, then saved as a user saves (Ctrl+S).
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 30_000 });
	await page.waitForTimeout(1_000);
	await page.keyboard.press('Control+s');
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		const found = (await n8n.api<{ data: Array<{ id: string; name: string }> }>('GET', '/workflows')).data.find(
			(w) => w.name === name,
		);
		if (found) return found.id;
		await page.waitForTimeout(1_000);
	}
	await page.screenshot({ path: join(n8n.userFolder, `import-not-saved-${file.replace('.json', '')}.png`) });
	throw new Error(`"${name}" was not saved after the import (see the screenshot in ${n8n.userFolder})`);
}

// The two templates reported unbound, each with three Header Auth credentials in the instance.
it.each(['lead-ads-dedupe-crm.json', 'nurture-rescoring-weekly-funnel.json'])(
	'%s: created first, each credential is bound on import by name and type',
	async (file) => {
		const id = await importInEditor(editor.page, file);
		const saved = await n8n.api<Json>('GET', `/workflows/${id}`);
		// Every credential the template names, node by node, bound to the one created by that name.
		const template = JSON.parse(readFileSync(join(TEMPLATES, file), 'utf8')) as Json;
		const bound = (template.nodes as Json[])
			.filter((node) => node.credentials)
			.flatMap((node) =>
				Object.entries(node.credentials as Record<string, { name: string }>).map(([type, ref]) => {
					const got = (saved.nodes as Json[]).find((n) => n.name === node.name)?.credentials?.[type];
					return { node: node.name, name: ref.name, bound: got?.id === created[ref.name] };
				}),
			);
		expect(bound.length).toBeGreaterThan(1);
		expect(bound.filter((b) => !b.bound)).toEqual([]);
		// And the canvas shows no issue sign on any node (a credential n8n thinks is missing).
		await editor.page.reload();
		await editor.page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 30_000 });
		await editor.page.waitForTimeout(1_500);
		await editor.page.screenshot({ path: join(n8n.userFolder, `imported-${file.replace('.json', '')}.png`) });
		expect(await editor.page.locator('[data-test-id="node-issues"]').count()).toBe(0);
	},
	180_000,
);
