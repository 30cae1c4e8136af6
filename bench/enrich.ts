/**
 * Enrich Leads figures: local enrichment throughput on generated form traffic, and the share of
 * provider look-ups the cache and batch de-duplication save on batches with repeated domains.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProvider } from '../lib/enrich/client';
import { enrichLocally, type LocalInput } from '../lib/enrich/local';
import { VENDOR_ADAPTERS } from '../lib/enrich/providers/vendors';
import { fieldState } from '../lib/enrich/section';
import { companyDomain } from '../lib/normalize/domain';
import { SqliteStore } from '../lib/store/sqlite';
import { fetchSender, ProviderMock } from '../test/helpers/providerMock';
import { formTraffic } from './traffic';

type Case = () => Promise<Record<string, unknown>>;

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v));
function inputs(n: number): LocalInput[] {
	return formTraffic(n).map((l) => ({
		email: text(l.email),
		phone: text(l.phone),
		first_name: text(l.first_name),
		last_name: text(l.last_name),
		full_name: text(l.full_name),
		country: text(l.country),
		city: text(l.city),
		website: text(l.website),
		salutation: '',
	}));
}

/** Every local part on, in batches of 1,000 as n8n would hand them over. */
export function enrichLocalSpeed(n: number): Case {
	return async () => {
		const leads = inputs(n);
		const options = {
			email: true,
			phone: true,
			name: true,
			country: true,
			language: 'en',
			detectSwaps: true,
			salutation: true,
		};
		enrichLocally(leads.slice(0, 1000), options); // load the lists once, as a running n8n has
		const start = process.hrtime.bigint();
		let zones = 0;
		let validPhones = 0;
		for (let i = 0; i < leads.length; i += 1000) {
			for (const r of enrichLocally(leads.slice(i, i + 1000), options)) {
				if (r.enrichment.time_zone?.zone) zones++;
				if (r.enrichment.phone?.valid) validPhones++;
			}
		}
		const seconds = Number(process.hrtime.bigint() - start) / 1e9;
		return {
			name: `enrichLocal${n / 1000}k`,
			leads: n,
			seconds,
			leadsPerSecond: Math.round(n / seconds),
			withTimeZone: zones,
			validPhones,
		};
	};
}

/**
 * Five executions of 1,000 leads each from generated traffic (companies shared by several people,
 * people returning), looked up by company domain with a provider on 127.0.0.1: how many look-ups
 * reached the provider, and how many the cache and batch de-duplication saved.
 */
export function enrichCacheSavings(batches: number, size: number): Case {
	return async () => {
		const leads = formTraffic(batches * size, 11);
		const dir = mkdtempSync(join(tmpdir(), 'bench-enrich-'));
		const mock = new ProviderMock({
			'/organizations/enrich': (req) => ({
				status: 200,
				body: { organization: { name: req.query.domain, industry: 'software', estimated_num_employees: 50 } },
			}),
		});
		const base = await mock.start();
		const store = new SqliteStore(join(dir, 'cache.sqlite'));
		try {
			const start = process.hrtime.bigint();
			let withDomain = 0;
			let saved = 0;
			for (let b = 0; b < batches; b++) {
				const batch = leads.slice(b * size, (b + 1) * size);
				const { summary } = await runProvider(
					batch.map((l) => ({
						input: {
							email: null,
							first_name: null,
							last_name: null,
							full_name: null,
							company: null,
							domain: companyDomain({ email: l.email }),
						},
						has: (f: string) => fieldState({}, f),
					})),
					{
						adapter: VENDOR_ADAPTERS['apollo.organization'],
						baseUrl: base,
						send: fetchSender(),
						store,
						cacheTtlMs: 30 * 86_400_000,
						rateKey: 'bench',
						requestsPerSecond: 0,
						maxRetries: 0,
						maxRetryWaitMs: 0,
						concurrency: 8,
					},
				);
				withDomain += summary.leads - summary.skipped;
				saved += summary.calls_saved;
			}
			const seconds = Number(process.hrtime.bigint() - start) / 1e9;
			return {
				name: 'enrichCacheSavings',
				leads: batches * size,
				withCompanyDomain: withDomain,
				providerCalls: mock.requests.length,
				saved,
				savedShare: Math.round((saved / withDomain) * 1000) / 1000,
				seconds,
			};
		} finally {
			store.close();
			await mock.stop();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
