import { get } from 'lodash';
import { jsonObject, ProviderError, type LookupInput, type ProviderAdapter } from './types';

export interface GenericSpec {
	method: 'GET' | 'POST';
	/** The URL, with {email}, {domain}, {first_name}, {last_name}, {full_name}, {company} placeholders. */
	url: string;
	/** A JSON body for POST, with the same placeholders inside its string values. */
	body?: string;
	/** Canonical field ("company.industry") ← JSON path in the answer ("data.industry"). */
	fields: Array<{ target: string; path: string }>;
}

const PLACEHOLDER = /\{(email|domain|first_name|last_name|full_name|company)\}/g;
const TARGET = /^(?:company|person|email)\.[a-z][a-z0-9_]{0,40}$/;

/** The placeholders a template uses. */
export function placeholdersOf(template: string): string[] {
	return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

function fill(template: string, input: LookupInput, encode: boolean): string {
	return template.replace(PLACEHOLDER, (_m, name: keyof LookupInput) => {
		const value = String(input[name] ?? '');
		return encode ? encodeURIComponent(value) : value;
	});
}

/** Replaces placeholders inside every string of a JSON template (keys untouched). */
function fillJson(value: unknown, input: LookupInput): unknown {
	if (typeof value === 'string') return fill(value, input, false);
	if (Array.isArray(value)) return value.map((v) => fillJson(v, input));
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillJson(v, input)]));
	return value;
}

/** Checks a Generic HTTP spec; returns the problem in words, or undefined. */
export function genericSpecProblem(spec: GenericSpec): string | undefined {
	if (!/^https?:\/\//i.test(spec.url.trim()))
		return `The URL "${spec.url.slice(0, 80)}" must start with http:// or https://`;
	if (!spec.fields.length) return 'Map at least one field of the answer (Fields to Fill)';
	for (const f of spec.fields) {
		if (!TARGET.test(f.target))
			return `"${f.target.slice(0, 60)}" is not an enrichment field: use company.<name>, person.<name> or email.<name>`;
		if (!f.path.trim()) return `The answer path of "${f.target}" is empty`;
	}
	if (spec.method === 'POST' && spec.body?.trim()) {
		try {
			JSON.parse(spec.body);
		} catch {
			return 'The request body is not valid JSON';
		}
	}
	return undefined;
}

/** A provider any JSON API fits: a URL template, a credential for its headers, paths to map the answer. */
export function genericAdapter(spec: GenericSpec): ProviderAdapter {
	const needs = placeholdersOf(`${spec.url} ${spec.body ?? ''}`) as Array<keyof LookupInput>;
	const body =
		spec.method === 'POST' && spec.body?.trim() ? (JSON.parse(spec.body) as Record<string, unknown>) : undefined;
	return {
		id: 'http',
		label: 'HTTP provider',
		fills: spec.fields.map((f) => f.target),
		missingInput: `needs ${needs.join(', ') || 'nothing'} for the URL`,
		lookupKey(input) {
			if (needs.some((n) => !input[n])) return null;
			return `${spec.method} ${fill(spec.url, input, true)} ${body ? JSON.stringify(fillJson(body, input)) : ''}`;
		},
		request(input) {
			return {
				method: spec.method,
				url: fill(spec.url.trim(), input, true),
				...(body ? { body: fillJson(body, input) as Record<string, unknown> } : {}),
			};
		},
		parse(response) {
			if (response.status === 404) return { found: false, fields: {}, raw: response.body };
			const answer = jsonObject(response.body, 'The HTTP provider');
			const fields: Record<string, unknown> = {};
			for (const f of spec.fields) {
				const value = get(answer, f.path.trim());
				if (value === undefined || value === null || value === '') continue;
				if (typeof value === 'object' && JSON.stringify(value).length > 10_000)
					throw new ProviderError(`The HTTP provider's "${f.path}" is larger than 10 kB`, 'malformed');
				fields[f.target] = typeof value === 'string' ? value.slice(0, 500) : value;
			}
			return { found: Object.keys(fields).length > 0, fields, raw: answer };
		},
	};
}
