import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { allEntries } from '../../../lib/sla/ledger';
import { slaReport, type ReportGroup } from '../../../lib/sla/report';
import type { OpenedStore } from '../../shared/store';
import type { SlaSettings } from '../config';

/** SLA Report: share met and time to first response per owner, source and policy over a period. */
export async function execute(
	this: IExecuteFunctions,
	settings: SlaSettings,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const when = (name: string, label: string) => {
		const value = String(this.getNodeParameter(name, 0, '') ?? '').trim();
		if (!value) return undefined;
		const ms = Date.parse(value);
		if (!Number.isFinite(ms))
			throw new NodeOperationError(this.getNode(), `${label} "${value.slice(0, 60)}" is not a date`);
		return ms;
	};
	const groups = (this.getNodeParameter('groupBy', 0, ['owner', 'source', 'policy']) as ReportGroup[]) ?? [];
	const rows = slaReport(
		await allEntries(await store(), settings.namespace),
		groups.length ? groups : ['policy'],
		settings.now,
		when('periodFrom', 'Period From'),
		when('periodTo', 'Period To'),
	);
	return [rows.map((row) => ({ json: row as unknown as IDataObject, pairedItem: { item: 0 } }))];
}
