/**
 * A person's right to erasure: one call that forgets a person, by email and/or lead id, from
 * every store the package keeps in a scope (Dedupe's memory, stage histories, SLA clocks, cached
 * provider answers looked up with the email, the Lead Capture Trigger's repeat window, and a
 * routing record of the person's company domain when asked), and says what was erased where.
 */
import { createHash } from 'node:crypto';
import { prepareValue } from '../dedupe/fields';
import { emailBlockingKey } from '../dedupe/matcher';
import { forgetMemoryModel } from '../dedupe/memoryModel';
import { forgetCachedPerson } from '../enrich/client';
import { normalizeEmail } from '../normalize/email';
import { forgetClocks } from '../sla/ledger';
import { forgetLeads } from '../stage/memory';
import type { LeadKeys } from './records';
import type { KeyValueStore, LeadMemory, StateStore } from './types';

export type ErasableStore = StateStore & LeadMemory & KeyValueStore;

/** Where each memory of a scope lives (the namespaces the nodes use for it). */
export interface ErasureScope {
	dedupe: string[];
	stage: string[];
	sla: string[];
	enrichmentCache: string[];
	/** Route's memories: the account owner of the person's company domain is forgotten there (optional). */
	routing: string[];
}

export interface ErasureReport {
	email: string | null;
	lead_id: string | null;
	/** Records removed (or found and removed) per store. */
	erased: {
		dedupe_memory: number;
		stage_history: number;
		sla_clocks: number;
		enrichment_cache: number;
		repeat_window: number;
		routing: number;
	};
	total: number;
}

/** The trigger's repeat claims of a person, listed under `p:<sha-256 of the email>` in this namespace. */
export const CAPTURE_PERSONS = 'capture:persons';
export const personIndexKey = (email: string) =>
	`p:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;

/** Lists a repeat claim under the person it is about (so it can be erased); bounded, expiring with the window. */
export async function indexClaim(
	store: KeyValueStore,
	email: string,
	claim: { namespace: string; key: string },
	expiresAt: number,
	now = Date.now(),
): Promise<void> {
	const index = personIndexKey(email);
	const listed = (await store.peek(CAPTURE_PERSONS, [index], now)).get(index);
	const claims = (listed ? (JSON.parse(listed) as Array<[string, string]>) : []).filter(
		([ns, key]) => !(ns === claim.namespace && key === claim.key),
	);
	claims.push([claim.namespace, claim.key]);
	await store.put(CAPTURE_PERSONS, [{ key: index, value: JSON.stringify(claims.slice(-100)), expiresAt }]);
}

/** Erases a person from every store of the scope; returns what was erased per store. */
export async function erasePerson(
	store: ErasableStore,
	person: { email?: string; leadId?: string },
	scope: ErasureScope,
	options: { companyDomain?: string } = {},
): Promise<ErasureReport> {
	const email = person.email?.trim()
		? (normalizeEmail(person.email)?.email ?? person.email.trim().toLowerCase())
		: null;
	const leadId = person.leadId?.trim() || null;
	const lead: LeadKeys = { ids: leadId ? [leadId] : [], emails: email ? [email] : [] };
	const erased = {
		dedupe_memory: 0,
		stage_history: 0,
		sla_clocks: 0,
		enrichment_cache: 0,
		repeat_window: 0,
		routing: 0,
	};
	for (const ns of scope.dedupe) {
		const before = erased.dedupe_memory;
		if (email) {
			const prepared = prepareValue('email', person.email) ?? email;
			erased.dedupe_memory += await store.forgetByKey(ns, emailBlockingKey(prepared));
		}
		if (leadId) erased.dedupe_memory += await store.forget(ns, [leadId]);
		// the weights learned from this memory counted the person's names: learned again without them
		if (erased.dedupe_memory > before) await forgetMemoryModel(store, ns);
	}
	if (lead.ids.length || lead.emails.length) {
		for (const ns of scope.stage) erased.stage_history += (await forgetLeads(store, ns, [lead]))[0];
		for (const ns of scope.sla) erased.sla_clocks += (await forgetClocks(store, ns, [lead]))[0] ? 1 : 0;
	}
	if (email) {
		for (const ns of scope.enrichmentCache) erased.enrichment_cache += await forgetCachedPerson(store, ns, email);
		const index = personIndexKey(email);
		const listed = (await store.peek(CAPTURE_PERSONS, [index])).get(index);
		for (const [ns, key] of listed ? (JSON.parse(listed) as Array<[string, string]>) : []) {
			await store.release(ns, key);
			erased.repeat_window++;
		}
		await store.put(CAPTURE_PERSONS, [{ key: index, value: null }]);
	}
	if (options.companyDomain) {
		const key = `acct:${options.companyDomain.toLowerCase()}`;
		for (const ns of scope.routing) {
			const had = (await store.peek(ns, [key])).has(key);
			if (had) {
				await store.transact(ns, [key], (view) => view.delete(key));
				erased.routing++;
			}
		}
	}
	return {
		email,
		lead_id: leadId,
		erased,
		total: Object.values(erased).reduce((s, n) => s + n, 0),
	};
}
