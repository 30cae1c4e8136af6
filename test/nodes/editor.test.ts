import { Dedupe } from '../../nodes/Dedupe/Dedupe.node';
import { Enrich } from '../../nodes/Enrich/Enrich.node';
import {
	AdvanceStage,
	configuredOutputs as stageOutputs,
	subtitle as stageSubtitle,
} from '../../nodes/AdvanceStage/AdvanceStage.node';
import { moveHints } from '../../nodes/AdvanceStage/actions/move.operation';
import { configuredOutputs as slaOutputs, SlaCheck, subtitle as slaSubtitle } from '../../nodes/SlaCheck/SlaCheck.node';
import { Route } from '../../nodes/Route/Route.node';
import { LeadCaptureTrigger } from '../../nodes/LeadCaptureTrigger/LeadCaptureTrigger.node';
import { configuredOutputs as scoreOutputs, Score, subtitle as scoreSubtitle } from '../../nodes/Score/Score.node';
import { configuredInputs as routeInputs, configuredOutputs as routeOutputs } from '../../nodes/Route/Route.node';
import { routeHints } from '../../nodes/Route/actions/route.operation';
import { storeErrorMessage } from '../../nodes/shared/store';
import { subtitle as dedupeSubtitle } from '../../nodes/Dedupe/Dedupe.node';
import { subtitle as routeSubtitle } from '../../nodes/Route/Route.node';
import { subtitle as captureSubtitle } from '../../nodes/LeadCaptureTrigger/LeadCaptureTrigger.node';
import { dedupeProperties } from '../../nodes/Dedupe/description';

describe('canvas subtitles read as a marketer would say them', () => {
	it('Dedupe: what the leads are compared against, or the maintenance operation', () => {
		expect(dedupeSubtitle({ operation: 'findDuplicates', mode: 'memory' })).toBe('Against earlier executions');
		expect(dedupeSubtitle({ operation: 'findDuplicates', mode: 'reference' })).toBe('Against a reference list');
		expect(dedupeSubtitle({ operation: 'findDuplicates', mode: 'batch' })).toBe('Within the incoming items');
		expect(dedupeSubtitle({ operation: 'clearMemory' })).toBe('Clear the memory');
	});
	it('Route: the number of territory rules', () => {
		expect(routeSubtitle({ operation: 'route', rules: { values: [{}, {}] } })).toBe('2 territory rules');
		expect(routeSubtitle({ operation: 'route', rules: { values: [{}] } })).toBe('1 territory rule');
		expect(routeSubtitle({ operation: 'route' })).toBe('Default assignment');
		expect(routeSubtitle({ operation: 'loads' })).toBe('Owner loads');
	});
	it('Lead Capture Trigger: the provider by its name, Auto-Detect as "Any form provider"', () => {
		expect(captureSubtitle({ provider: 'auto' })).toBe('Any form provider');
		expect(captureSubtitle({})).toBe('Any form provider');
		expect(captureSubtitle({ provider: 'typeform' })).toBe('Typeform');
	});
	it('the subtitle functions survive being turned into source, as the editor evaluates them', () => {
		// eslint-disable-next-line @typescript-eslint/no-implied-eval
		const fromSource = new Function(`return (${dedupeSubtitle.toString()})`)() as typeof dedupeSubtitle;
		expect(fromSource({ mode: 'memory' })).toBe('Against earlier executions');
		expect(dedupeProperties.length).toBeGreaterThan(0);
	});
});

describe('state-store errors say what to do', () => {
	it('a busy SQLite file names the likely holders and the Redis store for several hosts', () => {
		expect(storeErrorMessage(new Error('database is locked'))).toMatch(
			/^The state file is busy: .*Retry the execution; with several n8n hosts \(queue mode\) use the Redis store/,
		);
	});
	it('an unreachable Redis points at the credential', () => {
		expect(storeErrorMessage(new Error('connect ECONNREFUSED 127.0.0.1:6390'))).toMatch(
			/^Redis is unreachable: check the host, port and TLS settings/,
		);
		// the store's own connection message already says both
		expect(storeErrorMessage(new Error('Cannot connect to Redis (127.0.0.1:6390): ECONNREFUSED'))).toBe(
			'Cannot connect to Redis (127.0.0.1:6390): ECONNREFUSED',
		);
	});
	it('a Redis that stops answering: says the retry is safe', () => {
		expect(storeErrorMessage(new Error('Command timed out'))).toMatch(
			/^Redis did not answer within 15 s .*retrying is safe, as leads already recorded come back as repeats/,
		);
	});
});

describe('Route Leads: typed inputs, outputs and hints', () => {
	it('names an output per rule, then No Match and Unassigned', () => {
		expect(
			routeOutputs({ operation: 'route', outputMode: 'perRule', rules: { values: [{ name: 'EMEA' }, {}] } }).map(
				(o) => (o as { displayName?: string }).displayName,
			),
		).toEqual(['EMEA', 'Rule 2', 'No Match', 'Unassigned']);
		expect(routeOutputs({ operation: 'route', outputMode: 'single' })).toEqual([{ type: 'main' }]);
		expect(
			routeInputs({ operation: 'route', ownersSource: 'input', accountOwnerFirst: true, accountsInput: true }).map(
				(i) => i.displayName,
			),
		).toEqual(['Leads', 'Owners', 'Accounts']);
		expect(routeInputs({ operation: 'reset', ownersSource: 'input' }).map((i) => i.displayName)).toEqual(['Leads']);
	});
	it('points out rules no lead matched and leads left unassigned', () => {
		const decision = (ruleIndex: number, status: 'assigned' | 'unassigned') => ({
			ruleIndex,
			status,
			reason: '',
			skipped: [],
		});
		const many = (n: number) => Array.from({ length: n }, () => decision(0, 'assigned'));
		const hints = routeHints([{ name: 'EMEA' }, { name: 'APAC' }], [...many(19), decision(-1, 'unassigned')]).map(
			(h) => h.message,
		);
		expect(hints).toEqual([
			expect.stringMatching(/^No lead matched rule 2 \("APAC"\)/),
			expect.stringMatching(/^1 lead was left unassigned.*Fallback Owner/),
		]);
		expect(routeHints([{ name: 'EMEA' }], [decision(0, 'assigned')])).toEqual([]);
		// A web form's one lead matched rule 1: rule 2 is not "unmatched", nothing to say.
		expect(routeHints([{ name: 'EMEA' }, { name: 'APAC' }], [decision(0, 'assigned')])).toEqual([]);
		expect(routeHints([{ name: 'EMEA' }, { name: 'APAC' }], many(19))).toEqual([]);
		// An unassigned lead is worth saying even alone.
		expect(routeHints([{ name: 'EMEA' }], [decision(-1, 'unassigned')]).map((h) => h.message)).toEqual([
			expect.stringMatching(/^1 lead was left unassigned/),
		]);
		const away = { id: 'ben', name: 'Ben', reason: 'out of office' };
		const skipping = (owner: string) => ({
			...decision(0, 'assigned'),
			owner: { id: owner } as never,
			skipped: [away],
		});
		const skippers = Array.from({ length: 20 }, () => skipping('ana'));
		expect(routeHints([{ name: 'EMEA' }], skippers).map((h) => h.message)).toEqual([
			'Every lead skipped Ben (out of office): check their availability, working hours and caps.',
		]);
		// skipped by all but one lead, or in a run of two: no hint
		expect(routeHints([{ name: 'EMEA' }], [...skippers.slice(1), decision(0, 'assigned')])).toEqual([]);
		expect(routeHints([{ name: 'EMEA' }], [skipping('ana'), skipping('ana')])).toEqual([]);
	});
});

describe('every parameter says what it is for', () => {
	type Prop = {
		name: string;
		displayName?: string;
		type?: string;
		description?: string;
		options?: Array<Prop & { values?: Prop[] }>;
	};
	/** Parameters (inside collections too) with neither a description nor described choices. */
	const undescribed = (props: Prop[], path = ''): string[] =>
		props.flatMap((p) => {
			const here = `${path}${p.displayName ?? p.name}`;
			if (p.type === 'notice' || p.name === 'operation') return [];
			if (p.type === 'collection' || p.type === 'fixedCollection') {
				return undescribed(
					(p.options ?? []).flatMap((o) => o.values ?? [o]),
					`${here} > `,
				);
			}
			if (p.description) return [];
			if (p.type === 'options' && (p.options ?? []).every((o) => o.description)) return [];
			return [here];
		});
	const panels: Array<[string, () => unknown[]]> = [
		['Dedupe Leads', () => new Dedupe().description.properties],
		['Enrich Leads', () => new Enrich().description.properties],
		['Route Leads', () => new Route().description.properties],
		['Lead Capture Trigger', () => new LeadCaptureTrigger().description.properties],
		['Score Leads', () => new Score().description.properties],
		['Advance Stage', () => new AdvanceStage().description.properties],
		['SLA Check', () => new SlaCheck().description.properties],
	];
	it.each(panels)('%s', (_name, properties) => {
		expect(undescribed(properties() as unknown as Prop[])).toEqual([]);
	});

	/** Every text a panel shows (labels, descriptions, hints, placeholders, choices), with its path. */
	const shown = (value: unknown, path: string): Array<[string, string]> => {
		if (Array.isArray(value)) return value.flatMap((v, i) => shown(v, `${path}[${i}]`));
		if (!value || typeof value !== 'object') return [];
		return Object.entries(value as Record<string, unknown>).flatMap(
			([k, v]): Array<[string, string]> =>
				['displayName', 'name', 'description', 'hint', 'placeholder', 'action'].includes(k) && typeof v === 'string'
					? [[`${path}.${k}`, v]]
					: k === 'displayOptions' || k === 'default'
						? []
						: shown(v, `${path}.${k}`),
		);
	};
	it.each(panels)(
		'%s: no tab or stray line break in a text, no placeholder written as an expression',
		(_n, properties) => {
			const texts = shown(properties(), '');
			expect(texts.length).toBeGreaterThan(20);
			// Line breaks only in the placeholders of multi-line boxes (examples of several lines).
			expect(texts.filter(([p, t]) => /[\t\r]/.test(t) || (/\n/.test(t) && !p.endsWith('.placeholder')))).toEqual([]);
			expect(texts.filter(([p, t]) => p.endsWith('.placeholder') && t.startsWith('='))).toEqual([]);
		},
	);
});

describe('Score Leads: outputs and subtitle', () => {
	it('one output per label plus No Label when asked, else one', () => {
		const thresholds = { values: [{ label: 'MQL' }, { label: 'SQL' }] };
		expect(
			scoreOutputs({ operation: 'score', outputPerLabel: true, thresholds }).map(
				(o) => (o as { displayName?: string }).displayName,
			),
		).toEqual(['MQL', 'SQL', 'No Label']);
		expect(scoreOutputs({ operation: 'score', outputPerLabel: false, thresholds })).toEqual([{ type: 'main' }]);
		expect(scoreOutputs({ operation: 'train', outputPerLabel: true, thresholds })).toEqual([{ type: 'main' }]);
		expect(scoreSubtitle({ operation: 'score', scoreWith: 'model', modelName: 'deals' })).toBe('With model "deals"');
	});
});

describe('Advance Stage: outputs, subtitle and hints', () => {
	it('three named outputs for moves, one for history, report and forget', () => {
		const names = (o: unknown[]) => o.map((x) => (x as { displayName?: string }).displayName);
		expect(names(stageOutputs({ operation: 'advance' }))).toEqual(['Advanced', 'Unchanged', 'Refused']);
		expect(names(stageOutputs({}))).toEqual(['Advanced', 'Unchanged', 'Refused']);
		expect(stageOutputs({ operation: 'report' })).toEqual([{ type: 'main' }]);
		expect(stageOutputs({ operation: 'history' })).toEqual([{ type: 'main' }]);
		// evaluated by the editor from its source: it must not reach outside itself
		expect(new Function(`return (${stageOutputs})`)()({ operation: 'forget' })).toEqual([{ type: 'main' }]);
	});
	it('subtitles in words', () => {
		expect(stageSubtitle({ operation: 'set', targetStage: 'MQL' })).toBe('Set to MQL');
		expect(stageSubtitle({ operation: 'set', targetStage: '={{ $json.stage }}' })).toBe('Set stage');
		expect(stageSubtitle({ operation: 'recycle' })).toBe('Recycle to Nurture');
		expect(stageSubtitle({ operation: 'report' })).toBe('Funnel report');
	});
	it('sums up refusals by rule in the output pane', () => {
		const refused = (rule: 'required' | 'skip') => ({
			status: 'refused' as const,
			from: null,
			to: 'SQL',
			why: '',
			rule,
		});
		expect(moveHints([refused('required'), refused('required'), refused('skip')])).toEqual([
			{
				message:
					'3 leads were refused (2 missing required fields, 1 skipping stages): see stage.why on the Refused output.',
				location: 'outputPane',
			},
		]);
		expect(moveHints([{ status: 'advanced', from: null, to: 'Lead', why: '' }])).toEqual([]);
	});
});

describe('SLA Check: outputs and subtitle', () => {
	it('one output per status for Check Leads and Check Due, else one', () => {
		const names = (o: unknown[]) => o.map((x) => (x as { displayName?: string }).displayName);
		expect(names(slaOutputs({ operation: 'check' }))).toEqual(['On Track', 'At Risk', 'Breached', 'Met']);
		expect(names(slaOutputs({ operation: 'due' }))).toEqual(['On Track', 'At Risk', 'Breached', 'Met']);
		expect(slaOutputs({ operation: 'due', outputMode: 'single' })).toEqual([{ type: 'main' }]);
		expect(new Function(`return (${slaOutputs})`)()({ operation: 'touch' })).toEqual([{ type: 'main' }]);
		expect(new Function(`return (${slaSubtitle})`)()({ operation: 'due' })).toBe('Check what is due');
		expect(slaSubtitle({})).toBe('Check leads');
	});
});
