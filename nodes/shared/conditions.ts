import type { IDataObject } from 'n8n-workflow';
import { get } from 'lodash';

/**
 * The path of a plain reference to the item, `={{ $json.a.b }}`, `={{ $json["a b"][0] }}`, as
 * n8n's own path rules read it; undefined for anything else (a constant, another node's data, a
 * function call, arithmetic). Read by a small scanner, not a regular expression.
 */
export function plainJsonPath(value: unknown): string[] | undefined {
	if (typeof value !== 'string' || value.length > 500) return undefined;
	const text = value.trim();
	if (!text.startsWith('={{') || !text.endsWith('}}')) return undefined;
	const inner = text.slice(3, -2).trim();
	if (!inner.startsWith('$json')) return undefined;
	const path: string[] = [];
	let i = 5;
	const ident = (c: string) => /[\w$]/.test(c);
	while (i < inner.length) {
		const c = inner[i];
		if (c === '.') {
			let j = i + 1;
			while (j < inner.length && ident(inner[j])) j++;
			if (j === i + 1 || /\d/.test(inner[i + 1])) return undefined;
			path.push(inner.slice(i + 1, j));
			i = j;
		} else if (c === '[') {
			const quote = inner[i + 1];
			if (quote === '"' || quote === "'") {
				const end = inner.indexOf(quote, i + 2);
				if (end < 0 || inner[end + 1] !== ']') return undefined;
				const key = inner.slice(i + 2, end);
				if (key.includes('\\')) return undefined;
				path.push(key);
				i = end + 2;
			} else {
				let j = i + 1;
				while (j < inner.length && /\d/.test(inner[j])) j++;
				if (j === i + 1 || inner[j] !== ']') return undefined;
				path.push(inner.slice(i + 1, j));
				i = j + 1;
			}
		} else return undefined;
	}
	return path.length ? path : undefined;
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * For each rule whose conditions read a field of the item that no input item has: a hint naming
 * the rule and the field, and the item's field it likely meant (same letters, other case or
 * separators), so a rule that can never fire does not go unnoticed.
 */
export function missingFieldHints(
	rules: Array<{ name: string; conditions: unknown }>,
	items: IDataObject[],
	what = 'Rule',
): string[] {
	if (!items.length) return [];
	const sample = items.slice(0, 1000);
	const hints: string[] = [];
	for (const rule of rules) {
		const conditions = ((rule.conditions as IDataObject | undefined)?.conditions ?? []) as IDataObject[];
		if (!Array.isArray(conditions)) continue;
		const seen = new Set<string>();
		for (const condition of conditions.slice(0, 100)) {
			for (const side of [condition?.leftValue, condition?.rightValue]) {
				const path = plainJsonPath(side);
				if (!path) continue;
				const key = path.join('.');
				if (seen.has(key)) continue;
				seen.add(key);
				if (sample.some((json) => get(json, path) !== undefined)) continue;
				const parent = path.slice(0, -1);
				const want = squash(path[path.length - 1]);
				let near: string | undefined;
				for (const json of sample.slice(0, 50)) {
					const holder = parent.length ? get(json, parent) : json;
					if (!holder || typeof holder !== 'object') continue;
					near = Object.keys(holder).find((k) => squash(k) === want);
					if (near) break;
				}
				hints.push(
					`${what} "${rule.name}": no input item has the field "${key}", so its condition on it never holds${near ? ` (the items have "${[...parent, near].join('.')}")` : ''}`,
				);
			}
		}
	}
	return hints;
}
