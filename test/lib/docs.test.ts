/**
 * The README is the package's documentation: every link into it from a credential or node (their
 * `documentationUrl`) must land on a heading that exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const README = 'https://github.com/n8n-nodes-lead-management/n8n-nodes-lead-management#';

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

const anchors = new Set(
	readFileSync(join(root, 'README.md'), 'utf8')
		.split('\n')
		.filter((line) => /^#{1,6} /.test(line))
		.map((line) => anchor(line.replace(/^#+ /, ''))),
);

function sources(dir: string): string[] {
	return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
		.filter((f) => f.endsWith('.ts'))
		.map((f) => join(root, dir, f));
}

describe('README anchors', () => {
	const links = [...sources('credentials'), ...sources('nodes')].flatMap((file) =>
		[...readFileSync(file, 'utf8').matchAll(/documentationUrl\s*[:=]\s*'([^']+)'/g)].map((m) => ({
			file: file.slice(root.length + 1),
			url: m[1],
		})),
	);
	it('finds the links (credentials and nodes point into the README)', () => {
		expect(links.filter((l) => l.url.startsWith(README)).length).toBeGreaterThanOrEqual(4);
	});
	it('every link into the README lands on a heading', () => {
		const broken = links.filter((l) => l.url.startsWith(README) && !anchors.has(l.url.slice(README.length)));
		expect(broken).toEqual([]);
	});
	it("every node's codex links its reference page (the editor's Docs link), which links its README section", () => {
		const codex = readdirSync(join(root, 'nodes'), { recursive: true, encoding: 'utf8' }).filter((f) =>
			f.endsWith('.node.json'),
		);
		expect(codex.length).toBe(7);
		const PAGES = 'https://github.com/n8n-nodes-lead-management/n8n-nodes-lead-management/blob/main/docs/nodes/';
		for (const file of codex) {
			const json = JSON.parse(readFileSync(join(root, 'nodes', file), 'utf8')) as {
				resources?: { primaryDocumentation?: Array<{ url: string }> };
			};
			const urls = (json.resources?.primaryDocumentation ?? []).map((d) => d.url);
			expect([file, urls.length]).toEqual([file, 1]);
			expect([file, urls[0].startsWith(PAGES)]).toEqual([file, true]);
			const page = join(root, 'docs', 'nodes', urls[0].slice(PAGES.length));
			expect([file, existsSync(page)]).toEqual([file, true]);
			const section = /\(\.\.\/\.\.\/README\.md#([a-z0-9-]+)\)/.exec(readFileSync(page, 'utf8'))?.[1];
			expect([file, section !== undefined && anchors.has(section)]).toEqual([file, true]);
		}
	});
	it('computes anchors as GitHub does', () => {
		expect(anchor('State: SQLite or Redis')).toBe('state-sqlite-or-redis');
		expect(anchor('Lead Capture Trigger')).toBe('lead-capture-trigger');
	});
});
