/**
 * SLA Report: over the clocks started in a period, per owner, source or policy: how many leads,
 * the share whose SLA was met, breaches, and the median and 90th-percentile time to first response
 * (on each policy's clock).
 */
import { quantile } from '../stage/funnel';
import type { LedgerEntry } from './ledger';
import { timesOf } from './ledger';
import { buildPolicy, evaluateSla } from './policy';

export type ReportGroup = 'owner' | 'source' | 'policy';

export interface SlaReportRow {
	group_by: ReportGroup;
	group: string;
	leads: number;
	responded: number;
	met: number;
	breached: number;
	open: number;
	met_rate: number | null;
	median_first_response_hours: number | null;
	p90_first_response_hours: number | null;
}

const round = (x: number | null, d = 2) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);

function groupOf(entry: LedgerEntry, by: ReportGroup): string {
	if (by === 'policy') return entry.policy.name;
	const value = entry.lead[by === 'owner' ? 'owner' : 'source'];
	return typeof value === 'string' && value ? value : '(none)';
}

export function slaReport(
	entries: Iterable<LedgerEntry>,
	groupBy: ReportGroup[],
	now: number,
	from?: number,
	to?: number,
): SlaReportRow[] {
	const evaluated: Array<{ entry: LedgerEntry; status: string; first: number | null }> = [];
	for (const entry of entries) {
		if (from !== undefined && entry.created_at < from) continue;
		if (to !== undefined && entry.created_at >= to) continue;
		const result = evaluateSla(buildPolicy(entry.policy), timesOf(entry), now);
		evaluated.push({ entry, status: result.status, first: result.first_response_hours });
	}
	const rows: SlaReportRow[] = [];
	for (const by of groupBy) {
		const groups = new Map<string, typeof evaluated>();
		for (const e of evaluated) {
			const g = groupOf(e.entry, by);
			groups.set(g, [...(groups.get(g) ?? []), e]);
		}
		for (const [group, list] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
			const firsts = list
				.map((e) => e.first)
				.filter((x): x is number => x !== null)
				.sort((a, b) => a - b);
			const met = list.filter((e) => e.status === 'met').length;
			const breached = list.filter((e) => e.status === 'breached').length;
			rows.push({
				group_by: by,
				group,
				leads: list.length,
				responded: firsts.length,
				met,
				breached,
				open: list.length - met - breached,
				met_rate: met + breached ? round(met / (met + breached), 4) : null,
				median_first_response_hours: round(quantile(firsts, 0.5)),
				p90_first_response_hours: round(quantile(firsts, 0.9)),
			});
		}
	}
	return rows;
}
