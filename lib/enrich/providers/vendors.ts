import { trimTrailing } from '../../normalize/text';
import {
	compact,
	jsonObject,
	num,
	ProviderError,
	str,
	type LookupInput,
	type ProviderAdapter,
	type ProviderResponse,
} from './types';

const obj = (v: unknown): Record<string, unknown> =>
	v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const notFound = (raw: unknown) => ({ found: false, fields: {}, raw });
/** One person at one company: the look-up key of a name + domain search. */
const nameAtDomain = (l: LookupInput) =>
	l.domain && l.first_name && l.last_name ? `${l.first_name}|${l.last_name}|${l.domain}`.toLowerCase() : null;
const join = (base: string, path: string) => `${trimTrailing(base, '/')}${path}`;

/** Hunter's answers wrap the result in `data`; a 404 or an empty `data` is "not found". */
function hunterData(response: ProviderResponse, label: string): Record<string, unknown> | null {
	if (response.status === 404) return null;
	const body = jsonObject(response.body, label);
	if (!('data' in body)) throw new ProviderError(`${label} answered without its "data" object`, 'malformed');
	return body.data && typeof body.data === 'object' ? obj(body.data) : null;
}

export const hunterVerify: ProviderAdapter = {
	id: 'hunter.verify',
	label: 'Hunter Email Verifier',
	fills: ['email.verification'],
	missingInput: 'no valid email to verify',
	lookupKey: (l) => l.email,
	request: (l, base) => ({ method: 'GET', url: join(base, '/email-verifier'), qs: { email: l.email! } }),
	parse(response) {
		const data = hunterData(response, this.label);
		if (!data) return notFound(response.body);
		return {
			found: true,
			raw: data,
			fields: {
				'email.verification': compact({
					status: str(data.status),
					result: str(data.result),
					score: num(data.score),
					accept_all: typeof data.accept_all === 'boolean' ? data.accept_all : undefined,
					disposable: typeof data.disposable === 'boolean' ? data.disposable : undefined,
					webmail: typeof data.webmail === 'boolean' ? data.webmail : undefined,
				}),
			},
		};
	},
};

export const hunterFinder: ProviderAdapter = {
	id: 'hunter.finder',
	label: 'Hunter Email Finder',
	fills: ['person.email', 'person.email_score'],
	missingInput: 'needs a first and last name and a company domain',
	lookupKey: (l) => nameAtDomain(l),
	request: (l, base) => ({
		method: 'GET',
		url: join(base, '/email-finder'),
		qs: { domain: l.domain!, first_name: l.first_name!, last_name: l.last_name! },
	}),
	parse(response) {
		const data = hunterData(response, this.label);
		if (!data || !str(data.email)) return notFound(response.body);
		return {
			found: true,
			raw: data,
			fields: compact({
				'person.email': str(data.email),
				'person.email_score': num(data.score),
				'person.title': str(data.position),
				'person.linkedin': str(data.linkedin_url),
				'company.name': str(data.company),
			}),
		};
	},
};

export const hunterDomain: ProviderAdapter = {
	id: 'hunter.domain',
	label: 'Hunter Domain Search',
	fills: ['company.email_pattern', 'company.name'],
	missingInput: 'no company domain (website or business email)',
	lookupKey: (l) => l.domain,
	request: (l, base) => ({ method: 'GET', url: join(base, '/domain-search'), qs: { domain: l.domain!, limit: '10' } }),
	parse(response) {
		const data = hunterData(response, this.label);
		if (!data) return notFound(response.body);
		const pattern = str(data.pattern);
		return {
			found: !!(pattern || str(data.organization)),
			raw: data,
			fields: compact({
				// Hunter writes patterns as this package does: "{first}.{last}".
				'company.email_pattern': pattern,
				'company.name': str(data.organization),
				'company.industry': str(data.industry),
				'company.country': str(data.country),
				'company.size': str(data.headcount),
				'company.linkedin': str(data.linkedin),
			}),
		};
	},
};

/** The company fields Apollo gives in `organization` (people match and organization enrich). */
function apolloCompany(org: Record<string, unknown>): Record<string, unknown> {
	return compact({
		'company.name': str(org.name),
		'company.domain': str(org.primary_domain),
		'company.industry': str(org.industry),
		'company.employees': num(org.estimated_num_employees),
		'company.country': str(org.country),
		'company.city': str(org.city),
		'company.linkedin': str(org.linkedin_url),
		'company.founded': num(org.founded_year),
		'company.revenue': num(org.annual_revenue),
	});
}

export const apolloPerson: ProviderAdapter = {
	id: 'apollo.person',
	label: 'Apollo People Match',
	fills: ['person.title', 'person.seniority', 'company.name', 'company.industry'],
	missingInput: 'needs an email, or a first and last name with a company domain',
	lookupKey: (l) => l.email ?? nameAtDomain(l),
	request: (l, base) => ({
		method: 'POST',
		url: join(base, '/people/match'),
		qs: compact({
			email: l.email,
			first_name: l.email ? null : l.first_name,
			last_name: l.email ? null : l.last_name,
			domain: l.email ? null : l.domain,
			organization_name: l.email ? null : l.company,
		}) as Record<string, string>,
	}),
	parse(response) {
		if (response.status === 404) return notFound(response.body);
		const body = jsonObject(response.body, this.label);
		const person = body.person && typeof body.person === 'object' ? obj(body.person) : null;
		if (!person) return notFound(body);
		const departments = Array.isArray(person.departments)
			? person.departments.filter((d) => typeof d === 'string')
			: [];
		return {
			found: true,
			raw: person,
			fields: {
				...compact({
					'person.title': str(person.title),
					'person.seniority': str(person.seniority),
					'person.department': departments[0] ?? null,
					'person.linkedin': str(person.linkedin_url),
					'person.city': str(person.city),
					'person.country': str(person.country),
				}),
				...apolloCompany(obj(person.organization)),
			},
		};
	},
};

export const apolloOrganization: ProviderAdapter = {
	id: 'apollo.organization',
	label: 'Apollo Organization Enrichment',
	fills: ['company.name', 'company.industry', 'company.employees'],
	missingInput: 'no company domain (website or business email)',
	lookupKey: (l) => l.domain,
	request: (l, base) => ({ method: 'GET', url: join(base, '/organizations/enrich'), qs: { domain: l.domain! } }),
	parse(response) {
		if (response.status === 404) return notFound(response.body);
		const body = jsonObject(response.body, this.label);
		const org = body.organization && typeof body.organization === 'object' ? obj(body.organization) : null;
		return org ? { found: true, raw: org, fields: apolloCompany(org) } : notFound(body);
	},
};

export const pdlPerson: ProviderAdapter = {
	id: 'pdl.person',
	label: 'People Data Labs Person Enrichment',
	fills: ['person.title', 'person.seniority', 'company.name', 'company.industry'],
	missingInput: 'needs an email, or a name with a company domain',
	lookupKey: (l) =>
		l.email ??
		(l.domain && (l.full_name || (l.first_name && l.last_name))
			? `${l.full_name ?? `${l.first_name} ${l.last_name}`}|${l.domain}`.toLowerCase()
			: null),
	request: (l, base) => ({
		method: 'GET',
		url: join(base, '/person/enrich'),
		qs: compact({
			email: l.email,
			name: l.email ? null : (l.full_name ?? `${l.first_name} ${l.last_name}`),
			company: l.email ? null : l.domain,
			min_likelihood: '6',
		}) as Record<string, string>,
	}),
	parse(response) {
		if (response.status === 404) return notFound(response.body);
		const body = jsonObject(response.body, this.label);
		const data = body.data && typeof body.data === 'object' ? obj(body.data) : null;
		if (!data) return notFound(body);
		const levels = Array.isArray(data.job_title_levels)
			? data.job_title_levels.filter((d) => typeof d === 'string')
			: [];
		return {
			found: true,
			raw: { likelihood: body.likelihood, data },
			fields: compact({
				'person.title': str(data.job_title),
				'person.seniority': levels[0] ?? null,
				'person.department': str(data.job_title_role),
				'person.linkedin': str(data.linkedin_url),
				'person.country': str(data.location_country),
				'person.likelihood': num(body.likelihood),
				'company.name': str(data.job_company_name),
				'company.domain': str(data.job_company_website),
				'company.industry': str(data.job_company_industry),
				'company.size': str(data.job_company_size),
				'company.linkedin': str(data.job_company_linkedin_url),
			}),
		};
	},
};

export const pdlCompany: ProviderAdapter = {
	id: 'pdl.company',
	label: 'People Data Labs Company Enrichment',
	fills: ['company.name', 'company.industry', 'company.size'],
	missingInput: 'no company domain (website or business email)',
	lookupKey: (l) => l.domain,
	request: (l, base) => ({ method: 'GET', url: join(base, '/company/enrich'), qs: { website: l.domain! } }),
	parse(response) {
		if (response.status === 404) return notFound(response.body);
		const data = jsonObject(response.body, this.label);
		if (!str(data.name) && !str(data.website)) return notFound(data);
		return {
			found: true,
			raw: data,
			fields: compact({
				'company.name': str(data.display_name) ?? str(data.name),
				'company.domain': str(data.website),
				'company.industry': str(data.industry),
				'company.size': str(data.size),
				'company.employees': num(data.employee_count),
				'company.country': str(obj(data.location).country),
				'company.linkedin': str(data.linkedin_url),
				'company.founded': num(data.founded),
			}),
		};
	},
};

export const VENDOR_ADAPTERS: Record<string, ProviderAdapter> = Object.fromEntries(
	[hunterVerify, hunterFinder, hunterDomain, apolloPerson, apolloOrganization, pdlPerson, pdlCompany].map((a) => [
		a.id,
		a,
	]),
);
