import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { datesText, hoursText, joinText, type DatesRow, type HoursRow } from '../shared/schedule';
import { NodeOperationError } from 'n8n-workflow';
import { get } from 'lodash';
import { fieldText, leadKeysOf } from '../shared/leads';
import { rowsWithoutConditions } from '../shared/fastConditions';
import { readScope, type ScopeChoice } from '../shared/scope';
import { firstStop, mergePauses, readChanges, readCurrent, type Change } from '../../lib/sla/pauses';
import { ClockError } from '../../lib/sla/clock';
import { buildPolicy, parseEscalation, type PolicySpec, type SlaTimes } from '../../lib/sla/policy';
import type { LeadKeys } from '../../lib/store/records';

export interface SlaSettings {
	policies: PolicySpec[];
	namespace: string;
	/** Whose clocks: this workflow's, this node's, or a shared name's. */
	scope: ScopeChoice;
	stateFile: string;
	outputField: string;
	split: boolean;
	now: number;
	fields: {
		id: string;
		email: string;
		created: string;
		assigned: string;
		touches: string;
		/** Record Touch: the touch's own id (a CRM activity id); empty: none. */
		touchId: string;
		zone: string;
		stage: string;
		stageHistory: string;
		status: string;
		statusChangedAt: string;
		statusHistory: string;
	};
	pauseStages: Set<string>;
	stopStages: Set<string>;
}

const list = (text: unknown) =>
	String(text ?? '')
		.split(/[,;\n]+/)
		.map((s) => s.trim().toLowerCase())
		.filter(Boolean);

/** The node's policies and options; a malformed schedule, zone or escalation stops naming it. */
export function readSlaSettings(ctx: IExecuteFunctions): SlaSettings {
	const node = ctx.getNode();
	const o = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const operation = ctx.getNodeParameter('operation', 0) as string;
	try {
		const escalation = parseEscalation(String(o.escalation ?? '100: owner, 150: manager, 200: re-route'));
		const atRisk = Number(o.atRiskPercent ?? 75);
		const zone = ctx.getTimezone();
		const rows = operation === 'check' || operation === 'start' ? rowsWithoutConditions(ctx, 'policies.values') : [];
		const policies = rows.map((r, k): PolicySpec => {
			const name = String(r.name ?? '').trim() || `Policy ${k + 1}`;
			const touches = Number(r.followUpTouches ?? 0);
			const spec: PolicySpec = {
				name,
				firstResponseHours: Number(r.firstResponseHours ?? 24),
				from: r.from === 'assigned' ? 'assigned' : 'created',
				...(touches > 0
					? {
							cadence: {
								touches,
								periodDays: Number(r.periodDays ?? 14),
								maxGapHours: Number(r.maxGapHours ?? 0),
							},
						}
					: {}),
				clock: {
					kind: r.clock === 'business' ? 'business' : 'calendar',
					// The builder's rows, when set, stand for the text; its dates join the Holidays text.
					schedule:
						hoursText((r.businessHoursBuilder as { ranges?: HoursRow[] } | undefined)?.ranges) ||
						String(r.businessHours ?? 'Mon-Fri 09:00-17:00'),
					zone: String(r.timeZone ?? '').trim() || zone,
					holidays: joinText(
						r.holidays,
						datesText((r.holidayDates as { ranges?: DatesRow[] } | undefined)?.ranges),
						', ',
					),
				},
				ownerZone: o.ownerTimeZone !== false,
				atRiskPercent: atRisk,
				escalation,
			};
			try {
				buildPolicy(spec);
			} catch (error) {
				const message = (error as Error).message;
				throw new NodeOperationError(node, message.startsWith('Policy "') ? message : `Policy "${name}": ${message}`);
			}
			return spec;
		});
		if ((operation === 'check' || operation === 'start') && !policies.length)
			throw new ClockError(
				'Add at least one policy (a first-response target, and a follow-up cadence if you want one)',
			);
		const nowText = String(o.now ?? '').trim();
		const now = nowText ? Date.parse(nowText) : Date.now();
		if (!Number.isFinite(now)) throw new ClockError(`Now "${nowText}" is not a date (e.g. 2026-12-01T09:00:00Z)`);
		const scope = readScope(ctx, 'default');
		return {
			policies,
			namespace: `sla:${scope.key}`,
			scope,
			stateFile: String(o.stateFile ?? ''),
			outputField: String(o.outputField ?? '').trim() || 'sla',
			split: ctx.getNodeParameter('outputMode', 0, 'split') !== 'single',
			now,
			fields: {
				id: String(o.idField ?? '').trim(),
				email: String(o.emailField ?? '').trim() || 'email',
				created: String(o.createdField ?? '').trim(),
				assigned: String(o.assignedField ?? '').trim() || 'owner.assigned_at',
				touches: String(o.touchesField ?? '').trim() || 'touches',
				touchId: String(o.touchIdField ?? '').trim(),
				zone: String(o.zoneField ?? '').trim() || 'owner.time_zone',
				stage: String(o.stageField ?? '').trim() || 'stage.current',
				stageHistory: String(o.stageHistoryField ?? '').trim() || 'stage.history',
				status: String(o.statusField ?? '').trim() || 'status',
				statusChangedAt: String(o.statusChangedAtField ?? '').trim() || 'status_changed_at',
				statusHistory: String(o.statusHistoryField ?? '').trim() || 'status_history',
			},
			pauseStages: new Set(list(o.pauseStages ?? 'Nurture, On Hold')),
			stopStages: new Set(list(o.stopStages ?? 'Customer, Disqualified')),
		};
	} catch (error) {
		throw error instanceof NodeOperationError
			? error
			: new NodeOperationError(node, error instanceof ClockError ? error.message : (error as Error));
	}
}

/** The lead's keys for the ledger: its ID (Dedupe's cluster ID first) and its email. */
export function slaLeadKeys(json: IDataObject, settings: SlaSettings): LeadKeys {
	return leadKeysOf(json, settings.fields.id, settings.fields.email);
}

export class FieldError extends Error {}

/** A timestamp from a field (ISO text, epoch ms, a Date); errors name the field. */
export function timeOf(value: unknown, field: string): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const ms =
		typeof value === 'number'
			? value
			: value instanceof Date
				? value.getTime()
				: typeof value === 'object' && value && 'at' in value
					? Date.parse(String((value as { at: unknown }).at).slice(0, 100))
					: Date.parse(String(value).slice(0, 100));
	if (!Number.isFinite(ms))
		throw new FieldError(
			`${field} "${(typeof value === 'string' ? value : JSON.stringify(value)).slice(0, 60)}" is not a date (use ISO 8601, e.g. 2026-12-01T09:00:00Z)`,
		);
	return ms;
}

/** When the lead was created: the mapped field, else the canonical lead's received/submitted time. */
export function createdOf(json: IDataObject, settings: SlaSettings): number | undefined {
	const f = settings.fields.created;
	if (f) return timeOf(get(json, f), f);
	for (const path of ['source.received_at', 'source.submitted_at', 'created_at', 'createdAt']) {
		const t = timeOf(get(json, path), path);
		if (t !== undefined) return t;
	}
	return undefined;
}

/** Stage or status changes from a history list: the value (to, status or value) and when (at, timestamp). */
function changesOf(list: unknown[], field: string): Change[] {
	const out: Change[] = [];
	for (const h of list.slice(0, 1000) as Array<Record<string, unknown> | null>) {
		const at = timeOf(h?.at ?? h?.timestamp ?? h?.changed_at, `${field}[].at`);
		if (at === undefined) continue;
		out.push({ to: fieldText(h?.to ?? h?.status ?? h?.value).toLowerCase(), at });
	}
	return out;
}

/**
 * What the lead's fields say about its clock (Check Leads): created, assigned, touches, and the
 * pauses and stop its stage and status imply (their histories when given, else the current value).
 */
export function timesFromItem(json: IDataObject, settings: SlaSettings): SlaTimes {
	const f = settings.fields;
	const createdAt = createdOf(json, settings);
	if (createdAt === undefined)
		throw new FieldError(`No creation time: map Created At Field (the canonical lead's source.received_at was empty)`);
	const rawTouches = get(json, f.touches);
	const touches = (Array.isArray(rawTouches) ? rawTouches.slice(0, 1000) : rawTouches ? [rawTouches] : [])
		.map((t) => timeOf(t, f.touches))
		.filter((t): t is number => t !== undefined);
	const rules = { pause: settings.pauseStages, stop: settings.stopStages };
	const stageHistory = get(json, f.stageHistory);
	const byStage = Array.isArray(stageHistory)
		? readChanges(changesOf(stageHistory, f.stageHistory), rules)
		: readCurrent(fieldText(get(json, f.stage)).toLowerCase(), undefined, rules, settings.now, createdAt);
	const statusHistory = get(json, f.statusHistory);
	const byStatus = Array.isArray(statusHistory)
		? readChanges(changesOf(statusHistory, f.statusHistory), rules)
		: readCurrent(
				fieldText(get(json, f.status)).toLowerCase(),
				timeOf(get(json, f.statusChangedAt), f.statusChangedAt),
				rules,
				settings.now,
				createdAt,
			);
	const zone = fieldText(get(json, f.zone));
	const stoppedAt = firstStop(byStage.stoppedAt, byStatus.stoppedAt);
	return {
		createdAt,
		assignedAt: timeOf(get(json, f.assigned), f.assigned),
		touches,
		pauses: mergePauses(byStage.pauses, byStatus.pauses),
		...(stoppedAt !== undefined ? { stoppedAt } : {}),
		...(zone ? { zone } : {}),
	};
}
