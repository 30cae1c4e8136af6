/**
 * What became of the leads, as n8n's custom execution data, so the Executions list tells a new
 * lead from a duplicate or a routed one (filtering by it needs n8n's registered Community edition
 * or a paid plan; the values are saved with every execution either way). n8n allows 10 keys, keys
 * up to 50 characters and values up to 255; values here are summaries of the batch, never the
 * lead's personal data.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

const MAX_VALUE = 255;

/** "new", "2 new, 1 duplicate": each label once, with its count when the batch has several. */
export function summarise(labels: string[]): string | undefined {
	if (!labels.length) return undefined;
	const counts = new Map<string, number>();
	for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
	if (counts.size === 1 && labels.length === 1) return labels[0];
	const text = [...counts].map(([label, n]) => `${n} ${label}`).join(', ');
	return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/**
 * Sets `key` to the summary of `labels` on this execution. Never fails the node: in an execution
 * without run data (a test harness) or past n8n's limits, the lead still goes on.
 */
export function markExecution(ctx: IExecuteFunctions, key: string, labels: string[]): void {
	const value = summarise(labels);
	if (value === undefined) return;
	try {
		ctx.customData.set(key, value);
	} catch {
		// n8n refuses more than 10 keys or a manual run's bad value; the leads matter more
	}
}
