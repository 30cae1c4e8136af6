/**
 * The documentation is a front page (README.md) and guides (docs/guide/, docs/nodes/): every link
 * into it from a credential or node (their `documentationUrl`, the codex's Docs link) and every
 * relative link between its pages must land on a file and a heading that exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const root = join(__dirname, '..', '..');
const REPO = 'https://github.com/n8n-nodes-lead-management/n8n-nodes-lead-management';

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
	return heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOf(file: string): Set<string> {
	let set = anchorCache.get(file);
	if (!set) {
		set = new Set(
			readFileSync(file, 'utf8')
				.replace(/```[\s\S]*?```/g, '')
				.split('\n')
				.filter((line) => /^#{1,6} /.test(line))
				.map((line) => anchor(line.replace(/^#+ /, ''))),
		);
		anchorCache.set(file, set);
	}
	return set;
}

/** A repository URL (`#x` on the front page, or `/blob/main/<path>#x`) as a file and an anchor. */
function target(url: string): { file: string; hash?: string } | undefined {
	if (url.startsWith(`${REPO}#`)) return { file: join(root, 'README.md'), hash: url.slice(REPO.length + 1) };
	if (url.startsWith(`${REPO}/blob/main/`)) {
		const [path, hash] = url.slice(`${REPO}/blob/main/`.length).split('#');
		return { file: join(root, path), hash };
	}
	return undefined;
}

function sources(dir: string, ext: string): string[] {
	return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
		.filter((f) => f.endsWith(ext))
		.map((f) => join(root, dir, f));
}

const resolves = (t: { file: string; hash?: string }) =>
	existsSync(t.file) && (!t.hash || (t.file.endsWith('.md') && anchorsOf(t.file).has(t.hash)));

describe('documentation links', () => {
	const links = [...sources('credentials', '.ts'), ...sources('nodes', '.ts')].flatMap((file) =>
		[...readFileSync(file, 'utf8').matchAll(/documentationUrl\s*[:=]\s*'([^']+)'/g)].map((m) => ({
			file: file.slice(root.length + 1),
			url: m[1],
		})),
	);
	it('finds the links (credentials and nodes point into the documentation)', () => {
		expect(links.filter((l) => target(l.url)).length).toBeGreaterThanOrEqual(4);
	});
	it('every link from a credential or node lands on a page and a heading', () => {
		const broken = links.filter((l) => target(l.url) && !resolves(target(l.url)!));
		expect(broken).toEqual([]);
	});
	it("every node's codex links its reference page (the editor's Docs link), which links its guide", () => {
		const codex = sources('nodes', '.node.json');
		expect(codex.length).toBe(7);
		for (const file of codex) {
			const json = JSON.parse(readFileSync(file, 'utf8')) as {
				resources?: { primaryDocumentation?: Array<{ url: string }> };
			};
			const urls = (json.resources?.primaryDocumentation ?? []).map((d) => d.url);
			expect([file, urls.length]).toEqual([file, 1]);
			const page = target(urls[0]);
			expect([file, page !== undefined && page.file.includes('/docs/nodes/') && existsSync(page.file)]).toEqual([
				file,
				true,
			]);
			const guide = /\(\.\.\/guide\/([a-z0-9-]+\.md)\)/.exec(readFileSync(page!.file, 'utf8'))?.[1];
			expect([file, guide !== undefined && existsSync(join(root, 'docs', 'guide', guide))]).toEqual([file, true]);
		}
	});
	it('every relative link of the README and the guides lands on a file and a heading', () => {
		const pages = [join(root, 'README.md'), ...sources('docs', '.md')];
		const broken: string[] = [];
		for (const page of pages) {
			const text = readFileSync(page, 'utf8').replace(/```[\s\S]*?```/g, '');
			for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
				const url = m[1];
				if (/^(https?:|mailto:)/.test(url)) continue;
				const [path, hash] = url.split('#');
				const file = path ? normalize(join(dirname(page), path)) : page;
				if (!resolves({ file, hash })) broken.push(`${page.slice(root.length + 1)}: ${url}`);
			}
		}
		expect(broken).toEqual([]);
	});
	it('the README is a front page, not a manual', () => {
		expect(readFileSync(join(root, 'README.md'), 'utf8').split('\n').length).toBeLessThan(400);
	});
	it('computes anchors as GitHub does', () => {
		expect(anchor('State: SQLite or Redis')).toBe('state-sqlite-or-redis');
		expect(anchor('Lead Capture Trigger')).toBe('lead-capture-trigger');
	});
});
