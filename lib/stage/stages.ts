/**
 * Lifecycle stage lists: an ordered funnel of main stages (stages of one level are peers, such as
 * MQL and PQL), side stages outside the order (Nurture/Recycled, Other) and terminal stages that end
 * the lifecycle (Disqualified). Names are matched case- and punctuation-insensitively, with aliases
 * (a CRM's internal value, a spelled-out name).
 */
export type StageKind = 'main' | 'side' | 'terminal';

export interface Stage {
	name: string;
	kind: StageKind;
	/** Position in the funnel (main stages only; peers share one). */
	level: number;
	aliases: string[];
	/** The value a CRM stores for this stage (HubSpot's internal name), when it differs. */
	crmValue?: string;
}

export interface StageList {
	stages: Stage[];
	/** The stage counted as won in the funnel report (Customer by default; else the last main one). */
	won: string;
}

export class StageError extends Error {}

/** "Marketing Qualified Lead" and "marketing-qualified_lead" compare equal. */
export const stageKey = (name: string) =>
	name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]/g, '');

interface StageSpec {
	main: Array<string | string[]>;
	side?: string[];
	terminal?: string[];
	aliases?: Record<string, string[]>;
	crmValues?: Record<string, string>;
	won?: string;
}

/** Builds and checks a stage list: no empty or repeated names, at least one main stage. */
export function buildStageList(spec: StageSpec): StageList {
	const stages: Stage[] = [];
	const seen = new Map<string, string>();
	const add = (raw: string, kind: StageKind, level: number) => {
		const name = raw.trim();
		if (!name) throw new StageError('A stage name is empty');
		if (name.length > 80) throw new StageError(`Stage "${name.slice(0, 40)}…" is longer than 80 characters`);
		const aliases = (spec.aliases?.[name] ?? []).filter((a) => stageKey(a) !== stageKey(name));
		for (const key of new Set([name, ...aliases].map(stageKey))) {
			if (!key) throw new StageError(`Stage "${name}" has no letters or digits`);
			const other = seen.get(key);
			if (other !== undefined)
				throw new StageError(
					other === name
						? `Stage "${name}" is listed twice`
						: `Stages "${other}" and "${name}" have the same name once case and punctuation are ignored`,
				);
			seen.set(key, name);
		}
		stages.push({ name, kind, level, aliases, ...(spec.crmValues?.[name] ? { crmValue: spec.crmValues[name] } : {}) });
	};
	spec.main.forEach((entry, level) => {
		for (const name of Array.isArray(entry) ? entry : [entry]) add(name, 'main', level);
	});
	for (const name of spec.side ?? []) add(name, 'side', -1);
	for (const name of spec.terminal ?? []) add(name, 'terminal', -1);
	if (!stages.some((s) => s.kind === 'main')) throw new StageError('The stage list has no stages in order');
	const mains = stages.filter((s) => s.kind === 'main');
	const won = spec.won
		? findStage({ stages, won: '' }, spec.won)?.name
		: (stages.find((s) => stageKey(s.name) === 'customer') ?? mains[mains.length - 1]).name;
	if (!won) throw new StageError(`Won stage "${spec.won}" is not in the stage list`);
	return { stages, won };
}

export function findStage(list: StageList, name: string): Stage | undefined {
	const key = stageKey(name);
	if (!key) return undefined;
	return list.stages.find((s) => stageKey(s.name) === key || s.aliases.some((a) => stageKey(a) === key));
}

/** The stage or an error naming it and the stages there are. */
export function requireStage(list: StageList, name: string, what = 'Stage'): Stage {
	const stage = findStage(list, name);
	if (!stage)
		throw new StageError(
			`${what} "${String(name).slice(0, 80)}" is not in the stage list (${list.stages.map((s) => s.name).join(', ')})`,
		);
	return stage;
}

export const mainStages = (list: StageList) => list.stages.filter((s) => s.kind === 'main');

/** The first stage of the next level up, or undefined at the top. */
export function nextStage(list: StageList, level: number): Stage | undefined {
	return mainStages(list)
		.filter((s) => s.level > level)
		.sort((a, b) => a.level - b.level)[0];
}

/** The default lifecycle: HubSpot's stages with MQL/PQL as peers, SAL, and the usual side stages. */
export function defaultLifecycle(): StageList {
	return buildStageList({
		main: ['Subscriber', 'Lead', ['MQL', 'PQL'], 'SAL', 'SQL', 'Opportunity', 'Customer', 'Evangelist'],
		side: ['Nurture', 'Other'],
		terminal: ['Disqualified'],
		aliases: {
			MQL: ['Marketing Qualified Lead', 'marketingqualifiedlead'],
			PQL: ['Product Qualified Lead'],
			SAL: ['Sales Accepted Lead'],
			SQL: ['Sales Qualified Lead', 'salesqualifiedlead'],
			Nurture: ['Recycled', 'Nurturing'],
			Disqualified: ['Unqualified', 'Closed - Not Converted'],
		},
	});
}

/** HubSpot's default lifecycle stages (labels, with the internal values its API uses). */
export function hubspotLifecycle(): StageList {
	return buildStageList({
		main: [
			'Subscriber',
			'Lead',
			'Marketing Qualified Lead',
			'Sales Qualified Lead',
			'Opportunity',
			'Customer',
			'Evangelist',
		],
		side: ['Other'],
		aliases: { 'Marketing Qualified Lead': ['MQL'], 'Sales Qualified Lead': ['SQL'] },
		crmValues: {
			Subscriber: 'subscriber',
			Lead: 'lead',
			'Marketing Qualified Lead': 'marketingqualifiedlead',
			'Sales Qualified Lead': 'salesqualifiedlead',
			Opportunity: 'opportunity',
			Customer: 'customer',
			Evangelist: 'evangelist',
			Other: 'other',
		},
	});
}

/** Salesforce's default Lead Status picklist; "Closed - Not Converted" ends the lifecycle. */
export function salesforceLeadStatus(): StageList {
	return buildStageList({
		main: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted'],
		terminal: ['Closed - Not Converted'],
		aliases: { 'Open - Not Contacted': ['Open'], 'Working - Contacted': ['Working'] },
		won: 'Closed - Converted',
	});
}

const splitNames = (text: string) =>
	text
		.split(/[,\n]+/)
		.map((s) => s.trim())
		.filter(Boolean);

/**
 * A custom list: main stages in order separated by commas or new lines, peers of one level joined
 * with "|" ("MQL | PQL"); side and terminal stages listed apart.
 */
export function customStageList(order: string, side = '', terminal = '', won = ''): StageList {
	if (order.length > 10_000) throw new StageError('The stage list is longer than 10,000 characters');
	return buildStageList({
		main: splitNames(order).map((entry) =>
			entry.includes('|')
				? entry
						.split('|')
						.map((s) => s.trim())
						.filter(Boolean)
				: entry,
		),
		side: splitNames(side),
		terminal: splitNames(terminal),
		won: won.trim() || undefined,
	});
}

export const PRESETS = {
	default: defaultLifecycle,
	hubspot: hubspotLifecycle,
	salesforce: salesforceLeadStatus,
};
