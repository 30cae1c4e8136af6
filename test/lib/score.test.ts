import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../lib/dedupe/learn';
import {
	describeFeatures,
	predict,
	readOutcome,
	rocAuc,
	Slicer,
	stratifiedSplit,
	trainModel,
} from '../../lib/score/model';
import { loadModel, modelNames, saveModel } from '../../lib/score/modelStore';
import {
	decayFactor,
	GRADES,
	labelFor,
	matrixLabel,
	readEvents,
	scoreLead,
	type ScoreConfig,
} from '../../lib/score/points';
import { SqliteStore } from '../../lib/store/sqlite';
import { combineWithModel } from '../../lib/score/combine';
import {
	b2bPreset,
	bantPreset,
	employees,
	seniority,
	timelineMonths,
	type PresetFields,
} from '../../lib/score/presets';
import { DATASETS_DIR } from '../../bench/datasets';

const NOW = Date.parse('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
const base: ScoreConfig = { fit: [], engagement: [], groupCaps: {}, decay: { kind: 'none' }, thresholds: [] };
const click = (daysAgo: number, extra: Partial<{ type: string; text: string }> = {}) => ({
	type: 'email_click',
	at: NOW - daysAgo * DAY,
	text: '',
	...extra,
});
const rule = (over: Partial<ScoreConfig['engagement'][number]> = {}) => ({
	name: 'Clicks',
	eventTypes: ['email_click'],
	withinDays: 30,
	minCount: 1,
	count: 'each' as const,
	maxOccurrences: 5,
	points: 10,
	...over,
});

describe('points', () => {
	it('fit rules add their points and move the grade in thirds from D, clamped to F..A+', () => {
		const config = {
			...base,
			fit: [
				{ name: 'A', points: 10, gradeThirds: 3 },
				{ name: 'B', points: -5, gradeThirds: -1 },
			],
		};
		expect(scoreLead(config, [true, false], [], NOW)).toMatchObject({ fit: 10, total: 10, grade: 'C' });
		expect(scoreLead(config, [true, true], [], NOW)).toMatchObject({ fit: 5, grade: 'C-' });
		expect(scoreLead(config, [false, false], [], NOW).grade).toBe('D');
		const many = { ...base, fit: [{ name: 'up', points: 1, gradeThirds: 30 }] };
		expect(scoreLead(many, [true], [], NOW).grade).toBe('A+');
		const down = { ...base, fit: [{ name: 'down', points: 1, gradeThirds: -30 }] };
		expect(scoreLead(down, [true], [], NOW).grade).toBe('F');
		expect(GRADES).toHaveLength(13);
	});
	it('engagement counts events by type, text, age and number, once or per event up to a limit', () => {
		const events = [
			click(1),
			click(2),
			click(3),
			click(40),
			click(1, { type: 'page_view', text: 'https://x.io/pricing' }),
		];
		const once = { ...base, engagement: [rule({ count: 'once' })] };
		expect(scoreLead(once, [], events, NOW).engagement).toBe(10);
		const each = { ...base, engagement: [rule({ maxOccurrences: 2 })] };
		expect(scoreLead(each, [], events, NOW)).toMatchObject({
			engagement: 20,
			reasons: [expect.objectContaining({ occurrences: 2 })],
		});
		const three = { ...base, engagement: [rule({ minCount: 4, withinDays: 30 })] };
		expect(scoreLead(three, [], events, NOW).engagement).toBe(0);
		const pricing = {
			...base,
			engagement: [rule({ eventTypes: [], contains: '/PRICING', count: 'once', points: 25 })],
		};
		expect(scoreLead(pricing, [], events, NOW).engagement).toBe(25);
		// events after "now" do not count: reproducible scoring of past states
		expect(scoreLead(once, [], [click(-1)], NOW).engagement).toBe(0);
	});
	it('decays engagement by age: half-life and linear per period', () => {
		expect(decayFactor({ kind: 'halfLife', days: 30 }, 30)).toBeCloseTo(0.5);
		expect(decayFactor({ kind: 'halfLife', days: 30 }, 60)).toBeCloseTo(0.25);
		expect(decayFactor({ kind: 'linear', days: 30, percent: 25 }, 29)).toBe(1);
		expect(decayFactor({ kind: 'linear', days: 30, percent: 25 }, 61)).toBe(0.5);
		expect(decayFactor({ kind: 'linear', days: 30, percent: 25 }, 400)).toBe(0);
		const config = { ...base, decay: { kind: 'halfLife' as const, days: 30 }, engagement: [rule({ withinDays: 0 })] };
		const r = scoreLead(config, [], [click(0), click(30)], NOW);
		expect(r.engagement).toBe(15);
		expect(r.reasons[0]).toMatchObject({ raw: 20, points: 15, decayed: true });
	});
	it('caps groups and the total, and says which reasons were cut', () => {
		const config: ScoreConfig = {
			...base,
			fit: [{ name: 'fit', points: 50 }],
			engagement: [rule({ group: 'Email' }), rule({ name: 'More clicks', group: 'Email' })],
			groupCaps: { Email: 25 },
			totalCap: 70,
		};
		const r = scoreLead(config, [true], [click(1), click(2)], NOW);
		expect(r.reasons.map((x) => [x.rule, x.kind, x.points, x.capped ?? false])).toEqual([
			['fit', 'fit', 50, false],
			['Clicks', 'engagement', 20, false],
			['More clicks', 'engagement', 5, true],
			['Total cap (70)', 'cap', -5, false],
		]);
		expect(r).toMatchObject({ engagement: 25, total: 70 });
	});
	it('the reasons add up to the total: fit 60 and engagement 65 under a cap of 100', () => {
		const config: ScoreConfig = {
			...base,
			fit: [{ name: 'Right size', points: 60 }],
			engagement: [rule({ name: 'Webinar', points: 65 })],
			totalCap: 100,
		};
		const r = scoreLead(config, [true], [click(1)], NOW);
		expect(r).toMatchObject({ fit: 60, engagement: 65, total: 100 });
		expect(r.reasons.reduce((s, x) => s + x.points, 0)).toBe(100);
		expect(r.reasons[r.reasons.length - 1]).toEqual({ rule: 'Total cap (100)', kind: 'cap', points: -25 });
	});
	it('labels by the highest threshold reached, and the fit x engagement matrix', () => {
		const thresholds = [
			{ label: 'SQL', min: 80 },
			{ label: 'Lead', min: 0 },
			{ label: 'MQL', min: 50 },
		];
		expect([
			labelFor(thresholds, -1),
			labelFor(thresholds, 0),
			labelFor(thresholds, 79.9),
			labelFor(thresholds, 80),
		]).toEqual([null, 'Lead', 'MQL', 'SQL']);
		const matrix = {
			fit: [10, 20, 30] as [number, number, number],
			engagement: [5, 10, 15] as [number, number, number],
		};
		expect([matrixLabel(matrix, 30, 15), matrixLabel(matrix, 0, 0), matrixLabel(matrix, 20, 9)]).toEqual([
			'A1',
			'D4',
			'B3',
		]);
	});
	it('explains misses when asked', () => {
		const config = {
			...base,
			explainMisses: true,
			fit: [{ name: 'Director', points: 10 }],
			engagement: [rule({ minCount: 3 })],
		};
		expect(scoreLead(config, [false], [click(1)], NOW).reasons).toEqual([
			{ rule: 'Director', kind: 'fit', points: 0, missed: 'conditions not met' },
			expect.objectContaining({ rule: 'Clicks', points: 0, missed: '1 matching event, 3 needed' }),
		]);
	});
	it('reads events under mapped names and refuses a time it cannot read', () => {
		expect(readEvents([{ kind: 'visit', ts: 1_700_000_000_000, url: '/pricing' }], 'kind', 'ts')).toEqual([
			{ type: 'visit', at: 1_700_000_000_000, text: '/pricing' },
		]);
		expect(readEvents(undefined)).toEqual([]);
		expect(() => readEvents([{ type: 'x', at: 'soon' }])).toThrow('event 1 ("x") has no readable time in "at"');
		expect(() => readEvents('nope')).toThrow('not a list');
	});
});

describe('rules and model together', () => {
	const config: ScoreConfig = {
		...base,
		thresholds: [
			{ label: 'MQL', min: 50 },
			{ label: 'SQL', min: 80 },
		],
		matrix: { fit: [20, 40, 60], engagement: [10, 20, 30] },
	};
	const rules = {
		fit: 30,
		engagement: 25,
		total: 55,
		grade: 'C',
		label: 'MQL',
		matrix: 'C2',
		reasons: [
			{ rule: 'Decision maker', kind: 'fit' as const, points: 30 },
			{ rule: 'Clicks', kind: 'engagement' as const, points: 25 },
		],
	};
	const sum = (r: { reasons: Array<{ points: number }> }) =>
		Math.round(r.reasons.reduce((s, x) => s + x.points, 0) * 100) / 100;
	it('the model alone, or as the fit score beside the rules engagement', () => {
		const alone = combineWithModel(config, rules, 72, 'Model "conversion"', { mode: 'model' });
		expect(alone).toMatchObject({
			fit: 72,
			engagement: 0,
			total: 72,
			label: 'MQL',
			reasons: [{ rule: 'Model "conversion": 72% likely to convert', kind: 'model', points: 72 }],
		});
		const asFit = combineWithModel(config, rules, 72, 'Model "conversion"', { mode: 'modelAsFit' });
		expect(asFit).toMatchObject({ fit: 72, engagement: 25, total: 97, label: 'SQL', matrix: 'A2' });
		expect(asFit.reasons.map((r) => r.rule)).toEqual(['Model "conversion": 72% likely to convert', 'Clicks']);
		// The reasons' points add up to the total in every mode (log-odds stay in model.contributions).
		expect([sum(alone), sum(asFit)]).toEqual([72, 97]);
	});
	it('a weighted blend of probability and the rules total, or the model as points; caps and labels after', () => {
		const blend = combineWithModel(config, rules, 95, 'M', { mode: 'blend', weight: 0.5 });
		expect(blend).toMatchObject({ fit: 30, engagement: 25, total: 75, label: 'MQL', matrix: 'C2' });
		expect(blend.reasons[2]).toEqual({ rule: 'Blend: 50% model (95) + 50% rules (55)', kind: 'model', points: 20 });
		const points = combineWithModel(config, rules, 50, 'M', { mode: 'modelPoints', points: 30 });
		expect(points).toMatchObject({ fit: 45, total: 70, matrix: 'B2' });
		expect(points.reasons[0]).toEqual({ rule: 'M: 50% likely to convert', kind: 'model', points: 15, raw: 30 });
		const capped = combineWithModel({ ...config, totalCap: 60 }, rules, 100, 'M', { mode: 'modelPoints', points: 30 });
		expect(capped.total).toBe(60);
		expect(capped.reasons[capped.reasons.length - 1]).toEqual({ rule: 'Total cap (60)', kind: 'cap', points: -25 });
		expect(rules.total).toBe(55);
		for (const r of [blend, points, capped]) expect(sum(r)).toBe(r.total);
	});
});

describe('conversion model', () => {
	/** Rows from a known logistic truth: two categories and a number. */
	function truth(n: number, seed: number) {
		const next = seededRandom(seed);
		const rows: Array<Record<string, unknown>> = [];
		const y: number[] = [];
		for (let i = 0; i < n; i++) {
			const plan = ['free', 'pro', 'team'][Math.floor(next() * 3)];
			const region = ['eu', 'us'][Math.floor(next() * 2)];
			const z = -1 + (plan === 'pro' ? 1 : plan === 'team' ? 2 : 0) + (region === 'us' ? -0.5 : 0);
			rows.push({ plan, region });
			y.push(next() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
		}
		return { rows, y };
	}
	it('recovers the true effects (log-odds between levels) on generated data', async () => {
		const { rows, y } = truth(20_000, 3);
		const model = await trainModel(rows, y, ['plan', 'region'], { lambda: 0.1, interactions: 0 });
		const w = (label: string) => model.weights[model.columns.indexOf(label)];
		expect(Math.abs(w('plan=team') - w('plan=free') - 2)).toBeLessThan(0.15);
		expect(Math.abs(w('plan=pro') - w('plan=free') - 1)).toBeLessThan(0.15);
		expect(Math.abs(w('region=us') - w('region=eu') + 0.5)).toBeLessThan(0.15);
		expect(model.metrics!.auc).toBeGreaterThan(0.65);
		// calibration: held-out tenths predicted close to what happened
		for (const c of model.metrics!.calibration) expect(Math.abs(c.predicted - c.observed)).toBeLessThan(0.08);
	});
	it('explains a prediction by signed contributions and names missing fields', async () => {
		const { rows, y } = truth(5000, 4);
		const model = await trainModel(rows, y, ['plan', 'region'], { interactions: 0 });
		const hot = predict(model, { plan: 'team', region: 'eu' });
		const cold = predict(model, { plan: 'free', region: 'us' });
		expect(hot.probability).toBeGreaterThan(cold.probability);
		expect(hot.contributions[0]).toMatchObject({ field: 'plan' });
		expect(hot.contributions[0].effect).toBeGreaterThan(0);
		expect(cold.contributions.find((c) => c.field === 'plan')!.effect).toBeLessThan(0);
		expect(predict(model, { plan: 'team' }).missingFields).toEqual(['region']);
	});
	it('pools rare levels, bins numbers, and reads outcomes as people write them', async () => {
		const rows = Array.from({ length: 1000 }, (_, i) => ({ c: i < 2 ? 'rare' : i % 2 ? 'x' : 'y', n: i }));
		const [c, n] = await describeFeatures(rows, ['c', 'n']);
		expect(c).toMatchObject({ kind: 'category', levels: ['x', 'y'] });
		expect(n.kind).toBe('number');
		expect(n.cuts!.length).toBeGreaterThan(3);
		expect(['Won', 'closed won', 'YES', true, 1].map((v) => readOutcome(v))).toEqual([1, 1, 1, 1, 1]);
		expect(['lost', 'no', false, 0].map((v) => readOutcome(v))).toEqual([0, 0, 0, 0]);
		expect(readOutcome('')).toBeUndefined();
		expect(readOutcome('maybe', ['won'], ['lost'])).toBeUndefined();
	});
	it('splits stratified and reproducibly; AUC counts ties half', () => {
		const y = Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : 0));
		const a = stratifiedSplit(y, 0.2, 1);
		expect(a.test.filter((i) => y[i]).length).toBe(20);
		expect(stratifiedSplit(y, 0.2, 1)).toEqual(a);
		expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
		expect(rocAuc([0.5, 0.5], [0, 1])).toBe(0.5);
	});
	it('refuses to train without both outcomes', async () => {
		await expect(trainModel([{ a: 1 }], [1], ['a'])).rejects.toThrow(/at least 5 converted and 5 other rows/);
	});
	it('refuses a model wider than its column limit, naming the fields with the most values', async () => {
		// A wide CRM export: five fields with 140 values each, every value on more than 0.5% of the rows.
		const rows = Array.from({ length: 20_000 }, (_, i) => ({
			city: `city ${i % 140}`,
			title: `title ${(i * 7) % 139}`,
			campaign: `campaign ${(i * 11) % 138}`,
			industry: `industry ${(i * 13) % 137}`,
			product: `product ${(i * 3) % 136}`,
			plan: ['free', 'pro'][i % 2],
		}));
		const next = seededRandom(9);
		const y = rows.map(() => (next() < 0.3 ? 1 : 0));
		const fields = ['plan', 'product', 'industry', 'campaign', 'title', 'city'];
		await expect(trainModel(rows, y, fields, { interactions: 0 })).rejects.toThrow(
			/make 7\d\d model columns, more than 600; those with the most values: city \(142\), title \(141\), campaign \(140\), industry \(139\), product \(138\)/,
		);
	});
	it('never holds the event loop long: a training on 20,000 rows in slices', async () => {
		const { rows, y } = truth(20_000, 6);
		const wide = rows.map((r, i) => ({ ...r, day: String(1 + (i % 28)), month: String(i % 12), n: i % 977 }));
		const slicer = new Slicer();
		// Something else waiting on the event loop: how late its timers fire.
		let worst = 0;
		let last = performance.now();
		const probe = setInterval(() => {
			const now = performance.now();
			worst = Math.max(worst, now - last - 5);
			last = now;
		}, 5);
		const model = await trainModel(wide, y, ['plan', 'region', 'day', 'month', 'n'], {}, slicer);
		clearInterval(probe);
		expect(model.metrics!.auc).toBeGreaterThan(0.6);
		// Slices of about 25 ms (the whole training takes seconds); the limits leave room for a busy
		// 2-core CI machine running two test files at once, garbage collection included.
		expect(slicer.longest).toBeLessThan(250);
		expect(worst).toBeLessThan(300);
	});
	it('names a field that alone separates the outcome (recorded after it), and not the others', async () => {
		const { rows, y } = truth(4000, 7);
		const leaky = rows.map((r, i) => ({ ...r, close_reason: y[i] ? 'signed' : ['no budget', 'went silent'][i % 2] }));
		const model = await trainModel(leaky, y, ['plan', 'region', 'close_reason'], { interactions: 0 });
		expect(model.metrics!.separating).toEqual([{ field: 'close_reason', auc: 1 }]);
		const clean = await trainModel(rows, y, ['plan', 'region'], { interactions: 0 });
		expect(clean.metrics!.separating).toBeUndefined();
	});
	it('saves versions under a name in the state store', async () => {
		const store = new SqliteStore(':memory:');
		const { rows, y } = truth(500, 5);
		const model = await trainModel(rows, y, ['plan', 'region'], { interactions: 0 });
		await saveModel(store, { name: 'm', trainedAt: 't', fields: ['plan'], outcomeField: 'o', model });
		const second = await saveModel(store, { name: 'm', trainedAt: 't2', fields: ['plan'], outcomeField: 'o', model });
		expect(second.version).toBe(2);
		expect((await loadModel(store, 'm'))?.trainedAt).toBe('t2');
		expect((await loadModel(store, 'm', 1))?.trainedAt).toBe('t');
		expect(await loadModel(store, 'other')).toBeUndefined();
		expect(await modelNames(store)).toEqual(['m']);
		await store.close();
	});
});

const bank = join(DATASETS_DIR, 'bank-marketing', 'bank-full.csv');
(existsSync(bank) ? describe : describe.skip)('UCI Bank Marketing (../shared/datasets)', () => {
	it('held-out ROC AUC >= 0.78 without duration (seeded stratified 80/20)', async () => {
		const lines = readFileSync(bank, 'utf8').trim().split('\n');
		const header = lines[0].split(';').map((h) => h.replace(/"/g, ''));
		const rows = lines
			.slice(1)
			.map((l) => Object.fromEntries(l.split(';').map((v, i) => [header[i], v.replace(/"/g, '')])));
		const y = rows.map((r) => readOutcome(r.y)!);
		const model = await trainModel(
			rows,
			y,
			header.filter((h) => h !== 'y' && h !== 'duration'),
		);
		expect(model.metrics!.testRows).toBe(9042);
		expect(model.metrics!.auc).toBeGreaterThanOrEqual(0.78);
		expect(model.features.filter((f) => f.name.includes('*')).map((f) => f.name)).toContain('day*month');
	}, 60_000);
});

describe('presets', () => {
	const now = Date.parse('2026-12-01T00:00:00Z');
	const fields = (over: Partial<PresetFields>): PresetFields => ({
		jobTitle: undefined,
		companySize: undefined,
		email: undefined,
		country: undefined,
		budget: undefined,
		need: undefined,
		timeline: undefined,
		...over,
	});
	const options = { countries: ['US', 'CA'], minBudget: 10_000, timelineMonths: 6 };
	const fired = (rules: ReturnType<typeof b2bPreset>, f: PresetFields) =>
		rules.filter((r) => r.test(f, options)).map((r) => r.name);
	it('reads seniority from job titles as people write them, in several languages', () => {
		expect(
			[
				'CEO & Co-Founder',
				'VP Sales',
				'Head of Growth',
				'Directrice marketing',
				'Directeur Général',
				'IT Manager',
				'Marketing Intern',
				'Engineer',
				'',
			].map(seniority),
		).toEqual([4, 3, 3, 2, 4, 1, -1, 0, 0]);
		expect(seniority('Director of Operations')).toBe(2);
	});
	it('reads company sizes and timelines', () => {
		expect(['250', '51-200', '1,000+', '10k', 'n/a'].map(employees)).toEqual([250, 51, 1000, 10_000, undefined]);
		expect(
			['ASAP', 'this quarter', 'in 3 months', '2 weeks', 'next year', 'just looking', '2027-03-01'].map((t) =>
				timelineMonths(t, now),
			),
		).toEqual([0, 3, 3, 2 / 4.345, 18, undefined, expect.closeTo(2.96, 1)]);
	});
	it('B2B: seniority, size, business email and target country', () => {
		expect(
			fired(b2bPreset(), fields({ jobTitle: 'VP Marketing', companySize: '500', email: 'a@acme.com', country: 'us' })),
		).toEqual(['VP or head of', 'Company of 200+ employees', 'Business email', 'Target country']);
		expect(fired(b2bPreset(), fields({ jobTitle: 'Student', email: 'x@gmail.com', country: 'FR' }))).toEqual([
			'Student or intern',
			'Free email',
		]);
	});
	it('BANT: budget by amount or yes, authority from director up, a real need, a near timeline', () => {
		const bant = bantPreset(now);
		expect(
			fired(
				bant,
				fields({ budget: '$25,000', jobTitle: 'Director IT', need: 'Replace our CRM', timeline: 'this quarter' }),
			),
		).toEqual(['Budget', 'Authority', 'Need', 'Timeline']);
		expect(
			fired(bant, fields({ budget: 'no budget yet', jobTitle: 'Analyst', need: 'n/a', timeline: 'next year' })),
		).toEqual([]);
		expect(fired(bant, fields({ budget: 'yes, approved', timeline: '2 months' }))).toEqual(['Budget', 'Timeline']);
		expect(fired(bant, fields({ budget: 5000 }))).toEqual([]);
	});
});
