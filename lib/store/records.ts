/**
 * Records kept per lead in a key-value namespace, found by any of the lead's ids or emails: a record
 * lives under `r:<uid>` and every id and email points at it (`i:<id>`, `e:<email>`). Reads and
 * writes of a batch run in one transaction of the store (Advance Stage's histories, SLA Check's
 * ledger).
 */
import { randomUUID } from 'node:crypto';
import type { KeyValueStore, KvView } from './types';

export interface LeadKeys {
	ids: string[];
	emails: string[];
}

/** What every keyed record carries: its own id and the keys that point at it. */
export interface KeyedRecord {
	uid: string;
	ids: string[];
	emails: string[];
}

const MAX_KEYS = 20;

const pointerKeys = (k: LeadKeys) => [...k.ids.map((id) => `i:${id}`), ...k.emails.map((e) => `e:${e}`)];
/** Records are named after the first key they were stored under, so a look-up by it needs one read. */
const recordKey = (uid: string) => `r:${uid}`;

/**
 * Runs `body` over the records of these leads in one transaction. A lead found through a key other
 * than the one its record was created under needs that record loaded too: the transaction is run
 * again with it (the pointers are re-checked inside, so the result stays exact).
 */
export async function transactRecords<R extends KeyedRecord, T>(
	store: KeyValueStore,
	namespace: string,
	leads: LeadKeys[],
	body: (records: RecordView<R>) => T,
	now?: number,
): Promise<T> {
	const base = new Set<string>();
	for (const lead of leads) {
		for (const key of pointerKeys(lead)) {
			base.add(key);
			base.add(recordKey(key));
		}
	}
	const extra = new Set<string>();
	for (let attempt = 0; attempt < 6; attempt++) {
		const keys = [...base, ...extra];
		const result = await store.transact<{ missing: string[] } | { value: T }>(
			namespace,
			keys,
			(view) => {
				const loaded = new Set(keys);
				const missing = leads
					.flatMap(pointerKeys)
					.map((k) => view.get(k))
					.filter((uid): uid is string => !!uid && !loaded.has(recordKey(uid)))
					.map(recordKey);
				if (missing.length) return { missing };
				return { value: body(new RecordView<R>(view)) };
			},
			now,
		);
		if (!('missing' in result)) return result.value;
		for (const k of result.missing) extra.add(k);
	}
	throw new Error('The records kept changing while they were read: retry the execution');
}

/** Records read and written inside one transaction (a lead handled twice in a batch sees its first change). */
export class RecordView<R extends KeyedRecord> {
	private readonly cache = new Map<string, R>();

	constructor(private readonly view: KvView) {}

	find(lead: LeadKeys): R | undefined {
		for (const key of pointerKeys(lead)) {
			const uid = this.view.get(key);
			if (!uid) continue;
			const cached = this.cache.get(uid);
			if (cached) return cached;
			const text = this.view.get(recordKey(uid));
			if (!text) continue;
			const record = JSON.parse(text) as R;
			this.cache.set(uid, record);
			return record;
		}
		return undefined;
	}

	/** The lead's record, or a new one from `make` (not stored until saved). */
	findOrCreate(lead: LeadKeys, make: (uid: string) => R): R {
		const found = this.find(lead);
		if (found) return found;
		const record = make(pointerKeys(lead)[0] ?? randomUUID());
		this.cache.set(record.uid, record);
		return record;
	}

	/** Writes the record and points each key of the lead at it (keys held by another lead stay theirs). */
	save(record: R, lead: LeadKeys): void {
		for (const id of lead.ids) {
			if (record.ids.includes(id) || record.ids.length >= MAX_KEYS) continue;
			if (this.claimed(`i:${id}`, record.uid)) record.ids.push(id);
		}
		for (const email of lead.emails) {
			if (record.emails.includes(email) || record.emails.length >= MAX_KEYS) continue;
			if (this.claimed(`e:${email}`, record.uid)) record.emails.push(email);
		}
		this.cache.set(record.uid, record);
		this.view.set(recordKey(record.uid), JSON.stringify(record));
	}

	private claimed(key: string, uid: string): boolean {
		const holder = this.view.get(key);
		if (holder && holder !== uid) return false;
		if (!holder) this.view.set(key, uid);
		return true;
	}

	/**
	 * Writes (or, with null, deletes) a key of the namespace beside the records: an index the
	 * caller keeps in the same transaction. Its prefix must not be `r:`, `i:` or `e:`.
	 */
	setKey(key: string, value: string | null): void {
		if (/^[rie]:/.test(key)) throw new Error(`"${key}" is a record or pointer key`);
		if (value === null) this.view.delete(key);
		else this.view.set(key, value);
	}

	/** Puts a member in a sorted index of the namespace (null takes it out), in the same transaction. */
	score(index: string, member: string, score: number | null): void {
		this.view.score(index, member, score);
	}

	/** Forgets the record and every key pointing at it; returns it. */
	remove(lead: LeadKeys): R | undefined {
		const record = this.find(lead);
		if (!record) return undefined;
		for (const id of record.ids) this.view.delete(`i:${id}`);
		for (const email of record.emails) this.view.delete(`e:${email}`);
		this.view.delete(recordKey(record.uid));
		this.cache.delete(record.uid);
		return record;
	}
}

/** Every record of a namespace, a page at a time (bounded memory; see KeyValueStore.pages). */
export async function* keyedRecordPages<R extends KeyedRecord>(
	store: KeyValueStore,
	namespace: string,
	size = 2000,
): AsyncIterable<R[]> {
	for await (const page of store.pages(namespace, 'r:', size)) yield page.map(([, text]) => JSON.parse(text) as R);
}

/** Every record of a namespace. */
export async function allKeyedRecords<R extends KeyedRecord>(store: KeyValueStore, namespace: string): Promise<R[]> {
	const entries = await store.entries(namespace, 'r:');
	return Object.values(entries).map((text) => JSON.parse(text) as R);
}
