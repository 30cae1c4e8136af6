/**
 * docs/nodes/*.md are written from the nodes' descriptions (scripts/node-docs.ts): a page that no
 * longer matches its node fails here. `npm run docs:nodes` (DOCS_WRITE=1) rewrites them.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_PAGES, nodePage } from '../../scripts/node-docs';
import { EXAMPLES_DIR, readExample, runExample, withoutRandomIds } from './examples';
import { useStateFile } from './harness';

const dir = join(__dirname, '..', '..', 'docs', 'nodes');

useStateFile('docs-examples-', 'examples.sqlite');

// First, so that `npm run docs:nodes` records the outputs before the pages are written.
describe('the example on each node page', () => {
	it.each(NODE_PAGES.map((p) => [p.file] as const))(
		'docs/nodes/examples/%s.json gives its recorded output',
		async (file) => {
			const example = readExample(file);
			expect(example).toBeDefined();
			const output = await runExample(example!);
			expect(Object.keys(output).length).toBeGreaterThan(0);
			if (process.env.DOCS_WRITE === '1')
				writeFileSync(join(EXAMPLES_DIR, `${file}.json`), JSON.stringify({ ...example, output }, null, '\t') + '\n');
			else expect(withoutRandomIds(output)).toEqual(withoutRandomIds(example!.output));
		},
	);
});

describe('node reference pages', () => {
	if (process.env.DOCS_WRITE === '1') mkdirSync(dir, { recursive: true });
	it.each(NODE_PAGES.map((p) => [p.file, p] as const))('docs/nodes/%s.md matches the node', (file, page) => {
		const expected = nodePage(page);
		if (process.env.DOCS_WRITE === '1') writeFileSync(join(dir, `${file}.md`), expected);
		expect(readFileSync(join(dir, `${file}.md`), 'utf8')).toBe(expected);
	});

	it('lists every parameter of every node, nested ones included', () => {
		for (const page of NODE_PAGES) {
			const text = nodePage(page);
			const names = (props: Array<{ name: string; type: string; options?: unknown[] }>): string[] =>
				props.flatMap((p) => [
					...(p.type === 'notice' ? [] : [p.name]),
					...(p.type === 'collection' ? names(p.options as never) : []),
					...(p.type === 'fixedCollection'
						? (p.options as Array<{ values: never }>).flatMap((g) => names(g.values))
						: []),
				]);
			for (const name of names(page.description.properties as never)) expect(text).toContain(`\`${name}\``);
		}
	});
});
