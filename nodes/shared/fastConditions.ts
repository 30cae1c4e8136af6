import type { FilterConditionValue, FilterValue, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { executeFilter, NodeOperationError } from 'n8n-workflow';
import { plainJsonPath } from './conditions';

/**
 * A condition-builder parameter (n8n's filter type) evaluated without n8n's per-item expression
 * engine where it can be: read once, raw; each side of each condition a constant or a plain
 * reference to the item (`{{ $json.a.b }}`, `{{ $json["a b"] }}`), looked up here; the resolved
 * filter then goes to n8n-workflow's own `executeFilter` (the same operators, type validation,
 * loose or strict types, case sensitivity as the node's getNodeParameter would apply). Anything
 * else (another node's data, a function, `$now`, text around an expression) is left to n8n, per
 * item: the whole filter, whenever one side is not plain; an item, when a reference passes through
 * a missing or non-object value (n8n's own answer to that is kept, error or not).
 *
 * The licence for this path is the differential test (`test/nodes/conditions.test.ts`): every
 * operator of every type, both validation modes, case options, missing and null fields, random
 * items; the results equal n8n's own per-item evaluation in n8n's engine.
 */

/** A side of a condition: a constant, or a path into the item's json. */
type Side = { constant: unknown } | { path: string[] };

interface Compiled {
	options: FilterValue['options'];
	combinator: FilterValue['combinator'];
	conditions: Array<{ raw: FilterConditionValue; left: Side; right: Side }>;
}

/** Set LEAD_MANAGEMENT_NATIVE_CONDITIONS=0 to let n8n evaluate every condition (the differential test's reference). */
const nativeEnabled = () => process.env.LEAD_MANAGEMENT_NATIVE_CONDITIONS !== '0';

const FALLBACK = Symbol('fallback');

function sideOf(value: unknown): Side | undefined {
	if (typeof value !== 'string') return { constant: value };
	if (!value.startsWith('=')) return { constant: value };
	const path = plainJsonPath(value);
	if (path) return { path };
	// "=text" with no expression in it is the text itself.
	if (!value.includes('{{')) return { constant: value.slice(1) };
	return undefined;
}

/** Anything in the options or operator that n8n would resolve as an expression makes the filter n8n's. */
const hasExpression = (value: unknown): boolean =>
	typeof value === 'string'
		? value.startsWith('=')
		: value !== null && typeof value === 'object'
			? Object.values(value).some(hasExpression)
			: false;

function compile(raw: unknown): Compiled | undefined {
	const filter = raw as FilterValue | undefined;
	if (!filter || typeof filter !== 'object' || !Array.isArray(filter.conditions)) return undefined;
	if (hasExpression(filter.options) || hasExpression(filter.combinator)) return undefined;
	const conditions: Compiled['conditions'] = [];
	for (const condition of filter.conditions) {
		if (!condition || hasExpression(condition.operator)) return undefined;
		const left = sideOf(condition.leftValue);
		const right = sideOf(condition.rightValue);
		if (!left || !right) return undefined;
		conditions.push({ raw: condition, left, right });
	}
	return { options: filter.options, combinator: filter.combinator, conditions };
}

/** The value at a path of the item, or FALLBACK when the path passes through something that is no object. */
function lookUp(json: IDataObject, path: string[]): unknown {
	let value: unknown = json;
	for (let i = 0; i < path.length; i++) {
		if (value === null || typeof value !== 'object') return FALLBACK;
		value = (value as Record<string, unknown>)[path[i]];
		if (i < path.length - 1 && (value === null || value === undefined)) return FALLBACK;
	}
	return value;
}

export class NativeFilter {
	private readonly compiled: Compiled | undefined;

	/** `parameter`: the filter parameter's path, e.g. `fitRules.values[2].conditions`. */
	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly parameter: string,
	) {
		this.compiled = nativeEnabled()
			? compile(ctx.getNodeParameter(parameter, 0, {}, { rawExpressions: true }))
			: undefined;
	}

	/** Whether the filter could be compiled (each side constant or a plain reference to the item). */
	get native(): boolean {
		return this.compiled !== undefined;
	}

	/** The filter with its sides resolved for this item, or undefined when n8n must resolve it. */
	resolve(itemIndex: number, json: IDataObject): FilterValue | undefined {
		const c = this.compiled;
		if (!c) return undefined;
		const conditions: FilterConditionValue[] = [];
		for (const { raw, left, right } of c.conditions) {
			const l = 'path' in left ? lookUp(json, left.path) : left.constant;
			const r = 'path' in right ? lookUp(json, right.path) : right.constant;
			if (l === FALLBACK || r === FALLBACK) return undefined;
			conditions.push({
				...raw,
				leftValue: l as FilterConditionValue['leftValue'],
				rightValue: r as FilterConditionValue['rightValue'],
			});
		}
		return { options: c.options, combinator: c.combinator, conditions };
	}

	/** Whether the item passes, as n8n's getNodeParameter(..., { extractValue: true }) says. */
	passes(itemIndex: number, json: IDataObject): boolean {
		const resolved = this.resolve(itemIndex, json);
		if (!resolved) return this.ctx.getNodeParameter(this.parameter, itemIndex, false, { extractValue: true }) === true;
		try {
			return executeFilter(resolved, { itemIndex });
		} catch (error) {
			// As n8n's extractValue wraps a filter's error.
			throw new NodeOperationError(this.ctx.getNode(), error as Error, {
				description: (error as { description?: string }).description,
			});
		}
	}

	/** The filter resolved for this item (n8n's own resolution when it is not plain). */
	resolved(itemIndex: number, json: IDataObject): FilterValue {
		return this.resolve(itemIndex, json) ?? (this.ctx.getNodeParameter(this.parameter, itemIndex, {}) as FilterValue);
	}
}

/**
 * A parameter read once when it holds no expression, per item when it does (n8n resolves an
 * expression for each item; a constant is the same for all of them).
 */
export function perItem<T>(ctx: IExecuteFunctions, parameter: string, fallback: T): (itemIndex: number) => T {
	const raw = ctx.getNodeParameter(parameter, 0, fallback, { rawExpressions: true }) as unknown;
	if (
		!(typeof raw === 'string' && raw.startsWith('=')) &&
		!(raw && typeof raw === 'object' && hasExpressionDeep(raw))
	) {
		const value = ctx.getNodeParameter(parameter, 0, fallback) as T;
		return () => value;
	}
	return (itemIndex) => ctx.getNodeParameter(parameter, itemIndex, fallback) as T;
}

const hasExpressionDeep = (value: unknown): boolean =>
	typeof value === 'string'
		? value.startsWith('=')
		: value !== null && typeof value === 'object'
			? Object.values(value).some(hasExpressionDeep)
			: false;

/**
 * The rows of a fixed collection whose rows hold a condition builder (`conditions`): every field
 * but the conditions as n8n resolves it at item 0, the conditions left raw. Reading the whole
 * collection the usual way resolves each condition's expressions too, which makes n8n set up an
 * expression isolate for the execution only to read the rules' names and points.
 */
export function rowsWithoutConditions(ctx: IExecuteFunctions, path: string): IDataObject[] {
	const raw = (ctx.getNodeParameter(path, 0, [], { rawExpressions: true }) as IDataObject[]) ?? [];
	if (!Array.isArray(raw)) return [];
	return raw.map((row, k) =>
		Object.fromEntries(
			Object.entries(row ?? {}).map(([key, value]) => [
				key,
				key !== 'conditions' && hasExpressionDeep(value) ? ctx.getNodeParameter(`${path}[${k}].${key}`, 0) : value,
			]),
		),
	);
}
