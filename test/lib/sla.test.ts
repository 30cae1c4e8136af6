import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { activeMs, addWorkingMs, businessClock, calendarClock, dueAt, workingMs } from '../../lib/sla/clock';
import {
	allEntries,
	applyLedger,
	checkDue,
	entryPages,
	forgetClocks,
	isTargetNews,
	type TargetEmitted,
	timesOf,
	type LedgerAction,
	type LedgerEntry,
} from '../../lib/sla/ledger';
import { seededRandom } from '../../lib/dedupe/learn';
import { buildPolicy, evaluateSla, evaluateSlaAhead, parseEscalation, type PolicySpec } from '../../lib/sla/policy';
import { firstStop, mergePauses, readChanges, readCurrent } from '../../lib/sla/pauses';
import { slaReport, slaReportOf } from '../../lib/sla/report';
import { transactRecords } from '../../lib/store/records';
import { SqliteStore } from '../../lib/store/sqlite';
import type { KeyValueStore } from '../../lib/store/types';
import { startRedis } from '../helpers/redisServer';
import { kvStoreKinds } from '../helpers/stores';
import { slaSpec } from './helpers';

const run = promisify(execFile);
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'sla-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const H = 3_600_000;
const t = (s: string) => Date.parse(s);
const berlin = businessClock('Mon-Fri 09:00-17:00', 'Europe/Berlin');

describe('business-hours clock', () => {
	it('weekends: a Friday 16:00 lead with 4 business hours is due Monday 12:00', () => {
		// 2026-12-04 is a Friday; Berlin is UTC+1 in December
		expect(new Date(addWorkingMs(berlin, t('2026-12-04T15:00:00Z'), 4 * H)!).toISOString()).toBe(
			'2026-12-07T11:00:00.000Z',
		);
		expect(workingMs(berlin, t('2026-12-04T15:00:00Z'), t('2026-12-07T11:00:00Z'))).toBe(4 * H);
		// before opening and after closing count nothing
		expect(workingMs(berlin, t('2026-12-05T08:00:00Z'), t('2026-12-06T20:00:00Z'))).toBe(0);
	});
	it('holidays (single days and ranges) do not count', () => {
		const clock = businessClock('Mon-Fri 09:00-17:00', 'Europe/Berlin', '2026-12-25, 2026-12-28..2026-12-31');
		// Thursday 24th 16:00 + 4 h: 1 h on the 24th, Friday 25th and 28th-31st off, Friday 1 Jan counts
		expect(new Date(addWorkingMs(clock, t('2026-12-24T15:00:00Z'), 4 * H)!).toISOString()).toBe(
			'2027-01-01T11:00:00.000Z',
		);
	});
	it('DST in both directions: a day of clock time is 23 h in spring and 25 h in autumn', () => {
		const always = businessClock('Mon-Sun 00:00-24:00', 'Europe/Berlin');
		// Saturday noon to Sunday noon local, across 2026-03-29 02:00 -> 03:00
		expect(workingMs(always, t('2026-03-28T11:00:00Z'), t('2026-03-29T10:00:00Z'))).toBe(23 * H);
		expect(workingMs(always, t('2026-10-24T10:00:00Z'), t('2026-10-25T11:00:00Z'))).toBe(25 * H);
		// 9-17 on the Monday after the spring change is still 8 h, and starts at 07:00Z, not 08:00Z
		expect(new Date(addWorkingMs(berlin, t('2026-03-27T16:00:00Z'), 1 * H)!).toISOString()).toBe(
			'2026-03-30T08:00:00.000Z',
		);
	});
	it('schedules crossing midnight and several ranges a day', () => {
		const night = businessClock('Mon-Fri 22:00-06:00', 'UTC');
		// Monday 23:00 + 4 h: runs on past midnight into Tuesday 03:00
		expect(new Date(addWorkingMs(night, t('2026-11-30T23:00:00Z'), 4 * H)!).toISOString()).toBe(
			'2026-12-01T03:00:00.000Z',
		);
		const split = businessClock('Mon-Fri 08:00-12:00, 13:00-17:00', 'UTC');
		expect(workingMs(split, t('2026-11-30T08:00:00Z'), t('2026-11-30T17:00:00Z'))).toBe(8 * H);
		expect(new Date(addWorkingMs(split, t('2026-11-30T11:00:00Z'), 2 * H)!).toISOString()).toBe(
			'2026-11-30T14:00:00.000Z',
		);
	});
	it('pauses spanning nights keep the time elapsed before them', () => {
		const pauses = [{ start: t('2026-11-30T15:00:00Z'), end: t('2026-12-01T09:00:00Z') }];
		// Monday 09:00-16:00 local (7 h), paused until Tuesday 10:00 local, then 10:00-12:00 (2 h)
		expect(activeMs(berlin, t('2026-11-30T08:00:00Z'), t('2026-12-01T11:00:00Z'), pauses)).toBe(9 * H);
		// 8 h target: 7 h before the pause, 1 h after it -> Tuesday 11:00 local
		expect(new Date(dueAt(berlin, t('2026-11-30T08:00:00Z'), 8 * H, pauses)!).toISOString()).toBe(
			'2026-12-01T10:00:00.000Z',
		);
		// still paused: no due date
		expect(dueAt(berlin, t('2026-11-30T08:00:00Z'), 8 * H, [{ start: t('2026-11-30T15:00:00Z') }])).toBeUndefined();
	});
	it('refuses impossible schedules, unknown zones and bad holidays by name; calendar clocks count everything', () => {
		expect(() => businessClock('Mon-Fri 09:00-09:00', 'UTC')).toThrow(/empty time range/);
		expect(() => businessClock('Mon-Fri 09:00-17:00', 'Mars/Olympus')).toThrow(/"Mars\/Olympus" is not a time zone/);
		expect(() => businessClock('Mon-Fri 9 to 5', 'UTC')).toThrow(/should be a time range/);
		expect(() => businessClock('Mon-Fri 09:00-17:00', 'UTC', '2026-13-01')).toThrow(/"2026-13-01" is not a date/);
		expect(workingMs(calendarClock(), t('2026-12-05T00:00:00Z'), t('2026-12-06T00:00:00Z'))).toBe(24 * H);
	});
});

const spec = slaSpec;
const monday9 = t('2026-11-30T08:00:00Z');

describe('evaluating a policy', () => {
	it('on track, at risk at 75%, breached with escalation levels, met', () => {
		const policy = buildPolicy(spec());
		const at = (hours: number, touches: number[] = []) =>
			evaluateSla(policy, { createdAt: monday9, touches, pauses: [] }, monday9 + hours * H);
		expect(at(1)).toMatchObject({
			status: 'on_track',
			target: 'first_response',
			remaining_hours: 3,
			elapsed_percent: 25,
			due_at: '2026-11-30T12:00:00.000Z',
			escalation_level: 0,
		});
		expect(at(3)).toMatchObject({ status: 'at_risk', why: '75% of the 4 h first response target used' });
		// due this very moment: nothing overdue yet, on either clock (the owner is told at 100%)
		expect(at(4)).toMatchObject({
			status: 'at_risk',
			remaining_hours: 0,
			overdue_hours: null,
			remaining_calendar_hours: 0,
			overdue_calendar_hours: null,
			escalation: 'owner',
		});
		expect(at(4.5)).toMatchObject({ status: 'breached', overdue_hours: 0.5, escalation_level: 1, escalation: 'owner' });
		expect(at(6)).toMatchObject({ escalation_level: 2, escalation: 'manager', overdue_calendar_hours: 2 });
		// overnight the business clock stops: Tuesday 09:00 local is still 8 business hours in
		expect(at(24)).toMatchObject({ elapsed_percent: 200, escalation_level: 3, escalation: 're-route' });
		expect(at(5, [monday9 + 2 * H])).toMatchObject({ status: 'met', first_response_hours: 2, escalation_level: 0 });
		expect(at(5, [monday9 + 4.5 * H])).toMatchObject({
			status: 'breached',
			why: 'First response after 4.5 h, over the 4 h target',
		});
	});
	it('from assignment: the clock waits for an owner; in the owner s time zone', () => {
		const policy = buildPolicy(spec({ from: 'assigned' }));
		expect(evaluateSla(policy, { createdAt: monday9, touches: [], pauses: [] }, monday9 + 9 * H)).toMatchObject({
			status: 'on_track',
			why: 'The clock starts when the lead is assigned to an owner',
		});
		// assigned Monday 14:00Z = 09:00 in New York: due 13:00 New York (18:00Z); on Berlin's clock it would be Tuesday
		const ny = evaluateSla(
			policy,
			{ createdAt: monday9, assignedAt: t('2026-11-30T14:00:00Z'), touches: [], pauses: [], zone: 'America/New_York' },
			t('2026-11-30T15:00:00Z'),
		);
		expect(ny).toMatchObject({ due_at: '2026-11-30T18:00:00.000Z', time_zone: 'America/New_York' });
		const here = evaluateSla(
			policy,
			{ createdAt: monday9, assignedAt: t('2026-11-30T14:00:00Z'), touches: [], pauses: [] },
			t('2026-11-30T15:00:00Z'),
		);
		expect(here).toMatchObject({ due_at: '2026-12-01T10:00:00.000Z', time_zone: 'Europe/Berlin' });
	});
	it('follow-up cadence: touches within the period, at most so many hours apart', () => {
		const policy = buildPolicy(
			spec({
				clock: { kind: 'calendar', schedule: '', zone: 'UTC', holidays: '' },
				cadence: { touches: 3, periodDays: 14, maxGapHours: 72 },
			}),
		);
		const times = (touches: number[]) => ({
			createdAt: monday9,
			touches: touches.map((h) => monday9 + h * H),
			pauses: [],
		});
		expect(evaluateSla(policy, times([1]), monday9 + 24 * H)).toMatchObject({
			status: 'on_track',
			target: 'follow_up_gap',
			touches_done: 1,
			touches_expected: 3,
			due_at: new Date(monday9 + 73 * H).toISOString(),
		});
		expect(evaluateSla(policy, times([1]), monday9 + 60 * H)).toMatchObject({ status: 'at_risk' });
		expect(evaluateSla(policy, times([1]), monday9 + 80 * H)).toMatchObject({
			status: 'breached',
			why: 'No follow-up 7 h past the 72 h target',
		});
		expect(evaluateSla(policy, times([1, 48, 96]), monday9 + 100 * H)).toMatchObject({
			status: 'met',
			touches_done: 3,
		});
		// a gap too long between two touches already made stays a breach
		expect(evaluateSla(policy, times([1, 100, 120]), monday9 + 130 * H)).toMatchObject({
			status: 'breached',
			breaches: [{ target: 'cadence', due_at: null }],
		});
		// period over with too few touches
		expect(evaluateSla(policy, times([1, 48]), monday9 + 15 * 24 * H)).toMatchObject({
			status: 'breached',
			why: 'Cadence missed: 2 of 3 touches within 14 days',
		});
	});
	it('a stopped clock owes nothing more; pauses stop it', () => {
		const policy = buildPolicy(spec());
		expect(
			evaluateSla(policy, { createdAt: monday9, touches: [], pauses: [], stoppedAt: monday9 + H }, monday9 + 30 * H),
		).toMatchObject({ status: 'met', why: 'Clock stopped before any target was missed' });
		const paused = evaluateSla(
			policy,
			{ createdAt: monday9, touches: [], pauses: [{ start: monday9 + H }] },
			monday9 + 30 * H,
		);
		expect(paused).toMatchObject({ status: 'on_track', paused: true, remaining_hours: 3, due_at: null });
		expect(() => parseEscalation('150 manager')).toThrow(/write it as percent: name/);
	});
});

const lead = (id: string) => ({ ids: [id], emails: [`${id}@acme.com`] });

async function startClocks(store: KeyValueStore, ns: string, n: number): Promise<void> {
	const actions = Array.from({ length: n }, (_, i) => ({
		lead: lead(`L${i}`),
		action: {
			kind: 'start',
			policy: spec(),
			createdAt: monday9,
			lead: { owner: i % 2 ? 'ana' : 'bo', source: 'typeform' },
		} as LedgerAction,
	}));
	await applyLedger(store, ns, actions);
}

describe('pauses from stages and statuses', () => {
	const rules = { pause: new Set(['nurture', 'on hold', 'pending']), stop: new Set(['customer', 'disqualified']) };
	it('reads a history in time order: a pause lasts until a value that does not pause; the first stop ends it', () => {
		const changes = [
			{ to: 'on hold', at: 30 },
			{ to: 'lead', at: 0 },
			{ to: 'nurture', at: 10 },
			{ to: 'pending', at: 20 },
			{ to: 'open', at: 40 },
			{ to: 'customer', at: 50 },
			{ to: 'disqualified', at: 60 },
		];
		expect(readChanges(changes, rules)).toEqual({ pauses: [{ start: 10, end: 40 }], stoppedAt: 50 });
		expect(readChanges([{ to: 'nurture', at: 5 }], rules)).toEqual({ pauses: [{ start: 5 }], stoppedAt: undefined });
	});
	it('reads a current value alone: paused since its time, or from now when unknown; a stop at its time', () => {
		expect(readCurrent('pending', 7, rules, 100, 1)).toEqual({ pauses: [{ start: 7 }] });
		expect(readCurrent('pending', undefined, rules, 100, 1)).toEqual({ pauses: [{ start: 100 }] });
		expect(readCurrent('customer', 9, rules, 100, 1)).toEqual({ pauses: [], stoppedAt: 9 });
		expect(readCurrent('customer', undefined, rules, 100, 1)).toEqual({ pauses: [], stoppedAt: 1 });
		expect(readCurrent('open', 9, rules, 100, 1)).toEqual({ pauses: [] });
		expect(readCurrent('', 9, rules, 100, 1)).toEqual({ pauses: [] });
	});
	it('merges pauses from several sources into spans that do not overlap', () => {
		expect(
			mergePauses(
				[
					{ start: 10, end: 20 },
					{ start: 40, end: 50 },
				],
				[{ start: 15, end: 30 }, { start: 60 }],
			),
		).toEqual([{ start: 10, end: 30 }, { start: 40, end: 50 }, { start: 60 }]);
		expect(mergePauses([{ start: 10, end: 20 }], [{ start: 5 }])).toEqual([{ start: 5 }]);
		expect(mergePauses([{ start: 10 }], [{ start: 15, end: 30 }])).toEqual([{ start: 10 }]);
		expect(mergePauses([{ start: 10, end: 20 }], [{ start: 20, end: 25 }])).toEqual([{ start: 10, end: 25 }]);
		expect(firstStop(undefined, 30, 20)).toBe(20);
		expect(firstStop(undefined)).toBeUndefined();
	});
});

describe('the SLA ledger', () => {
	let store: SqliteStore;
	beforeAll(() => (store = new SqliteStore(join(dir, 'ledger.sqlite'))));
	afterAll(() => store.close());

	it('starts once, records touches (by email too), pauses, resumes and stops', async () => {
		const ns = 'sla:ops';
		const [first] = await applyLedger(store, ns, [
			{ lead: lead('a'), action: { kind: 'start', policy: spec(), createdAt: monday9, lead: {} } },
		]);
		expect(first.result).toBe('started');
		const [again] = await applyLedger(store, ns, [
			{ lead: lead('a'), action: { kind: 'start', policy: spec(), createdAt: monday9 + H, lead: {} } },
		]);
		expect(again).toMatchObject({ result: 'running', entry: { created_at: monday9 } });
		const outcomes = await applyLedger(store, ns, [
			{ lead: { ids: [], emails: ['a@acme.com'] }, action: { kind: 'touch', at: monday9 + 2 * H, touch: 'call' } },
			{ lead: lead('a'), action: { kind: 'touch', at: monday9 + 2 * H } },
			{ lead: lead('a'), action: { kind: 'pause', at: monday9 + 3 * H } },
			{ lead: lead('a'), action: { kind: 'pause', at: monday9 + 4 * H } },
			{ lead: lead('a'), action: { kind: 'resume', at: monday9 + 5 * H } },
			{ lead: lead('nobody'), action: { kind: 'touch', at: monday9 } },
			{ lead: lead('a'), action: { kind: 'stop', at: monday9 + 6 * H } },
		]);
		expect(outcomes.map((o) => o.result)).toEqual([
			'recorded',
			'duplicate',
			'paused',
			'ignored',
			'resumed',
			'unknown',
			'stopped',
		]);
		expect(outcomes[6].entry).toMatchObject({
			touches: [{ at: monday9 + 2 * H, kind: 'call' }],
			pauses: [{ start: monday9 + 3 * H, end: monday9 + 5 * H }],
			stopped_at: monday9 + 6 * H,
		});
	});
	it('Check Due emits each change once: at risk, breached, each escalation level', async () => {
		const ns = 'sla:due';
		await startClocks(store, ns, 4);
		await applyLedger(store, ns, [{ lead: lead('L3'), action: { kind: 'touch', at: monday9 + H } }]);
		const due = async (hours: number) =>
			(await checkDue(store, ns, monday9 + hours * H)).alerts.map((a) => [
				a.entry.uid,
				a.result.status,
				a.result.escalation_level,
			]);
		expect(await due(1)).toEqual([]);
		expect(await due(3)).toEqual([
			['i:L0', 'at_risk', 0],
			['i:L1', 'at_risk', 0],
			['i:L2', 'at_risk', 0],
		]);
		expect(await due(3.5)).toEqual([]);
		expect(await due(4.5)).toEqual([
			['i:L0', 'breached', 1],
			['i:L1', 'breached', 1],
			['i:L2', 'breached', 1],
		]);
		expect(await due(5)).toEqual([]);
		await applyLedger(store, ns, [{ lead: lead('L1'), action: { kind: 'stop', at: monday9 + 5 * H } }]);
		expect((await due(6)).map((a) => a[0])).toEqual(['i:L0', 'i:L2']);
		const rows = slaReport(await allEntries(store, ns), ['owner', 'policy'], monday9 + 6 * H);
		expect(rows).toEqual([
			{
				group_by: 'owner',
				group: 'ana',
				leads: 2,
				responded: 1,
				met: 1,
				breached: 1,
				open: 0,
				met_rate: 0.5,
				median_first_response_hours: 1,
				p90_first_response_hours: 1,
			},
			{
				group_by: 'owner',
				group: 'bo',
				leads: 2,
				responded: 0,
				met: 0,
				breached: 2,
				open: 0,
				met_rate: 0,
				median_first_response_hours: null,
				p90_first_response_hours: null,
			},
			{
				group_by: 'policy',
				group: 'Inbound',
				leads: 4,
				responded: 1,
				met: 1,
				breached: 3,
				open: 0,
				met_rate: 0.25,
				median_first_response_hours: 1,
				p90_first_response_hours: 1,
			},
		]);
	});
});

/** The clocks in the open index (every member, whatever its time). */
const openClocks = async (store: KeyValueStore, ns: string) =>
	(await store.scored(ns, 'open', Number.MAX_SAFE_INTEGER, 10_000)).sort();

describe('Check Due reads the open clocks', () => {
	const kinds = kvStoreKinds('sla-open:');
	const news = (r: Awaited<ReturnType<typeof checkDue>>) =>
		r.alerts.map((a) => [a.entry.uid, a.result.status]).sort(([a], [b]) => (a < b ? -1 : 1));

	it.each(kinds)(
		'%s: a stopped clock leaves the index once Check Due has seen it; started again or forgotten, the index follows',
		async (_, make) => {
			const { store, stop } = await make();
			try {
				const ns = 'sla:open';
				await startClocks(store, ns, 3);
				expect(await openClocks(store, ns)).toEqual(['i:L0', 'i:L1', 'i:L2']);
				// L0 is answered within its 4 h and stopped; L1 and L2 are not.
				await applyLedger(store, ns, [
					{ lead: lead('L0'), action: { kind: 'touch', at: monday9 + H } },
					{ lead: lead('L0'), action: { kind: 'stop', at: monday9 + H } },
				]);
				let due = await checkDue(store, ns, monday9 + 4.5 * H);
				expect(news(due)).toEqual([
					['i:L1', 'breached'],
					['i:L2', 'breached'],
				]);
				expect(due.checked).toBe(3);
				expect(await openClocks(store, ns)).toEqual(['i:L1', 'i:L2']);
				// L1 stopped after its breach was sent: the next check drops it without evaluating it.
				await applyLedger(store, ns, [{ lead: lead('L1'), action: { kind: 'stop', at: monday9 + 5 * H } }]);
				due = await checkDue(store, ns, monday9 + 5.5 * H);
				expect(due.checked).toBe(1);
				expect(await openClocks(store, ns)).toEqual(['i:L2']);
				// L0 comes back (a new clock on the same record): nothing of the stopped clock stays (its
				// stop used to, so the new clock was born stopped and never alerted), in the index, and its
				// breach is news.
				const [again] = await applyLedger(store, ns, [
					{
						lead: lead('L0'),
						action: { kind: 'start', policy: spec(), createdAt: monday9 + 24 * H, lead: { owner: 'bo' } },
					},
				]);
				expect(again.result).toBe('started');
				expect(again.entry).not.toHaveProperty('stopped_at');
				expect(again.entry!.touches).toEqual([]);
				expect(await openClocks(store, ns)).toEqual(['i:L0', 'i:L2']);
				due = await checkDue(store, ns, monday9 + 29 * H);
				expect(news(due)).toContainEqual(['i:L0', 'breached']);
				// Forgotten: out of the ledger and of the index.
				expect(await forgetClocks(store, ns, [lead('L2')])).toEqual([true]);
				expect(await openClocks(store, ns)).toEqual(['i:L0']);
			} finally {
				await store.close();
				await stop?.();
			}
		},
		30_000,
	);

	it('a ledger written before the index is indexed by its first Check Due, which emits as before', async () => {
		const store = new SqliteStore(':memory:');
		const ns = 'sla:before-index';
		await startClocks(store, ns, 3);
		await applyLedger(store, ns, [
			{ lead: lead('L0'), action: { kind: 'touch', at: monday9 + H } },
			{ lead: lead('L0'), action: { kind: 'stop', at: monday9 + H } },
		]);
		// What an earlier release left: the clocks, no index and no mark.
		const index = await openClocks(store, ns);
		expect(index).toHaveLength(3);
		await store.transact(ns, [], (view) => index.forEach((uid) => view.score('open', uid, null)));
		expect(await openClocks(store, ns)).toEqual([]);
		const due = await checkDue(store, ns, monday9 + 4.5 * H);
		expect(news(due)).toEqual([
			['i:L1', 'breached'],
			['i:L2', 'breached'],
		]);
		expect(due.checked).toBe(3);
		expect(Object.keys(await store.entries(ns, 'm:'))).toEqual(['m:open-scored']);
		expect(await openClocks(store, ns)).toEqual(['i:L1', 'i:L2']);
		// Nothing new since: the next check says nothing.
		expect(news(await checkDue(store, ns, monday9 + 4.6 * H))).toEqual([]);
		store.close();
	});

	it.each(kinds)(
		'%s: the keyed index of the build before (o:<uid> keys) is moved into the sorted one by the first check',
		async (_, make) => {
			const { store, stop } = await make();
			try {
				const ns = 'sla:keyed-index';
				await startClocks(store, ns, 3);
				// As the build before left it: `o:` keys (L0 due now, L1 at 4 h, L2 never), its mark, no sorted index.
				await store.transact(ns, [], (view) => {
					for (const uid of ['i:L0', 'i:L1', 'i:L2']) view.score('open', uid, null);
					view.set('o:i:L0', '0');
					view.set('o:i:L1', String(monday9 + 4 * H));
					view.set('o:i:L2', String(Number.MAX_SAFE_INTEGER));
					view.set('m:open-index', '1');
				});
				const due = await checkDue(store, ns, monday9 + H);
				expect(due.checked).toBe(1);
				expect(await store.entries(ns, 'o:')).toEqual({});
				expect(await openClocks(store, ns)).toEqual(['i:L0', 'i:L1', 'i:L2']);
				expect(await store.scored(ns, 'open', monday9 + 4 * H, 10)).toEqual(expect.arrayContaining(['i:L1']));
				expect(Object.keys(await store.entries(ns, 'm:')).sort()).toEqual(['m:open-index', 'm:open-scored']);
			} finally {
				await store.close();
				await stop?.();
			}
		},
		30_000,
	);
});

describe('Check Due alerts each target once per status and level of its own', () => {
	// Written by hand: a day's calendar clock is easy to follow. 4 h for the first response, then
	// 4 touches within 5 days, at most 24 h apart; at risk at 75%, owner at 100%, manager at 150%.
	const policy = spec({
		clock: { kind: 'calendar', schedule: '', zone: 'UTC', holidays: '' },
		firstResponseHours: 4,
		cadence: { touches: 4, periodDays: 5, maxGapHours: 24 },
		escalation: parseEscalation('100: owner, 150: manager'),
	});
	const run = async (touchHours: number[]) => {
		const store = new SqliteStore(':memory:');
		const ns = 'sla:targets';
		await applyLedger(store, ns, [
			{ lead: lead('A'), action: { kind: 'start', policy, createdAt: monday9, lead: {} } },
		]);
		const sent: string[] = [];
		const touches = [...touchHours];
		// A check every 30 minutes, 10 minutes past each half hour, for five days.
		for (let minutes = 10; minutes <= 5 * 24 * 60; minutes += 30) {
			const now = monday9 + minutes * 60_000;
			while (touches.length && monday9 + touches[0] * H <= now)
				await applyLedger(store, ns, [
					{ lead: lead('A'), action: { kind: 'touch', at: monday9 + touches.shift()! * H } },
				]);
			for (const a of (await checkDue(store, ns, now)).alerts)
				sent.push(`${minutes / 60}h ${a.alert.id} ${a.alert.status} ${a.alert.level}`);
		}
		store.close();
		return sent;
	};

	it('a late first response, then a late follow-up, then follow-ups on time', async () => {
		// First response at 7 h (3 h late); follow-up 1 from 7 h is due at 31 h, made at 45 h (late);
		// follow-up 2 from 45 h is at risk at 63 h, made at 66 h; follow-up 3 made at 80 h: done.
		expect(await run([7, 45, 66, 80])).toEqual([
			'3.1666666666666665h first_response at_risk 0',
			'4.166666666666667h first_response breached 1',
			'6.166666666666667h first_response breached 2',
			'25.166666666666668h follow_up:1 at_risk 0',
			'31.166666666666668h follow_up:1 breached 1',
			'43.166666666666664h follow_up:1 breached 2',
			'63.166666666666664h follow_up:2 at_risk 0',
		]);
	});

	it('an at-risk first response does not hide the follow-up at risk', async () => {
		// First response at 3.5 h (at risk since 3 h); follow-up 1 at risk at 21.5 h, made at 23 h; then on time.
		expect(await run([3.5, 23, 40, 57])).toEqual([
			'3.1666666666666665h first_response at_risk 0',
			'21.666666666666668h follow_up:1 at_risk 0',
		]);
	});

	it('a clock from an earlier release keeps what it sent, and alerts what comes after', async () => {
		const store = new SqliteStore(':memory:');
		const ns = 'sla:legacy';
		await applyLedger(store, ns, [
			{ lead: lead('A'), action: { kind: 'start', policy, createdAt: monday9, lead: {} } },
			{ lead: lead('A'), action: { kind: 'touch', at: monday9 + 7 * H } },
		]);
		expect((await checkDue(store, ns, monday9 + 8 * H)).alerts.map((a) => a.alert.id)).toEqual(['first_response']);
		// What an earlier release kept: one status and level for the clock, no per-target record.
		await transactRecordsForTest(store, ns, (entry) => {
			entry.emitted = { status: 'breached', level: 2 };
			entry.alerts = [{ at: monday9 + 6 * H, status: 'breached', level: 2 }];
		});
		// The late first response counts as sent; follow-up 1's own news comes.
		expect((await checkDue(store, ns, monday9 + 26 * H)).alerts.map((a) => `${a.alert.id} ${a.alert.status}`)).toEqual([
			'follow_up:1 at_risk',
		]);
		store.close();
	});
});

/** Rewrites the clock of lead A in place (to stand for a ledger an earlier release wrote). */
async function transactRecordsForTest(store: KeyValueStore, ns: string, change: (entry: LedgerEntry) => void) {
	await transactRecords<LedgerEntry, void>(store, ns, [lead('A')], (records) => {
		const entry = records.find(lead('A'))!;
		change(entry);
		records.save(entry, lead('A'));
	});
}

describe('Check Due looks only at the clocks whose time has come', () => {
	it('tells from when a clock could change: its next threshold, a time recorded ahead, never once stopped or met', () => {
		const policy = buildPolicy(spec());
		const times = { createdAt: monday9, touches: [] as number[], pauses: [] };
		// 1 h of the 4 h business-hours target used: at risk (75%) no sooner than 2 h from now.
		expect(evaluateSlaAhead(policy, times, monday9 + H).changesFrom).toBe(monday9 + 3 * H);
		// Breached at 4 h (100%): the next step is the 150% escalation.
		expect(evaluateSlaAhead(policy, times, monday9 + 5 * H).changesFrom).toBe(monday9 + 5 * H + H);
		// Past the last step (200%), answered, or stopped: only an event can change it.
		expect(evaluateSlaAhead(policy, times, monday9 + 9 * H).changesFrom).toBe(Infinity);
		expect(evaluateSlaAhead(policy, { ...times, touches: [monday9 + H] }, monday9 + 2 * H).changesFrom).toBe(Infinity);
		expect(evaluateSlaAhead(policy, { ...times, stoppedAt: monday9 + H }, monday9 + 2 * H).changesFrom).toBe(Infinity);
		// A stop recorded ahead is a time to look again.
		expect(evaluateSlaAhead(policy, { ...times, stoppedAt: monday9 + 2 * H }, monday9 + H).changesFrom).toBe(
			monday9 + 2 * H,
		);
	});
	it('a clock stopped after its at-risk alert still sends the breach it reached before the stop', async () => {
		const store = new SqliteStore(':memory:');
		const ns = 'sla:breach-then-stop';
		await applyLedger(store, ns, [
			{ lead: lead('A'), action: { kind: 'start', policy: spec(), createdAt: monday9, lead: {} } },
		]);
		const news = async (hours: number) =>
			(await checkDue(store, ns, monday9 + hours * H)).alerts.map((a) => a.result.status);
		expect(await news(3.5)).toEqual(['at_risk']);
		// Due at 4 h, breached from then; the lead is closed at 4.5 h, before the next check.
		await applyLedger(store, ns, [{ lead: lead('A'), action: { kind: 'stop', at: monday9 + 4.5 * H } }]);
		expect(await news(5)).toEqual(['breached']);
		expect(await news(6)).toEqual([]);
		expect(await openClocks(store, ns)).toEqual([]);
		store.close();
	});
	it('a touch recorded ahead of its time is looked at when it comes (the follow-up target it starts)', async () => {
		// A day for the first response, then 3 touches in 2 days, at most an hour apart.
		const policy = spec({
			clock: { kind: 'calendar', schedule: '', zone: 'UTC', holidays: '' },
			firstResponseHours: 24,
			cadence: { touches: 3, periodDays: 2, maxGapHours: 1 },
		});
		const store = new SqliteStore(':memory:');
		const ns = 'sla:ahead-touch';
		await applyLedger(store, ns, [
			{ lead: lead('A'), action: { kind: 'start', policy, createdAt: monday9, lead: {} } },
			// the CRM books the first call for 10:00 and says so at 09:00
			{ lead: lead('A'), action: { kind: 'touch', at: monday9 + 2 * H } },
		]);
		const statuses = async (hours: number) =>
			(await checkDue(store, ns, monday9 + hours * H)).alerts.map((a) => a.result.status);
		expect(await statuses(1)).toEqual([]);
		expect(await statuses(2.5)).toEqual([]);
		// 50 minutes after the call, 83% of the hour to the next touch is used.
		expect(await statuses(2 + 50 / 60)).toEqual(['at_risk']);
		store.close();
	});
	it('emits exactly what evaluating every clock at every check emits, over five days of events', async () => {
		const calendar = { kind: 'calendar' as const, schedule: '', zone: 'UTC', holidays: '' };
		const policies: PolicySpec[] = [
			spec(),
			spec({
				clock: calendar,
				firstResponseHours: 2,
				escalation: parseEscalation('50: heads-up, 100: owner, 300: boss'),
			}),
			spec({ from: 'assigned', firstResponseHours: 1 }),
			spec({ cadence: { touches: 3, periodDays: 2, maxGapHours: 6 } }),
			spec({
				clock: calendar,
				firstResponseHours: 3,
				atRiskPercent: 50,
				cadence: { touches: 2, periodDays: 1, maxGapHours: 0 },
			}),
		];
		const rnd = seededRandom(11);
		const at = (from: number, hours: number) => from + Math.floor(rnd() * hours * 4) * (H / 4);
		// 60 clocks started over two days; touches, pauses, assignments and stops at random after that,
		// some recorded up to three hours ahead of their time (a stop or touch scheduled by the CRM).
		const events: Array<{ applyAt: number; lead: ReturnType<typeof lead>; action: LedgerAction }> = [];
		for (let i = 0; i < 60; i++) {
			const id = `C${i}`;
			const createdAt = at(monday9, 48);
			const policy = policies[i % policies.length];
			events.push({ applyAt: createdAt, lead: lead(id), action: { kind: 'start', policy, createdAt, lead: {} } });
			const later = (kind: 'touch' | 'pause' | 'resume' | 'stop' | 'assign', when: number) =>
				events.push({
					applyAt: rnd() < 0.2 ? Math.max(createdAt, when - at(0, 3)) : when,
					lead: lead(id),
					action: { kind, at: when },
				});
			if (policy.from === 'assigned' || rnd() < 0.3) later('assign', at(createdAt, 8));
			for (let k = Math.floor(rnd() * 5); k > 0; k--) later('touch', at(createdAt, 60));
			if (rnd() < 0.3) {
				const pause = at(createdAt, 24);
				later('pause', pause);
				later('resume', at(pause, 12));
			}
			if (rnd() < 0.4) later('stop', at(createdAt, 72));
		}
		events.sort((a, b) => a.applyAt - b.applyAt);
		const store = new SqliteStore(':memory:');
		const ns = 'sla:ahead';
		// The reference: every clock evaluated at every check, news kept here.
		const emitted = new Map<string, Record<string, TargetEmitted>>();
		let next = 0;
		let checked = 0;
		let checks = 0;
		const sent: string[] = [];
		for (let now = monday9; now <= monday9 + 5 * 24 * H; now += H / 3) {
			const batch = [];
			while (next < events.length && events[next].applyAt <= now) batch.push(events[next++]);
			if (batch.length) await applyLedger(store, ns, batch);
			const due = await checkDue(store, ns, now);
			checked += due.checked;
			checks++;
			const expected: string[] = [];
			for (const entry of await allEntries(store, ns)) {
				const told = emitted.get(entry.uid) ?? {};
				const { targets } = evaluateSlaAhead(buildPolicy(entry.policy), timesOf(entry), now);
				for (const state of targets)
					if (isTargetNews(told[state.id], state)) {
						const was = told[state.id];
						told[state.id] = {
							status: was?.status === 'breached' ? 'breached' : state.status,
							level: Math.max(was?.level ?? 0, state.level),
						};
						expected.push(`${entry.uid} ${state.id} ${state.status} ${state.level}`);
					}
				emitted.set(entry.uid, told);
			}
			const got = due.alerts.map((a) => `${a.entry.uid} ${a.alert.id} ${a.alert.status} ${a.alert.level}`);
			expect({ now: new Date(now).toISOString(), got: got.sort() }).toEqual({
				now: new Date(now).toISOString(),
				got: expected.sort(),
			});
			sent.push(...got);
		}
		// The run says something: every status and level was reached, by many clocks...
		expect(sent.length).toBeGreaterThan(100);
		for (const news of [' at_risk ', ' breached 1', ' breached 2', ' breached 3'])
			expect(sent.some((line) => line.includes(news))).toBe(true);
		// ...and a check looked at a few clocks, not at every open one.
		expect(checked).toBeLessThan((60 * checks) / 10);
		store.close();
	}, 60_000);
});

describe('SLA Report over a large ledger', () => {
	it('reads the clocks a page at a time and gives the rows the whole ledger gives', async () => {
		const store = new SqliteStore(':memory:');
		const ns = 'sla:report-pages';
		await startClocks(store, ns, 5000);
		// Every third lead answered, after 0.5 to 3.5 working hours (some within the 2 h target).
		await applyLedger(
			store,
			ns,
			Array.from({ length: 5000 }, (_, i) => i)
				.filter((i) => i % 3 === 0)
				.map((i) => ({ lead: lead(`L${i}`), action: { kind: 'touch', at: monday9 + (0.5 + (i % 7) / 2) * H } })),
		);
		const now = monday9 + 8 * H;
		const paged = slaReportOf(['owner', 'source'], now);
		let pages = 0;
		for await (const page of entryPages(store, ns)) {
			pages++;
			for (const entry of page) paged.add(entry);
		}
		expect(pages).toBeGreaterThan(1);
		const rows = paged.rows();
		expect(rows).toEqual(slaReport(await allEntries(store, ns), ['owner', 'source'], now));
		expect(rows.map((r) => [r.group, r.leads, r.responded])).toEqual([
			['ana', 2500, 833],
			['bo', 2500, 834],
			['typeform', 5000, 1667],
		]);
		expect(rows[2].met + rows[2].breached + rows[2].open).toBe(5000);
		store.close();
	}, 60_000);
});

describe('Check Due exactly once across processes', () => {
	const worker = join(__dirname, 'sla-worker.ts');
	const spawn = (args: string[]) =>
		run(process.execPath, ['-r', 'ts-node/register/transpile-only', worker, ...args], {
			cwd: join(__dirname, '..', '..'),
		});
	const race = async (kind: string, where: string, store: KeyValueStore) => {
		await startClocks(store, 'sla:race', 60);
		for (const [hours, status, level] of [
			[3, 'at_risk', 0],
			[4.5, 'breached', 1],
			[6.5, 'breached', 2],
		] as const) {
			// three overlapping checks at the same moment, small claim batches so they interleave
			const outs = await Promise.all(
				[0, 1, 2].map(() => spawn([kind, where, new Date(monday9 + hours * H).toISOString(), '7'])),
			);
			const alerts = outs.flatMap((o) => JSON.parse(o.stdout) as Array<[string, string, number]>);
			expect(alerts).toHaveLength(60);
			expect(new Set(alerts.map((a) => a[0])).size).toBe(60);
			for (const a of alerts) expect([a[1], a[2]]).toEqual([status, level]);
		}
	};
	it('SQLite: three overlapping checks emit each lead once per level', async () => {
		const path = join(dir, 'race.sqlite');
		const store = new SqliteStore(path);
		try {
			await race('sqlite', path, store);
		} finally {
			store.close();
		}
	}, 120_000);
	it('Redis: the same', async () => {
		const server = await startRedis();
		const { openRedisStore } = await import('../../lib/store/redis');
		const store = await openRedisStore({ host: '127.0.0.1', port: server.port });
		try {
			await race('redis', String(server.port), store);
		} finally {
			await store.close();
			await server.stop();
		}
	}, 120_000);
});
