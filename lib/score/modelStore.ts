/**
 * Trained models kept in the package's state store (SQLite by default, Redis for queue mode),
 * versioned under a name: saving writes version n + 1 and points "latest" at it in one transaction.
 */
import type { KeyValueStore } from '../store/types';
import type { Model } from './model';

/** Models shared by every workflow (and every model a node saved at Score Leads version 1). */
export const MODEL_NAMESPACE = 'score:models';

/** The namespace of a scope's models: the shared one, or `score:models:wf:<id>` and the like. */
export const modelNamespace = (scopeKey?: string) => (scopeKey ? `${MODEL_NAMESPACE}:${scopeKey}` : MODEL_NAMESPACE);

export interface StoredModel {
	name: string;
	version: number;
	trainedAt: string;
	fields: string[];
	outcomeField: string;
	model: Model;
}

const latestKey = (name: string) => `${name}:latest`;
const versionKey = (name: string, version: number) => `${name}:v${version}`;

/** Saves a model as the next version of `name`; returns the stored record. */
export async function saveModel(
	store: KeyValueStore,
	record: Omit<StoredModel, 'version'>,
	namespace = MODEL_NAMESPACE,
): Promise<StoredModel> {
	return await store.transact(namespace, [latestKey(record.name)], (view) => {
		const version = Number(view.get(latestKey(record.name)) ?? 0) + 1;
		const stored: StoredModel = { ...record, version };
		view.set(versionKey(record.name, version), JSON.stringify(stored));
		view.set(latestKey(record.name), String(version));
		return stored;
	});
}

/** The latest (or a given) version of a model, or undefined when there is none by that name. */
export async function loadModel(
	store: KeyValueStore,
	name: string,
	version?: number,
	namespace = MODEL_NAMESPACE,
): Promise<StoredModel | undefined> {
	// Two targeted reads (the pointer, then that version), not every stored version of the model.
	const wanted = version ?? Number((await store.entries(namespace, latestKey(name)))[latestKey(name)] ?? 0);
	if (!wanted) return undefined;
	const key = versionKey(name, wanted);
	const text = (await store.entries(namespace, key))[key];
	return text ? (JSON.parse(text) as StoredModel) : undefined;
}

/** Names of the stored models (for the error that names the known ones). */
export async function modelNames(store: KeyValueStore, namespace = MODEL_NAMESPACE): Promise<string[]> {
	const entries = await store.entries(namespace);
	return Object.keys(entries)
		.filter((k) => k.endsWith(':latest'))
		.map((k) => k.slice(0, -':latest'.length))
		.sort();
}
