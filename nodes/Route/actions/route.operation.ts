import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeExecutionHint } from 'n8n-workflow';
import { markExecution } from '../../shared/executionData';
import { NodeOperationError } from 'n8n-workflow';
import { companyDomain, normalizeDomain } from '../../../lib/normalize/domain';
import { accountOwnersFromRows } from '../../../lib/route/owners';
import { withRouting } from '../../../lib/route/result';
import { routeLeads } from '../../../lib/route/route';
import type { RouteDecision, RouteRequest } from '../../../lib/route/router';
import { NativeFilter, perItem } from '../../shared/fastConditions';
import type { OpenedStore } from '../../shared/store';
import type { RouteSettings } from '../config';

/** What the output pane should point out after a run: rules no lead matched, leads left unassigned. */
export function routeHints(rules: Array<{ name?: string }>, decisions: RouteDecision[]): NodeExecutionHint[] {
	const hints: NodeExecutionHint[] = [];
	if (decisions.length === 0) return hints;
	// What the batch as a whole says (a rule nobody matched, an owner everybody skipped) means
	// something only for a batch of some size: a form's one lead matches one rule, not the others.
	if (decisions.length < PATTERN_BATCH) return unassignedHint(decisions);
	const matched = new Set(decisions.map((d) => d.ruleIndex));
	const idle = rules
		.map((r, i) => (matched.has(i) ? undefined : `${i + 1} ("${r.name || `Rule ${i + 1}`}")`))
		.filter((x): x is string => !!x);
	if (idle.length && rules.length) {
		hints.push({
			message: `No lead matched rule${idle.length > 1 ? 's' : ''} ${idle.join(', ')} in this run: check ${idle.length > 1 ? 'their' : 'its'} conditions against the leads' fields.`,
			location: 'outputPane',
		});
	}
	// Owners every lead passed over (away, capped, out of hours) and none got: likely a setup slip.
	const assigned = new Set(decisions.map((d) => d.owner?.id).filter(Boolean));
	const skippedBy = new Map<string, { name: string; reason: string; count: number }>();
	for (const d of decisions) {
		for (const skip of new Map(d.skipped.map((x) => [x.id, x])).values()) {
			const seen = skippedBy.get(skip.id);
			skippedBy.set(skip.id, { name: skip.name, reason: skip.reason, count: (seen?.count ?? 0) + 1 });
		}
	}
	const alwaysSkipped = [...skippedBy.entries()].filter(([id, s]) => s.count === decisions.length && !assigned.has(id));
	if (alwaysSkipped.length) {
		hints.push({
			message: `Every lead skipped ${alwaysSkipped.map(([, s]) => `${s.name} (${s.reason})`).join(', ')}: check their availability, working hours and caps.`,
			location: 'outputPane',
		});
	}
	return [...hints, ...unassignedHint(decisions)];
}

/** Leads in a run from which the batch hints draw conclusions (rules no lead matched, owners every lead skipped). */
export const PATTERN_BATCH = 20;

function unassignedHint(decisions: RouteDecision[]): NodeExecutionHint[] {
	const unassigned = decisions.filter((d) => d.status === 'unassigned').length;
	if (!unassigned) return [];
	return [
		{
			message: `${unassigned} lead${unassigned > 1 ? 's were' : ' was'} left unassigned (every owner away, capped or out of hours, or no rule and no default): set a Fallback Owner to catch ${unassigned > 1 ? 'them' : 'it'}.`,
			location: 'outputPane',
		},
	];
}

/**
 * Route: each lead gets an owner (account owner first, the first matching territory rule, the
 * default assignment, the fallback), one transaction per batch; one output, or one per rule.
 */
export async function execute(
	this: IExecuteFunctions,
	settings: RouteSettings,
	store: OpenedStore,
	now: number,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const { router } = settings;
	const rules = router.settings.rules;
	const accounts =
		settings.accountsInput !== undefined
			? accountOwnersFromRows(
					this.getInputData(settings.accountsInput).map((i) => i.json as Record<string, unknown>),
					normalizeDomain,
				).owners
			: undefined;
	const wantsDomain = router.settings.accountOwnerFirst || router.settings.rememberAccountOwners;

	// Each rule's conditions read once; plain references to the lead looked up without n8n's
	// per-item expressions (nodes/shared/fastConditions.ts).
	const ruleFilters = rules.map((_, r) => new NativeFilter(this, `rules.values[${r}].conditions`));
	const domainParam = perItem(this, 'options.domain', '');
	const ownerParam = router.settings.accountOwnerFirst ? perItem(this, 'accountOwnerId', '') : undefined;
	const requests: Array<{ index: number; request: RouteRequest }> = [];
	const failed: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			let ruleIndex = -1;
			const json = items[i].json as IDataObject;
			for (let r = 0; r < rules.length && ruleIndex < 0; r++) {
				if (ruleFilters[r].passes(i, json)) ruleIndex = r;
			}
			const domainOption = String(domainParam(i) ?? '').trim();
			const domain = wantsDomain ? (domainOption ? normalizeDomain(domainOption) : companyDomain(json)) : null;
			const given = ownerParam ? String(ownerParam(i) ?? '').trim() : '';
			requests.push({
				index: i,
				request: { ruleIndex, domain, accountOwnerId: given || (domain ? accounts?.get(domain) : undefined) },
			});
		} catch (error) {
			if (!this.continueOnFail())
				throw new NodeOperationError(this.getNode(), error as Error, {
					itemIndex: i,
					description: `While checking the routing rules for item ${i}`,
				});
			failed.push({ json: { ...items[i].json, error: (error as Error).message }, pairedItem: { item: i } });
		}
	}

	const decisions = await routeLeads(
		router,
		requests.map((r) => r.request),
		store,
		settings.namespace,
		now,
	);
	this.addExecutionHints(...routeHints(rules, decisions));
	markExecution(
		this,
		'routed_to',
		decisions.map((d) =>
			d.status === 'unassigned' ? 'unassigned' : (d.owner?.name ?? d.owner?.id ?? d.rule ?? 'output'),
		),
	);
	const perRule = settings.outputMode === 'perRule';
	const outputs: INodeExecutionData[][] = Array.from({ length: perRule ? rules.length + 2 : 1 }, () => []);
	const unassigned = outputs.length - 1;
	// (getNode() copies the whole node: once, not per lead)
	const nodeName = this.getNode().name;
	decisions.forEach((decision, k) => {
		const index = requests[k].index;
		const item: INodeExecutionData = {
			json: withRouting(
				items[index].json as Record<string, unknown>,
				decision,
				now,
				settings.ownerField,
				nodeName,
			) as IDataObject,
			...(items[index].binary ? { binary: items[index].binary } : {}),
			pairedItem: { item: index },
		};
		const output = !perRule
			? 0
			: decision.status === 'unassigned'
				? unassigned
				: decision.ruleIndex >= 0
					? decision.ruleIndex
					: rules.length;
		outputs[output].push(item);
	});
	// Items whose rules could not be checked (continue on fail) come out unassigned, with the error.
	outputs[unassigned].push(...failed);
	if (!perRule)
		outputs[0].sort((a, b) => (a.pairedItem as { item: number }).item - (b.pairedItem as { item: number }).item);
	return outputs;
}
