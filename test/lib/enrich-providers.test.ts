import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retryAfterMs, runProvider, type LeadLookup, type ProviderRunOptions } from '../../lib/enrich/client';
import { genericAdapter, genericSpecProblem } from '../../lib/enrich/providers/generic';
import type { LookupInput } from '../../lib/enrich/providers/types';
import { VENDOR_ADAPTERS } from '../../lib/enrich/providers/vendors';
import { applyOutcome, fieldState, sectionOf } from '../../lib/enrich/section';
import { SqliteStore } from '../../lib/store/sqlite';
import { fetchSender, ProviderMock, type MockAnswer } from '../helpers/providerMock';
import { startRedis } from '../helpers/redisServer';

const FIXTURES = join(__dirname, '..', 'fixtures', 'providers');
const recorded = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as unknown;
const errors = recorded('errors') as Record<string, unknown>;

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'enrich-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input = (over: Partial<LookupInput>): LookupInput => ({
	email: null,
	first_name: null,
	last_name: null,
	full_name: null,
	domain: null,
	company: null,
	...over,
});
const lead = (over: Partial<LookupInput>, section: Record<string, unknown> = {}): LeadLookup => ({
	input: input(over),
	has: (f) => fieldState(section, f),
});
const ok = (body: unknown): MockAnswer => ({ status: 200, body });

async function withMock<T>(
	routes: Record<string, (req: never, n: number) => MockAnswer>,
	fn: (mock: ProviderMock, base: string) => Promise<T>,
): Promise<T> {
	const mock = new ProviderMock(routes as never);
	const base = await mock.start();
	try {
		return await fn(mock, base);
	} finally {
		await mock.stop();
	}
}

const options = (base: string, over: Partial<ProviderRunOptions>): ProviderRunOptions => ({
	adapter: VENDOR_ADAPTERS['hunter.verify'],
	baseUrl: base,
	send: fetchSender(),
	cacheTtlMs: 0,
	rateKey: 'test',
	requestsPerSecond: 0,
	maxRetries: 3,
	maxRetryWaitMs: 2000,
	concurrency: 4,
	// back-off waits are real but short: the scripted failures are few
	sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
	...over,
});

describe('vendor adapters against recorded answers', () => {
	it.each([
		[
			'hunter.verify',
			'/email-verifier',
			'hunter-verify',
			input({ email: 'patrick@stripe.com' }),
			{ 'email.verification': { status: 'valid', result: 'deliverable', score: 100, accept_all: false } },
			{ email: 'patrick@stripe.com' },
		],
		[
			'hunter.finder',
			'/email-finder',
			'hunter-finder',
			input({ first_name: 'Alexis', last_name: 'Ohanian', domain: 'reddit.com' }),
			{
				'person.email': 'alexis@reddit.com',
				'person.email_score': 97,
				'person.title': 'Cofounder',
				'company.name': 'Reddit',
			},
			{ domain: 'reddit.com', first_name: 'Alexis', last_name: 'Ohanian' },
		],
		[
			'hunter.domain',
			'/domain-search',
			'hunter-domain',
			input({ domain: 'stripe.com' }),
			{
				'company.email_pattern': '{first}',
				'company.name': 'Stripe',
				'company.industry': 'Financial Services',
				'company.size': '1001-5000',
			},
			{ domain: 'stripe.com' },
		],
		[
			'apollo.person',
			'/people/match',
			'apollo-person',
			input({ email: 'tim@apollo.io' }),
			{
				'person.title': 'Founder & CEO',
				'person.seniority': 'founder',
				'person.department': 'c_suite',
				'company.name': 'Apollo.io',
				'company.domain': 'apollo.io',
				'company.employees': 1600,
				'company.industry': 'information technology & services',
			},
			{ email: 'tim@apollo.io' },
		],
		[
			'apollo.organization',
			'/organizations/enrich',
			'apollo-organization',
			input({ domain: 'apollo.io' }),
			{ 'company.name': 'Apollo.io', 'company.founded': 2015, 'company.country': 'United States' },
			{ domain: 'apollo.io' },
		],
		[
			'pdl.person',
			'/person/enrich',
			'pdl-person',
			input({ email: 'sean@peopledatalabs.com' }),
			{
				'person.title': 'co-founder and chief executive officer',
				'person.seniority': 'cxo',
				'person.likelihood': 9,
				'company.name': 'people data labs',
				'company.size': '51-200',
			},
			{ email: 'sean@peopledatalabs.com', min_likelihood: '6' },
		],
		[
			'pdl.company',
			'/company/enrich',
			'pdl-company',
			input({ domain: 'google.com' }),
			{
				'company.name': 'Google',
				'company.employees': 290000,
				'company.country': 'united states',
				'company.founded': 1998,
			},
			{ website: 'google.com' },
		],
	])(
		'%s maps its answer into canonical fields and asks with the lead',
		async (id, path, fixture, lookup, fields, query) => {
			await withMock({ [path]: () => ok(recorded(fixture)) }, async (mock, base) => {
				const { outcomes, summary } = await runProvider(
					[{ input: lookup, has: () => ({ present: false, at: null }) }],
					{
						...options(base, {}),
						adapter: VENDOR_ADAPTERS[id],
					},
				);
				expect(outcomes[0].status).toBe('called');
				expect(outcomes[0].answer?.found).toBe(true);
				expect(outcomes[0].answer?.fields).toMatchObject(fields);
				expect(mock.on(path)).toHaveLength(1);
				expect(mock.on(path)[0].query).toMatchObject(query);
				expect(summary).toMatchObject({ requests: 1, answered: 1, errors: 0 });
			});
		},
	);
	it('404 is "not found", not an error (People Data Labs does not charge it)', async () => {
		await withMock({ '/person/enrich': () => ({ status: 404, body: errors.pdl404 }) }, async (_m, base) => {
			const { outcomes, summary } = await runProvider([lead({ email: 'nobody@acme.com' })], {
				...options(base, {}),
				adapter: VENDOR_ADAPTERS['pdl.person'],
			});
			expect(outcomes[0]).toMatchObject({ status: 'called', answer: { found: false, fields: {} } });
			expect(summary.not_found).toBe(1);
		});
	});
	it('a lead without what the provider needs is skipped with the reason, no call', async () => {
		await withMock({}, async (mock, base) => {
			const { outcomes } = await runProvider([lead({ first_name: 'Ann' })], {
				...options(base, {}),
				adapter: VENDOR_ADAPTERS['hunter.finder'],
			});
			expect(outcomes[0]).toEqual({ status: 'skipped', reason: 'needs a first and last name and a company domain' });
			expect(mock.requests).toHaveLength(0);
		});
	});
});

describe('failures: retried when worth it, never losing the lead', () => {
	it('401: the credential is refused, and no other lead of the batch is sent', async () => {
		await withMock({ '/email-verifier': () => ({ status: 401, body: errors.hunter401 }) }, async (mock, base) => {
			const leads = ['a@x.com', 'b@x.com', 'c@x.com'].map((email) => lead({ email }));
			const { outcomes, summary } = await runProvider(leads, { ...options(base, {}), concurrency: 1 });
			expect(mock.requests).toHaveLength(1);
			for (const o of outcomes) {
				expect(o.status).toBe('error');
				expect(o.error?.kind).toBe('auth');
				expect(o.error?.message).toBe(
					'Hunter Email Verifier refused the credential (401): No user found for the API key supplied. Check the API key in the credential',
				);
			}
			expect(summary).toMatchObject({ errors: 3, requests: 1, retries: 0 });
		});
	});
	it('402: out of credits stops the batch too', async () => {
		await withMock({ '/person/enrich': () => ({ status: 402, body: errors.pdl402 }) }, async (mock, base) => {
			const leads = ['a@x.com', 'b@x.com'].map((email) => lead({ email }));
			const { outcomes } = await runProvider(leads, {
				...options(base, {}),
				adapter: VENDOR_ADAPTERS['pdl.person'],
				concurrency: 1,
			});
			expect(mock.requests).toHaveLength(1);
			expect(outcomes.map((o) => o.error?.kind)).toEqual(['credits', 'credits']);
			expect(outcomes[0].error?.message).toMatch(/out of credits \(402\): You have hit your account maximum/);
		});
	});
	it('429 with Retry-After: waits as asked, then succeeds', async () => {
		const waits: number[] = [];
		await withMock(
			{
				'/email-verifier': (_r, n) =>
					n === 0
						? { status: 429, body: errors.hunter429, headers: { 'Retry-After': '2' } }
						: ok(recorded('hunter-verify')),
			},
			async (mock, base) => {
				const { outcomes, summary } = await runProvider([lead({ email: 'patrick@stripe.com' })], {
					...options(base, {}),
					maxRetryWaitMs: 5000,
					sleep: async (ms) => void waits.push(ms),
				});
				expect(outcomes[0].status).toBe('called');
				expect(mock.requests).toHaveLength(2);
				expect(waits).toEqual([2000]);
				expect(summary.retries).toBe(1);
			},
		);
	});
	it('a Retry-After longer than allowed fails the look-up instead of holding the execution', async () => {
		await withMock(
			{ '/email-verifier': () => ({ status: 429, body: errors.hunter429, headers: { 'Retry-After': '3600' } }) },
			async (mock, base) => {
				const { outcomes } = await runProvider([lead({ email: 'a@x.com' })], {
					...options(base, {}),
					maxRetryWaitMs: 60_000,
				});
				expect(mock.requests).toHaveLength(1);
				expect(outcomes[0].error?.message).toBe(
					'Hunter Email Verifier is rate limiting the requests (429): You have reached the rate limit; it asked to wait 3600 s, more than the 60 s allowed',
				);
			},
		);
	});
	it('5xx: retried with back-off, at most Max Retries times', async () => {
		await withMock(
			{
				'/email-verifier': (_r, n) => (n < 2 ? { status: 503, body: errors.server500 } : ok(recorded('hunter-verify'))),
				'/email-finder': () => ({ status: 500, body: errors.server500 }),
			},
			async (mock, base) => {
				const good = await runProvider([lead({ email: 'a@x.com' })], options(base, {}));
				expect(good.outcomes[0].status).toBe('called');
				expect(good.summary.retries).toBe(2);
				const bad = await runProvider([lead({ first_name: 'Ann', last_name: 'Lee', domain: 'x.com' })], {
					...options(base, {}),
					adapter: VENDOR_ADAPTERS['hunter.finder'],
					maxRetries: 2,
				});
				expect(mock.on('/email-finder')).toHaveLength(3);
				expect(bad.outcomes[0].error).toMatchObject({ kind: 'server', status: 500 });
				expect(bad.outcomes[0].error?.message).toBe('Hunter Email Finder failed (500): internal server error');
			},
		);
	});
	it('a timeout is retried like a 5xx', async () => {
		await withMock(
			{
				'/email-verifier': (_r, n) =>
					n === 0 ? { ...ok(recorded('hunter-verify')), delayMs: 1500 } : ok(recorded('hunter-verify')),
			},
			async (mock, base) => {
				const { outcomes, summary } = await runProvider([lead({ email: 'a@x.com' })], {
					...options(base, {}),
					send: fetchSender({}, 300),
				});
				expect(outcomes[0].status).toBe('called');
				expect(summary.retries).toBe(1);
				expect(mock.requests).toHaveLength(2);
			},
		);
	});
	it('202 (Hunter still verifying) is asked again', async () => {
		await withMock(
			{
				'/email-verifier': (_r, n) => (n === 0 ? { status: 202, body: { data: null } } : ok(recorded('hunter-verify'))),
			},
			async (_m, base) => {
				const { outcomes } = await runProvider([lead({ email: 'a@x.com' })], options(base, {}));
				expect(outcomes[0].answer?.fields['email.verification']).toMatchObject({ status: 'valid' });
			},
		);
	});
	it.each([
		[
			'not JSON',
			{ status: 200, text: '<html>Service Unavailable</html>' },
			'Hunter Email Verifier answered with a body that is not JSON',
		],
		[
			'a JSON array',
			{ status: 200, text: '[1,2]' },
			'Hunter Email Verifier answered with a body that is not a JSON object',
		],
		['no data', { status: 200, body: { result: 'ok' } }, 'Hunter Email Verifier answered without its "data" object'],
	])('a malformed body (%s) is an error on the lead, not retried', async (_name, answer, message) => {
		await withMock({ '/email-verifier': () => answer as MockAnswer }, async (mock, base) => {
			const { outcomes } = await runProvider([lead({ email: 'a@x.com' })], options(base, {}));
			expect(outcomes[0].error).toMatchObject({ kind: 'malformed', message });
			expect(mock.requests).toHaveLength(1);
		});
	});
	it('a provider that cannot be reached is a network error after the retries', async () => {
		const { outcomes, summary } = await runProvider([lead({ email: 'a@x.com' })], {
			...options('http://127.0.0.1:1', {}),
			maxRetries: 1,
		});
		expect(outcomes[0].error?.kind).toBe('network');
		expect(outcomes[0].error?.message).toMatch(/^Hunter Email Verifier could not be reached: /);
		expect(summary.requests).toBe(2);
	});
	it('Retry-After as seconds or as an HTTP date', () => {
		const now = Date.parse('2026-12-01T10:00:00Z');
		expect(retryAfterMs('30', now)).toBe(30_000);
		expect(retryAfterMs('Tue, 01 Dec 2026 10:01:00 GMT', now)).toBe(60_000);
		expect(retryAfterMs('soon', now)).toBeUndefined();
		expect(retryAfterMs(undefined, now)).toBeUndefined();
	});
});

describe('credits: never asked twice for one answer', () => {
	it('one call per distinct email in a batch; the others are duplicates', async () => {
		await withMock({ '/email-verifier': () => ok(recorded('hunter-verify')) }, async (mock, base) => {
			const leads = ['a@x.com', 'b@x.com', 'a@x.com', 'a@x.com', 'b@x.com'].map((email) => lead({ email }));
			const { outcomes, summary } = await runProvider(leads, options(base, {}));
			expect(mock.requests).toHaveLength(2);
			expect(outcomes.map((o) => o.status)).toEqual(['called', 'called', 'duplicate', 'duplicate', 'duplicate']);
			expect(summary).toMatchObject({ duplicates: 3, calls_saved: 3 });
		});
	});
	it('a lead that already has the fields is not looked up, unless they are older than the chosen age', async () => {
		await withMock({ '/organizations/enrich': () => ok(recorded('apollo-organization')) }, async (mock, base) => {
			const now = Date.parse('2026-12-01T00:00:00Z');
			const filled = (at: string) => ({
				company: { name: 'Acme', industry: 'software', employees: 40 },
				fields: Object.fromEntries(
					['company.name', 'company.industry', 'company.employees'].map((f) => [
						f,
						{ source: 'apollo.organization', at },
					]),
				),
			});
			const leads = [
				lead({ domain: 'acme.com' }, filled('2026-11-20T00:00:00Z')),
				lead({ domain: 'old.com' }, filled('2026-01-01T00:00:00Z')),
				lead({ domain: 'new.com' }, { company: { name: 'New' } }),
			];
			const { outcomes } = await runProvider(leads, {
				...options(base, {}),
				adapter: VENDOR_ADAPTERS['apollo.organization'],
				maxAgeMs: 90 * 86_400_000,
				now: () => now,
			});
			expect(outcomes.map((o) => o.status)).toEqual(['fresh', 'called', 'called']);
			expect(mock.requests.map((r) => r.query.domain)).toEqual(['old.com', 'new.com']);
		});
	});
	it('answers are cached in the state store: the next execution asks nothing', async () => {
		const store = new SqliteStore(join(dir, 'cache.sqlite'));
		try {
			await withMock({ '/email-verifier': () => ok(recorded('hunter-verify')) }, async (mock, base) => {
				const run = () =>
					runProvider(
						['a@x.com', 'b@x.com'].map((email) => lead({ email })),
						{
							...options(base, {}),
							store,
							cacheTtlMs: 3_600_000,
						},
					);
				const first = await run();
				const second = await run();
				expect(first.outcomes.map((o) => o.status)).toEqual(['called', 'called']);
				expect(second.outcomes.map((o) => o.status)).toEqual(['cached', 'cached']);
				expect(second.outcomes[0].answer).toEqual(first.outcomes[0].answer);
				expect(mock.requests).toHaveLength(2);
				expect(second.summary).toMatchObject({ cache_hits: 2, requests: 0 });
			});
		} finally {
			store.close();
		}
	});
	it('errors are not cached: the next execution asks again', async () => {
		const store = new SqliteStore(join(dir, 'errors.sqlite'));
		try {
			await withMock(
				{
					'/email-verifier': (_r, n) =>
						n === 0 ? { status: 400, body: { errors: [{ details: 'bad' }] } } : ok(recorded('hunter-verify')),
				},
				async (mock, base) => {
					const run = () =>
						runProvider([lead({ email: 'a@x.com' })], { ...options(base, {}), store, cacheTtlMs: 3_600_000 });
					expect((await run()).outcomes[0].error?.kind).toBe('request');
					expect((await run()).outcomes[0].status).toBe('called');
					expect(mock.requests).toHaveLength(2);
				},
			);
		} finally {
			store.close();
		}
	});

	const concurrent = async (stores: [ProviderRunOptions['store'], ProviderRunOptions['store']]) => {
		await withMock(
			{ '/domain-search': () => ({ ...ok(recorded('hunter-domain')), delayMs: 150 }) },
			async (mock, base) => {
				const domains = Array.from({ length: 12 }, (_, k) => `d${k % 6}.com`);
				// two executions at once (two store connections, as two workers have), same domains
				const runs = await Promise.all(
					stores.map((store, k) =>
						runProvider(
							(k ? [...domains].reverse() : domains).map((domain) => lead({ domain })),
							{ ...options(base, {}), adapter: VENDOR_ADAPTERS['hunter.domain'], store, cacheTtlMs: 3_600_000 },
						),
					),
				);
				expect(mock.requests).toHaveLength(6);
				expect(new Set(mock.requests.map((r) => r.query.domain)).size).toBe(6);
				for (const run of runs) for (const o of run.outcomes) expect(o.answer?.fields['company.name']).toBe('Stripe');
			},
		);
	};
	it('two executions at once on one SQLite file: each domain is asked once in all', async () => {
		const path = join(dir, 'race.sqlite');
		const a = new SqliteStore(path);
		const b = new SqliteStore(path);
		try {
			await concurrent([a, b]);
		} finally {
			a.close();
			b.close();
		}
	});
	it('the same through Redis', async () => {
		const server = await startRedis();
		const { openRedisStore } = await import('../../lib/store/redis');
		const a = await openRedisStore({ host: '127.0.0.1', port: server.port });
		const b = await openRedisStore({ host: '127.0.0.1', port: server.port });
		try {
			await concurrent([a, b]);
		} finally {
			await a.close();
			await b.close();
			await server.stop();
		}
	}, 30_000);
	it('an execution whose look-up failed does not hold the others waiting: the next one asks itself', async () => {
		const path = join(dir, 'failed-claim.sqlite');
		const a = new SqliteStore(path);
		const b = new SqliteStore(path);
		try {
			await withMock(
				{
					'/email-verifier': (_r, n) =>
						n === 0
							? { status: 400, body: { errors: [{ details: 'temporarily refused' }] }, delayMs: 200 }
							: ok(recorded('hunter-verify')),
				},
				async (mock, base) => {
					const run = (store: SqliteStore) =>
						runProvider([lead({ email: 'a@x.com' })], {
							...options(base, {}),
							store,
							cacheTtlMs: 3_600_000,
							// a claim as long as the defaults give (270 s): waiting it out would time the test out
							maxRetryWaitMs: 60_000,
							sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 50))),
						});
					const first = run(a);
					await new Promise((r) => setTimeout(r, 50));
					const [one, two] = await Promise.all([first, run(b)]);
					expect(one.outcomes[0].error?.kind).toBe('request');
					expect(two.outcomes[0].status).toBe('called');
					expect(mock.requests).toHaveLength(2);
				},
			);
		} finally {
			a.close();
			b.close();
		}
	}, 15_000);
	it('requests per second are capped across executions sharing the store', async () => {
		const path = join(dir, 'rate.sqlite');
		const a = new SqliteStore(path);
		const b = new SqliteStore(path);
		try {
			await withMock({ '/email-verifier': () => ok(recorded('hunter-verify')) }, async (mock, base) => {
				const emails = (p: string) => Array.from({ length: 5 }, (_, k) => lead({ email: `${p}${k}@x.com` }));
				const run = (store: SqliteStore, p: string) =>
					runProvider(emails(p), {
						...options(base, {}),
						store,
						requestsPerSecond: 10,
						rateKey: 'hunter:cred-1',
						sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
					});
				await Promise.all([run(a, 'a'), run(b, 'b')]);
				const times = mock.requests.map((r) => r.at).sort((x, y) => x - y);
				expect(times).toHaveLength(10);
				// 10 requests at 10 per second: the slots span 0.9 s. Measured where the mock receives
				// them, the first may arrive late on a busy machine (it shrank the span to 848 ms once);
				// uncapped, the ten arrive within a few milliseconds.
				expect(times[9] - times[0]).toBeGreaterThanOrEqual(700);
			});
		} finally {
			a.close();
			b.close();
		}
	});
});

describe('Generic HTTP provider', () => {
	const spec = {
		method: 'POST' as const,
		url: 'BASE/v1/lookup?domain={domain}',
		body: '{"person": {"email": "{email}", "name": "{full_name}"}}',
		fields: [
			{ target: 'company.industry', path: 'result.company.industry' },
			{ target: 'person.title', path: 'result.person.title' },
		],
	};
	it('fills the URL and body from the lead and maps the answer by path', async () => {
		await withMock(
			{ '/v1/lookup': () => ok({ result: { company: { industry: 'Robotics' }, person: { title: 'CTO' } } }) },
			async (mock, base) => {
				const adapter = genericAdapter({ ...spec, url: spec.url.replace('BASE', base) });
				const { outcomes } = await runProvider(
					[lead({ email: 'ann@acme.com', full_name: 'Ann Lee', domain: 'acme.com' }), lead({ email: 'x@y.com' })],
					{ ...options(base, {}), adapter, send: fetchSender({ 'X-Api-Key': 'k1' }) },
				);
				expect(outcomes[0].answer?.fields).toEqual({ 'company.industry': 'Robotics', 'person.title': 'CTO' });
				expect(outcomes[1]).toEqual({ status: 'skipped', reason: 'needs domain, email, full_name for the URL' });
				expect(mock.requests).toHaveLength(1);
				expect(mock.requests[0].query).toEqual({ domain: 'acme.com' });
				expect(JSON.parse(mock.requests[0].body)).toEqual({ person: { email: 'ann@acme.com', name: 'Ann Lee' } });
				expect(mock.requests[0].headers['x-api-key']).toBe('k1');
			},
		);
	});
	it.each([
		[{ ...spec, url: 'ftp://x' }, 'The URL "ftp://x" must start with http:// or https://'],
		[{ ...spec, url: 'https://x', fields: [] }, 'Map at least one field of the answer (Fields to Fill)'],
		[
			{ ...spec, url: 'https://x', fields: [{ target: 'industry', path: 'a' }] },
			'"industry" is not an enrichment field: use company.<name>, person.<name> or email.<name>',
		],
		[{ ...spec, url: 'https://x', body: '{oops' }, 'The request body is not valid JSON'],
	])('refuses a spec that cannot work: %j', (bad, message) => expect(genericSpecProblem(bad)).toBe(message));
});

describe('the enrichment section', () => {
	it('each field records its source and time; existing fields from other sources are kept unless asked', () => {
		const section = sectionOf({ company: { name: 'ACME (typed)' }, fields: {} });
		const answer = {
			found: true,
			at: '2026-12-01T10:00:00.000Z',
			raw: { big: true },
			fields: { 'company.name': 'Acme Inc', 'company.industry': 'Robotics' },
		};
		applyOutcome(
			section,
			VENDOR_ADAPTERS['apollo.organization'],
			{ status: 'called', answer },
			{ keepRaw: true, overwrite: false },
		);
		expect(section).toMatchObject({
			company: { name: 'ACME (typed)', industry: 'Robotics' },
			fields: { 'company.industry': { source: 'apollo.organization', at: '2026-12-01T10:00:00.000Z' } },
			providers: { 'apollo.organization': { status: 'called', found: true, at: '2026-12-01T10:00:00.000Z' } },
			raw: { 'apollo.organization': { big: true } },
		});
		applyOutcome(
			section,
			VENDOR_ADAPTERS['apollo.organization'],
			{ status: 'cached', answer },
			{ keepRaw: false, overwrite: true },
		);
		expect((section.company as Record<string, unknown>).name).toBe('Acme Inc');
	});
	it('an error is on the lead, with its kind', () => {
		const section = sectionOf(undefined);
		const { ProviderError } = jest.requireActual('../../lib/enrich/providers/types');
		applyOutcome(
			section,
			VENDOR_ADAPTERS['hunter.verify'],
			{
				status: 'error',
				error: new ProviderError('Hunter Email Verifier says the account is out of credits (402)', 'credits', 402),
			},
			{ keepRaw: true, overwrite: false },
		);
		expect(section.providers).toEqual({
			'hunter.verify': {
				status: 'error',
				error: 'Hunter Email Verifier says the account is out of credits (402)',
				error_kind: 'credits',
			},
		});
	});
});
