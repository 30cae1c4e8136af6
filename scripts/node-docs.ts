/**
 * One reference page per node in docs/nodes/, written from the node's own description (so no
 * parameter is missing and none drifts): its operations, every parameter with its type, default,
 * where it shows and its description (options and fixed collections with their fields), its
 * credentials, outputs and panel screenshot. `test/nodes/docs-pages.test.ts` checks that the
 * committed pages match; `npm run docs:nodes` rewrites them (through jest, whose resolver finds
 * the nodes' .ts files before their .node.json codex files).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';
import { AdvanceStage } from '../nodes/AdvanceStage/AdvanceStage.node';
import { Dedupe } from '../nodes/Dedupe/Dedupe.node';
import { Enrich } from '../nodes/Enrich/Enrich.node';
import { LeadCaptureTrigger } from '../nodes/LeadCaptureTrigger/LeadCaptureTrigger.node';
import { Route } from '../nodes/Route/Route.node';
import { Score } from '../nodes/Score/Score.node';
import { SlaCheck } from '../nodes/SlaCheck/SlaCheck.node';

const ROOT = join(__dirname, '..');

/** The nodes, the guide each belongs to (docs/guide/<section>.md) and the screenshot of its panel. */
export const NODE_PAGES: Array<{ file: string; description: INodeTypeDescription; section: string; picture: string }> =
	[
		{
			file: 'lead-capture-trigger',
			description: new LeadCaptureTrigger().description,
			section: 'lead-capture-trigger',
			picture: 'lead-capture-trigger',
		},
		{ file: 'dedupe-leads', description: new Dedupe().description, section: 'dedupe-leads', picture: 'dedupe-leads' },
		{ file: 'enrich-leads', description: new Enrich().description, section: 'enrich-leads', picture: 'enrich-leads' },
		{ file: 'score-leads', description: new Score().description, section: 'score-leads', picture: 'score-leads' },
		{ file: 'route-leads', description: new Route().description, section: 'route-leads', picture: 'route-leads' },
		{
			file: 'advance-stage',
			description: new AdvanceStage().description,
			section: 'advance-stage',
			picture: 'stage-from-score',
		},
		{ file: 'sla-check', description: new SlaCheck().description, section: 'sla-check', picture: 'start-sla-clock' },
	];

const cell = (v: unknown): string =>
	String(v ?? '')
		.replace(/\|/g, '\\|')
		.replace(/\s*\n\s*/g, ' ')
		.trim();

function shownWhen(p: INodeProperties): string {
	const parts: string[] = [];
	for (const [key, values] of Object.entries(p.displayOptions?.show ?? {})) {
		if (key.startsWith('@')) continue;
		parts.push(
			`${key} = ${(values as unknown[]).map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(' or ')}`,
		);
	}
	for (const [key, values] of Object.entries(p.displayOptions?.hide ?? {})) {
		parts.push(`${key} not ${(values as unknown[]).map(String).join(' or ')}`);
	}
	return parts.join('; ');
}

function defaultOf(p: INodeProperties): string {
	if (
		p.default === undefined ||
		p.default === '' ||
		(typeof p.default === 'object' && p.default !== null && !Object.keys(p.default).length)
	)
		return '';
	return typeof p.default === 'object' ? JSON.stringify(p.default) : String(p.default);
}

function choices(p: INodeProperties): string {
	if (!['options', 'multiOptions'].includes(p.type) || !p.options) return '';
	return (p.options as INodePropertyOptions[])
		.filter((o) => o.value !== undefined)
		.map((o) => `\`${String(o.value)}\` ${o.name}`)
		.join(', ');
}

function rows(props: INodeProperties[], prefix = ''): string[] {
	const out: string[] = [];
	for (const p of props) {
		if (p.type === 'notice') continue;
		const name = `${prefix}${p.displayName}`;
		const values = choices(p);
		out.push(
			`| ${cell(name)} | \`${p.name}\` | ${p.type} | ${cell(defaultOf(p))} | ${cell(shownWhen(p))} | ${cell([p.description && p.description.replace(/([^.!?:])\s*$/, '$1.'), values && `Values: ${values}.`].filter(Boolean).join(' '))} |`,
		);
		if (p.type === 'collection' && p.options) out.push(...rows(p.options as INodeProperties[], `${name} > `));
		if (p.type === 'fixedCollection' && p.options) {
			for (const group of p.options as INodePropertyCollection[]) {
				out.push(...rows(group.values, `${name} > ${group.displayName} > `));
			}
		}
	}
	return out;
}

export function nodePage(page: (typeof NODE_PAGES)[number]): string {
	const d = page.description;
	const lines = [
		`# ${d.displayName}`,
		'',
		`<!-- Written by \`npm run docs:nodes\` from the node's description; do not edit by hand. -->`,
		'',
		`\`${d.name}\` version ${Array.isArray(d.version) ? d.version.join(', ') : d.version}. ${cell(d.description)}`,
		'',
		`What it does, with examples and limits: [the ${d.displayName} guide](../guide/${page.section}.md); the lead it reads and writes: [the canonical lead](../guide/canonical-lead.md).`,
		'',
	];
	if (existsSync(join(ROOT, 'docs', 'screenshots', `${page.picture}.png`))) {
		lines.push(`![${d.displayName} in the n8n editor](../screenshots/${page.picture}.png)`, '');
	}
	const operation = d.properties.find((p) => p.name === 'operation');
	if (operation?.options) {
		lines.push('## Operations', '', '| Operation | Value | What it does |', '| --- | --- | --- |');
		for (const o of operation.options as INodePropertyOptions[]) {
			lines.push(`| ${cell(o.name)} | \`${String(o.value)}\` | ${cell(o.action ?? o.description ?? '')} |`);
		}
		lines.push('');
	}
	lines.push(
		'## Parameters',
		'',
		'Every parameter, in the order the panel shows them (fields inside options and collections after their parent, as `Parent > Field`).',
		'',
		'| Parameter | Name | Type | Default | Shown when | Description |',
		'| --- | --- | --- | --- | --- | --- |',
		...rows(d.properties),
		'',
	);
	const creds = d.credentials ?? [];
	if (creds.length) {
		lines.push('## Credentials', '');
		for (const c of creds) {
			const when = c.displayOptions ? ` (when ${shownWhen(c as unknown as INodeProperties)})` : '';
			lines.push(`- \`${c.name}\`${c.required ? ', required' : ''}${when}`);
		}
		lines.push('');
	}
	const outputs = d.outputNames ?? [];
	lines.push(
		'## Inputs and outputs',
		'',
		typeof d.outputs === 'string'
			? 'Outputs depend on the parameters (one per rule, status or label, named after it, when a parameter asks for it; otherwise one); see the guide.'
			: `Outputs: ${outputs.length ? outputs.join(', ') : `${(d.outputs as unknown[]).length} (unnamed)`}.`,
		'',
		`Usable as an AI agent tool: ${d.usableAsTool ? 'yes' : 'no'}.`,
		'',
		...exampleSection(page.file, d.displayName),
	);
	return lines.join('\n');
}

interface Example {
	title: string;
	workflow: string;
	node: string;
	now: string;
	input?: unknown[];
	request?: { headers?: Record<string, string>; query?: Record<string, string>; body?: unknown };
	output?: Record<string, unknown[]>;
}

const json = (value: unknown) => ['```json', JSON.stringify(value, null, 2), '```'];

/**
 * The node run on sample input in n8n's engine (docs/nodes/examples/<page>.json, its output
 * recorded and checked by test/nodes/docs-pages.test.ts): the parameters, what went in, and what
 * came out of each output.
 */
function exampleSection(file: string, displayName: string): string[] {
	const path = join(ROOT, 'docs', 'nodes', 'examples', `${file}.json`);
	if (!existsSync(path)) return [];
	const example = JSON.parse(readFileSync(path, 'utf8')) as Example;
	const workflow = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'workflows', example.workflow), 'utf8')) as {
		nodes: Array<{ name: string; parameters: unknown }>;
	};
	const node = workflow.nodes.find((n) => n.name === example.node);
	const lines = [
		`## Example: ${example.title}`,
		'',
		`Run in n8n's engine at ${example.now} by the test suite, which checks that ${displayName} still gives this output ([the example](examples/${file}.json), [the workflow](../../test/fixtures/workflows/${example.workflow})).`,
		'',
		'<details><summary>Parameters</summary>',
		'',
		...json(node?.parameters ?? {}),
		'',
		'</details>',
		'',
	];
	if (example.request) lines.push('The request:', '', ...json(example.request), '');
	else lines.push('Input items:', '', ...json(example.input ?? []), '');
	for (const [name, items] of Object.entries(example.output ?? {}))
		lines.push(`Output **${name}**:`, '', ...json(items), '');
	return lines;
}
