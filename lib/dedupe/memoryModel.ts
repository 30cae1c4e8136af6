/**
 * Weights for comparisons against earlier executions, learned from the remembered leads. Each
 * execution sees few leads, too few to learn from (learn.ts needs 1,000), but the memory holds many:
 * the weights are learned from its most recently seen leads (at most MAX_TRAINING_RECORDS, so the
 * time a training takes is bounded: about 0.5 to 2 s) and kept with the memory, under its
 * namespace, until it has grown by a fifth or a week has passed. Below 1,000 remembered leads the
 * hand-set weights stay in use.
 */
import type { KeyValueStore, LeadMemory } from '../store/types';
import { termFrequencies, type LearnedWeights, type MatchModel } from './compare';
import { learnModel, MAX_TRAINING_RECORDS, MIN_RECORDS_TO_LEARN } from './learn';
import { modelFlags, posteriorBitsOf, type MatcherConfig } from './matcher';

/** Trained again once the memory has grown by this share since the last training... */
export const RETRAIN_GROWTH = 0.2;
/** ...or when the weights are this old. */
export const RETRAIN_AFTER_MS = 7 * 86_400_000;
const MODEL_KEY = 'weights';
const META_KEY = 'meta';

export interface StoredModel {
	v: 1;
	trainedAt: number;
	/** Leads remembered when it was trained, and how many of them it learned from. */
	remembered: number;
	sample: number;
	/** Bits a pair needs for even odds, for a memory of `remembered` leads. */
	priorBits: number;
	/** The fields it was learned for (a changed field list trains again). */
	fields: string;
	weights: Array<[string, LearnedWeights]>;
	/** How often each name (and city) occurs in the sample: a shared rare name says more. */
	tf?: { n: number; counts: Array<[string, Array<[string, number]>]> };
}

/** Where a memory's weights are kept: beside its records, in the key-value part of the same store. */
export const modelNamespace = (namespace: string) => `${namespace}:weights`;

const fieldList = (config: MatcherConfig) => config.fields.map((f) => `${f.name}:${f.kind}`).join(',');

/** Whether stored weights still serve a memory of `remembered` leads at `now`. */
export function isFresh(
	model: Omit<StoredModel, 'weights' | 'tf'>,
	config: MatcherConfig,
	remembered: number,
	now: number,
): boolean {
	return (
		model.v === 1 &&
		model.fields === fieldList(config) &&
		remembered <= model.remembered * (1 + RETRAIN_GROWTH) &&
		now - model.trainedAt < RETRAIN_AFTER_MS
	);
}

/** Learns weights from remembered leads' values (undefined below 1,000 of them). */
export function trainMemoryModel(
	values: Array<Record<string, string | undefined>>,
	remembered: number,
	config: MatcherConfig,
	now: number,
): StoredModel | undefined {
	const tf = termFrequencies(values, config.fields);
	const learned = learnModel(values, config, { tf, ...modelFlags(config) });
	if (!learned) return undefined;
	// learnModel's prior is for a batch of the sample's size; the memory is `remembered` leads.
	const priorBits = learned.priorBits + Math.log2(Math.max(1, remembered / values.length));
	return {
		v: 1,
		trainedAt: now,
		remembered,
		sample: values.length,
		priorBits,
		fields: fieldList(config),
		weights: [...learned.weights],
		...(tf
			? { tf: { n: tf.n, counts: [...tf.counts].map(([f, m]) => [f, [...m]] as [string, Array<[string, number]>]) } }
			: {}),
	};
}

/** Stored weights with their lookup maps, built once per process and training (see `parsedModels`). */
interface Parsed {
	stored: StoredModel;
	learned: NonNullable<MatchModel['learned']>;
	tf?: MatchModel['tf'];
}

function parsed(stored: StoredModel): Parsed {
	return {
		stored,
		learned: new Map(stored.weights),
		...(stored.tf
			? { tf: { n: stored.tf.n, counts: new Map(stored.tf.counts.map(([f, m]) => [f, new Map(m)])) } }
			: {}),
	};
}

/** The match model of parsed weights (the threshold follows the configuration: posterior bits). */
function modelOf({ stored, learned, tf }: Parsed, config: MatcherConfig): MatchModel {
	return {
		learned,
		minScore: stored.priorBits + posteriorBitsOf(config),
		...modelFlags(config),
		...(tf ? { tf } : {}),
	};
}

/**
 * The weights memory comparisons use: the stored ones while fresh, else learned again now (and
 * stored); undefined (the hand-set weights) in rules mode, with learning off, or below 1,000
 * remembered leads. Two executions training at once both store their weights; the later one stays,
 * which is as good (the weights are derived from the memory, not part of it). An erasure that
 * races a training may see the weights stored again from a sample read before it: they hold name
 * counts, not leads, and are replaced at the next training.
 */
export async function memoryModel(
	memory: LeadMemory,
	kv: KeyValueStore,
	namespace: string,
	config: MatcherConfig,
	now: number,
): Promise<{ model?: MatchModel; stored?: StoredModel; trained: boolean }> {
	if (config.mode !== 'score' || config.learn === false) return { trained: false };
	const remembered = await memory.count(namespace);
	if (remembered < MIN_RECORDS_TO_LEARN) return { trained: false };
	const ns = modelNamespace(namespace);
	// Read and written like a cache (no lock): every Dedupe execution reads it, and a lost write
	// only means one more training. The weights (a few hundred kB with the name counts) are read
	// and parsed once per process and training; each execution reads the small `meta` key.
	const meta = parseJson<StoredMeta>((await kv.peek(ns, [META_KEY], now)).get(META_KEY));
	if (meta && isFresh(meta, config, remembered, now)) {
		const cache = parsedModels(kv);
		let hit = cache.get(ns);
		if (hit?.stored.trainedAt !== meta.trainedAt) {
			const stored = parseJson<StoredModel>((await kv.peek(ns, [MODEL_KEY], now)).get(MODEL_KEY));
			hit = stored?.trainedAt === meta.trainedAt ? remember(cache, ns, stored) : undefined;
		}
		if (hit) return { model: modelOf(hit, config), stored: hit.stored, trained: false };
	}
	const fresh = trainMemoryModel(await memory.recentValues(namespace, MAX_TRAINING_RECORDS), remembered, config, now);
	if (!fresh) return { trained: false };
	const freshMeta: StoredMeta = {
		v: fresh.v,
		trainedAt: fresh.trainedAt,
		remembered: fresh.remembered,
		sample: fresh.sample,
		priorBits: fresh.priorBits,
		fields: fresh.fields,
	};
	await kv.put(ns, [
		{ key: MODEL_KEY, value: JSON.stringify(fresh) },
		{ key: META_KEY, value: JSON.stringify(freshMeta) },
	]);
	return { model: modelOf(remember(parsedModels(kv), ns, fresh), config), stored: fresh, trained: true };
}

/** What says whether stored weights are fresh, without the weights. */
type StoredMeta = Omit<StoredModel, 'weights' | 'tf'>;

function parseJson<T>(raw: string | undefined): T | undefined {
	try {
		return raw ? (JSON.parse(raw) as T) : undefined;
	} catch {
		return undefined;
	}
}

/** Weights parsed in this process, per store and memory (at most PARSED_LIMIT memories per store). */
const PARSED = new WeakMap<KeyValueStore, Map<string, Parsed>>();
const PARSED_LIMIT = 64;

function parsedModels(kv: KeyValueStore): Map<string, Parsed> {
	let cache = PARSED.get(kv);
	if (!cache) PARSED.set(kv, (cache = new Map()));
	return cache;
}

function remember(cache: Map<string, Parsed>, ns: string, stored: StoredModel): Parsed {
	const entry = parsed(stored);
	cache.delete(ns);
	cache.set(ns, entry);
	if (cache.size > PARSED_LIMIT) cache.delete(cache.keys().next().value!);
	return entry;
}

/**
 * Drops a memory's learned weights (they hold name counts from its leads): after an erasure or a
 * cleared memory they are learned again from what remains, at the next look-up.
 */
export async function forgetMemoryModel(kv: KeyValueStore, namespace: string): Promise<void> {
	const ns = modelNamespace(namespace);
	await kv.put(ns, [
		{ key: META_KEY, value: null },
		{ key: MODEL_KEY, value: null },
	]);
	parsedModels(kv).delete(ns);
}
