/**
 * Time zones as a list to pick from (as n8n's own workflow settings offer them), with expressions
 * still possible: every IANA zone this Node knows, under today's names (Asia/Kolkata, Europe/Kyiv,
 * from the package's country list) as well as the older ones ICU reports, each with its offset now.
 */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { countryTable } from '../../lib/enrich/zones';
import { isValidTimeZone } from '../../lib/route/time';

let cached: INodePropertyOptions[] | undefined;

function offsetNow(zone: string, now: Date): string {
	try {
		const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
			.formatToParts(now)
			.find((p) => p.type === 'timeZoneName')?.value;
		return part === 'GMT' ? 'GMT+00:00' : (part ?? '');
	} catch {
		return '';
	}
}

/** Every zone, "Europe/Paris (GMT+01:00)", sorted by name; the first entry is "use the default". */
export function timeZoneOptions(emptyName: string, now = new Date()): INodePropertyOptions[] {
	if (!cached) {
		const zones = new Set<string>(['UTC', ...Intl.supportedValuesOf('timeZone')]);
		for (const list of Object.values(countryTable())) for (const zone of list) zones.add(zone);
		cached = [...zones]
			.filter((z) => isValidTimeZone(z))
			.sort()
			.map((zone) => ({ name: `${zone.replace(/_/g, ' ')} (${offsetNow(zone, now)})`, value: zone }));
	}
	return [{ name: emptyName, value: '' }, ...cached];
}

/** n8n's loadOptions method: `getTimeZones`. */
export async function getTimeZones(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const node = this.getNode();
	// Each node says what an empty zone means in its own words.
	const empty =
		node.type.endsWith('.route') || node.type.endsWith('.slaCheck') || node.type.endsWith('.advanceStage')
			? "The Workflow's Time Zone"
			: 'None';
	return timeZoneOptions(empty);
}
