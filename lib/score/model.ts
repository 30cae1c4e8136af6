/**
 * A conversion model anyone can train on their own won/lost history and check: a logistic
 * regression with L2 regularisation, fitted by Newton's method (iteratively reweighted least
 * squares) on sparse rows. Categorical fields are one-hot with rare levels pooled; numbers are
 * binned at their quantiles (one-hot) beside a standardised linear term; missing values have a
 * column of their own. No dependency: the model is a small JSON document.
 */
import { seededRandom } from '../dedupe/learn';

export interface FeatureSpec {
	name: string;
	kind: 'category' | 'number';
	/** Categories with a column of their own; the rest share "(other)". */
	levels?: string[];
	/** Quantile cut points of a number (bin k holds values <= cuts[k]). */
	cuts?: number[];
	mean?: number;
	std?: number;
}

export interface ModelMetrics {
	auc: number;
	logLoss: number;
	/** Mean predicted and observed rate per tenth of the held-out rows, by predicted probability. */
	calibration: Array<{ predicted: number; observed: number; n: number }>;
	trainRows: number;
	testRows: number;
	positiveRate: number;
	/** Fields that alone separate the held-out outcomes almost perfectly (AUC > 0.95): likely leaks. */
	separating?: Array<{ field: string; auc: number }>;
}

export interface Model {
	kind: 'logistic';
	features: FeatureSpec[];
	/** Column labels ("month=may", "age<=33", "balance (std)", "pdays (missing)"). */
	columns: string[];
	/** Feature index of each column. */
	columnFeature: number[];
	weights: number[];
	intercept: number;
	/** Mean of each column over the training rows (for signed contributions). */
	columnMeans: number[];
	metrics?: ModelMetrics;
}

export interface TrainOptions {
	/** L2 penalty on the weights (not the intercept). */
	lambda?: number;
	/** Share of rows held out to measure the model (stratified, seeded). */
	testShare?: number;
	seed?: number;
	maxBins?: number;
	/** Levels rarer than this share of rows are pooled into "(other)". */
	minLevelShare?: number;
	/**
	 * Pairs of fields whose combination has its own effect ("month*day"), or how many pairs to
	 * find in the data (default 2: the pairs of few-valued fields whose combined levels explain the
	 * outcome best beyond either field alone, penalised by their number of levels).
	 */
	interactions?: string[] | number;
}

type Row = Record<string, unknown>;

/** The most columns a model may have: its Newton step solves a dense system of this size. */
export const MAX_COLUMNS = 600;

export class ModelError extends Error {}

/**
 * Cuts long work into slices of about `budgetMs` with the event loop free in between (training
 * runs on n8n's main thread: no slice may hold it for long).
 */
export class Slicer {
	private last = performance.now();
	/** The longest a slice ran (ms), for tests and the bench. */
	longest = 0;
	constructor(private readonly budgetMs = 25) {}
	async tick(): Promise<void> {
		const now = performance.now();
		if (now - this.last < this.budgetMs) return;
		this.longest = Math.max(this.longest, now - this.last);
		await new Promise((resolve) => setImmediate(resolve));
		this.last = performance.now();
	}
	end(): void {
		this.longest = Math.max(this.longest, performance.now() - this.last);
	}
}

const MISSING = '(missing)';
/** A numeric field with at most this many distinct values is treated as categories. */
const MAX_NUMBER_LEVELS = 32;
const OTHER = '(other)';

function isMissing(v: unknown): boolean {
	return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

/** A field's value; "a*b" is the pair of two fields' values (an interaction). */
function valueOf(row: Row, name: string): unknown {
	if (name in row || !name.includes('*')) return row[name];
	const [a, b] = name.split('*');
	const x = row[a];
	const y = row[b];
	return isMissing(x) || isMissing(y) ? undefined : `${String(x)}|${String(y)}`;
}

function asNumber(v: unknown): number {
	if (typeof v === 'number') return v;
	if (typeof v === 'string' && v.trim() !== '') return Number(v.trim());
	return NaN;
}

/**
 * Log-likelihood (nats) of the outcomes under per-level rates of coded values, minus one per level
 * (AIC-like); levels rarer than `minCount` pool together, as the model would pool them.
 */
function levelFit(codes: ArrayLike<number>, levels: number, y: ArrayLike<number>, minCount: number): number {
	const pos = new Float64Array(levels);
	const all = new Float64Array(levels);
	for (let i = 0; i < codes.length; i++) {
		all[codes[i]]++;
		pos[codes[i]] += y[i];
	}
	let ll = 0;
	let params = 0;
	let otherPos = 0;
	let otherAll = 0;
	const add = (p1: number, n: number) => {
		const p = (p1 + 0.5) / (n + 1);
		ll += p1 * Math.log(p) + (n - p1) * Math.log(1 - p);
		params++;
	};
	for (let l = 0; l < levels; l++) {
		if (!all[l]) continue;
		if (all[l] >= minCount) add(pos[l], all[l]);
		else {
			otherPos += pos[l];
			otherAll += all[l];
		}
	}
	if (otherAll) add(otherPos, otherAll);
	return ll - params;
}

/** The `count` pairs of few-valued fields whose combination adds most beyond either field alone. */
export async function findInteractions(
	rows: Row[],
	y: ArrayLike<number>,
	names: string[],
	count: number,
	minCount: number,
	slicer = new Slicer(),
): Promise<string[]> {
	if (count <= 0) return [];
	// Each few-valued field's values as small integer codes (0: missing).
	const coded: Array<{ name: string; codes: Int32Array; levels: number }> = [];
	for (const name of names) {
		await slicer.tick();
		const ids = new Map<string, number>();
		const codes = new Int32Array(rows.length);
		let ok = true;
		for (let i = 0; i < rows.length && ok; i++) {
			const v = valueOf(rows[i], name);
			if (isMissing(v)) continue;
			const key = String(v);
			let id = ids.get(key);
			if (id === undefined) {
				id = ids.size + 1;
				ids.set(key, id);
				if (ids.size > 40) ok = false;
			}
			codes[i] = id;
		}
		if (ok && ids.size > 1) coded.push({ name, codes, levels: ids.size + 1 });
	}
	const single = coded.map((f) => levelFit(f.codes, f.levels, y, minCount));
	const gains: Array<{ pair: string; gain: number }> = [];
	const joint = new Int32Array(rows.length);
	for (let a = 0; a < coded.length; a++) {
		for (let b = a + 1; b < coded.length; b++) {
			await slicer.tick();
			const A = coded[a];
			const B = coded[b];
			for (let i = 0; i < rows.length; i++)
				joint[i] = A.codes[i] && B.codes[i] ? A.codes[i] * B.levels + B.codes[i] : 0;
			const gain = levelFit(joint, A.levels * B.levels, y, minCount) - Math.max(single[a], single[b]);
			if (gain > 10) gains.push({ pair: `${A.name}*${B.name}`, gain });
		}
	}
	return gains
		.sort((p, q) => q.gain - p.gain)
		.slice(0, count)
		.map((g) => g.pair);
}

/** Learns each feature's kind, levels, cuts and scale from the training rows. */
export async function describeFeatures(
	rows: Row[],
	names: string[],
	options: TrainOptions = {},
	slicer = new Slicer(),
): Promise<FeatureSpec[]> {
	const maxBins = options.maxBins ?? 8;
	const minCount = Math.max(5, Math.ceil((options.minLevelShare ?? 0.005) * rows.length));
	const specs: FeatureSpec[] = [];
	for (const name of names) {
		await slicer.tick();
		specs.push(describeFeature(rows, name, maxBins, minCount));
	}
	return specs;
}

function describeFeature(rows: Row[], name: string, maxBins: number, minCount: number): FeatureSpec {
	{
		const present = rows.map((r) => valueOf(r, name)).filter((v) => !isMissing(v));
		const numbers = present.map(asNumber).filter((x) => Number.isFinite(x));
		// Numbers with few distinct values (day of month, counts) are categories: each value its own effect.
		if (present.length && numbers.length >= 0.95 * present.length && new Set(numbers).size > MAX_NUMBER_LEVELS) {
			const sorted = [...numbers].sort((a, b) => a - b);
			const cuts = [
				...new Set(
					Array.from({ length: maxBins - 1 }, (_, k) => sorted[Math.floor(((k + 1) * sorted.length) / maxBins)]),
				),
			].filter((c, i, all) => c < sorted[sorted.length - 1] && (i === 0 || c > all[i - 1]));
			const mean = numbers.reduce((s, x) => s + x, 0) / numbers.length;
			const std = Math.sqrt(numbers.reduce((s, x) => s + (x - mean) ** 2, 0) / numbers.length) || 1;
			return { name, kind: 'number', cuts, mean, std };
		}
		const counts = new Map<string, number>();
		for (const v of present) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
		const levels = [...counts.entries()]
			.filter(([, c]) => c >= minCount)
			.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
			.map(([v]) => v);
		return { name, kind: 'category', levels };
	}
}

/** The columns the features make, with their labels and owning feature. */
function columnsOf(features: FeatureSpec[]): { labels: string[]; feature: number[] } {
	const labels: string[] = [];
	const feature: number[] = [];
	features.forEach((f, i) => {
		const add = (label: string) => {
			labels.push(label);
			feature.push(i);
		};
		if (f.kind === 'number') {
			const cuts = f.cuts ?? [];
			cuts.forEach((c, k) => add(k === 0 ? `${f.name}<=${c}` : `${cuts[k - 1]}<${f.name}<=${c}`));
			add(cuts.length ? `${f.name}>${cuts[cuts.length - 1]}` : `${f.name} (any)`);
			add(`${f.name} (std)`);
			add(`${f.name} (missing)`);
		} else {
			for (const level of f.levels ?? []) add(`${f.name}=${level}`);
			add(`${f.name}=${OTHER}`);
			add(`${f.name}=${MISSING}`);
		}
	});
	return { labels, feature };
}

const LEVEL_INDEX = new WeakMap<FeatureSpec, Map<string, number>>();
/** A category's column by level, built once per feature (scoring runs it for every lead). */
function levelIndex(f: FeatureSpec): Map<string, number> {
	let m = LEVEL_INDEX.get(f);
	if (!m) {
		m = new Map((f.levels ?? []).map((l, i) => [l, i]));
		LEVEL_INDEX.set(f, m);
	}
	return m;
}

const BASELINE = new WeakMap<Model, Float64Array>();
/** Per feature, the average lead's log-odds from it (the reference of a contribution). */
function baseline(model: Model): Float64Array {
	let b = BASELINE.get(model);
	if (!b) {
		b = new Float64Array(model.features.length);
		for (let j = 0; j < model.weights.length; j++) b[model.columnFeature[j]] += model.weights[j] * model.columnMeans[j];
		BASELINE.set(model, b);
	}
	return b;
}

/**
 * Writes a row's sparse columns into `index` / `value` (each feature sets one column, numbers two)
 * and returns how many; names of fields the row lacks go to `missing`. No allocation but those
 * names: scoring runs it for every lead.
 */
function encodeInto(
	features: FeatureSpec[],
	row: Row,
	index: Int32Array,
	value: Float64Array,
	missing: string[],
): number {
	let count = 0;
	let base = 0;
	for (let i = 0; i < features.length; i++) {
		const f = features[i];
		const v = valueOf(row, f.name);
		const absent = isMissing(v);
		if (absent && !f.name.split('*').every((part) => part in row)) missing.push(f.name);
		if (f.kind === 'number') {
			const cuts = f.cuts!;
			const x = absent ? NaN : asNumber(v);
			if (!Number.isFinite(x)) {
				index[count] = base + cuts.length + 2;
				value[count++] = 1;
			} else {
				let bin = 0;
				while (bin < cuts.length && x > cuts[bin]) bin++;
				index[count] = base + bin;
				value[count++] = 1;
				index[count] = base + cuts.length + 1;
				value[count++] = (x - f.mean!) / f.std!;
			}
			base += cuts.length + 3;
		} else {
			const levels = f.levels!;
			const k = absent ? undefined : levelIndex(f).get(typeof v === 'string' ? v : String(v));
			index[count] = base + (absent ? levels.length + 1 : (k ?? levels.length));
			value[count++] = 1;
			base += levels.length + 2;
		}
	}
	return count;
}

/** A row as sparse columns (index, value); the intercept is separate. */
export function encodeRow(features: FeatureSpec[], row: Row): { index: number[]; value: number[]; missing: string[] } {
	const index = new Int32Array(features.length * 2);
	const value = new Float64Array(features.length * 2);
	const missing: string[] = [];
	const n = encodeInto(features, row, index, value, missing);
	return { index: Array.from(index.subarray(0, n)), value: Array.from(value.subarray(0, n)), missing };
}

/** Cholesky solve of A x = b (A symmetric positive definite, row-major n x n); A is overwritten. */
async function solve(A: Float64Array, b: Float64Array, n: number, slicer: Slicer): Promise<Float64Array> {
	for (let j = 0; j < n; j++) {
		await slicer.tick();
		let d = A[j * n + j];
		for (let k = 0; k < j; k++) d -= A[j * n + k] ** 2;
		const root = Math.sqrt(Math.max(d, 1e-12));
		A[j * n + j] = root;
		for (let i = j + 1; i < n; i++) {
			let s = A[i * n + j];
			for (let k = 0; k < j; k++) s -= A[i * n + k] * A[j * n + k];
			A[i * n + j] = s / root;
		}
	}
	const y = new Float64Array(n);
	for (let i = 0; i < n; i++) {
		let s = b[i];
		for (let k = 0; k < i; k++) s -= A[i * n + k] * y[k];
		y[i] = s / A[i * n + i];
	}
	const x = new Float64Array(n);
	for (let i = n - 1; i >= 0; i--) {
		let s = y[i];
		for (let k = i + 1; k < n; k++) s -= A[k * n + i] * x[k];
		x[i] = s / A[i * n + i];
	}
	return x;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Fits weights and intercept on encoded rows by Newton's method with an L2 penalty. */
async function fit(
	rows: Array<{ index: number[]; value: number[] }>,
	y: Uint8Array,
	width: number,
	lambda: number,
	slicer: Slicer,
): Promise<{ weights: Float64Array; intercept: number }> {
	// Column `width` is the intercept.
	const n = width + 1;
	const w = new Float64Array(n);
	const rate = y.reduce((s, v) => s + v, 0) / y.length;
	w[width] = Math.log(Math.max(rate, 1e-6) / Math.max(1 - rate, 1e-6));
	const loss = async (v: Float64Array): Promise<number> => {
		let total = 0;
		for (let i = 0; i < rows.length; i++) {
			if ((i & 1023) === 0) await slicer.tick();
			const { index, value } = rows[i];
			let z = v[width];
			for (let k = 0; k < index.length; k++) z += v[index[k]] * value[k];
			// log(1 + e^z) - y z, computed without overflow
			total += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - y[i] * z;
		}
		for (let j = 0; j < width; j++) total += (lambda / 2) * v[j] * v[j];
		return total;
	};
	for (let it = 0; it < 25; it++) {
		const H = new Float64Array(n * n);
		const g = new Float64Array(n);
		for (let i = 0; i < rows.length; i++) {
			if ((i & 255) === 0) await slicer.tick();
			const { index, value } = rows[i];
			let z = w[width];
			for (let k = 0; k < index.length; k++) z += w[index[k]] * value[k];
			const p = sigmoid(z);
			const r = p - y[i];
			const s = Math.max(p * (1 - p), 1e-9);
			for (let a = 0; a < index.length; a++) {
				const ia = index[a];
				const va = value[a];
				g[ia] += r * va;
				for (let b = 0; b < index.length; b++) H[ia * n + index[b]] += s * va * value[b];
				H[ia * n + width] += s * va;
				H[width * n + ia] += s * va;
			}
			g[width] += r;
			H[width * n + width] += s;
		}
		for (let j = 0; j < width; j++) {
			g[j] += lambda * w[j];
			H[j * n + j] += lambda;
		}
		const step = await solve(H, g, n, slicer);
		// Damped Newton: halve the step until the penalised loss does not rise (separable data and
		// rare columns can make a full step overshoot).
		const before = await loss(w);
		let scale = 1;
		const trial = new Float64Array(n);
		for (let halvings = 0; halvings < 30; halvings++) {
			for (let j = 0; j < n; j++) trial[j] = w[j] - scale * step[j];
			if ((await loss(trial)) <= before + 1e-9) break;
			scale /= 2;
		}
		let change = 0;
		for (let j = 0; j < n; j++) {
			change = Math.max(change, Math.abs(w[j] - trial[j]));
			w[j] = trial[j];
		}
		if (change < 1e-6) break;
	}
	return { weights: w.subarray(0, width), intercept: w[width] };
}

/** Area under the ROC curve (ties counted half). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
	const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
	let rankSum = 0;
	let positives = 0;
	for (let i = 0; i < order.length; ) {
		let j = i;
		while (j + 1 < order.length && scores[order[j + 1]] === scores[order[i]]) j++;
		const rank = (i + j) / 2 + 1;
		for (let k = i; k <= j; k++) {
			if (!labels[order[k]]) continue;
			rankSum += rank;
			positives++;
		}
		i = j + 1;
	}
	const negatives = order.length - positives;
	if (!positives || !negatives) return NaN;
	return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Seeded stratified split: each class shuffled and cut at the same share. */
export function stratifiedSplit(
	y: ArrayLike<number>,
	testShare: number,
	seed: number,
): { train: number[]; test: number[] } {
	const next = seededRandom(seed);
	const train: number[] = [];
	const test: number[] = [];
	for (const cls of [0, 1]) {
		const idx = Array.from({ length: y.length }, (_, i) => i).filter((i) => y[i] === cls);
		for (let i = idx.length - 1; i > 0; i--) {
			const j = Math.floor(next() * (i + 1));
			[idx[i], idx[j]] = [idx[j], idx[i]];
		}
		const cut = Math.round(idx.length * testShare);
		test.push(...idx.slice(0, cut));
		train.push(...idx.slice(cut));
	}
	return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/**
 * How well each field alone tells the outcome on the held-out rows (its values' conversion rates
 * learned on the training rows; a number by its size): a field that alone separates them almost
 * perfectly is usually recorded after the outcome (a close date, a stage, an owner), not a cause.
 */
async function singleFieldAuc(
	rows: Row[],
	y: Uint8Array,
	names: string[],
	train: number[],
	test: number[],
	slicer: Slicer,
): Promise<Array<{ field: string; auc: number }>> {
	const out: Array<{ field: string; auc: number }> = [];
	const labels = test.map((i) => y[i]);
	for (const name of names) {
		await slicer.tick();
		const numbers = test.map((i) => asNumber(valueOf(rows[i], name)));
		let scores: number[];
		if (numbers.every((x) => Number.isFinite(x)) && new Set(numbers).size > MAX_NUMBER_LEVELS) scores = numbers;
		else {
			const pos = new Map<string, number>();
			const all = new Map<string, number>();
			let rate = 0;
			for (const i of train) {
				const key = String(valueOf(rows[i], name) ?? MISSING);
				all.set(key, (all.get(key) ?? 0) + 1);
				pos.set(key, (pos.get(key) ?? 0) + y[i]);
				rate += y[i];
			}
			rate /= train.length || 1;
			scores = test.map((i) => {
				const key = String(valueOf(rows[i], name) ?? MISSING);
				const n = all.get(key) ?? 0;
				// Smoothed by one row at the overall rate; a value never seen in training gets the overall rate.
				return n ? ((pos.get(key) ?? 0) + rate) / (n + 1) : rate;
			});
		}
		const auc = rocAuc(scores, labels);
		if (Number.isFinite(auc)) out.push({ field: name, auc: Math.round(Math.max(auc, 1 - auc) * 1000) / 1000 });
	}
	return out;
}

/**
 * Trains on rows with an outcome (1 converted/won, 0 not): fits on a seeded stratified share,
 * measures on the rest, then refits on every row so the stored model uses all the history. Runs
 * in slices with n8n's event loop free in between; a model wider than `MAX_COLUMNS` columns is
 * refused, naming the fields with the most levels.
 */
export async function trainModel(
	rows: Row[],
	outcomes: number[],
	featureNames: string[],
	options: TrainOptions = {},
	slicer = new Slicer(),
): Promise<Model> {
	if (rows.length !== outcomes.length) throw new ModelError('rows and outcomes differ in length');
	const positives = outcomes.filter((o) => o === 1).length;
	if (positives < 5 || rows.length - positives < 5)
		throw new ModelError(
			`need at least 5 converted and 5 other rows to learn from (got ${positives} and ${rows.length - positives})`,
		);
	if (!featureNames.length) throw new ModelError('no fields to learn from');
	const lambda = options.lambda ?? 1;
	const y = Uint8Array.from(outcomes);
	const { train, test } = stratifiedSplit(y, options.testShare ?? 0.2, options.seed ?? 42);
	const build = async (idx: number[]) => {
		const sub = idx.map((i) => rows[i]);
		const subY = idx.map((i) => y[i]);
		const minCount = Math.max(5, Math.ceil((options.minLevelShare ?? 0.005) * sub.length));
		const pairs = Array.isArray(options.interactions)
			? options.interactions
			: await findInteractions(sub, subY, featureNames, options.interactions ?? 2, minCount, slicer);
		const features = await describeFeatures(sub, [...featureNames, ...pairs], options, slicer);
		const { labels, feature } = columnsOf(features);
		if (labels.length > MAX_COLUMNS) {
			const widest = features
				.map((f, k) => ({ name: f.name, columns: feature.filter((x) => x === k).length }))
				.sort((a, b) => b.columns - a.columns)
				.slice(0, 5)
				.map((f) => `${f.name} (${f.columns})`);
			throw new ModelError(
				`the fields make ${labels.length} model columns, more than ${MAX_COLUMNS}; those with the most values: ${widest.join(', ')}. Leave some out under Fields to Learn From (or turn Interactions off)`,
			);
		}
		const encoded: Array<{ index: number[]; value: number[] }> = [];
		for (let k = 0; k < sub.length; k++) {
			if ((k & 1023) === 0) await slicer.tick();
			encoded.push(encodeRow(features, sub[k]));
		}
		const fitted = await fit(encoded, Uint8Array.from(subY), labels.length, lambda, slicer);
		const columnMeans = new Array<number>(labels.length).fill(0);
		for (const e of encoded)
			for (let k = 0; k < e.index.length; k++) columnMeans[e.index[k]] += e.value[k] / encoded.length;
		const model: Model = {
			kind: 'logistic',
			features,
			columns: labels,
			columnFeature: feature,
			weights: Array.from(fitted.weights),
			intercept: fitted.intercept,
			columnMeans,
		};
		return model;
	};
	const held = await build(train);
	const p: number[] = [];
	for (const i of test) {
		if ((p.length & 1023) === 0) await slicer.tick();
		p.push(predict(held, rows[i]).probability);
	}
	const labelsTest = test.map((i) => y[i]);
	const eps = 1e-12;
	const logLoss = -p.reduce((s, q, k) => s + (labelsTest[k] ? Math.log(q + eps) : Math.log(1 - q + eps)), 0) / p.length;
	const order = p.map((_, k) => k).sort((a, b) => p[a] - p[b]);
	const calibration = Array.from({ length: 10 }, (_, d) => {
		const part = order.slice(Math.floor((d * order.length) / 10), Math.floor(((d + 1) * order.length) / 10));
		const n = part.length || 1;
		return {
			predicted: Math.round((part.reduce((s, k) => s + p[k], 0) / n) * 1000) / 1000,
			observed: Math.round((part.reduce((s, k) => s + labelsTest[k], 0) / n) * 1000) / 1000,
			n: part.length,
		};
	});
	const separating = (await singleFieldAuc(rows, y, featureNames, train, test, slicer)).filter((f) => f.auc > 0.95);
	const model = await build(Array.from({ length: rows.length }, (_, i) => i));
	slicer.end();
	model.metrics = {
		auc: rocAuc(p, labelsTest),
		logLoss,
		calibration,
		trainRows: train.length,
		testRows: test.length,
		positiveRate: positives / rows.length,
		...(separating.length ? { separating } : {}),
	} satisfies ModelMetrics;
	return model;
}

export interface Prediction {
	/** Probability of conversion, 0..1. */
	probability: number;
	/** The fields that moved this lead's probability most, signed (log-odds against the average). */
	contributions: Array<{ field: string; effect: number }>;
	/** Fields the model uses that the lead does not carry. */
	missingFields: string[];
}

let scratchIndex = new Int32Array(64);
let scratchValue = new Float64Array(64);
let scratchEffect = new Float64Array(32);

/** Scores one row with a trained model. */
export function predict(model: Model, row: Row, top = 3): Prediction {
	const F = model.features.length;
	if (scratchIndex.length < F * 2) {
		scratchIndex = new Int32Array(F * 2);
		scratchValue = new Float64Array(F * 2);
	}
	if (scratchEffect.length < F) scratchEffect = new Float64Array(F);
	const missing: string[] = [];
	const n = encodeInto(model.features, row, scratchIndex, scratchValue, missing);
	// Contributions against the average lead: every column's weight times (value - mean).
	const effect = scratchEffect;
	const reference = baseline(model);
	for (let f = 0; f < F; f++) effect[f] = -reference[f];
	let z = model.intercept;
	for (let k = 0; k < n; k++) {
		const j = scratchIndex[k];
		const w = model.weights[j] * scratchValue[k];
		z += w;
		effect[model.columnFeature[j]] += w;
	}
	// The `top` largest effects by size, without sorting every feature.
	const picked: number[] = [];
	for (let f = 0; f < F; f++) {
		const size = Math.abs(effect[f]);
		if (size < 0.005) continue;
		let at = picked.length;
		while (at > 0 && Math.abs(effect[picked[at - 1]]) < size) at--;
		if (at < top) {
			picked.splice(at, 0, f);
			if (picked.length > top) picked.pop();
		}
	}
	const contributions = picked.map((f) => ({
		field: model.features[f].name,
		effect: Math.round(effect[f] * 100) / 100,
	}));
	return { probability: sigmoid(z), contributions, missingFields: missing };
}

/** Outcome values read as converted / won. */
export const POSITIVE_OUTCOMES = ['1', 'yes', 'y', 'true', 'won', 'closed won', 'converted', 'customer', 'win'];

/** 1, 0, or undefined for an outcome that says neither (the row is then left out). */
export function readOutcome(
	value: unknown,
	positive: string[] = POSITIVE_OUTCOMES,
	negative?: string[],
): 0 | 1 | undefined {
	if (value === true || value === 1) return 1;
	if (value === false || value === 0) return 0;
	if (isMissing(value)) return undefined;
	const text = String(value).trim().toLowerCase();
	if (positive.map((p) => p.toLowerCase()).includes(text)) return 1;
	if (negative) return negative.map((p) => p.toLowerCase()).includes(text) ? 0 : undefined;
	return 0;
}
