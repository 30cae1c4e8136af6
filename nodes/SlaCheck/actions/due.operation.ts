import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { checkDue } from '../../../lib/sla/ledger';
import type { OpenedStore } from '../../shared/store';
import type { SlaSettings } from '../config';
import { place } from './check.operation';

/**
 * Check Due (from a Schedule Trigger): the open clocks whose status may have changed evaluated at
 * now; each lead whose status got worse or whose escalation level rose since the last check comes
 * out once, on its status.
 */
export async function execute(
	this: IExecuteFunctions,
	settings: SlaSettings,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const outputs: INodeExecutionData[][] = settings.split ? [[], [], [], []] : [[]];
	const { alerts, checked, open } = await checkDue(await store(), settings.namespace, settings.now);
	for (const { entry, result } of alerts) {
		const previous = entry.alerts.length > 1 ? entry.alerts[entry.alerts.length - 2] : undefined;
		place(outputs, settings, result.status, {
			json: {
				...(entry.lead as IDataObject),
				lead_keys: { ids: entry.ids, emails: entry.emails },
				[settings.outputField]: {
					...result,
					newly: previous?.status === result.status ? 'escalated' : result.status,
					previous_status: previous?.status ?? null,
					previous_level: previous?.level ?? 0,
				} as IDataObject,
			},
			pairedItem: { item: 0 },
		});
	}
	this.addExecutionHints({
		message: `${checked} of ${open} open clock${open === 1 ? '' : 's'} evaluated (the others cannot have changed yet), ${alerts.length} with news.`,
		location: 'outputPane',
	});
	return outputs;
}
