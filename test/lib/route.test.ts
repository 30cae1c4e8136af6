import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { companyDomain } from '../../lib/normalize/domain';
import { ownerInputFromRow, parseOwners, type OwnerInput } from '../../lib/route/owners';
import { routeLeads } from '../../lib/route/route';
import { ownerSection, withRouting } from '../../lib/route/result';
import { RouteConfigError, Router, type RouterSettings, type RouteRequest } from '../../lib/route/router';
import {
	isInDateRanges,
	isWithinWorkingHours,
	parseDateRanges,
	parseWorkingHours,
	periodEnd,
	periodKey,
} from '../../lib/route/time';
import { SqliteStore } from '../../lib/store/sqlite';
import { startRedis } from '../helpers/redisServer';

const run = promisify(execFile);
const at = (iso: string) => Date.parse(iso);
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lead-route-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function router(owners: OwnerInput[], settings: Partial<RouterSettings> = {}): Router {
	return new Router({
		owners: parseOwners(owners),
		rules: [],
		noMatch: { type: 'pool', pool: '*' },
		timeZone: 'UTC',
		respectWorkingHours: true,
		whenNobodyAvailable: 'fallback',
		defaultStrategy: 'roundRobin',
		loadPeriod: 'all',
		accountOwnerFirst: false,
		rememberAccountOwners: false,
		...settings,
	});
}

let n = 0;
/** A fresh in-memory SQLite store per test: same transactions as the file store. */
const memoryStore = () => new SqliteStore(':memory:');
const ns = () => `route-test-${++n}`;

async function routeMany(
	r: Router,
	count: number,
	store = memoryStore(),
	namespace = ns(),
	now = at('2026-11-23T10:00:00Z'),
	request: Partial<RouteRequest> = {},
) {
	const decisions = [];
	for (let i = 0; i < count; i++)
		decisions.push(...(await routeLeads(r, [{ ruleIndex: -1, ...request }], store, namespace, now)));
	return decisions;
}
const tally = (decisions: Array<{ owner?: { id: string } }>) => {
	const t: Record<string, number> = {};
	for (const d of decisions) if (d.owner) t[d.owner.id] = (t[d.owner.id] ?? 0) + 1;
	return t;
};

describe('working hours, days off and periods', () => {
	it('parses working hours with several ranges, day lists, wrapping day ranges and night shifts', () => {
		const h = parseWorkingHours('Mon-Thu 08:00-12:00, 13:00-17:00; Fri 08:00-15:00')!;
		expect(h.get(1)).toEqual([
			[480, 720],
			[780, 1020],
		]);
		expect(h.get(5)).toEqual([[480, 900]]);
		expect(h.has(6)).toBe(false);
		const wrap = parseWorkingHours('Fri-Mon 10:00-14:00')!;
		expect([...wrap.keys()].sort()).toEqual([1, 5, 6, 7]);
		const night = parseWorkingHours('Sun 22:00-06:00')!;
		expect(night.get(7)).toEqual([[1320, 1440]]);
		expect(night.get(1)).toEqual([[0, 360]]);
		expect(parseWorkingHours('')).toBeUndefined();
		expect(parseWorkingHours('24/7')).toBeUndefined();
		expect(parseWorkingHours('sat,sun 9-13')!.get(6)).toEqual([[540, 780]]);
	});

	it('names what is wrong in working hours and days off', () => {
		expect(() => parseWorkingHours('Mon-Fry 09:00-17:00')).toThrow(/"Fry" is not a day/);
		expect(() => parseWorkingHours('Mon-Fri 09:00-25:00')).toThrow(/"25:00" is not a time/);
		expect(() => parseWorkingHours('9 to 5')).toThrow(/should look like/);
		expect(() => parseDateRanges('2026-12-32')).toThrow(/not a date/);
		expect(() => parseDateRanges('2027-01-02..2026-12-24')).toThrow(/ends before it starts/);
	});

	it("reads working hours in the owner's zone, across the spring DST change", () => {
		const hours = parseWorkingHours('Mon-Sun 09:00-17:00');
		// Paris on 2026-03-28 is UTC+1, on 2026-03-29 (after 02:00) UTC+2.
		expect(isWithinWorkingHours(hours, at('2026-03-28T07:30:00Z'), 'Europe/Paris')).toBe(false); // 08:30
		expect(isWithinWorkingHours(hours, at('2026-03-29T07:30:00Z'), 'Europe/Paris')).toBe(true); // 09:30
		expect(isWithinWorkingHours(hours, at('2026-03-29T15:30:00Z'), 'Europe/Paris')).toBe(false); // 17:30
		expect(isWithinWorkingHours(hours, at('2026-03-29T15:30:00Z'), 'America/New_York')).toBe(true); // 11:30
	});

	it('keys days, ISO weeks and months in the stated zone', () => {
		const t = at('2026-01-31T23:30:00Z');
		expect(periodKey('month', t, 'America/New_York')).toBe('m2026-01');
		expect(periodKey('month', t, 'Europe/Paris')).toBe('m2026-02');
		expect(periodKey('day', t, 'Asia/Tokyo')).toBe('d2026-02-01');
		// 2026 has 53 ISO weeks: Friday 1 January 2027 still belongs to 2026-W53.
		expect(periodKey('week', at('2027-01-01T12:00:00Z'), 'UTC')).toBe('w2026-W53');
		expect(periodKey('week', at('2027-01-04T12:00:00Z'), 'UTC')).toBe('w2027-W01');
	});

	it('ends periods at local midnight, including 23- and 25-hour days', () => {
		const spring = at('2026-03-29T12:00:00Z');
		expect(new Date(periodEnd('day', spring, 'Europe/Paris')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
		expect(periodEnd('day', spring, 'Europe/Paris') - at('2026-03-28T23:00:00Z')).toBe(23 * 3600_000);
		const autumn = at('2026-10-25T12:00:00Z');
		expect(periodEnd('day', autumn, 'Europe/Paris') - at('2026-10-24T22:00:00Z')).toBe(25 * 3600_000);
		expect(new Date(periodEnd('month', at('2026-02-15T00:00:00Z'), 'America/New_York')).toISOString()).toBe(
			'2026-03-01T05:00:00.000Z',
		);
	});

	it('reads days off as whole local days', () => {
		const ranges = parseDateRanges('2026-12-24..2027-01-02, 2026-11-27');
		expect(isInDateRanges(ranges, at('2026-11-27T12:00:00Z'), 'UTC')).toBe(true);
		expect(isInDateRanges(ranges, at('2026-11-27T23:30:00Z'), 'Asia/Tokyo')).toBe(false); // already the 28th there
		expect(isInDateRanges(ranges, at('2027-01-01T00:00:00Z'), 'UTC')).toBe(true);
		expect(isInDateRanges(ranges, at('2027-01-03T00:00:00Z'), 'UTC')).toBe(false);
		expect(parseDateRanges(['2026-11-27', '2026-12-01 to 2026-12-02'])).toEqual([
			['2026-11-27', '2026-11-27'],
			['2026-12-01', '2026-12-02'],
		]);
	});
});

describe('owners', () => {
	it('reads sheet rows through column aliases and validates them', () => {
		const input = ownerInputFromRow({
			'Owner ID': 'u1',
			Name: 'Ana',
			Team: 'EMEA, SMB',
			Timezone: 'Europe/Madrid',
			'Daily Cap': '5',
			Active: 'no',
			Weight: '50%',
			OOO: '2026-12-24..2026-12-26',
		});
		const [owner] = parseOwners([input]);
		expect(owner).toMatchObject({
			id: 'u1',
			name: 'Ana',
			teams: ['EMEA', 'SMB'],
			timeZone: 'Europe/Madrid',
			caps: { day: 5 },
			active: false,
			weight: 50,
		});
		expect(owner.outOfOffice).toEqual([['2026-12-24', '2026-12-26']]);
		expect(ownerInputFromRow({ rep: 'x', owner_mail: 'a@b.co' }, { email: 'owner_mail' })).toEqual({
			name: 'x',
			email: 'a@b.co',
		});
		expect(parseOwners([{ email: 'bo@acme.com' }])[0].id).toBe('bo@acme.com');
	});

	it('names the owner and the problem in every error', () => {
		expect(() => parseOwners([{ name: 'Ana' }])).toThrow('Owner 1 (Ana): needs an ID or an email');
		expect(() => parseOwners([{ id: 'a' }, { id: 'b', name: 'Bo', time_zone: 'Europe/Pariss' }])).toThrow(
			/Owner 2 \(Bo\): "Europe\/Pariss" is not an IANA time zone/,
		);
		expect(() => parseOwners([{ id: 'a', weight: -1 }])).toThrow(
			/Owner 1 \(a\): weight should be a number of 0 or more/,
		);
		expect(() => parseOwners([{ id: 'a', cap_day: 2.5 }])).toThrow(/whole numbers/);
		expect(() => parseOwners([{ id: 'a', active: 'maybe' }])).toThrow(/active should be true or false/);
		expect(() => parseOwners([{ id: 'a', working_hours: 'Mon-Fri 9-5pm' }])).toThrow(
			/Owner 1 \(a\): "5pm" is not a time/,
		);
		expect(() => parseOwners([{ id: 'A' }, { id: 'a', name: 'Al' }])).toThrow(
			'Owner 2 (Al): the ID "a" is already used by owner 1',
		);
	});
});

describe('routing configuration errors', () => {
	const owners = [{ id: 'a', teams: 'EMEA' }, { id: 'b' }];
	it('names the rule, pool or owner that is wrong', () => {
		expect(() => router(owners, { rules: [{ name: 'Enterprise', target: { type: 'owner', owner: 'zed' } }] })).toThrow(
			'Rule 1 ("Enterprise"): no owner with the ID "zed" (owners: a, b)',
		);
		expect(() => router(owners, { rules: [{ name: 'US', target: { type: 'pool', pool: 'AMER' } }] })).toThrow(
			/Rule 1 \("US"\): no pool or team named "AMER" \(known: EMEA/,
		);
		expect(() => router(owners, { pools: [{ name: 'APAC', strategy: 'roundRobin' }] })).toThrow(
			/Pool "APAC" has no members/,
		);
		expect(() => router(owners, { pools: [{ name: 'X', strategy: 'roundRobin', members: ['a', 'nobody'] }] })).toThrow(
			/Pool "X": "nobody" is neither an owner ID nor a team/,
		);
		expect(() => router(owners, { fallbackOwner: 'boss' })).toThrow(/Fallback owner "boss" is not among the owners/);
		expect(() => router(owners, { timeZone: 'Mars/Olympus' })).toThrow(/Time zone "Mars\/Olympus"/);
		expect(() => router(owners, { rules: [{ name: 'VIP', target: { type: 'owner', owner: '' } }] })).toThrow(
			'Rule 1 ("VIP"): choose the owner ID to assign to',
		);
		expect(() => router([], {})).toThrow(/When no rule matches: no pool or team named "\*"/);
	});
});

describe('strategies', () => {
	const four = [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }];

	it('round robin gives 4 equal owners exactly a quarter each, in turn', async () => {
		const decisions = await routeMany(router(four), 100);
		expect(tally(decisions)).toEqual({ a: 25, b: 25, c: 25, d: 25 });
		expect(decisions.slice(0, 6).map((d) => d.owner!.id)).toEqual(['a', 'b', 'c', 'd', 'a', 'b']);
		expect(decisions[0]).toMatchObject({
			status: 'assigned',
			method: 'pool',
			pool: 'All Owners',
			strategy: 'roundRobin',
			reason: 'no rule matched: round robin in All Owners',
		});
	});

	it('round robin skips inactive, away and off-hours owners, and says why', async () => {
		const r = router([
			{ id: 'a', active: false },
			{ id: 'b', out_of_office: '2026-11-20..2026-11-30' },
			{ id: 'c', working_hours: 'Mon-Fri 14:00-18:00', time_zone: 'Europe/Paris' },
			{ id: 'd' },
		]);
		const decisions = await routeMany(r, 3);
		expect(decisions.map((d) => d.owner!.id)).toEqual(['d', 'd', 'd']);
		expect(decisions[0].skipped).toEqual([
			{ id: 'a', name: 'a', reason: 'inactive' },
			{ id: 'b', name: 'b', reason: 'out of office' },
			{ id: 'c', name: 'c', reason: 'outside working hours (Mon-Fri 14:00-18:00, Paris time)' },
		]);
		// 10:00 UTC on Monday is 11:00 in Paris; at 13:30 UTC c is working.
		const later = await routeMany(r, 2, memoryStore(), ns(), at('2026-11-23T13:30:00Z'));
		expect(later.map((d) => d.owner!.id)).toEqual(['c', 'd']);
	});

	it('weighted round robin gives exact shares, spread out', async () => {
		const decisions = await routeMany(
			router(
				[
					{ id: 'a', weight: 3 },
					{ id: 'b', weight: 1 },
				],
				{ defaultStrategy: 'weighted' },
			),
			400,
		);
		expect(tally(decisions)).toEqual({ a: 300, b: 100 });
		expect(
			decisions
				.slice(0, 4)
				.map((d) => d.owner!.id)
				.sort(),
		).toEqual(['a', 'a', 'a', 'b']);
		const uneven = await routeMany(
			router(
				[
					{ id: 'a', weight: 50 },
					{ id: 'b', weight: 30 },
					{ id: 'c', weight: 20 },
				],
				{ defaultStrategy: 'weighted' },
			),
			1000,
		);
		expect(tally(uneven)).toEqual({ a: 500, b: 300, c: 200 });
	});

	it('lowest load picks the least loaded per unit of weight, counting open leads from the CRM', async () => {
		const r = router([{ id: 'a', load: 3 }, { id: 'b' }, { id: 'c', weight: 2 }], {
			defaultStrategy: 'lowestLoad',
			loadPeriod: 'day',
		});
		const decisions = await routeMany(r, 10);
		// b and c (whose count weighs half) catch up with a's 3 open leads before a gets one
		expect(tally(decisions)).toEqual({ a: 1, b: 3, c: 6 });
		expect(decisions[9].owner!.id).toBe('a');
		expect(decisions[0].owner!.id).toBe('b');
	});

	it('never exceeds a cap, and a cap resets when its period ends in the stated zone', async () => {
		const r = router(
			[
				{ id: 'a', cap_day: 2 },
				{ id: 'b', cap_day: 1 },
			],
			{ timeZone: 'America/New_York' },
		);
		const store = memoryStore();
		const namespace = ns();
		// 2026-11-24 03:00 UTC is still 23 November in New York
		const day1 = await routeMany(r, 5, store, namespace, at('2026-11-24T03:00:00Z'));
		expect(tally(day1)).toEqual({ a: 2, b: 1 });
		expect(day1.slice(3).map((d) => d.status)).toEqual(['unassigned', 'unassigned']);
		expect(day1[3].skipped).toEqual([
			{ id: 'a', name: 'a', reason: 'daily cap reached (2/2)' },
			{ id: 'b', name: 'b', reason: 'daily cap reached (1/1)' },
		]);
		expect(day1[3].reason).toBe('no rule matched, but nobody in All Owners is available; no fallback owner is set');
		const day2 = await routeMany(r, 4, store, namespace, at('2026-11-24T05:30:00Z')); // 00:30 on the 24th in New York
		expect(tally(day2)).toEqual({ a: 2, b: 1 });
	});

	it('monthly quotas reset at the month boundary of the stated zone', async () => {
		const owners = [{ id: 'dealer', cap_month: 1 }];
		for (const [zone, second] of [
			['Europe/Paris', 'assigned'],
			['America/New_York', 'unassigned'],
		] as const) {
			const r = router(owners, { timeZone: zone });
			const store = memoryStore();
			const namespace = ns();
			const [first] = await routeMany(r, 1, store, namespace, at('2026-01-31T22:00:00Z'));
			const [then] = await routeMany(r, 1, store, namespace, at('2026-01-31T23:30:00Z')); // February in Paris, still January in New York
			expect([first.status, then.status]).toEqual(['assigned', second]);
		}
	});

	it('resets a daily cap at local midnight on the night clocks go back (a 25-hour day)', async () => {
		const r = router([{ id: 'a', cap_day: 1 }], { timeZone: 'Europe/Paris' });
		const store = memoryStore();
		const namespace = ns();
		const route = async (iso: string) => (await routeMany(r, 1, store, namespace, at(iso)))[0].status;
		// 25 October 2026 runs from 22:00 UTC on the 24th to 23:00 UTC on the 25th in Paris.
		expect(await route('2026-10-24T22:30:00Z')).toBe('assigned');
		expect(await route('2026-10-25T22:30:00Z')).toBe('unassigned'); // 23:30 the same local day
		expect(await route('2026-10-25T23:00:00Z')).toBe('assigned'); // midnight of the 26th
	});

	it('with "ignore working hours", a lead at night goes to someone available rather than the fallback', async () => {
		const owners = [
			{ id: 'a', working_hours: 'Mon-Fri 09:00-17:00' },
			{ id: 'b', working_hours: 'Mon-Fri 09:00-17:00', active: false },
			{ id: 'boss' },
		];
		const night = at('2026-11-23T23:00:00Z');
		const strict = router(owners, { noMatch: { type: 'owner', owner: 'a' }, fallbackOwner: 'boss' });
		expect((await routeMany(strict, 1, memoryStore(), ns(), night))[0]).toMatchObject({
			status: 'assigned',
			method: 'fallback',
			owner: { id: 'boss' },
		});
		const relaxed = router(owners, {
			noMatch: { type: 'pool', pool: 'Team' },
			pools: [{ name: 'Team', strategy: 'roundRobin', members: ['a', 'b'] }],
			whenNobodyAvailable: 'ignoreWorkingHours',
		});
		const [d] = await routeMany(relaxed, 1, memoryStore(), ns(), night);
		expect(d).toMatchObject({ status: 'assigned', owner: { id: 'a' } });
		expect(d.skipped).toEqual([
			{
				id: 'a',
				name: 'a',
				reason: 'outside working hours (Mon-Fri 09:00-17:00, UTC); taken anyway: nobody is within working hours',
			},
			{ id: 'b', name: 'b', reason: 'inactive' },
		]);
	});
});

describe('rules, account owners and fallback', () => {
	const owners = [
		{ id: 'ana', name: 'Ana', teams: 'EMEA' },
		{ id: 'ben', name: 'Ben', teams: 'EMEA' },
		{ id: 'cy', name: 'Cy', teams: 'AMER' },
		{ id: 'dee', name: 'Dee', teams: 'AMER', active: false },
		{ id: 'boss', name: 'Boss', cap_day: 1 },
	];
	const settings: Partial<RouterSettings> = {
		rules: [
			{ name: 'Enterprise', target: { type: 'owner', owner: 'boss' } },
			{ name: 'Europe', target: { type: 'pool', pool: 'EMEA' } },
			{ name: 'Americas', target: { type: 'pool', pool: 'amer' } },
			{ name: 'Partners', target: { type: 'output' } },
		],
		noMatch: { type: 'unassigned' },
		fallbackOwner: 'boss',
	};

	it('sends each lead where its rule says, and logs the rule', async () => {
		const r = router(owners, settings);
		const store = memoryStore();
		const namespace = ns();
		const decisions = await routeLeads(
			r,
			[1, 1, 1, 2, 3, 0].map((ruleIndex) => ({ ruleIndex })),
			store,
			namespace,
			at('2026-11-23T10:00:00Z'),
		);
		expect(decisions.map((d) => d.owner?.id ?? d.status)).toEqual(['ana', 'ben', 'ana', 'cy', 'output', 'boss']);
		expect(decisions[3]).toMatchObject({
			rule: 'Americas',
			ruleIndex: 2,
			pool: 'AMER',
			skipped: [{ id: 'dee', name: 'Dee', reason: 'inactive' }],
		});
		expect(decisions[4]).toMatchObject({
			status: 'output',
			rule: 'Partners',
			reason: 'rule "Partners": sent to its output without an owner',
		});
		expect(decisions[5]).toMatchObject({ method: 'owner', reason: 'rule "Enterprise": assigned to Boss' });
	});

	it('falls back when nobody is eligible, and never drops a lead silently', async () => {
		const r = router(owners, settings);
		const store = memoryStore();
		const namespace = ns();
		const [first, second] = await routeLeads(
			r,
			[{ ruleIndex: -1 }, { ruleIndex: -1 }],
			store,
			namespace,
			at('2026-11-23T10:00:00Z'),
		);
		expect(first).toMatchObject({
			status: 'assigned',
			method: 'fallback',
			owner: { id: 'boss' },
			reason: 'no rule matched and no owner is set for that case: fallback owner',
		});
		// Boss's daily cap is 1: the fallback is capped too, and the lead comes out unassigned with the reason.
		expect(second).toMatchObject({
			status: 'unassigned',
			reason: 'no rule matched and no owner is set for that case; the fallback owner is daily cap reached (1/1)',
		});
		expect(second.skipped).toEqual([{ id: 'boss', name: 'Boss', reason: 'fallback owner: daily cap reached (1/1)' }]);
	});

	it('sends a lead to its account owner first: remembered from earlier routing or given with the lead', async () => {
		const r = router(owners, { ...settings, accountOwnerFirst: true, rememberAccountOwners: true });
		const store = memoryStore();
		const namespace = ns();
		const now = at('2026-11-23T10:00:00Z');
		const [first] = await routeLeads(r, [{ ruleIndex: 1, domain: 'acme.com' }], store, namespace, now);
		expect(first.owner!.id).toBe('ana');
		// Later leads from acme.com go to Ana, whichever rule they match, while round robin goes on for others.
		const later = await routeLeads(
			r,
			[
				{ ruleIndex: 1, domain: 'acme.com' },
				{ ruleIndex: 2, domain: 'acme.com' },
				{ ruleIndex: 1, domain: 'other.io' },
			],
			store,
			namespace,
			now,
		);
		expect(later.map((d) => [d.owner!.id, d.method])).toEqual([
			['ana', 'account_owner'],
			['ana', 'account_owner'],
			['ben', 'pool'],
		]);
		expect(later[0].reason).toBe('account owner of acme.com');
		// An owner given with the lead (from the CRM) wins; an inactive or unknown one is skipped with the reason.
		const given = await routeLeads(
			r,
			[
				{ ruleIndex: 1, domain: 'acme.com', accountOwnerId: 'cy' },
				{ ruleIndex: 1, domain: 'x.io', accountOwnerId: 'dee' },
				{ ruleIndex: 1, accountOwnerId: 'ghost' },
			],
			store,
			namespace,
			now,
		);
		expect(given.map((d) => d.owner!.id)).toEqual(['cy', 'ana', 'ben']);
		expect(given[1].skipped[0]).toEqual({ id: 'dee', name: 'Dee', reason: 'account owner: inactive' });
		expect(given[2].skipped[0]).toEqual({ id: 'ghost', name: 'ghost', reason: 'account owner: not among the owners' });
	});

	it('puts the owner and the routing log on the lead, with a history entry for canonical leads', async () => {
		const r = router(owners, settings);
		const [d] = await routeLeads(r, [{ ruleIndex: 1 }], memoryStore(), ns(), at('2026-11-23T10:00:00Z'));
		const lead = withRouting({ id: 'l1', history: [] }, d, at('2026-11-23T10:00:00Z'), 'owner', 'Route EMEA leads');
		expect(lead.owner).toMatchObject({
			id: 'ana',
			name: 'Ana',
			status: 'assigned',
			method: 'pool',
			assigned_at: '2026-11-23T10:00:00.000Z',
		});
		expect((lead.owner as ReturnType<typeof ownerSection>).routing).toMatchObject({
			rule: 'Europe',
			rule_number: 2,
			pool: 'EMEA',
			strategy: 'roundRobin',
			counts: { day: 1, week: 1, month: 1, all: 1 },
		});
		expect(lead.history).toEqual([
			expect.objectContaining({
				node: 'Route EMEA leads',
				action: 'assigned',
				detail: expect.objectContaining({ owner_id: 'ana' }),
			}),
		]);
		expect(withRouting({ name: 'x' }, d, 0, 'assignee')).not.toHaveProperty('history');
	});

	it('finds the company domain from the website or a business email only', () => {
		expect(companyDomain({ website: 'https://www.Acme.com/contact' })).toBe('acme.com');
		expect(companyDomain({ email: 'jane@sub.acme.io' })).toBe('sub.acme.io');
		expect(companyDomain({ email: 'jane@gmail.com' })).toBeNull();
		expect(companyDomain({ email: 'x@mailinator.com' })).toBeNull();
	});
});

describe('exact under concurrency', () => {
	const worker = join(__dirname, 'route-worker.ts');
	// One instant for all processes, and relative to the real clock: Redis expires a past period's
	// counters by its own clock, so a fixed date would drop the monthly cap counts once that month
	// is over. The 10th of next month keeps the period's end at least three weeks away.
	const today = new Date();
	const now = String(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 10, 10));
	const spawn = (args: string[]) =>
		run(process.execPath, ['-r', 'ts-node/register/transpile-only', worker, ...args, now], {
			cwd: join(__dirname, '..', '..'),
		});

	it('4 processes routing 1,000 leads through one SQLite file end exactly 250 each; weighted and capped pools stay exact', async () => {
		const path = join(dir, 'route-race.sqlite');
		new SqliteStore(path).close();
		const results = await Promise.all([0, 1, 2, 3].map(() => spawn(['sqlite', path, '250'])));
		const counts: Record<string, number> = {};
		for (const r of results)
			for (const [k, v] of Object.entries(JSON.parse(r.stdout) as Record<string, number>))
				counts[k] = (counts[k] ?? 0) + v;
		expect(counts).toEqual({
			'rr:a': 250,
			'rr:b': 250,
			'rr:c': 250,
			'rr:d': 250,
			'w:a': 500,
			'w:b': 250,
			'w:c': 250,
			'cap:a': 100,
			'cap:b': 50,
			'cap:unassigned': 850,
		});
	}, 120_000);

	it('and the same through Redis', async () => {
		const server = await startRedis();
		try {
			const results = await Promise.all([0, 1, 2, 3].map(() => spawn(['redis', String(server.port), '250'])));
			const counts: Record<string, number> = {};
			for (const r of results)
				for (const [k, v] of Object.entries(JSON.parse(r.stdout) as Record<string, number>))
					counts[k] = (counts[k] ?? 0) + v;
			expect(counts).toEqual({
				'rr:a': 250,
				'rr:b': 250,
				'rr:c': 250,
				'rr:d': 250,
				'w:a': 500,
				'w:b': 250,
				'w:c': 250,
				'cap:a': 100,
				'cap:b': 50,
				'cap:unassigned': 850,
			});
		} finally {
			await server.stop();
		}
	}, 120_000);
});
