/** Time zones are picked from a list in Route, SLA Check and Advance Stage (#30), expressions still possible. */
import type { ILoadOptionsFunctions, INodeProperties } from 'n8n-workflow';
import { AdvanceStage } from '../../nodes/AdvanceStage/AdvanceStage.node';
import { Route } from '../../nodes/Route/Route.node';
import { SlaCheck } from '../../nodes/SlaCheck/SlaCheck.node';
import { timeZoneOptions } from '../../nodes/shared/timeZones';

function find(props: INodeProperties[], name: string, found: INodeProperties[] = []): INodeProperties[] {
	for (const p of props) {
		if (p.name === name) found.push(p);
		const nested = (p.options ?? []) as Array<INodeProperties | { values?: INodeProperties[] }>;
		for (const o of nested) {
			if ('values' in o && Array.isArray(o.values)) find(o.values, name, found);
			else if ('type' in o) find([o as INodeProperties], name, found);
		}
	}
	return found;
}

describe('time zone lists', () => {
	it.each([
		['Route Leads', new Route(), ['time_zone', 'timeZone']],
		['SLA Check', new SlaCheck(), ['timeZone']],
		['Advance Stage', new AdvanceStage(), ['timeZone']],
	] as const)('%s offers its time zones as a list', async (_, node, names) => {
		for (const name of names) {
			const props = find(node.description.properties, name);
			// (Route's Owner Columns also has a time_zone: the name of a column, not a zone)
			const zones = props.filter((p) => !p.displayName.includes('Column'));
			expect(zones.length).toBeGreaterThan(0);
			for (const p of zones) {
				expect(p.type).toBe('options');
				expect(p.typeOptions?.loadOptionsMethod).toBe('getTimeZones');
			}
		}
		const ctx = { getNode: () => ({ type: `n8n-nodes-lead-management.${node.description.name}` }) };
		const options = await node.methods!.loadOptions!.getTimeZones.call(ctx as unknown as ILoadOptionsFunctions);
		expect(options[0]).toEqual({ name: "The Workflow's Time Zone", value: '' });
		expect(options.map((o) => o.value)).toEqual(expect.arrayContaining(['Europe/Paris', 'UTC', 'America/New_York']));
	});

	it('names each zone with its offset now, under the names people use today', () => {
		const winter = timeZoneOptions('None', new Date('2026-01-15T12:00:00Z'));
		const paris = winter.find((o) => o.value === 'Europe/Paris')!;
		expect(paris.name).toMatch(/^Europe\/Paris \(GMT\+0[12]:00\)$/);
		expect(winter.find((o) => o.value === 'America/New_York')!.name).toMatch(/^America\/New York \(GMT-0[45]:00\)$/);
		expect(winter.map((o) => o.value)).toEqual(expect.arrayContaining(['Asia/Kolkata', 'Europe/Kyiv', 'UTC']));
		const values = winter.map((o) => o.value);
		expect(new Set(values).size).toBe(values.length);
	});
});
