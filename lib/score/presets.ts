/**
 * Ready-made fit rules: a starter B2B profile (job title seniority, company size, business or free
 * email, target countries) and BANT (budget, authority, need, timeline). Each is decided here from
 * mapped fields, so the node needs no condition builder for them, and each names its reason.
 */
import { isFreeEmailDomain } from '../normalize/freeEmail';
import type { FitRule } from './points';

export interface PresetFields {
	jobTitle: unknown;
	companySize: unknown;
	email: unknown;
	country: unknown;
	budget: unknown;
	need: unknown;
	timeline: unknown;
}

export interface PresetOptions {
	/** Target countries (ISO codes, upper case) for the B2B profile; empty: no country rule. */
	countries: string[];
	/** Budget at or above this counts for BANT (a number field; text such as "yes" counts too). */
	minBudget: number;
	/** A timeline within this many months counts for BANT. */
	timelineMonths: number;
}

export interface PresetRule extends FitRule {
	/** Whether the lead meets it. */
	test: (fields: PresetFields, options: PresetOptions) => boolean;
}

const text = (v: unknown) =>
	typeof v === 'string' ? v.slice(0, 300).toLowerCase() : typeof v === 'number' ? String(v) : '';

const C_LEVEL =
	/\b(?:ceo|cfo|coo|cto|cio|cmo|cro|chief|founder|co-founder|owner|president|managing director|gerant|geschaftsfuhrer|directeur general)\b/;
const VP = /\b(?:vp|vice president|svp|evp|head of)\b/;
const DIRECTOR = /\b(?:director|directeur|directrice|direktor|direktorin|directora?)\b/;
const MANAGER = /\b(?:manager|lead|responsable|leiter|jefe)\b/;
const JUNIOR = /\b(?:intern|student|stagiaire|praktikant|assistant|trainee)\b/;

/** Seniority from a job title: 4 C-level, 3 VP, 2 director, 1 manager, 0 other, -1 junior. */
export function seniority(title: unknown): number {
	const t = text(title)
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '');
	if (!t) return 0;
	if (C_LEVEL.test(t)) return 4;
	if (VP.test(t)) return 3;
	if (DIRECTOR.test(t)) return 2;
	if (MANAGER.test(t)) return 1;
	return JUNIOR.test(t) ? -1 : 0;
}

/** Employees from "250", "51-200", "1,000+", "10k": the lower bound; undefined when unreadable. */
export function employees(size: unknown): number | undefined {
	if (typeof size === 'number') return Number.isFinite(size) ? size : undefined;
	const m = /(\d[\d,.\s]*)(k?)/i.exec(text(size));
	if (!m) return undefined;
	const n = Number(m[1].replace(/[,.\s]/g, ''));
	return Number.isFinite(n) ? n * (m[2] ? 1000 : 1) : undefined;
}

/** Months until a stated timeline: "now", "this quarter", "3 months", "next year", a date... */
export function timelineMonths(value: unknown, now: number): number | undefined {
	const t = text(value);
	if (!t) return undefined;
	if (/\b(?:now|asap|immediately|urgent|this week|this month|sofort|maintenant)\b/.test(t)) return 0;
	if (/\bthis quarter\b|\bnext month\b/.test(t)) return 3;
	if (/\b(?:next quarter|this half)\b/.test(t)) return 6;
	if (/\b(?:this year|next 12 months)\b/.test(t)) return 12;
	if (/\bnext year\b/.test(t)) return 18;
	if (/\b(?:no plans?|just looking|not sure|researching)\b/.test(t)) return undefined;
	const months = /(\d{1,2})\s*(?:months?|mois|monate?|meses)/.exec(t);
	if (months) return Number(months[1]);
	const weeks = /(\d{1,2})\s*(?:weeks?|semaines?|wochen?)/.exec(t);
	if (weeks) return Number(weeks[1]) / 4.345;
	const date = Date.parse(t);
	if (Number.isFinite(date)) return Math.max(0, (date - now) / (30.44 * 86_400_000));
	return undefined;
}

function emailDomain(email: unknown): string | undefined {
	const t = text(email);
	const at = t.lastIndexOf('@');
	return at > 0 ? t.slice(at + 1) : undefined;
}

/** The starter B2B profile. */
export function b2bPreset(): PresetRule[] {
	return [
		{
			name: 'C-level or founder',
			points: 25,
			gradeThirds: 3,
			group: 'Seniority',
			test: (f) => seniority(f.jobTitle) === 4,
		},
		{ name: 'VP or head of', points: 20, gradeThirds: 2, group: 'Seniority', test: (f) => seniority(f.jobTitle) === 3 },
		{ name: 'Director', points: 15, gradeThirds: 2, group: 'Seniority', test: (f) => seniority(f.jobTitle) === 2 },
		{ name: 'Manager', points: 8, gradeThirds: 1, group: 'Seniority', test: (f) => seniority(f.jobTitle) === 1 },
		{ name: 'Student or intern', points: -15, gradeThirds: -3, test: (f) => seniority(f.jobTitle) === -1 },
		{
			name: 'Company of 200+ employees',
			points: 15,
			gradeThirds: 2,
			test: (f) => (employees(f.companySize) ?? 0) >= 200,
		},
		{
			name: 'Company of 20 to 199 employees',
			points: 8,
			gradeThirds: 1,
			test: (f) => {
				const n = employees(f.companySize);
				return n !== undefined && n >= 20 && n < 200;
			},
		},
		{
			name: 'Business email',
			points: 10,
			gradeThirds: 1,
			test: (f) => {
				const d = emailDomain(f.email);
				return !!d && !isFreeEmailDomain(d);
			},
		},
		{
			name: 'Free email',
			points: -5,
			gradeThirds: -1,
			test: (f) => {
				const d = emailDomain(f.email);
				return !!d && isFreeEmailDomain(d);
			},
		},
		{
			name: 'Target country',
			points: 10,
			gradeThirds: 1,
			test: (f, o) => o.countries.length > 0 && o.countries.includes(text(f.country).toUpperCase()),
		},
	];
}

/** BANT: budget, authority, need, timeline, 25 points each. */
export function bantPreset(now: number): PresetRule[] {
	return [
		{
			name: 'Budget',
			points: 25,
			gradeThirds: 2,
			group: 'BANT',
			test: (f, o) => {
				if (typeof f.budget === 'number') return f.budget >= o.minBudget;
				const t = text(f.budget);
				if (!t || /\b(?:no|none|not yet|unknown|n\/a)\b/.test(t)) return false;
				const amount = employees(t);
				return amount === undefined ? /\b(?:yes|approved|allocated|oui|ja|si)\b/.test(t) : amount >= o.minBudget;
			},
		},
		{ name: 'Authority', points: 25, gradeThirds: 2, group: 'BANT', test: (f) => seniority(f.jobTitle) >= 2 },
		{
			name: 'Need',
			points: 25,
			gradeThirds: 1,
			group: 'BANT',
			test: (f) => text(f.need).trim().length >= 3 && !/^(?:no|none|n\/a|-)$/.test(text(f.need).trim()),
		},
		{
			name: 'Timeline',
			points: 25,
			gradeThirds: 1,
			group: 'BANT',
			test: (f, o) => {
				const months = timelineMonths(f.timeline, now);
				return months !== undefined && months <= o.timelineMonths;
			},
		},
	];
}
