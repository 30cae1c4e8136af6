/**
 * The examples on the node reference pages (docs/nodes/examples/*.json): each names a workflow
 * fixture, the node it shows, its input (items, or a request for the trigger) and the moment it
 * runs at; `runExample` executes it in n8n's engine and returns what each output received, by the
 * name of the node wired to that output. docs-pages.test.ts checks the recorded outputs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { loadWorkflow, runWebhook, runWorkflow, type TestRequest } from './harness';

export interface NodeExample {
	title: string;
	workflow: string;
	node: string;
	/** The source node the items are fed to (not for the trigger, which gets `request`). */
	inputNode?: string;
	now: string;
	input?: IDataObject[];
	request?: TestRequest;
	/** Recorded by `npm run docs:nodes`: items per output, by the name of the node wired to it. */
	output?: Record<string, IDataObject[]>;
}

export const EXAMPLES_DIR = join(__dirname, '..', '..', 'docs', 'nodes', 'examples');

export function readExample(file: string): NodeExample | undefined {
	const path = join(EXAMPLES_DIR, `${file}.json`);
	return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as NodeExample) : undefined;
}

/** Runs the example with the clock stopped at its `now` (only Date is faked; timers run). */
export async function runExample(example: NodeExample): Promise<Record<string, IDataObject[]>> {
	jest.useFakeTimers({
		now: new Date(example.now),
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
	});
	try {
		const workflow = loadWorkflow(example.workflow);
		const run = example.request
			? await runWebhook(workflow, example.request)
			: await runWorkflow(workflow, { [example.inputNode!]: (example.input ?? []).map((json) => ({ json })) });
		const out: Record<string, IDataObject[]> = {};
		const wired = workflow.connections[example.node]?.main ?? [];
		wired.forEach((targets, index) => {
			const items = run.output(example.node, index).map((i) => i.json);
			if (targets?.length && items.length) out[targets[0].node] = items;
		});
		return out;
	} finally {
		jest.useRealTimers();
	}
}

/** Lead ids made up for submissions without one (random UUIDs) compare as equal. */
export function withoutRandomIds(value: unknown): unknown {
	return JSON.parse(
		JSON.stringify(value).replace(
			/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/g,
			'<random id>',
		),
	);
}
