/**
 * The nodes at the speed users meet them: one execution of a real n8n with 20,000 leads, each node
 * on its own branch from the same generated items, beside n8n's Set node (the floor: what any node
 * costs n8n per item) and n8n's Filter node with Score's nine fit conditions (the anchor: n8n's own
 * condition evaluation). Each node's time is n8n's own `executionTime` for it in that execution.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startN8nForTests } from '../test/e2e/n8n';

type Json = Record<string, any>;
type Case = () => Promise<Record<string, unknown>>;

const PKG = 'n8n-nodes-lead-management';

const condition = (id: string, leftValue: string, operation: string, rightValue: unknown, type = 'string') => ({
	id,
	leftValue,
	rightValue,
	operator: { type, operation },
});
const filter = (conditions: Json[], combinator = 'and') => ({
	options: { caseSensitive: false, leftValue: '', typeValidation: 'loose', version: 3 },
	conditions,
	combinator,
});

/** Score's nine fit conditions (one per rule), as a marketer writes them. */
const FIT: Array<[string, Json]> = [
	['C-level', condition('f1', '={{ $json.job_title }}', 'contains', 'chief')],
	['VP', condition('f2', '={{ $json.job_title }}', 'startsWith', 'vp')],
	['Director', condition('f3', '={{ $json.job_title }}', 'contains', 'director')],
	['Manager', condition('f4', '={{ $json.job_title }}', 'contains', 'manager')],
	['Free email', condition('f5', '={{ $json.email }}', 'endsWith', '@gmail.com')],
	['Large company', condition('f6', '={{ $json.company_size }}', 'gte', 200, 'number')],
	['Target country', condition('f7', '={{ $json.country }}', 'equals', 'US')],
	['Asked for a demo', condition('f8', '={{ $json.request }}', 'equals', 'demo')],
	['Budget', condition('f9', '={{ $json["budget usd"] }}', 'gte', 10000, 'number')],
];

/** The nodes measured, each in a workflow of its own: Webhook -> Code (the leads) -> the node. */
const MEASURED = ['Set (floor)', 'Filter (anchor)', 'Score Leads', 'Route Leads', 'Enrich Leads'];

function workflow(n: number, measured: string | null, path: string): Json {
	const node = (name: string, type: string, typeVersion: number, x: number, y: number, parameters: Json) => ({
		id: `bench-${name.toLowerCase().replace(/\W+/g, '-')}`,
		name,
		type,
		typeVersion,
		position: [x, y],
		parameters,
	});
	const generate = `const titles = ['Chief Marketing Officer', 'VP Sales', 'Sales Director', 'Marketing Manager', 'Student', 'Engineer'];
const countries = ['US', 'FR', 'DE', 'GB', 'US', 'ES'];
// As people type them in each country: national formats, some international.
const d = (i, n) => String(i % 10 ** n).padStart(n, '0');
const phones = {
  US: (i) => (i % 3 ? '(415) 555-' + d(i, 4) : '+1 646 555 ' + d(i, 4)),
  FR: (i) => (i % 2 ? '06 12 34 ' + d(i, 2) + ' ' + d(i + 7, 2) : '+33 1 42 68 ' + d(i, 2) + ' ' + d(i + 3, 2)),
  DE: (i) => '030 ' + d(i * 7, 7),
  GB: (i) => (i % 2 ? '020 7946 ' + d(i, 4) : '07700 900' + d(i, 3)),
  ES: (i) => '612 34 ' + d(i, 2) + ' ' + d(i + 1, 2),
};
const out = [];
for (let i = 0; i < ${n}; i++) {
  out.push({ json: {
    id: 'lead-' + i,
    email: i % 3 ? 'person' + i + '@gmail.com' : 'person' + i + '@company' + (i % 997) + '.com',
    first_name: 'Person' + i, last_name: 'Test',
    phone: phones[countries[i % countries.length]](i),
    job_title: titles[i % titles.length],
    company: 'Company ' + (i % 997),
    company_size: (i * 37) % 1000,
    country: countries[i % countries.length],
    request: i % 4 ? 'info' : 'demo',
    'budget usd': (i * 113) % 50000,
    events: [{ type: 'email_click', at: '2026-11-28T10:00:00Z' }, { type: 'page_view', at: '2026-11-20T10:00:00Z', url: '/pricing' }],
  } });
}
return out;`;
	const nodes = [
		node('Start', 'n8n-nodes-base.webhook', 2, 0, 0, {
			httpMethod: 'POST',
			path,
			responseMode: 'onReceived',
			options: {},
		}),
		node('Leads', 'n8n-nodes-base.code', 2, 250, 0, { jsCode: generate }),
		node('Set (floor)', 'n8n-nodes-base.set', 3.4, 500, -300, {
			assignments: { assignments: [{ id: 'a1', name: 'checked', value: true, type: 'boolean' }] },
			includeOtherFields: true,
			options: {},
		}),
		node('Filter (anchor)', 'n8n-nodes-base.filter', 2.2, 500, -150, {
			conditions: filter(
				FIT.map(([, c]) => c),
				'or',
			),
			options: {},
		}),
		node('Score Leads', `${PKG}.score`, 1.1, 500, 0, {
			operation: 'score',
			scoreWith: 'rules',
			fitRules: {
				values: FIT.map(([name, c], k) => ({ name, points: 5 + k, grade: 0, conditions: filter([c]) })),
			},
			engagementRules: {
				values: [
					{
						name: 'Email clicks',
						eventTypes: 'email_click',
						contains: '',
						withinDays: 30,
						minCount: 1,
						count: 'each',
						maxOccurrences: 5,
						points: 5,
						group: '',
					},
					{
						name: 'Pricing page',
						eventTypes: 'page_view',
						contains: '/pricing',
						withinDays: 0,
						minCount: 1,
						count: 'once',
						maxOccurrences: 5,
						points: 15,
						group: '',
					},
				],
			},
			thresholds: {
				values: [
					{ label: 'Lead', min: 0 },
					{ label: 'MQL', min: 30 },
					{ label: 'SQL', min: 60 },
				],
			},
			outputPerLabel: false,
			options: { now: '2026-12-01T00:00:00Z' },
		}),
		node('Route Leads', `${PKG}.route`, 1.1, 500, 150, {
			operation: 'route',
			ownersSource: 'node',
			owners: {
				owner: ['Ana', 'Ben', 'Cy', 'Dee', 'Eve', 'Fay'].map((name, k) => ({
					name,
					id: name.toLowerCase(),
					teams: k < 2 ? 'Americas' : k < 4 ? 'Europe' : 'Enterprise',
				})),
			},
			rules: {
				values: [
					['Enterprise', condition('r1', '={{ $json.company_size }}', 'gte', 800, 'number'), 'Enterprise'],
					['Americas', condition('r2', '={{ $json.country }}', 'equals', 'US'), 'Americas'],
					['France', condition('r3', '={{ $json.country }}', 'equals', 'FR'), 'Europe'],
					['Germany', condition('r4', '={{ $json.country }}', 'equals', 'DE'), 'Europe'],
					['Demos', condition('r5', '={{ $json.request }}', 'equals', 'demo'), 'Enterprise'],
				].map(([name, c, team]) => ({
					name,
					conditions: filter([c as Json]),
					ruleAssignTo: 'pool',
					rulePool: team,
				})),
			},
			noMatchAssignTo: 'pool',
			noMatchPool: 'Europe',
			outputMode: 'single',
			scope: 'node',
			options: { timeZone: 'UTC' },
		}),
		node('Enrich Leads', `${PKG}.enrich`, 1.1, 500, 300, { operation: 'local', options: {} }),
	];
	const kept = nodes.filter((x) => x.name === 'Start' || x.name === 'Leads' || x.name === measured);
	const connections: Json = {
		Start: { main: [[{ node: 'Leads', type: 'main', index: 0 }]] },
		...(measured ? { Leads: { main: [[{ node: measured, type: 'main', index: 0 }]] } } : {}),
	};
	return {
		name: `Bench: ${measured ?? 'the leads alone'} (${path})`,
		nodes: kept,
		connections,
		settings: { executionOrder: 'v1' },
	};
}

/**
 * In one fresh n8n: a workflow per measured node, and one with the leads alone (the baseline), each
 * run `rounds` times in turn; a node's time is its execution's duration (n8n's startedAt to
 * stoppedAt) less the baseline's, median of the rounds.
 */
export function nodesInN8n(n: number, rounds = 3): Case {
	return async () => {
		const folder = mkdtempSync(join(tmpdir(), 'bench-in-n8n-'));
		execFileSync('bash', [join(__dirname, '..', 'scripts', 'install-package.sh'), folder], { stdio: 'ignore' });
		process.env.E2E_N8N_USER_FOLDER = folder;
		const n8n = await startN8nForTests();
		// n8n's Filter evaluates each condition's expression per item (about 0.5 ms each here): over
		// `n` leads it would hold n8n for minutes, so it runs on a tenth of them (its rate is per lead).
		const anchorN = Math.max(1, Math.round(n / 10));
		const WORKFLOWS: Array<[string | null, number]> = [
			[null, n],
			...MEASURED.map((m) => [m, m === 'Filter (anchor)' ? anchorN : n] as [string, number]),
			['(leads alone, anchor size)', anchorN],
		];
		const itemsOf = (measured: string | null) => WORKFLOWS.find(([m]) => m === measured)![1];
		try {
			const ids = new Map<string | null, string>();
			for (const [k, [measured, size]] of WORKFLOWS.entries()) {
				const path = `bench-in-n8n-${k}`;
				const wf = workflow(size, measured === '(leads alone, anchor size)' ? null : measured, path);
				ids.set(measured, await n8n.deploy(wf, path));
			}
			// A connection n8n closed while it was busy (keep-alive) fails one request: asked again.
			const again = async <T>(fn: () => Promise<T>): Promise<T> => {
				for (let attempt = 1; ; attempt++) {
					try {
						return await fn();
					} catch (error) {
						if (attempt >= 5 || !/fetch failed|ECONNRESET|socket/i.test(String((error as Error)?.message ?? error)))
							throw error;
						await new Promise((r) => setTimeout(r, 500));
					}
				}
			};
			const run = async (measured: string | null): Promise<number> => {
				const id = ids.get(measured)!;
				const before = (await again(() => n8n.allExecutions(id))).length;
				const path = `bench-in-n8n-${WORKFLOWS.findIndex(([m]) => m === measured)}`;
				const res = await again(() => fetch(`${n8n.base}/webhook/${path}`, { method: 'POST', body: '{}' }));
				if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
				const runs = await again(() => n8n.waitForExecutions(id, before + 1, 600_000));
				const last = runs.find((e) => !runs.some((o) => Number(o.id) > Number(e.id))) as Json;
				if (last.status !== 'success') throw new Error(`${measured ?? 'the leads alone'}: ${last.status}`);
				return Date.parse(last.stoppedAt) - Date.parse(last.startedAt);
			};
			// Warm up (modules and lists load once per n8n), then the rounds.
			for (const [measured] of WORKFLOWS) await run(measured);
			const samples = new Map<string | null, number[]>();
			for (let r = 0; r < rounds; r++)
				for (const [measured] of WORKFLOWS)
					samples.set(measured, [...(samples.get(measured) ?? []), await run(measured)]);
			const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
			const base = median(samples.get(null)!);
			const anchorBase = median(samples.get('(leads alone, anchor size)')!);
			// Per lead, as milliseconds for `n` leads (the anchor scaled from its tenth).
			const times = Object.fromEntries(
				MEASURED.map((m) => {
					const own = median(samples.get(m)!) - (m === 'Filter (anchor)' ? anchorBase : base);
					return [m, Math.max(1, own) * (n / itemsOf(m))] as [string, number];
				}),
			);
			return {
				name: `n8n nodes ${n} (execution time less the leads alone, median of ${rounds}; Filter on ${anchorN})`,
				seconds: Object.values(times).reduce((a, b) => a + b, 0) / 1000,
				baselineMs: base,
				times,
			};
		} catch (error) {
			const log = join(n8n.userFolder, 'n8n.log');
			process.stderr.write(`n8n log (${log}):\n${execFileSync('tail', ['-40', log], { encoding: 'utf8' })}\n`);
			throw error;
		} finally {
			await n8n.stop();
			rmSync(folder, { recursive: true, force: true });
		}
	};
}

/** The bench lines of one run: each node's rate beside the Set floor (and the Filter anchor for Score). */
export function inN8nLines(n: number, times: Record<string, number>): Array<Record<string, unknown>> {
	const rate = (ms: number) => Math.round(n / (Math.max(ms, 1) / 1000));
	const floor = times['Set (floor)'];
	const line = (name: string, node: string, extra: Record<string, unknown> = {}) => ({
		name,
		n,
		seconds: times[node] / 1000,
		perSecond: rate(times[node]),
		floorPerSecond: rate(floor),
		timeRatioToFloor: Math.round((times[node] / floor) * 100) / 100,
		...extra,
	});
	return [
		line(`n8n score rules ${n} (9 fit, 2 engagement)`, 'Score Leads', {
			anchorPerSecond: rate(times['Filter (anchor)']),
			speedupOverAnchor: Math.round((times['Filter (anchor)'] / times['Score Leads']) * 10) / 10,
		}),
		line(`n8n route rules ${n} (5 territory rules)`, 'Route Leads'),
		line(`n8n enrich local ${n}`, 'Enrich Leads'),
	];
}
