/**
 * Copies a client-sent value into plain data that is safe to hand to a workflow: no prototype
 * keys, bounded depth, key count and string length, well-formed UTF-16. Never throws on content;
 * throws BodyLimitError when a limit is crossed, which the trigger answers with a 4xx. Strings are
 * refused, not cut, past the limit: a cut would silently corrupt JSON carried inside a string
 * (Jotform's rawRequest).
 */
export class BodyLimitError extends Error {
	constructor(
		message: string,
		readonly status = 400,
	) {
		super(message);
	}
}

export interface SafeBodyLimits {
	maxDepth: number;
	maxKeys: number;
	maxStringLength: number;
}

/** 1 MiB of text per value: far beyond any form answer, well within n8n's 16 MB body limit. */
export const DEFAULT_LIMITS: SafeBodyLimits = { maxDepth: 32, maxKeys: 10000, maxStringLength: 1_048_576 };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function sanitizeBody(value: unknown, limits: SafeBodyLimits = DEFAULT_LIMITS): unknown {
	let keys = 0;
	const walk = (v: unknown, depth: number, key = ''): unknown => {
		if (depth > limits.maxDepth) {
			throw new BodyLimitError(`Body is nested deeper than ${limits.maxDepth} levels`);
		}
		if (v === null || typeof v === 'boolean') return v;
		if (typeof v === 'number') return Number.isFinite(v) ? v : null;
		if (typeof v === 'string') {
			if (v.length > limits.maxStringLength) {
				const name = key.length > 64 ? `${key.slice(0, 61)}...` : key;
				throw new BodyLimitError(`The value of "${name}" is longer than ${limits.maxStringLength} characters`, 413);
			}
			return v.toWellFormed();
		}
		if (typeof v === 'bigint') return v.toString();
		if (Array.isArray(v)) {
			keys += v.length;
			if (keys > limits.maxKeys) throw new BodyLimitError(`Body has more than ${limits.maxKeys} values`);
			return v.map((x) => walk(x, depth + 1, key));
		}
		if (Buffer.isBuffer(v)) return v;
		if (typeof v === 'object') {
			const out: Record<string, unknown> = {};
			for (const k of Object.keys(v as object)) {
				if (FORBIDDEN_KEYS.has(k)) continue;
				if (++keys > limits.maxKeys) throw new BodyLimitError(`Body has more than ${limits.maxKeys} values`);
				if (k.length > limits.maxStringLength)
					throw new BodyLimitError(`A key is longer than ${limits.maxStringLength} characters`, 413);
				const key = k.toWellFormed();
				Object.defineProperty(out, key, {
					value: walk((v as Record<string, unknown>)[k], depth + 1, key),
					enumerable: true,
					writable: true,
					configurable: true,
				});
			}
			return out;
		}
		return null; // functions, symbols, undefined
	};
	return walk(value, 0);
}

/** JSON.parse for strings inside payloads (Jotform's rawRequest), with the same safety. */
export function parseJsonSafely(text: unknown, limits: SafeBodyLimits = DEFAULT_LIMITS): unknown {
	if (typeof text !== 'string') return undefined;
	try {
		return sanitizeBody(JSON.parse(text), limits);
	} catch (e) {
		if (e instanceof BodyLimitError) throw e;
		return undefined;
	}
}

/**
 * Turns flat bracket keys ("fields[email][value]") into nested objects, as PHP and Elementor send
 * them; leaves other keys alone. Safe against prototype keys and absurd nesting.
 */
export function expandBracketKeys(flat: Record<string, unknown>, maxDepth = 8): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(flat)) {
		const m = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(key);
		if (!m) {
			if (!FORBIDDEN_KEYS.has(key)) out[key] = value;
			continue;
		}
		const path = [m[1], ...m[2].slice(1, -1).split('][')];
		if (path.length > maxDepth || path.some((p) => FORBIDDEN_KEYS.has(p))) continue;
		let node: Record<string, unknown> = out;
		for (let i = 0; i < path.length - 1; i++) {
			const next = node[path[i]];
			if (next === null || typeof next !== 'object' || Array.isArray(next)) {
				node[path[i]] = {};
			}
			node = node[path[i]] as Record<string, unknown>;
		}
		const last = path[path.length - 1];
		if (last === '') {
			// "tags[]" → append
			const arr = Array.isArray(node['']) ? (node[''] as unknown[]) : [];
			arr.push(value);
			node[''] = arr;
		} else node[last] = value;
	}
	return out;
}
