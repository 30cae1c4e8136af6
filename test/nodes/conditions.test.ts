/**
 * The licence for evaluating conditions natively (nodes/shared/fastConditions.ts): in n8n's engine,
 * Score Leads with one fit rule per condition scores random leads twice, once with n8n evaluating
 * every condition per item (LEAD_MANAGEMENT_NATIVE_CONDITIONS=0, the reference) and once with the
 * native path; the outputs must be equal, rule by rule and item by item, errors included. Every
 * operator of every type, strict and loose type validation, case-sensitive or not, references
 * on both sides, nested and bracket paths, missing and null fields.
 */
import type { IWorkflowBase } from 'n8n-workflow';
import { seededRandom } from '../../lib/dedupe/learn';
import { loadWorkflow, runWorkflow } from './harness';

type Json = Record<string, any>;

const OPERATORS: Record<string, Array<{ operation: string; singleValue?: boolean; rightType?: string }>> = {
	string: [
		{ operation: 'exists', singleValue: true },
		{ operation: 'notExists', singleValue: true },
		{ operation: 'empty', singleValue: true },
		{ operation: 'notEmpty', singleValue: true },
		{ operation: 'equals' },
		{ operation: 'notEquals' },
		{ operation: 'contains' },
		{ operation: 'notContains' },
		{ operation: 'startsWith' },
		{ operation: 'notStartsWith' },
		{ operation: 'endsWith' },
		{ operation: 'notEndsWith' },
		{ operation: 'regex' },
		{ operation: 'notRegex' },
	],
	number: [
		{ operation: 'exists', singleValue: true },
		{ operation: 'notExists', singleValue: true },
		{ operation: 'empty', singleValue: true },
		{ operation: 'notEmpty', singleValue: true },
		{ operation: 'equals' },
		{ operation: 'notEquals' },
		{ operation: 'gt' },
		{ operation: 'lt' },
		{ operation: 'gte' },
		{ operation: 'lte' },
	],
	dateTime: [
		{ operation: 'exists', singleValue: true },
		{ operation: 'notExists', singleValue: true },
		{ operation: 'empty', singleValue: true },
		{ operation: 'notEmpty', singleValue: true },
		{ operation: 'equals' },
		{ operation: 'notEquals' },
		{ operation: 'after' },
		{ operation: 'before' },
		{ operation: 'afterOrEquals' },
		{ operation: 'beforeOrEquals' },
	],
	boolean: [
		{ operation: 'exists', singleValue: true },
		{ operation: 'notExists', singleValue: true },
		{ operation: 'empty', singleValue: true },
		{ operation: 'notEmpty', singleValue: true },
		{ operation: 'true', singleValue: true },
		{ operation: 'false', singleValue: true },
		{ operation: 'equals' },
		{ operation: 'notEquals' },
	],
	array: [
		{ operation: 'exists', singleValue: true },
		{ operation: 'notExists', singleValue: true },
		{ operation: 'empty', singleValue: true },
		{ operation: 'notEmpty', singleValue: true },
		{ operation: 'contains', rightType: 'any' },
		{ operation: 'notContains', rightType: 'any' },
		{ operation: 'lengthEquals', rightType: 'number' },
		{ operation: 'lengthNotEquals', rightType: 'number' },
		{ operation: 'lengthGt', rightType: 'number' },
		{ operation: 'lengthLt', rightType: 'number' },
		{ operation: 'lengthGte', rightType: 'number' },
		{ operation: 'lengthLte', rightType: 'number' },
	],
	object: [
		{ operation: 'exists', singleValue: true },
		{ operation: 'notExists', singleValue: true },
		{ operation: 'empty', singleValue: true },
		{ operation: 'notEmpty', singleValue: true },
	],
};

/** Right-hand values people type, per type (constants, and references to the lead). */
const RIGHT: Record<string, unknown[]> = {
	string: ['Acme', 'acme', '', '^ac.*e$', '5', '={{ $json.other }}'],
	number: [5, '5', 0, -1.5, '={{ $json.other }}'],
	dateTime: ['2026-06-01T00:00:00Z', '2026-06-01', '={{ $json.other }}'],
	boolean: [true, 'false', '={{ $json.other }}'],
	array: ['acme', 2, 0, '={{ $json.other }}'],
	object: [''],
};

/** Left-hand references: plain, bracketed, nested (through missing, null and text values). */
const LEFT = ['={{ $json.value }}', '={{ $json["value"] }}', '={{ $json.nested.value }}', '={{$json.list[1]}}'];

/** Values leads carry, of every kind, as forms and CRMs send them. */
function randomValue(next: () => number): unknown {
	const pool: unknown[] = [
		'Acme',
		'ACME Corp',
		'acme',
		'',
		'   ',
		'5',
		'05',
		'-1.5',
		'true',
		'False',
		'2026-06-01T00:00:00Z',
		'2026-05-31',
		'not a date',
		5,
		0,
		-1.5,
		1e21,
		true,
		false,
		null,
		undefined,
		['acme', 'beta'],
		[],
		[1, 2, 3],
		{ a: 1 },
		{},
	];
	return pool[Math.floor(next() * pool.length)];
}

function leads(n: number, seed: number): Json[] {
	const next = seededRandom(seed);
	return Array.from({ length: n }, (_, i) => {
		const lead: Json = { id: `l${i}` };
		const value = randomValue(next);
		if (value !== undefined) lead.value = value;
		const other = randomValue(next);
		if (other !== undefined) lead.other = other;
		const nested = [undefined, null, 'text', { value: randomValue(next) }, { value: randomValue(next) }][
			Math.floor(next() * 5)
		];
		if (nested !== undefined) lead.nested = nested;
		if (next() < 0.7) lead.list = [randomValue(next), randomValue(next)];
		return lead;
	});
}

function workflow(type: string, typeValidation: string, caseSensitive: boolean): IWorkflowBase {
	const wf = loadWorkflow('score-rules.json');
	const node = wf.nodes.find((n) => n.name === 'Score Leads')!;
	const rules: Json[] = [];
	for (const op of OPERATORS[type])
		for (const left of LEFT)
			for (const right of op.singleValue ? [''] : RIGHT[type])
				rules.push({
					name: `${type}.${op.operation} ${left} ${JSON.stringify(right)}`,
					points: 1,
					grade: 0,
					conditions: {
						options: { caseSensitive, leftValue: '', typeValidation, version: 3 },
						conditions: [
							{
								id: `c${rules.length}`,
								leftValue: left,
								rightValue: right,
								operator: { type, ...op },
							},
						],
						combinator: 'and',
					},
				});
	node.parameters = {
		...node.parameters,
		fitRules: { values: rules },
		engagementRules: { values: [] },
		outputPerLabel: false,
		options: { explainMisses: true, now: '2026-12-01T00:00:00Z' },
	} as typeof node.parameters;
	node.continueOnFail = true;
	return wf;
}

/** What the node said of each lead: the rules that fired, or the error that stopped it. */
async function outcome(wf: IWorkflowBase, items: Json[], native: boolean): Promise<string[]> {
	process.env.LEAD_MANAGEMENT_NATIVE_CONDITIONS = native ? '1' : '0';
	try {
		const r = await runWorkflow(wf, { Leads: items.map((json) => ({ json })) });
		expect(r.error('Score Leads')).toBeUndefined();
		return r.output('Score Leads').map((i) => {
			const json = i.json as Json;
			if (json.error) return `${json.id}: error ${json.error}`;
			return `${json.id}: ${(json.score.reasons as Json[])
				.filter((x) => !x.missed)
				.map((x) => x.rule)
				.join(' | ')}`;
		});
	} finally {
		delete process.env.LEAD_MANAGEMENT_NATIVE_CONDITIONS;
	}
}

describe('conditions evaluated natively give what n8n gives', () => {
	const cases: Array<[string, string, boolean]> = [];
	for (const type of Object.keys(OPERATORS))
		for (const validation of ['strict', 'loose'])
			for (const caseSensitive of [true, false]) cases.push([type, validation, caseSensitive]);

	it.each(cases)(
		'%s, %s type validation, case-sensitive %s',
		async (type, validation, caseSensitive) => {
			const wf = workflow(type, validation, caseSensitive);
			const items = leads(60, type.length * 31 + (validation === 'strict' ? 1 : 2) + (caseSensitive ? 0 : 5));
			const reference = await outcome(wf, items, false);
			const native = await outcome(wf, items, true);
			expect(native).toEqual(reference);
			// The run says something: rules fired, and (in strict mode) some leads were refused.
			expect(reference.some((line) => / \| |: [a-z]/.test(line))).toBe(true);
		},
		120_000,
	);

	it("expressions that are not plain references stay n8n's, per item", async () => {
		const wf = workflow('string', 'loose', false);
		const node = wf.nodes.find((n) => n.name === 'Score Leads')!;
		const rules = (node.parameters.fitRules as Json).values as Json[];
		rules[4].conditions.conditions[0].leftValue = '={{ ($json.value ?? "").toString().toUpperCase() }}';
		rules[5].conditions.conditions[0].leftValue = '=Dear {{ $json.value }}';
		rules[6].conditions.conditions[0].rightValue = "={{ 'ac' + 'me' }}";
		const items = leads(40, 77);
		expect(await outcome(wf, items, true)).toEqual(await outcome(wf, items, false));
	}, 60_000);
});
