import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { entryPages } from '../../../lib/sla/ledger';
import { slaReportOf, type ReportGroup } from '../../../lib/sla/report';
import { dateParameter } from '../../shared/leads';
import type { OpenedStore } from '../../shared/store';
import type { SlaSettings } from '../config';

/** SLA Report: share met and time to first response per owner, source and policy over a period. */
export async function execute(
	this: IExecuteFunctions,
	settings: SlaSettings,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const groups = (this.getNodeParameter('groupBy', 0, ['owner', 'source', 'policy']) as ReportGroup[]) ?? [];
	const report = slaReportOf(
		groups.length ? groups : ['policy'],
		settings.now,
		dateParameter(this, 'periodFrom', 'Period From'),
		dateParameter(this, 'periodTo', 'Period To'),
	);
	// The clocks a page at a time: a large ledger is reported in bounded memory.
	for await (const page of entryPages(await store(), settings.namespace)) for (const entry of page) report.add(entry);
	const rows = report.rows();
	return [rows.map((row) => ({ json: row as unknown as IDataObject, pairedItem: { item: 0 } }))];
}
