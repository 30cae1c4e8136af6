import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { funnelOf, funnelSvg, type FunnelRow } from '../../../lib/stage/funnel';
import { recordPages, type StageDims } from '../../../lib/stage/memory';
import { dateParameter } from '../../shared/leads';
import type { OpenedStore } from '../../shared/store';
import type { StageSettings } from '../config';

/**
 * Funnel Report: one item per stage (and group) from the remembered histories of leads whose first
 * stage falls in the period; the first row of each funnel carries its SVG chart.
 */
export async function execute(
	this: IExecuteFunctions,
	settings: StageSettings,
	store: () => Promise<OpenedStore>,
): Promise<INodeExecutionData[][]> {
	const from = dateParameter(this, 'periodFrom', 'Period From');
	const to = dateParameter(this, 'periodTo', 'Period To') ?? settings.now;
	if (from !== undefined && from >= to)
		throw new NodeOperationError(this.getNode(), 'Period From is not before Period To (or now)');
	const group = this.getNodeParameter('groupBy', 0, 'none') as string;
	const funnel = funnelOf(settings.list, {
		from,
		to,
		groupBy: group === 'none' ? undefined : (group as keyof StageDims),
		countSkipped: this.getNodeParameter('countSkipped', 0, true) !== false,
	});
	// The remembered histories a page at a time: a large memory is reported in bounded memory.
	for await (const page of recordPages(await store(), settings.namespace)) for (const r of page) funnel.add(r);
	const rows = funnel.rows();
	const chart = this.getNodeParameter('chart', 0, true) !== false;
	const period = `${from === undefined ? 'start' : new Date(from).toISOString().slice(0, 10)} to ${new Date(to).toISOString().slice(0, 10)}`;
	const out: INodeExecutionData[] = [];
	const seen = new Set<string | undefined>();
	for (const row of rows) {
		const item: INodeExecutionData = { json: { ...row, period } as unknown as IDataObject, pairedItem: { item: 0 } };
		if (chart && !seen.has(row.group)) {
			seen.add(row.group);
			const funnel = rows.filter((r: FunnelRow) => r.group === row.group);
			const title = `Funnel${row.group !== undefined ? ` · ${row.group}` : ''} · ${period}`;
			const svg = funnelSvg(funnel, title);
			const name = `funnel${row.group !== undefined ? `-${row.group.replace(/[^\w-]+/g, '_').slice(0, 40)}` : ''}.svg`;
			item.binary = { chart: await this.helpers.prepareBinaryData(Buffer.from(svg, 'utf8'), name, 'image/svg+xml') };
		}
		out.push(item);
	}
	return [out];
}
