import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { get } from 'lodash';
import { applyLedger, forgetClocks, timesOf, type LedgerAction } from '../../../lib/sla/ledger';
import { buildPolicy, evaluateSla } from '../../../lib/sla/policy';
import type { LeadKeys } from '../../../lib/store/records';
import { perItem } from '../../shared/fastConditions';
import { noKeysMessage } from '../../shared/leads';
import type { OpenedStore } from '../../shared/store';
import { createdOf, slaLeadKeys, timeOf, type SlaSettings } from '../config';
import { policyFor } from './check.operation';

const text = (v: unknown) =>
	v === null || v === undefined || typeof v === 'object' ? undefined : String(v).slice(0, 200);

/** What the alert needs of the lead: who it is (as its keys were read), its owner and source. */
function snapshot(json: IDataObject, keys: LeadKeys): Record<string, unknown> {
	return Object.fromEntries(
		Object.entries({
			id: keys.ids[0] ?? text(json.id),
			email: keys.emails[0] ?? text(json.email),
			name: text(json.full_name) ?? text([json.first_name, json.last_name].filter(Boolean).join(' ') || undefined),
			company: text(json.company),
			owner: text(get(json, 'owner.id')) ?? text(get(json, 'owner.name')),
			owner_email: text(get(json, 'owner.email')),
			source: text(get(json, 'source.provider')),
		}).filter(([, v]) => v),
	);
}

/**
 * Start Clock, Record Touch, Pause, Resume, Stop and Forget on the ledger: one transaction for the
 * batch; each lead comes out with its clock's state now.
 */
export async function execute(
	this: IExecuteFunctions,
	settings: SlaSettings,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData(0);
	const operation = this.getNodeParameter('operation', 0) as string;
	const out: Array<{ index: number; item: INodeExecutionData }> = [];
	const work: Array<{ index: number; lead: LeadKeys; action?: LedgerAction }> = [];
	// Read once when constant, per item when an expression.
	const eventTimeOf = perItem<unknown>(this, 'options.eventTime', '');
	const touchTypeOf = operation === 'touch' ? perItem<unknown>(this, 'touchType', '') : () => '';
	for (let i = 0; i < items.length; i++) {
		const json = items[i].json;
		try {
			const lead = slaLeadKeys(json, settings);
			if (!lead.ids.length && !lead.emails.length)
				throw new Error(`${noKeysMessage(settings.fields.id, settings.fields.email)}: map them under Options`);
			const eventTime = timeOf(eventTimeOf(i), 'Event Time');
			const at = eventTime ?? settings.now;
			let action: LedgerAction | undefined;
			if (operation === 'start') {
				const spec = policyFor(this, settings, i);
				if (!spec) {
					out.push({
						index: i,
						item: {
							json: { ...json, [settings.outputField]: { status: 'none', why: 'No policy applies to this lead' } },
							pairedItem: { item: i },
						},
					});
					continue;
				}
				const zone = text(get(json, settings.fields.zone));
				action = {
					kind: 'start',
					policy: spec,
					createdAt: createdOf(json, settings) ?? at,
					assignedAt: timeOf(get(json, settings.fields.assigned), settings.fields.assigned),
					...(zone ? { zone } : {}),
					lead: snapshot(json, lead),
				};
			} else if (operation === 'touch') {
				// Counted once by the CRM's id of the touch; without one, two touches of one batch at the
				// execution's time are two touches (their places), one with an Event Time is known by it.
				const touchId = settings.fields.touchId ? text(get(json, settings.fields.touchId)) : undefined;
				const id = touchId
					? `id:${touchId}`
					: eventTime === undefined
						? `run:${this.getExecutionId()}:${i}`
						: undefined;
				action = {
					kind: 'touch',
					at,
					touch: String(touchTypeOf(i) ?? '') || undefined,
					...(id ? { id } : {}),
				};
			} else if (operation === 'pause' || operation === 'resume' || operation === 'stop') {
				action = { kind: operation, at };
			}
			work.push({ index: i, lead, action });
		} catch (error) {
			const message = (error as Error).message;
			if (!this.continueOnFail()) throw new NodeOperationError(this.getNode(), message, { itemIndex: i });
			out.push({ index: i, item: { json: { ...json, error: message }, pairedItem: { item: i } } });
		}
	}
	if (operation === 'forget') {
		const found = work.length
			? await forgetClocks(
					await store(),
					settings.namespace,
					work.map((w) => w.lead),
				)
			: [];
		found.forEach((f, k) => {
			const i = work[k].index;
			out.push({
				index: i,
				item: { json: { ...items[i].json, [settings.outputField]: { forgotten: f } }, pairedItem: { item: i } },
			});
		});
	} else if (work.length) {
		const outcomes = await applyLedger(
			await store(),
			settings.namespace,
			work.map((w) => ({ lead: w.lead, action: w.action! })),
		);
		outcomes.forEach((o, k) => {
			const i = work[k].index;
			const state = o.entry ? evaluateSla(buildPolicy(o.entry.policy), timesOf(o.entry), settings.now) : undefined;
			const section = {
				result: o.result,
				...(o.result === 'unknown' ? { why: 'No clock runs for this lead: start one with Start Clock first' } : {}),
				...(state ?? {}),
				...(o.entry
					? {
							touches: o.entry.touches.map((t) => ({
								at: new Date(t.at).toISOString(),
								...(t.kind ? { kind: t.kind } : {}),
							})),
						}
					: {}),
			};
			out.push({
				index: i,
				item: { json: { ...items[i].json, [settings.outputField]: section }, pairedItem: { item: i } },
			});
		});
	}
	return [out.sort((a, b) => a.index - b.index).map((o) => o.item)];
}
