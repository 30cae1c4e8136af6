import type { Answer } from '../../lead/schema';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
	return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}

export function asArray(v: unknown): unknown[] {
	return Array.isArray(v) ? v : [];
}

/** A string for an id-like value that may arrive as a number (Facebook, Google Ads). */
export function idString(v: unknown): string | undefined {
	if (typeof v === 'string' && v.trim()) return v.trim();
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	if (typeof v === 'bigint') return v.toString();
	return undefined;
}

export function str(v: unknown): string | undefined {
	if (typeof v === 'string') return v.trim() || undefined;
	if (typeof v === 'number' && Number.isFinite(v)) return String(v);
	return undefined;
}

/** ISO 8601 from seconds, milliseconds or a date string; undefined when unreadable. */
export function toIso(v: unknown): string | undefined {
	if (v === null || v === undefined || v === '') return undefined;
	// No date is written in more than 64 characters.
	if (typeof v === 'string' && v.length > 64) return undefined;
	let d: Date;
	if (typeof v === 'number' || (typeof v === 'string' && /^\d{9,13}$/.test(v.trim()))) {
		const n = Number(v);
		d = new Date(n < 1e11 ? n * 1000 : n);
	} else if (typeof v === 'string') {
		// Facebook writes "+0000" offsets, which Date parses; normalize to Z form.
		d = new Date(v.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
	} else return undefined;
	return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function answer(key: string, value: unknown, label?: string, type?: string): Answer {
	return {
		key,
		...(label !== undefined ? { label } : {}),
		...(type !== undefined ? { type } : {}),
		value,
	};
}

/** Keys of a flat form that are transport metadata, not answers. */
export function isUtmKey(key: string): boolean {
	return /^(utm_(source|medium|campaign|term|content)|gclid|fbclid|msclkid|landing_page|referrer)$/i.test(key);
}
