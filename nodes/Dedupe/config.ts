import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { DedupeConfig, OnDuplicate, RepeatRoute } from '../../lib/dedupe/dedupe';
import type { FieldKind } from '../../lib/dedupe/fields';
import { fieldSources } from '../../lib/dedupe/leads';
import { DEFAULT_THRESHOLD } from '../../lib/dedupe/matcher';
import { parseRule, RuleSyntaxError } from '../../lib/dedupe/rules';
import type { Retention } from '../../lib/store/types';

export interface DedupeSettings {
	config: DedupeConfig;
	namespace: string;
	retention: Retention;
	stateFile: string;
}

/** Reads the node's parameters into the pure dedupe configuration; bad rules name the problem. */
export function readDedupeSettings(ctx: IExecuteFunctions): DedupeSettings {
	const o = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const rows =
		(ctx.getNodeParameter('fields.field', 0, []) as Array<{ name: string; kind: FieldKind; path: string }>) ?? [];
	for (const [i, row] of rows.entries()) {
		if (!row.name?.trim() || !row.path?.trim()) {
			throw new NodeOperationError(ctx.getNode(), `Field ${i + 1} needs both a name and a path`);
		}
	}
	const sources = fieldSources(rows);
	const fields = sources.map(({ name, kind }) => ({ name, kind }));
	const matching = ctx.getNodeParameter('matching', 0, 'preset') as string;
	let rule;
	if (matching === 'rules') {
		const text = ctx.getNodeParameter('rule', 0, '') as string;
		try {
			rule = parseRule(text, new Set([...fields.map((f) => f.name), 'name']));
		} catch (e) {
			const message = e instanceof RuleSyntaxError ? `Match Rule: ${e.message}` : (e as Error).message;
			const at = /position (\d+)/.exec(message);
			const pointer = at ? `\n${' '.repeat(Number(at[1]) - 1 + 'Rule: '.length)}^` : '';
			throw new NodeOperationError(ctx.getNode(), message, { description: `Rule: ${text}${pointer}` });
		}
	}
	const workflowId = ctx.getWorkflow().id ?? 'unsaved';
	const scope = (o.scope as string) ?? 'workflow';
	const namespace =
		scope === 'shared'
			? `dedupe:shared:${(o.memoryName as string) || 'leads'}`
			: scope === 'node'
				? `dedupe:${workflowId}:${ctx.getNode().id}`
				: `dedupe:${workflowId}`;
	const country =
		typeof o.defaultCountry === 'string' && o.defaultCountry.trim() ? o.defaultCountry.trim().toUpperCase() : undefined;
	const v12 = ctx.getNode().typeVersion >= 1.2;
	return {
		config: {
			sources,
			matcher: {
				fields,
				mode: rule ? 'rules' : 'score',
				rule,
				threshold: typeof o.threshold === 'number' ? o.threshold : DEFAULT_THRESHOLD,
				maxBlockSize: typeof o.maxBlockSize === 'number' && o.maxBlockSize > 1 ? o.maxBlockSize : 500,
				learn: o.learnWeights !== false,
				wholeGroups: typeof o.wholeGroups === 'boolean' ? o.wholeGroups : ctx.getNode().typeVersion >= 1.1 && !rule,
				entityNames: v12,
				personPhones: v12,
			},
			onDuplicate: ctx.getNodeParameter('onDuplicate', 0, 'keepFirst') as OnDuplicate,
			repeats: (o.repeats as RepeatRoute | undefined) ?? 'asFirst',
			prepare: {
				defaultCountry: country,
				stripPlusEverywhere: o.stripPlusEverywhere === true,
				...(v12 ? { countryPhoneKeys: true } : {}),
			},
		},
		namespace,
		retention: {
			maxEntries: typeof o.maxEntries === 'number' ? o.maxEntries : 1_000_000,
			maxAgeMs: typeof o.maxAgeDays === 'number' && o.maxAgeDays > 0 ? o.maxAgeDays * 86_400_000 : 0,
		},
		stateFile: (o.stateFile as string) ?? '',
	};
}
