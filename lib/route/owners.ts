import { foldText } from '../normalize/text';
import {
	isValidTimeZone,
	parseDateRanges,
	parseWorkingHours,
	type DateRange,
	type Period,
	type WorkingHours,
} from './time';

/** Someone leads can be assigned to (a rep, a dealer, a store, a queue). */
export interface Owner {
	id: string;
	name: string;
	email?: string;
	crmOwnerId?: string;
	/** Teams (pools) the owner belongs to. */
	teams: string[];
	/** Share in weighted pools and divisor of the load in lowest-load pools. */
	weight: number;
	/** IANA zone of the owner's working hours and out-of-office days; the node's zone when empty. */
	timeZone?: string;
	workingHours?: WorkingHours;
	active: boolean;
	outOfOffice: DateRange[];
	/** Most leads per period (a quota or a cap); absent = no limit. */
	caps: Partial<Record<Period, number>>;
	/** Leads already open elsewhere (e.g. from the CRM), added to the counted load. */
	baseLoad: number;
}

/** An owner definition: canonical names, as read from the node's list or a row of the Owners input. */
export interface OwnerInput {
	id?: unknown;
	name?: unknown;
	email?: unknown;
	crm_owner_id?: unknown;
	teams?: unknown;
	weight?: unknown;
	time_zone?: unknown;
	working_hours?: unknown;
	active?: unknown;
	out_of_office?: unknown;
	cap_day?: unknown;
	cap_week?: unknown;
	cap_month?: unknown;
	load?: unknown;
}

export type OwnerField = keyof OwnerInput;

/** Column names recognised in an Owners input (after lower-casing, non-alphanumerics as `_`). */
export const OWNER_COLUMN_ALIASES: Record<OwnerField, string[]> = {
	id: ['id', 'owner_id', 'user_id', 'rep_id', 'key'],
	name: ['name', 'owner_name', 'full_name', 'rep', 'owner'],
	email: ['email', 'owner_email', 'email_address', 'mail'],
	crm_owner_id: ['crm_owner_id', 'crm_id', 'hubspot_owner_id', 'salesforce_user_id', 'pipedrive_user_id'],
	teams: ['teams', 'team', 'pools', 'pool', 'groups', 'group', 'territory', 'territories'],
	weight: ['weight', 'share', 'percentage', 'percent'],
	time_zone: ['time_zone', 'timezone', 'tz', 'zone'],
	working_hours: ['working_hours', 'hours', 'business_hours', 'schedule'],
	active: ['active', 'enabled', 'is_active', 'available'],
	out_of_office: ['out_of_office', 'ooo', 'vacation', 'holidays', 'away', 'absent'],
	cap_day: ['cap_day', 'daily_cap', 'day_cap', 'max_per_day', 'daily_quota'],
	cap_week: ['cap_week', 'weekly_cap', 'week_cap', 'max_per_week', 'weekly_quota'],
	cap_month: ['cap_month', 'monthly_cap', 'month_cap', 'max_per_month', 'monthly_quota', 'quota'],
	load: ['load', 'open_leads', 'current_load'],
};

export class OwnerError extends Error {}

/** A column name as the aliases spell it: `Owner ID` and `owner-id` both become `owner_id`. */
const columnKey = (k: string) => foldText(k).replace(/ /g, '_');

/**
 * Reads a row (a sheet line, a table record) into an owner definition: explicit column names
 * first (`mapping`), else the first recognised alias.
 */
export function ownerInputFromRow(
	row: Record<string, unknown>,
	mapping: Partial<Record<OwnerField, string>> = {},
): OwnerInput {
	const byKey = new Map<string, unknown>();
	for (const [k, v] of Object.entries(row)) if (!byKey.has(columnKey(k))) byKey.set(columnKey(k), v);
	const out: OwnerInput = {};
	for (const field of Object.keys(OWNER_COLUMN_ALIASES) as OwnerField[]) {
		const explicit = mapping[field]?.trim();
		if (explicit) {
			out[field] = row[explicit] ?? byKey.get(columnKey(explicit));
			continue;
		}
		for (const alias of OWNER_COLUMN_ALIASES[field]) {
			if (byKey.has(alias)) {
				out[field] = byKey.get(alias);
				break;
			}
		}
	}
	return out;
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const text = (v: unknown) => (blank(v) ? undefined : String(v).trim());

function toBoolean(v: unknown): boolean {
	if (blank(v)) return true;
	if (typeof v === 'boolean') return v;
	if (typeof v === 'number') return v !== 0;
	const s = String(v).trim().toLowerCase();
	if (['false', 'no', 'n', '0', 'off', 'inactive', 'disabled'].includes(s)) return false;
	if (['true', 'yes', 'y', '1', 'on', 'active', 'enabled'].includes(s)) return true;
	throw new OwnerError(`active should be true or false, not "${String(v)}"`);
}

function toNumber(v: unknown, what: string, fallback: number): number {
	if (blank(v)) return fallback;
	const n = typeof v === 'number' ? v : Number(String(v).trim().replace(/%$/, ''));
	if (!Number.isFinite(n) || n < 0) throw new OwnerError(`${what} should be a number of 0 or more, not "${String(v)}"`);
	return n;
}

function toList(v: unknown): string[] {
	const parts = Array.isArray(v) ? v.map(String) : blank(v) ? [] : String(v).split(/[,;\n]+/);
	return [...new Set(parts.map((p) => p.trim()).filter(Boolean))];
}

/** One owner, validated; errors name the owner (its position and name or id). */
export function parseOwner(input: OwnerInput, position: number): Owner {
	const id = text(input.id) ?? text(input.email) ?? text(input.crm_owner_id);
	const label = `Owner ${position}${text(input.name) || id ? ` (${text(input.name) ?? id})` : ''}`;
	try {
		if (!id) throw new OwnerError('needs an ID or an email');
		const timeZone = text(input.time_zone);
		if (timeZone && !isValidTimeZone(timeZone))
			throw new OwnerError(`"${timeZone}" is not an IANA time zone such as Europe/Paris or America/New_York`);
		const caps: Partial<Record<Period, number>> = {};
		for (const period of ['day', 'week', 'month'] as Period[]) {
			const cap = toNumber(input[`cap_${period}`], `the ${period === 'day' ? 'daily' : `${period}ly`} cap`, 0);
			if (!Number.isInteger(cap)) throw new OwnerError(`caps are whole numbers of leads, not ${cap}`);
			if (cap > 0) caps[period] = cap;
		}
		let workingHours: WorkingHours | undefined;
		let outOfOffice: DateRange[];
		try {
			workingHours = parseWorkingHours(text(input.working_hours) ?? '');
			outOfOffice = parseDateRanges(input.out_of_office);
		} catch (e) {
			throw new OwnerError((e as Error).message);
		}
		return {
			id,
			name: text(input.name) ?? id,
			email: text(input.email),
			crmOwnerId: text(input.crm_owner_id),
			teams: toList(input.teams),
			weight: toNumber(input.weight, 'weight', 1),
			timeZone,
			workingHours,
			active: toBoolean(input.active),
			outOfOffice,
			caps,
			baseLoad: toNumber(input.load, 'load', 0),
		};
	} catch (e) {
		throw new OwnerError(`${label}: ${(e as Error).message}`);
	}
}

/** Every owner, validated; IDs must be unique. */
export function parseOwners(inputs: OwnerInput[]): Owner[] {
	const owners = inputs.map((input, i) => parseOwner(input, i + 1));
	const seen = new Map<string, number>();
	owners.forEach((o, i) => {
		const first = seen.get(o.id.toLowerCase());
		if (first !== undefined)
			throw new OwnerError(`Owner ${i + 1} (${o.name}): the ID "${o.id}" is already used by owner ${first + 1}`);
		seen.set(o.id.toLowerCase(), i);
	});
	return owners;
}

const DOMAIN_COLUMNS = ['domain', 'company_domain', 'website', 'company_website', 'url', 'email'];
const ACCOUNT_OWNER_COLUMNS = [
	'owner_id',
	'account_owner_id',
	'account_owner',
	'owner',
	'owner_email',
	'hubspot_owner_id',
	'salesforce_user_id',
];

/**
 * Account owners from reference rows (a CRM export): company domain -> owner ID. Rows without a
 * recognisable domain or owner are reported back by position rather than dropped silently.
 */
export function accountOwnersFromRows(
	rows: Array<Record<string, unknown>>,
	domainOf: (value: string) => string | null,
): { owners: Map<string, string>; skipped: number[] } {
	const owners = new Map<string, string>();
	const skipped: number[] = [];
	rows.forEach((row, i) => {
		const byKey = new Map(Object.entries(row).map(([k, v]) => [columnKey(k), v]));
		const pick = (columns: string[]) => columns.map((c) => text(byKey.get(c))).find(Boolean);
		const domainText = pick(DOMAIN_COLUMNS);
		const domain = domainText ? domainOf(domainText) : null;
		const owner = pick(ACCOUNT_OWNER_COLUMNS);
		if (!domain || !owner) skipped.push(i);
		else if (!owners.has(domain)) owners.set(domain, owner);
	});
	return { owners, skipped };
}
