import { normalizeDomain } from '../normalize/domain';
import { normalizeCountry } from '../normalize/country';
import { applyPattern, companyNameFromDomain, domainPatterns, emailFacts, type EmailFacts } from './email';
import {
	countNames,
	countryOf,
	nameFacts,
	phoneFacts,
	type CountryFacts,
	type NameCounts,
	type NameFacts,
	type PhoneFacts,
} from './person';
import { timeZoneFor, type ZoneAnswer } from './zones';

/** The fields local enrichment reads from a lead (already mapped from the item by the node). */
export interface LocalInput {
	email: string;
	phone: string;
	first_name: string;
	last_name: string;
	full_name: string;
	country: string;
	city: string;
	website: string;
	salutation: string;
}

export interface LocalOptions {
	email: boolean;
	phone: boolean;
	name: boolean;
	country: boolean;
	/** The country a national phone number is read in when the lead states none. */
	defaultCountry?: string;
	/** The language of country names (a BCP 47 tag: en, fr, de...). */
	language: string;
	detectSwaps: boolean;
	salutation: boolean;
}

/** Company facts local enrichment can tell (providers add industry, size...). */
export interface LocalCompany {
	domain: string | null;
	/** A name guessed from the domain, for a person or a provider to confirm (providers fill `name`). */
	name_guess: string | null;
}

export interface LocalEnrichment {
	email?: (EmailFacts & { pattern: string | null; pattern_seen?: number; pattern_of?: number }) | null;
	/** An address built from the domain's pattern when the lead has names and a company domain but no email. */
	email_guess?: string | null;
	phone?: PhoneFacts | null;
	name?: NameFacts | null;
	country?: CountryFacts | null;
	time_zone?: ZoneAnswer;
	company?: LocalCompany;
}

/** Values to write back into the lead's own fields (only what changed, and only when asked). */
export type LeadUpdates = Partial<
	Record<'email' | 'phone' | 'first_name' | 'last_name' | 'full_name' | 'country', string>
>;

export interface LocalResult {
	enrichment: LocalEnrichment;
	updates: LeadUpdates;
}

/**
 * Local enrichment of a batch: every lead on its own (email, phone, names, country, time zone),
 * plus what only the batch shows (address patterns of shared domains, names used as first or last
 * names elsewhere). No network, no state.
 */
export function enrichLocally(inputs: LocalInput[], options: LocalOptions): LocalResult[] {
	const emails = inputs.map((l) => (options.email ? emailFacts(l.email) : null));
	const counts: NameCounts | undefined =
		options.name && options.detectSwaps
			? countNames(inputs.map((l) => ({ first: l.first_name || null, last: l.last_name || null })))
			: undefined;
	const names = inputs.map((l) =>
		options.name
			? nameFacts(
					{
						first: l.first_name || null,
						last: l.last_name || null,
						full: l.full_name || null,
						salutation: l.salutation,
						email: l.email || null,
					},
					{ detectSwaps: options.detectSwaps, salutation: options.salutation },
					counts,
				)
			: null,
	);
	const patterns = options.email
		? domainPatterns(
				inputs.map((l, k) => ({
					domain: emails[k]?.company_domain ?? null,
					local: emails[k]?.valid ? emails[k]!.address.split('@')[0] : null,
					// (a name guessed from the address would only repeat the address)
					first: names[k]?.guessed ? null : (names[k]?.first_name ?? (l.first_name || null)),
					last: names[k]?.guessed ? null : (names[k]?.last_name ?? (l.last_name || null)),
				})),
			)
		: new Map();

	return inputs.map((lead, k) => {
		const enrichment: LocalEnrichment = {};
		const updates: LeadUpdates = {};
		const email = emails[k];
		const companyDomain = normalizeDomain(lead.website) ?? email?.company_domain ?? null;
		if (options.email) {
			const pattern = email?.company_domain ? patterns.get(email.company_domain) : undefined;
			enrichment.email = email
				? {
						...email,
						pattern: pattern?.pattern ?? null,
						...(pattern ? { pattern_seen: pattern.seen, pattern_of: pattern.of } : {}),
					}
				: null;
			if (email?.valid && email.address !== lead.email) updates.email = email.address;
			if (!email && companyDomain && patterns.has(companyDomain)) {
				const name = names[k];
				enrichment.email_guess = applyPattern(
					patterns.get(companyDomain)!.pattern,
					name?.first_name ?? (lead.first_name || null),
					name?.last_name ?? (lead.last_name || null),
					companyDomain,
				);
			}
			enrichment.company = { domain: companyDomain, name_guess: companyNameFromDomain(companyDomain) };
		}

		const statedCountry = normalizeCountry(lead.country);
		const phone =
			options.phone || options.country ? phoneFacts(lead.phone, [statedCountry, options.defaultCountry]) : null;
		if (options.phone) {
			enrichment.phone = phone;
			if (phone?.valid && phone.e164 && phone.e164 !== lead.phone) updates.phone = phone.e164;
		}

		if (options.name) {
			const name = names[k];
			enrichment.name = name;
			// A name guessed from the address stays in the enrichment section, not in the lead's fields.
			if (name && !name.guessed) {
				if (name.first_name && name.first_name !== lead.first_name) updates.first_name = name.first_name;
				if (name.last_name && name.last_name !== lead.last_name) updates.last_name = name.last_name;
				const retyped = !lead.full_name || name.case_fixed || name.swapped;
				if (retyped && name.full_name && name.full_name !== lead.full_name) updates.full_name = name.full_name;
			}
		}

		if (options.country) {
			const country = statedCountry ? countryOf(statedCountry, options.language) : null;
			enrichment.country = country;
			if (country && country.code !== lead.country) updates.country = country.code;
			enrichment.time_zone = timeZoneFor({
				country: country?.code ?? null,
				phone: phone?.valid ? phone.e164 : null,
				phoneCountry: phone?.valid ? phone.country : null,
				city: lead.city,
			});
			if (!country && phone?.valid && phone.country) enrichment.country = countryOf(phone.country, options.language);
		}
		return { enrichment, updates };
	});
}
