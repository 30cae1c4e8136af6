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

/** One group's tallies; first responses kept as numbers only (for the median and 90th percentile). */
interface Tally {
	leads: number;
	met: number;
	breached: number;
	firsts: number[];
}

/** The report over every clock at once (`slaReportOf` builds it one clock at a time). */
export function slaReport(
	entries: Iterable<LedgerEntry>,
	groupBy: ReportGroup[],
	now: number,
	from?: number,
	to?: number,
): SlaReportRow[] {
	const report = slaReportOf(groupBy, now, from, to);
	for (const entry of entries) report.add(entry);
	return report.rows();
}

/**
 * The report built one clock at a time (clocks read a page at a time from the store): each clock
 * is evaluated once and kept only as counts and its first-response time.
 */
export function slaReportOf(
	groupBy: ReportGroup[],
	now: number,
	from?: number,
	to?: number,
): { add(entry: LedgerEntry): void; rows(): SlaReportRow[] } {
	const tallies = groupBy.map((by) => ({ by, groups: new Map<string, Tally>() }));
	return {
		add(entry) {
			if (from !== undefined && entry.created_at < from) return;
			if (to !== undefined && entry.created_at >= to) return;
			const result = evaluateSla(buildPolicy(entry.policy), timesOf(entry), now);
			for (const { by, groups } of tallies) {
				const group = groupOf(entry, by);
				let tally = groups.get(group);
				if (!tally) groups.set(group, (tally = { leads: 0, met: 0, breached: 0, firsts: [] }));
				tally.leads++;
				if (result.status === 'met') tally.met++;
				if (result.status === 'breached') tally.breached++;
				if (result.first_response_hours !== null) tally.firsts.push(result.first_response_hours);
			}
		},
		rows() {
			const rows: SlaReportRow[] = [];
			for (const { by, groups } of tallies) {
				for (const [group, t] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
					const firsts = [...t.firsts].sort((a, b) => a - b);
					rows.push({
						group_by: by,
						group,
						leads: t.leads,
						responded: firsts.length,
						met: t.met,
						breached: t.breached,
						open: t.leads - t.met - t.breached,
						met_rate: t.met + t.breached ? round(t.met / (t.met + t.breached), 4) : null,
						median_first_response_hours: round(quantile(firsts, 0.5)),
						p90_first_response_hours: round(quantile(firsts, 0.9)),
					});
				}
			}
			return rows;
		},
	};
}
