/**
 * Match weights learned from the batch itself (Fellegi-Sunter, as Splink does): for each field and
 * each way two values can compare (its levels), u is how often two different people's records
 * compare that way, estimated on random pairs, and m how often two records of one person do,
 * estimated by expectation-maximisation on the candidate pairs with u held fixed. A level's weight
 * is log2(m / u); exact agreement on a name is weighed by that name's own frequency at scoring time.
 * The hand-set weights seed m and remain what batches too small to learn from use.
 */
import { handWeight, LEVELS, pairLevels, WEIGHTS, type LearnedWeights, type Level, type MatchModel } from './compare';
import type { Prepared } from './fields';
import { forEachCandidate, type MatcherConfig } from './matcher';

/** Below this many records, the hand-set weights: too few pairs to tell m from u. */
export const MIN_RECORDS_TO_LEARN = 1000;
/** Larger batches learn from this many of their records, evenly spread. */
export const MAX_TRAINING_RECORDS = 20000;
/** Random pairs for u. */
const RANDOM_PAIRS = 50000;
/** Candidate pairs kept for EM (later ones are not needed to converge). */
const MAX_TRAINING_PAIRS = 1000000;
const ITERATIONS = 25;
const NONE = 255;
/** Learned weights stay within these bits. */
const MIN_WEIGHT = -16;
const MAX_WEIGHT = 24;
/** A name's exact-agreement weight may differ from the field's average by this much either way. */
const TF_SPREAD = 6;

/**
 * Levels that stay hand-set: each says something about a pair given the other fields, which a
 * model of independent fields cannot learn. Colleagues share a company domain and a company name
 * (learned alone, a shared domain with another mailbox is rare among random pairs, so it would
 * count for a match); a mailbox made from the names repeats the names' evidence.
 */
const HAND_SET: ReadonlySet<Level> = new Set<Level>(['colleague', 'namebox', 'role']);

/** Deterministic pseudo-random numbers (mulberry32): the same batch learns the same weights. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const LEVEL_CODE = new Map<Level, number>(LEVELS.map((l, i) => [l, i]));

/** Learned weights per field name, or undefined when the batch is too small to learn from. */
export interface Learned {
	weights: Map<string, LearnedWeights>;
	/**
	 * Bits a pair needs for even odds of being one person: the prior odds against two records of
	 * this batch matching (log2), which grow with the batch (pairs grow with its square, people
	 * with it).
	 */
	priorBits: number;
}

export function learnModel(records: Prepared[], config: MatcherConfig, model: MatchModel): Learned | undefined {
	const n = records.length;
	if (n < MIN_RECORDS_TO_LEARN) return undefined;
	const fields = config.fields;
	const F = fields.length;
	const L = LEVELS.length;
	const step = n / Math.min(n, MAX_TRAINING_RECORDS);
	const sample = Array.from({ length: Math.min(n, MAX_TRAINING_RECORDS) }, (_, i) => records[Math.floor(i * step)]);
	const s = sample.length;

	// u: how different people compare (random pairs are almost all different people).
	const uCount = new Float64Array(F * L);
	const next = seededRandom(s);
	const randomPairs = Math.min(RANDOM_PAIRS, (s * (s - 1)) / 2);
	for (let k = 0; k < randomPairs; k++) {
		const i = Math.floor(next() * s);
		const j = Math.floor(next() * s);
		if (i === j) continue;
		const levels = pairLevels(sample[i], sample[j], fields, model);
		for (let f = 0; f < F; f++) {
			const l = levels[f];
			if (l) uCount[f * L + LEVEL_CODE.get(l)!]++;
		}
	}

	// The candidate pairs' levels, one byte per field.
	let codes = new Uint8Array(1 << 16);
	let pairs = 0;
	forEachCandidate(sample, config, (a, b) => {
		if (pairs >= MAX_TRAINING_PAIRS) return;
		if ((pairs + 1) * F > codes.length) {
			const bigger = new Uint8Array(codes.length * 2);
			bigger.set(codes);
			codes = bigger;
		}
		const levels = pairLevels(sample[a], sample[b], fields, model);
		for (let f = 0; f < F; f++) codes[pairs * F + f] = levels[f] ? LEVEL_CODE.get(levels[f]!)! : NONE;
		pairs++;
	});
	if (pairs < MIN_RECORDS_TO_LEARN) return undefined;

	// Which levels each field shows at all; u smoothed so that a level random pairs never show
	// (two people with one email) gets a large but finite weight.
	const seen = new Uint8Array(F * L);
	for (let p = 0; p < pairs * F; p++) if (codes[p] !== NONE) seen[(p % F) * L + codes[p]] = 1;
	const u = new Float64Array(F * L);
	const m = new Float64Array(F * L);
	for (let f = 0; f < F; f++) {
		let total = 0;
		let shown = 0;
		for (let l = 0; l < L; l++) {
			if (uCount[f * L + l] > 0) seen[f * L + l] = 1;
			total += uCount[f * L + l];
			shown += seen[f * L + l];
		}
		let mTotal = 0;
		for (let l = 0; l < L; l++) {
			if (!seen[f * L + l]) continue;
			u[f * L + l] = (uCount[f * L + l] + 0.5) / (total + 0.5 * shown);
			m[f * L + l] = u[f * L + l] * 2 ** handWeight(fields[f].kind, LEVELS[l]);
			mTotal += m[f * L + l];
		}
		for (let l = 0; l < L; l++) m[f * L + l] /= mTotal || 1;
	}

	// EM on the candidates, a mixture of matches (m) and non-matches (uc) and their share (lambda).
	// Candidates share a blocking key, so their non-matches agree more often than random pairs do:
	// uc is learned here for that, and the weights use m against the random pairs' u.
	const uc = new Float64Array(F * L);
	for (let p = 0; p < pairs * F; p++) if (codes[p] !== NONE) uc[(p % F) * L + codes[p]]++;
	for (let f = 0; f < F; f++) {
		let total = 0;
		for (let l = 0; l < L; l++) total += uc[f * L + l];
		for (let l = 0; l < L; l++) uc[f * L + l] = seen[f * L + l] ? (uc[f * L + l] + 0.5) / (total + 0.5 * L) : 0;
	}
	let lambda = 0.3;
	const logRatio = new Float64Array(F * L);
	const mSum = new Float64Array(F * L);
	const uSum = new Float64Array(F * L);
	const mDen = new Float64Array(F);
	const uDen = new Float64Array(F);
	// The first E step is the hand-set weights' verdict: EM starts from the reading of the data
	// that the rest of the package takes, not from wherever the mixture would wander.
	const handLog = new Float64Array(F * L);
	for (let f = 0; f < F; f++)
		for (let l = 0; l < L; l++) handLog[f * L + l] = handWeight(fields[f].kind, LEVELS[l]) * Math.LN2;
	for (let it = 0; it < ITERATIONS; it++) {
		for (let k = 0; k < F * L; k++) logRatio[k] = it === 0 ? handLog[k] : seen[k] ? Math.log(m[k] / uc[k]) : 0;
		mSum.fill(0);
		uSum.fill(0);
		mDen.fill(0);
		uDen.fill(0);
		let matched = 0;
		const prior = it === 0 ? -config.threshold * Math.LN2 : Math.log(lambda / (1 - lambda));
		for (let p = 0; p < pairs; p++) {
			let odds = prior;
			for (let f = 0; f < F; f++) {
				const c = codes[p * F + f];
				if (c !== NONE) odds += logRatio[f * L + c];
			}
			const post = odds > 30 ? 1 : odds < -30 ? 0 : 1 / (1 + Math.exp(-odds));
			matched += post;
			for (let f = 0; f < F; f++) {
				const c = codes[p * F + f];
				if (c === NONE) continue;
				mSum[f * L + c] += post;
				mDen[f] += post;
				uSum[f * L + c] += 1 - post;
				uDen[f] += 1 - post;
			}
		}
		lambda = Math.min(0.999, Math.max(1e-6, matched / pairs));
		for (let f = 0; f < F; f++) {
			let shown = 0;
			for (let l = 0; l < L; l++) shown += seen[f * L + l];
			for (let l = 0; l < L; l++) {
				if (!seen[f * L + l]) continue;
				m[f * L + l] = (mSum[f * L + l] + 0.01) / (mDen[f] + 0.01 * shown);
				uc[f * L + l] = (uSum[f * L + l] + 0.01) / (uDen[f] + 0.01 * shown);
			}
		}
	}

	const learned = new Map<string, LearnedWeights>();
	for (let f = 0; f < F; f++) {
		const field = fields[f];
		const level = {} as Record<Level, number>;
		for (let l = 0; l < L; l++) {
			const k = f * L + l;
			level[LEVELS[l]] =
				seen[k] && !HAND_SET.has(LEVELS[l])
					? Math.min(MAX_WEIGHT, Math.max(MIN_WEIGHT, Math.log2(m[k] / u[k])))
					: handWeight(field.kind, LEVELS[l]);
		}
		// Closer agreement never weighs less than looser agreement.
		level.fuzzy = Math.min(level.fuzzy, level.exact);
		level.weak = Math.min(level.weak, level.fuzzy);
		level.diff = Math.min(level.diff, level.weak);
		const mExact = m[f * L + LEVEL_CODE.get('exact')!] || 2 ** -20;
		const tf = !!WEIGHTS[field.kind].tf;
		const tfHi = Math.min(MAX_WEIGHT, level.exact + TF_SPREAD);
		learned.set(field.name, {
			level,
			mExact,
			tfLo: tf ? Math.max(level.fuzzy, level.exact - TF_SPREAD) : level.exact,
			tfHi,
			max: Math.max(...Object.values(level), tf ? tfHi : -Infinity),
		});
	}
	// Matches in the sample (lambda of its candidates, nearly all matches being candidates), among
	// all its pairs; the whole batch has n / s times the sample's people in (n / s)^2 its pairs.
	const matches = Math.max(1, lambda * pairs);
	const priorBits = Math.log2(((s * (s - 1)) / 2 - matches) / matches) + Math.log2(n / s);
	return { weights: learned, priorBits };
}
