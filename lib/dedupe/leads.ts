import { get } from 'lodash';
import { normalizeCountry } from '../normalize/country';
import { companyDomain } from '../normalize/domain';
import { prepareValue, type FieldKind, type FieldSpec, type Prepared, type PrepareOptions } from './fields';

/** The canonical lead's comparable fields; `domain` is derived from the website or a work email. */
export const LEAD_FIELDS: FieldSpec[] = [
	{ name: 'email', kind: 'email' },
	{ name: 'phone', kind: 'phone' },
	{ name: 'first_name', kind: 'first_name' },
	{ name: 'last_name', kind: 'last_name' },
	{ name: 'company', kind: 'company' },
	{ name: 'domain', kind: 'domain' },
	{ name: 'city', kind: 'city' },
];

/** Where each field is read from in an item; users remap or add fields (e.g. a date of birth). */
export interface FieldSource extends FieldSpec {
	/** Dotted path in the item's JSON. */
	path: string;
}

export const DEFAULT_SOURCES: FieldSource[] = [
	{ name: 'email', kind: 'email', path: 'email' },
	{ name: 'phone', kind: 'phone', path: 'phone' },
	{ name: 'first_name', kind: 'first_name', path: 'first_name' },
	{ name: 'last_name', kind: 'last_name', path: 'last_name' },
	{ name: 'company', kind: 'company', path: 'company' },
	{ name: 'domain', kind: 'domain', path: 'website' },
	{ name: 'city', kind: 'city', path: 'city' },
];

/** Default sources with the user's overrides (same name replaces, new names add). */
export function fieldSources(overrides: Array<{ name: string; kind: FieldKind; path: string }> = []): FieldSource[] {
	const out = DEFAULT_SOURCES.map((s) => ({ ...s }));
	for (const o of overrides) {
		const name = o.name.trim().toLowerCase();
		const i = out.findIndex((s) => s.name === name);
		const src = { name, kind: o.kind, path: o.path.trim() };
		if (i >= 0) out[i] = src;
		else out.push(src);
	}
	return out;
}

/**
 * Comparable values of one item. A phone typed nationally is read with the lead's own country
 * (its `country`, a code or a name) before the node's default, so "06 12 34 56 78" from France
 * and "+33 6 12 34 56 78" are the same number.
 */
export function prepareLead(
	json: Record<string, unknown>,
	sources: FieldSource[],
	options: PrepareOptions = {},
): Prepared {
	const p: Prepared = {};
	const own = normalizeCountry(json.country);
	if (own) options = { ...options, defaultCountry: own };
	for (const s of sources) {
		let raw = get(json, s.path);
		if (s.kind === 'domain' && (raw === undefined || raw === null || raw === '')) {
			raw = companyDomain({ email: get(json, sources.find((x) => x.kind === 'email')?.path ?? 'email') }) ?? undefined;
		}
		const v = prepareValue(s.kind, raw, options);
		if (v) p[s.name] = v;
	}
	return p;
}

export function hasComparableValues(p: Prepared): boolean {
	return Object.keys(p).length > 0;
}
