import type { FilterConditionValue, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { executeFilterCondition } from 'n8n-workflow';
import { get } from 'lodash';
import { stageKey } from '../../lib/stage/stages';
import { NativeFilter, perItem } from '../shared/fastConditions';

const OPERATIONS: Record<string, string> = {
	equals: 'equal to',
	notEquals: 'not equal to',
	gt: 'greater than',
	gte: 'at least',
	lt: 'less than',
	lte: 'at most',
	contains: 'containing',
	notContains: 'not containing',
	startsWith: 'starting with',
	endsWith: 'ending with',
	exists: 'present',
	notExists: 'absent',
	empty: 'empty',
	notEmpty: 'not empty',
	true: 'true',
	false: 'false',
	after: 'after',
	before: 'before',
};

/** "={{ $json.owner.id }}" -> "owner.id"; anything else as written, shortened. */
function fieldOf(raw: unknown): string {
	const text = String(raw ?? '').slice(0, 300);
	const dotted = /\$json\.([\w$.]+)/.exec(text);
	if (dotted) return dotted[1];
	const bracket = /\$json\[['"]([^'"\]]+)['"]\]/.exec(text);
	if (bracket) return bracket[1];
	return text.replace(/^=/, '').replace(/[{}]/g, '').trim().slice(0, 60);
}

const isEmpty = (v: unknown) =>
	v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && !v.length);

/**
 * What each guarded stage still needs from this lead: the empty required fields, and the conditions
 * it fails (each named after its field and test, from the condition builder's own evaluation).
 */
interface Requirement {
	stage: (item: number) => unknown;
	fields: (item: number) => unknown;
	raw: IDataObject[];
	filter?: NativeFilter;
}

const compiled = new WeakMap<IExecuteFunctions, Requirement[]>();

/** Each requirement read once per execution: its parameters per item only where they are expressions. */
function requirementsOf(ctx: IExecuteFunctions): Requirement[] {
	let list = compiled.get(ctx);
	if (list) return list;
	const raw = ((ctx.getNode().parameters.requirements as IDataObject | undefined)?.values ?? []) as IDataObject[];
	list = raw.map((row, k) => {
		const rawConditions = ((row?.conditions as IDataObject | undefined)?.conditions ?? []) as IDataObject[];
		return {
			stage: perItem<unknown>(ctx, `requirements.values[${k}].stage`, ''),
			fields: perItem<unknown>(ctx, `requirements.values[${k}].fields`, ''),
			raw: rawConditions,
			...(rawConditions.length ? { filter: new NativeFilter(ctx, `requirements.values[${k}].conditions`) } : {}),
		};
	});
	compiled.set(ctx, list);
	return list;
}

export function missingByStage(ctx: IExecuteFunctions, item: number, json: IDataObject): Map<string, string[]> {
	const missing = new Map<string, string[]>();
	requirementsOf(ctx).forEach((row) => {
		const needs: string[] = [];
		for (const path of String(row.fields(item) ?? '')
			.split(',')
			.map((p) => p.trim())
			.filter(Boolean)) {
			if (isEmpty(get(json, path))) needs.push(`${path} (empty)`);
		}
		const rawConditions = row.raw;
		if (row.filter) {
			const filter = row.filter.resolved(item, json);
			const failed = filter.conditions
				.map((condition, c) => ({ condition, c }))
				.filter(({ condition }) => !executeFilterCondition(condition, filter.options, { itemIndex: item }));
			const passes = filter.combinator === 'or' ? failed.length < filter.conditions.length : !failed.length;
			if (!passes) needs.push(...failed.map(({ condition, c }) => describe(condition, rawConditions[c])));
		}
		const key = stageKey(String(row.stage(item) ?? ''));
		if (needs.length) missing.set(key, [...(missing.get(key) ?? []), ...needs]);
	});
	return missing;
}

function describe(condition: FilterConditionValue, raw: IDataObject | undefined): string {
	const field = fieldOf(raw?.leftValue ?? condition.leftValue);
	const operation = condition.operator.operation;
	const words = OPERATIONS[operation] ?? operation;
	if (condition.operator.singleValue || isEmpty(condition.rightValue)) {
		return isEmpty(condition.leftValue) && operation !== 'empty' && operation !== 'notExists'
			? `${field} (empty)`
			: `${field} ${words}`;
	}
	const right = String(condition.rightValue).slice(0, 60);
	return isEmpty(condition.leftValue) ? `${field} (empty; must be ${words} ${right})` : `${field} ${words} ${right}`;
}
