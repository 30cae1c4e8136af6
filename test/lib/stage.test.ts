import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { funnelReport, funnelSvg, quantile } from '../../lib/stage/funnel';
import {
	allRecords,
	forgetLeads,
	moveMany,
	readRecords,
	type MoveInput,
	type StageRecord,
} from '../../lib/stage/memory';
import { decideMove, parseTransitions, stageFromScore, type MoveRules } from '../../lib/stage/moves';
import { calendarDays, stageSection } from '../../lib/stage/section';
import {
	customStageList,
	defaultLifecycle,
	findStage,
	hubspotLifecycle,
	salesforceLeadStatus,
	StageError,
	type StageList,
} from '../../lib/stage/stages';
import { SqliteStore } from '../../lib/store/sqlite';
import { startRedis } from '../helpers/redisServer';

const run = promisify(execFile);
let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'stage-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const list = defaultLifecycle();
const s = (name: string) => findStage(list, name)!;
const forwardOnly: MoveRules = { allowBackward: false, allowSkip: true };
const none = () => [];

describe('stage lists', () => {
	it('default lifecycle: MQL and PQL are peers, Nurture and Other aside, Disqualified terminal, Customer won', () => {
		expect(list.stages.map((x) => `${x.name}:${x.kind}:${x.level}`)).toEqual([
			'Subscriber:main:0',
			'Lead:main:1',
			'MQL:main:2',
			'PQL:main:2',
			'SAL:main:3',
			'SQL:main:4',
			'Opportunity:main:5',
			'Customer:main:6',
			'Evangelist:main:7',
			'Nurture:side:-1',
			'Other:side:-1',
			'Disqualified:terminal:-1',
		]);
		expect(list.won).toBe('Customer');
		expect(findStage(list, 'marketing qualified lead')?.name).toBe('MQL');
		expect(findStage(list, 'RECYCLED')?.name).toBe('Nurture');
		expect(findStage(list, 'sql ')?.name).toBe('SQL');
	});
	it('HubSpot preset answers to its internal values; Salesforce preset ends at Closed - Not Converted', () => {
		const hs = hubspotLifecycle();
		expect(findStage(hs, 'marketingqualifiedlead')?.name).toBe('Marketing Qualified Lead');
		expect(findStage(hs, 'MQL')?.crmValue).toBe('marketingqualifiedlead');
		const sf = salesforceLeadStatus();
		expect(findStage(sf, 'closed - not converted')?.kind).toBe('terminal');
		expect(sf.won).toBe('Closed - Converted');
	});
	it('custom lists: levels with |, side and terminal stages; duplicates and unknown won stage are refused by name', () => {
		const c = customStageList('New, Working | Nurturing, Qualified, Won', 'Parked', 'Lost', 'Won');
		expect(c.stages.map((x) => [x.name, x.level])).toEqual([
			['New', 0],
			['Working', 1],
			['Nurturing', 1],
			['Qualified', 2],
			['Won', 3],
			['Parked', -1],
			['Lost', -1],
		]);
		expect(() => customStageList('Lead, MQL, lead')).toThrow(/"Lead" and "lead" have the same name/);
		expect(() => customStageList('Lead, MQL', 'MQL')).toThrow(/Stage "MQL" is listed twice/);
		expect(() => customStageList('', 'Nurture')).toThrow(/no stages in order/);
		expect(() => customStageList('A, B', '', '', 'C')).toThrow(/Won stage "C" is not in the stage list/);
		expect(() => customStageList('A, ---')).toThrow(/has no letters or digits/);
	});
});

describe('deciding a move', () => {
	const decide = (
		current: string | undefined,
		request: Parameters<typeof decideMove>[3],
		rules = forwardOnly,
		lastMain?: string,
	) =>
		decideMove(
			list,
			rules,
			{ current: current ? s(current) : undefined, lastMain: lastMain ? s(lastMain) : undefined },
			request,
			none,
		);

	it('forward-only: a backward set is Unchanged with why, never silent', () => {
		expect(decide('SQL', { kind: 'set', target: 'MQL' })).toEqual({
			status: 'unchanged',
			from: 'SQL',
			to: 'SQL',
			why: 'Already beyond MQL: at SQL (stages only move forward)',
		});
		expect(decide('MQL', { kind: 'set', target: 'MQL' })).toMatchObject({ status: 'unchanged', why: 'Already at MQL' });
		expect(decide('MQL', { kind: 'set', target: 'PQL' })).toMatchObject({ status: 'unchanged', why: /same level/ });
	});
	it('backward moves when allowed need a reason', () => {
		const rules = { ...forwardOnly, allowBackward: true };
		expect(decide('SQL', { kind: 'set', target: 'MQL' }, rules)).toMatchObject({ status: 'refused', rule: 'reason' });
		expect(decide('SQL', { kind: 'set', target: 'MQL', reason: 'bad data' }, rules)).toMatchObject({
			status: 'advanced',
			from: 'SQL',
			to: 'MQL',
			why: 'moved back from SQL',
		});
		// a score never demotes, whatever the rules allow
		expect(decide('SQL', { kind: 'score', target: 'MQL', reason: 'x' }, rules)).toMatchObject({ status: 'unchanged' });
	});
	it('skipping: noted when allowed, refused with the skipped stages named when not', () => {
		expect(decide('Lead', { kind: 'set', target: 'SQL' })).toMatchObject({
			status: 'advanced',
			why: 'skipped MQL, SAL',
		});
		expect(decide('Lead', { kind: 'set', target: 'SQL' }, { ...forwardOnly, allowSkip: false })).toEqual({
			status: 'refused',
			from: 'Lead',
			to: 'SQL',
			rule: 'skip',
			why: 'Moving from Lead to SQL would skip MQL, SAL (skipping is not allowed)',
		});
		// a new lead may enter anywhere; PQL is not skipped on the way from Lead to SAL past MQL
		expect(decide(undefined, { kind: 'set', target: 'SQL' }, { ...forwardOnly, allowSkip: false })).toMatchObject({
			status: 'advanced',
			why: 'entered at SQL',
		});
		expect(decide('MQL', { kind: 'set', target: 'SAL' }, { ...forwardOnly, allowSkip: false }).status).toBe('advanced');
	});
	it('advance to next: first stage for a new lead, next level, the stage after the last one before Nurture', () => {
		expect(decide(undefined, { kind: 'next' })).toMatchObject({ status: 'advanced', to: 'Subscriber' });
		expect(decide('Lead', { kind: 'next' })).toMatchObject({ to: 'MQL' });
		expect(decide('PQL', { kind: 'next' })).toMatchObject({ to: 'SAL' });
		expect(decide('Nurture', { kind: 'next' }, forwardOnly, 'SAL')).toMatchObject({ status: 'advanced', to: 'SQL' });
		expect(decide('Evangelist', { kind: 'next' })).toMatchObject({ status: 'unchanged', why: /last stage/ });
		expect(decide('Disqualified', { kind: 'next' })).toMatchObject({ status: 'refused', rule: 'terminal' });
	});
	it('recycle needs a reason; terminal stages are left only with backward moves allowed and a reason, or a recycle', () => {
		expect(decide('SQL', { kind: 'recycle', target: 'Nurture' })).toMatchObject({ status: 'refused', rule: 'reason' });
		expect(decide('SQL', { kind: 'recycle', target: 'Nurture', reason: 'no budget' })).toMatchObject({
			status: 'advanced',
			to: 'Nurture',
		});
		expect(decide('Disqualified', { kind: 'set', target: 'Lead' })).toMatchObject({
			status: 'refused',
			rule: 'terminal',
		});
		expect(
			decide(
				'Disqualified',
				{ kind: 'set', target: 'Lead', reason: 'came back' },
				{ ...forwardOnly, allowBackward: true },
			),
		).toMatchObject({ status: 'advanced', why: 'reopened from Disqualified' });
		expect(decide('Disqualified', { kind: 'recycle', target: 'Nurture', reason: 'later' }).status).toBe('advanced');
		expect(decide('MQL', { kind: 'set', target: 'Disqualified' }).status).toBe('advanced');
	});
	it('allowed transitions: only listed moves (with * wildcards); stages in the list are checked', () => {
		const allowed = parseTransitions(list, 'Lead -> MQL, Disqualified\nMQL -> SAL\n* -> Nurture');
		const rules = { ...forwardOnly, allowed };
		expect(decide('Lead', { kind: 'set', target: 'MQL' }, rules).status).toBe('advanced');
		expect(decide('Lead', { kind: 'set', target: 'SAL' }, rules)).toMatchObject({
			status: 'refused',
			rule: 'transitions',
			why: 'Lead -> SAL is not in Allowed Transitions',
		});
		expect(decide(undefined, { kind: 'set', target: 'Lead' }, rules)).toMatchObject({
			status: 'refused',
			why: /\(no stage\) -> Lead/,
		});
		expect(decide('SQL', { kind: 'recycle', target: 'Nurture', reason: 'r' }, rules).status).toBe('advanced');
		expect(() => parseTransitions(list, 'Lead => MQL')).toThrow(/write it as "From -> To"/);
		expect(() => parseTransitions(list, 'Lead -> Hot')).toThrow(/stage "Hot" is not in the stage list/);
		expect(parseTransitions(list, '  \n')).toBeUndefined();
	});
	it('required fields refuse with what is missing; unknown stages are named', () => {
		const outcome = decideMove(list, forwardOnly, { current: s('SAL') }, { kind: 'set', target: 'SQL' }, (stage) =>
			stage.name === 'SQL' ? ['owner.id (empty)', 'budget at least 1000'] : [],
		);
		expect(outcome).toMatchObject({
			status: 'refused',
			rule: 'required',
			missing: ['owner.id (empty)', 'budget at least 1000'],
			why: 'SQL requires owner.id (empty); budget at least 1000',
		});
		expect(() => decide('Lead', { kind: 'set', target: 'Hot' })).toThrow(StageError);
		expect(() => decide('Lead', { kind: 'set', target: 'Hot' })).toThrow(
			/Stage "Hot" is not in the stage list \(Subscriber, Lead/,
		);
	});
	it('from a score: label maps first, then stage names, then number thresholds', () => {
		expect(stageFromScore(list, 'MQL', [], [])).toBe('MQL');
		expect(stageFromScore(list, 'Hot', [{ label: 'hot', stage: 'SQL' }], [])).toBe('SQL');
		expect(stageFromScore(list, 'Warm', [], [])).toBeUndefined();
		const numbers = [
			{ min: 40, stage: 'MQL' },
			{ min: 80, stage: 'SQL' },
		];
		expect(stageFromScore(list, 85, [], numbers)).toBe('SQL');
		expect(stageFromScore(list, '45.5', [], numbers)).toBe('MQL');
		expect(stageFromScore(list, 10, [], numbers)).toBeUndefined();
		expect(stageFromScore(list, null, [], numbers)).toBeUndefined();
	});
});

const input = (
	id: string | undefined,
	email: string | undefined,
	request: MoveInput['request'],
	at: string,
): MoveInput => ({
	lead: { ids: id ? [id] : [], emails: email ? [email] : [] },
	request,
	at,
	dims: { source: 'typeform' },
	missingFor: none,
});

describe('remembered stages', () => {
	let store: SqliteStore;
	beforeAll(() => (store = new SqliteStore(join(dir, 'memory.sqlite'))));
	afterAll(() => store.close());

	it('remembers the stage and full history across executions, by id and by email', async () => {
		const ns = 'stage:remember';
		const [first] = await moveMany(
			store,
			ns,
			list,
			forwardOnly,
			[input('L1', 'ana@acme.com', { kind: 'set', target: 'Lead' }, '2026-11-01T10:00:00.000Z')],
			{ node: 'Capture stage', workflow: 'wf' },
		);
		expect(first.outcome.status).toBe('advanced');
		// a later execution finds the lead by email alone, and forward-only holds without a CRM
		const [back] = await moveMany(
			store,
			ns,
			list,
			forwardOnly,
			[input(undefined, 'ana@acme.com', { kind: 'set', target: 'Subscriber' }, '2026-11-02T10:00:00.000Z')],
			{},
		);
		expect(back.outcome).toMatchObject({ status: 'unchanged', from: 'Lead' });
		const [up] = await moveMany(
			store,
			ns,
			list,
			forwardOnly,
			[input('L1', undefined, { kind: 'next', reason: 'opened 3 emails' }, '2026-11-03T10:00:00.000Z')],
			{ node: 'Nurture flow' },
		);
		expect(up.outcome).toMatchObject({ status: 'advanced', from: 'Lead', to: 'MQL' });
		const [record] = await readRecords(store, ns, [{ ids: [], emails: ['ana@acme.com'] }]);
		expect(record).toMatchObject({
			current: 'MQL',
			entered_at: '2026-11-03T10:00:00.000Z',
			created_at: '2026-11-01T10:00:00.000Z',
			ids: ['L1'],
			emails: ['ana@acme.com'],
			dims: { source: 'typeform' },
		});
		expect(record!.history).toEqual([
			{ from: null, to: 'Lead', at: '2026-11-01T10:00:00.000Z', node: 'Capture stage', workflow: 'wf' },
			{ from: 'Lead', to: 'MQL', at: '2026-11-03T10:00:00.000Z', reason: 'opened 3 emails', node: 'Nurture flow' },
		]);
	});
	it('a lead moved twice in one batch sees its first move; refused and unchanged moves write nothing', async () => {
		const ns = 'stage:batch';
		const at = '2026-11-05T09:00:00.000Z';
		const results = await moveMany(
			store,
			ns,
			list,
			forwardOnly,
			[
				input('B1', 'b@x.io', { kind: 'next' }, at),
				input('B1', undefined, { kind: 'next' }, at),
				input(undefined, 'b@x.io', { kind: 'set', target: 'Lead' }, at),
				input('B2', undefined, { kind: 'recycle', target: 'Nurture' }, at),
			],
			{},
		);
		expect(results.map((r) => [r.outcome.status, r.outcome.to])).toEqual([
			['advanced', 'Subscriber'],
			['advanced', 'Lead'],
			['unchanged', 'Lead'],
			['refused', 'Nurture'],
		]);
		const [b1, b2] = await readRecords(store, ns, [
			{ ids: ['B1'], emails: [] },
			{ ids: ['B2'], emails: [] },
		]);
		expect(b1!.history.map((h) => h.to)).toEqual(['Subscriber', 'Lead']);
		expect(b2).toBeUndefined();
	});
	it('a lead first known by email, then by a new id with that email, keeps one record reachable by both', async () => {
		const ns = 'stage:keys';
		await moveMany(
			store,
			ns,
			list,
			forwardOnly,
			[input(undefined, 'c@x.io', { kind: 'set', target: 'Lead' }, '2026-11-01T00:00:00Z')],
			{},
		);
		await moveMany(
			store,
			ns,
			list,
			forwardOnly,
			[input('C9', 'c@x.io', { kind: 'set', target: 'MQL' }, '2026-11-02T00:00:00Z')],
			{},
		);
		// found by the id alone: its record was created under the email key (a second read)
		const [r] = await moveMany(
			store,
			ns,
			list,
			forwardOnly,
			[input('C9', undefined, { kind: 'set', target: 'SQL' }, '2026-11-03T00:00:00Z')],
			{},
		);
		expect(r.record.history.map((h) => h.to)).toEqual(['Lead', 'MQL', 'SQL']);
		expect(r.record).toMatchObject({ ids: ['C9'], emails: ['c@x.io'] });
		expect(await allRecords(store, ns)).toHaveLength(1);
	});
	it('forgets a lead (GDPR) by email or id with every key', async () => {
		const ns = 'stage:forget';
		await moveMany(
			store,
			ns,
			list,
			forwardOnly,
			[
				input('F1', 'f@x.io', { kind: 'set', target: 'Lead' }, '2026-11-01T00:00:00Z'),
				input('F1', 'f@x.io', { kind: 'next' }, '2026-11-02T00:00:00Z'),
			],
			{},
		);
		expect(
			await forgetLeads(store, ns, [
				{ ids: [], emails: ['f@x.io'] },
				{ ids: ['nobody'], emails: [] },
			]),
		).toEqual([2, 0]);
		expect(await readRecords(store, ns, [{ ids: ['F1'], emails: [] }])).toEqual([undefined]);
		expect(await allRecords(store, ns)).toEqual([]);
	});
	it('the stage section: hours elapsed and calendar days in the zone, across a DST change', () => {
		// Europe/Berlin moved to summer time on 2026-03-29: noon to noon is 23 hours and one day
		expect(calendarDays('2026-03-28T11:00:00.000Z', Date.parse('2026-03-29T10:00:00.000Z'), 'Europe/Berlin')).toBe(1);
		const record: StageRecord = {
			uid: 'i:x',
			ids: ['x'],
			emails: [],
			created_at: '2026-03-20T11:00:00.000Z',
			current: 'MQL',
			entered_at: '2026-03-28T11:00:00.000Z',
			history: [{ from: 'Lead', to: 'MQL', at: '2026-03-28T11:00:00.000Z' }],
			dims: {},
		};
		const section = stageSection(list, record, undefined, Date.parse('2026-03-29T10:00:00.000Z'), 'Europe/Berlin');
		expect(section).toMatchObject({
			current: 'MQL',
			previous: 'Lead',
			status: 'remembered',
			hours_in_stage: 23,
			days_in_stage: 1,
			hours_since_created: 215,
		});
		// autumn: 25 hours, still one day
		expect(calendarDays('2026-10-24T10:00:00.000Z', Date.parse('2026-10-25T11:00:00.000Z'), 'Europe/Berlin')).toBe(1);
		expect(
			stageSection(hubspotLifecycle(), { ...record, current: 'Marketing Qualified Lead' }, undefined, 0, 'UTC')
				.crm_value,
		).toBe('marketingqualifiedlead');
	});
});

/** 1,024 leads on known paths: every lead reaches Lead; halves go on at each level; customers skip Opportunity. */
function knownHistories(): StageRecord[] {
	const day = 86_400_000;
	const t0 = Date.parse('2026-09-01T00:00:00Z');
	return Array.from({ length: 1024 }, (_, i) => {
		const created = t0 + (i % 32) * day;
		const path: Array<[string, number]> = [
			['Subscriber', 0],
			['Lead', 1],
		];
		if (i % 2 === 0) path.push(['MQL', 3 + (i % 4)]);
		if (i % 4 === 0) path.push(['SAL', 8]);
		if (i % 8 === 0) path.push(['SQL', 10]);
		if (i % 16 === 0) path.push(['Customer', 20]);
		if (i === 1) path.push(['PQL', 2]);
		const history = path.map(([to, d], k) => ({
			from: k ? path[k - 1][0] : null,
			to,
			at: new Date(created + d * day).toISOString(),
		}));
		return {
			uid: `i:${i}`,
			ids: [String(i)],
			emails: [],
			created_at: new Date(created).toISOString(),
			current: history[history.length - 1].to,
			entered_at: history[history.length - 1].at,
			history,
			dims: { source: i % 3 === 0 ? 'typeform' : 'webflow' },
		};
	});
}

describe('funnel report', () => {
	const rows = (l: StageList, options: Parameters<typeof funnelReport>[2]) =>
		Object.fromEntries(funnelReport(l, knownHistories(), options).map((r) => [r.stage, r]));

	it('counts, conversions and times on a history with known answers', () => {
		const r = rows(list, { countSkipped: true });
		expect(Object.keys(r)).toEqual(list.stages.map((x) => x.name));
		expect([
			r.Subscriber.reached,
			r.Lead.reached,
			r.MQL.reached,
			r.PQL.reached,
			r.SAL.reached,
			r.SQL.reached,
			r.Opportunity.reached,
			r.Customer.reached,
		]).toEqual([1024, 1024, 512, 1, 256, 128, 64, 64]);
		expect(r.Lead).toMatchObject({
			next_stage: 'MQL',
			converted_to_next: 513,
			conversion_to_next: 0.501,
			median_days_to_reach: 1,
			p90_days_to_reach: 1,
		});
		expect(r.MQL).toMatchObject({ converted_to_next: 256, conversion_to_next: 0.5, median_days_to_reach: 4 });
		// MQL at 3 or 5 days (i % 4 = 0 or 2), half each: median 4, p90 5
		expect(r.MQL.p90_days_to_reach).toBe(5);
		expect(r.SQL).toMatchObject({ conversion_to_next: 0.5, median_days_to_reach: 10 });
		// skipped Opportunity counts as reached, with no time to reach it
		expect(r.Opportunity).toMatchObject({ reached: 64, median_days_to_reach: null, conversion_to_next: 1 });
		expect(r.Customer).toMatchObject({ won: 64, lead_to_won_rate: 0.0625, leads: 1024 });
		expect(r.Nurture).toMatchObject({ reached: 0, next_stage: null, conversion_to_next: null });
		const strict = rows(list, { countSkipped: false });
		expect(strict.Opportunity.reached).toBe(0);
		expect(strict.SQL.conversion_to_next).toBe(0);
	});
	it('a backward move adds no stage: a lead set to SQL and moved back to MQL never reached SAL', () => {
		const record = (id: string, path: Array<[string, number]>): StageRecord => {
			const t0 = Date.parse('2026-11-02T00:00:00Z');
			const history = path.map(([to, d], k) => ({
				from: k ? path[k - 1][0] : null,
				to,
				at: new Date(t0 + d * 86_400_000).toISOString(),
				...(k && to === 'MQL' ? { reason: 'sent back: no budget yet' } : {}),
			}));
			return {
				uid: `i:${id}`,
				ids: [id],
				emails: [],
				created_at: new Date(t0).toISOString(),
				current: path[path.length - 1][0],
				entered_at: history[history.length - 1].at,
				history,
				dims: {},
			};
		};
		const leads = [
			record('F1', [
				['SQL', 0],
				['MQL', 1],
			]),
			record('F2', [['SQL', 0]]),
			// Up again from MQL to SQL passes SAL on the way: that one counts.
			record('F3', [
				['SQL', 0],
				['MQL', 1],
				['SQL', 2],
			]),
		];
		const r = Object.fromEntries(funnelReport(list, leads, { countSkipped: true }).map((x) => [x.stage, x]));
		expect([r.MQL.reached, r.SAL.reached, r.SQL.reached]).toEqual([2, 1, 3]);
		expect(r.MQL).toMatchObject({ converted_to_next: 1 });
		expect(r.SAL).toMatchObject({ converted_to_next: 1 });
		// F1 alone: MQL reached by the move back, nothing converted from it, SAL never reached.
		const f1 = Object.fromEntries(funnelReport(list, [leads[0]], { countSkipped: true }).map((x) => [x.stage, x]));
		expect([f1.MQL.reached, f1.MQL.converted_to_next, f1.SAL.reached, f1.SQL.reached]).toEqual([1, 0, 0, 1]);
	});
	it('a period selects leads by their first stage; groups split the funnel', () => {
		const t0 = Date.parse('2026-09-01T00:00:00Z');
		const r = rows(list, { countSkipped: true, from: t0, to: t0 + 16 * 86_400_000 });
		expect(r.Subscriber.reached).toBe(512);
		expect(r.Customer.reached).toBe(32);
		const grouped = funnelReport(list, knownHistories(), { countSkipped: true, groupBy: 'source' });
		const lead = grouped.filter((x) => x.stage === 'Lead');
		expect(lead.map((x) => [x.group, x.reached])).toEqual([
			['typeform', 342],
			['webflow', 682],
		]);
		expect(funnelReport(list, [], { countSkipped: true })[0]).toMatchObject({
			leads: 0,
			reached: 0,
			reached_rate: null,
		});
	});
	it('draws an SVG funnel with counts and conversions, escaping names', () => {
		const custom = customStageList('New, <Qualified> & "Hot", Won');
		const svg = funnelSvg(funnelReport(custom, [], { countSkipped: true }), 'Funnel · <all>');
		expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
		expect(svg).toContain('&lt;Qualified&gt; &amp; &quot;Hot&quot;');
		expect(svg).toContain('Funnel · &lt;all&gt;');
		const full = funnelSvg(funnelReport(list, knownHistories(), { countSkipped: true }), 'All');
		expect(full).toContain('>512 (50%)</text>');
		expect(full).toContain('→ next 50%');
		// a background, 9 main stages, and apart from them Nurture, Other and Disqualified
		expect(full.match(/<rect /g)).toHaveLength(1 + 9 + 3);
		expect(full).toContain('Outside the main path');
		expect(full).toContain('>Disqualified</text>');
	});
	it('quantiles interpolate between ranks', () => {
		expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
		expect(quantile([5], 0.9)).toBe(5);
		expect(quantile([], 0.5)).toBeNull();
	});
});

describe('exact under concurrency', () => {
	const worker = join(__dirname, 'stage-worker.ts');
	const spawn = (args: string[]) =>
		run(process.execPath, ['-r', 'ts-node/register/transpile-only', worker, ...args], {
			cwd: join(__dirname, '..', '..'),
		});
	const expectExact = async (kind: string, where: string, read: () => Promise<StageRecord[]>) => {
		// 4 processes x 3 rounds x 20 leads = 12 "next" per lead: 8 stages, then 4 unchanged each
		const results = await Promise.all([0, 1, 2, 3].map((w) => spawn([kind, where, '20', '3', String(w)])));
		const totals = results
			.map((r) => JSON.parse(r.stdout) as Record<string, number>)
			.reduce((a, b) => ({
				advanced: a.advanced + b.advanced,
				unchanged: a.unchanged + b.unchanged,
				refused: a.refused + b.refused,
			}));
		expect(totals).toEqual({ advanced: 160, unchanged: 80, refused: 0 });
		const records = await read();
		expect(records).toHaveLength(20);
		for (const record of records) {
			expect(record.history.map((h) => h.to)).toEqual([
				'Subscriber',
				'Lead',
				'MQL',
				'SAL',
				'SQL',
				'Opportunity',
				'Customer',
				'Evangelist',
			]);
			expect(record.history.map((h) => h.from)).toEqual([
				null,
				'Subscriber',
				'Lead',
				'MQL',
				'SAL',
				'SQL',
				'Opportunity',
				'Customer',
			]);
		}
	};
	it('4 processes advancing the same leads through one SQLite file give each lead one consistent history', async () => {
		const path = join(dir, 'race.sqlite');
		new SqliteStore(path).close();
		await expectExact('sqlite', path, async () => {
			const store = new SqliteStore(path);
			try {
				return await allRecords(store, 'stage:race');
			} finally {
				store.close();
			}
		});
	}, 120_000);
	it('and the same through Redis', async () => {
		const server = await startRedis();
		try {
			const { openRedisStore } = await import('../../lib/store/redis');
			await expectExact('redis', String(server.port), async () => {
				const store = await openRedisStore({ host: '127.0.0.1', port: server.port });
				try {
					return await allRecords(store, 'stage:race');
				} finally {
					await store.close();
				}
			});
		} finally {
			await server.stop();
		}
	}, 120_000);
});
