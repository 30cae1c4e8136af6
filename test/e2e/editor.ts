/**
 * The n8n editor in headless Chromium (Debian's package, driven by playwright-core; both put in
 * place by scripts/toolchain.sh, which exports PLAYWRIGHT_CORE): what a user sees, not what the
 * REST API says.
 */
import type { N8n } from './n8n';

/** The part of playwright-core's API used here and by scripts/screenshots.ts. */
export interface Locator {
	first(): Locator;
	last(): Locator;
	count(): Promise<number>;
	click(o?: object): Promise<void>;
	dblclick(o?: { force: boolean }): Promise<void>;
	waitFor(o?: { timeout?: number; state?: string }): Promise<void>;
	allTextContents(): Promise<string[]>;
	textContent(): Promise<string | null>;
	locator(selector: string): Locator;
}
export interface Page {
	goto(url: string): Promise<unknown>;
	fill(selector: string, value: string): Promise<void>;
	waitForURL(pattern: RegExp, options?: { timeout: number }): Promise<void>;
	waitForTimeout(ms: number): Promise<void>;
	waitForNavigation(options?: { timeout: number }): Promise<unknown>;
	url(): string;
	reload(): Promise<unknown>;
	setInputFiles(selector: string, files: string): Promise<void>;
	screenshot(options: { path: string }): Promise<unknown>;
	setViewportSize(size: { width: number; height: number }): Promise<void>;
	keyboard: { press(key: string): Promise<void> };
	locator(selector: string): Locator;
	getByText(text: string, options?: { exact: boolean }): Locator;
}
interface Browser {
	newPage(o: object): Promise<Page>;
	close(): Promise<void>;
}

export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium on a blank page (a visitor's browser: no n8n session). */
export async function openBrowser(
	viewport = { width: 1200, height: 800 },
): Promise<{ page: Page; close(): Promise<void> }> {
	const browser = await launchChromium();
	try {
		return { page: await browser.newPage({ viewport }), close: () => browser.close() };
	} catch (error) {
		await browser.close();
		throw error;
	}
}

async function launchChromium(): Promise<Browser> {
	const where = process.env.PLAYWRIGHT_CORE;
	if (!where) throw new Error('PLAYWRIGHT_CORE is not set: run through npm test (scripts/toolchain.sh installs it)');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { chromium } = require(where) as { chromium: { launch(o: object): Promise<Browser> } };
	return await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
}

/** Headless Chromium signed in to `n8n` as the test owner (set up before). */
export async function openEditor(
	n8n: N8n,
	viewport = { width: 1400, height: 900 },
): Promise<{ page: Page; close(): Promise<void> }> {
	const browser = await launchChromium();
	try {
		const page = await browser.newPage({ viewport });
		await page.goto(`${n8n.base}/signin`);
		await page.fill('input[name="emailOrLdapLoginId"], input[type="email"]', 'owner@example.com');
		await page.fill('input[name="password"], input[type="password"]', 'Passw0rdE2E');
		await page.keyboard.press('Enter');
		await page.waitForURL(/\/home|\/workflows|\/projects/, { timeout: 60_000 });
		return { page, close: () => browser.close() };
	} catch (error) {
		await browser.close();
		throw error;
	}
}

/**
 * The names the node panel lists when `text` is typed into its search, in the workflow open in
 * `page` (opened with its + button, as a user does: typing on the canvas would hit node shortcuts).
 */
export async function searchNodePanel(page: Page, text: string, failureShot?: string): Promise<string[]> {
	try {
		const plus = page.locator('[data-test-id="node-creator-plus-button"]').first();
		await plus.waitFor({ timeout: 60_000 });
		await plus.click();
		const search = 'input[data-test-id="node-creator-search-bar"], [data-test-id="node-creator-search-bar"] input';
		await page.locator(search).first().waitFor({ timeout: 30_000 });
		await page.fill(search, text);
		// nodes with actions are listed as action items, the others as node items: both carry a name
		const names = page.locator('[data-test-id="node-creator-item-name"]');
		await names.first().waitFor({ timeout: 30_000 });
		// the list settles after the search's debounce
		await page.waitForTimeout(1000);
		return (await names.allTextContents()).map((t) => t.trim());
	} catch (error) {
		if (failureShot) await page.screenshot({ path: failureShot }).catch(() => undefined);
		throw error;
	}
}

/**
 * Whether the canvas marks the node with n8n's issues sign (the red triangle) before any run,
 * waiting up to `waitMs` for it (the editor computes issues after loading the workflow).
 */
export async function canvasShowsIssues(
	page: Page,
	base: string,
	workflowId: string,
	node: string,
	waitMs = 20_000,
): Promise<boolean> {
	await page.goto(`${base}/workflow/${workflowId}`);
	const box = page.locator(`[data-test-id="canvas-node"][data-node-name="${node}"]`).first();
	await box.waitFor({ timeout: 60_000 });
	try {
		await box.locator('[data-test-id="node-issues"]').first().waitFor({ timeout: waitMs });
		return true;
	} catch {
		return false;
	}
}

/**
 * Opens the node's parameter panel (as a double click on the canvas does) and tells which of the
 * named parameters it shows as inputs; `shot` saves the panel as a PNG.
 */
export async function panelShows(
	page: Page,
	base: string,
	workflowId: string,
	node: string,
	parameters: string[],
	shot?: string,
): Promise<Record<string, boolean>> {
	await page.goto(`${base}/workflow/${workflowId}`);
	const box = page.locator(`[data-test-id="canvas-node"][data-node-name="${node}"]`).first();
	await box.waitFor({ timeout: 60_000 });
	await box.dblclick({ force: true });
	await page.locator('[data-test-id="node-parameters"]').first().waitFor({ timeout: 30_000 });
	await page.waitForTimeout(1000);
	if (shot) await page.screenshot({ path: shot });
	const shown: Record<string, boolean> = {};
	for (const name of parameters)
		shown[name] = (await page.locator(`[data-test-id="parameter-input-${name}"]`).count()) > 0;
	await page.keyboard.press('Escape');
	return shown;
}
