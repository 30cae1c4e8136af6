import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { checkDue } from '../../../lib/sla/ledger';
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
	const clocks = new Set(alerts.map((a) => a.entry.uid)).size;
	this.addExecutionHints({
		message: `${checked} of ${open} open clock${open === 1 ? '' : 's'} evaluated (the others cannot have changed yet), ${clocks} with news${alerts.length > clocks ? ` (${alerts.length} alerts: several targets of one clock)` : ''}.`,
		location: 'outputPane',
	});
	return outputs;
}
