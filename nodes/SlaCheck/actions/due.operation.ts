import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { checkDue } from '../../../lib/sla/ledger';
import { otherScopes, scopeAdvice, scopeText } from '../../shared/scope';
import type { OpenedStore } from '../../shared/store';
import type { SlaSettings } from '../config';
import { place } from './check.operation';

/**
 * Check Due (from a Schedule Trigger): the open clocks whose status may have changed evaluated at
 * now; each target of a clock (first response, each follow-up, the cadence) whose status got worse
 * or whose escalation level rose since it was last sent comes out once, on the output of its own
 * status, with `alert` saying which target it is about.
 */
export async function execute(
	this: IExecuteFunctions,
	settings: SlaSettings,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = settings.split ? [[], [], [], []] : [[]];
	const { alerts, checked, open } = await checkDue(await store(), settings.namespace, settings.now);
	for (const { entry, result, alert, previous } of alerts) {
		place(outputs, settings, alert.status, {
			json: {
				...(entry.lead as IDataObject),
				lead_keys: { ids: entry.ids, emails: entry.emails },
				[settings.outputField]: {
					...result,
					why: alert.why,
					newly: previous?.status === alert.status ? 'escalated' : alert.status,
					previous_status: previous?.status ?? null,
					previous_level: previous?.level ?? 0,
					alert: alert as unknown as IDataObject,
				} as IDataObject,
			},
			pairedItem: { item: 0 },
		});
	}
	if (open === 0) {
		// Nothing here: the clocks may be kept elsewhere (Start Clock in another workflow, or version 1).
		const opened = await store();
		for (const other of otherScopes(this, 'sla:', settings.scope, 'default')) {
			if ((await opened.scoredCount(other.namespace, 'open')) > 0)
				this.addExecutionHints({
					message: `No open SLA clocks for ${scopeText(settings.scope)}, but ${scopeText(other.choice)} has some (Start Clock ran with another Remember For, or at SLA Check version 1): to check them, ${scopeAdvice(other.choice)} here and in the nodes that start and touch the clocks.`,
					location: 'outputPane',
				});
		}
	}
	const clocks = new Set(alerts.map((a) => a.entry.uid)).size;
	this.addExecutionHints({
		message: `${checked} of ${open} open clock${open === 1 ? '' : 's'} evaluated (the others cannot have changed yet), ${clocks} with news${alerts.length > clocks ? ` (${alerts.length} alerts: several targets of one clock)` : ''}.`,
		location: 'outputPane',
	});
	return outputs;
}
