import type { IdentityField } from './schema';

/**
 * The longest value each canonical field keeps, in characters. Values are cut to this length
 * before they are normalised or matched, so no field can make a regular expression or a string
 * comparison run long. An email, phone or website longer than its limit cannot be valid and is
 * kept cut, as typed, with a validation issue; free text is cut.
 */
export const FIELD_LIMITS: Record<IdentityField, number> = {
	/** RFC 5321: an address is at most 254 characters. */
	email: 254,
	phone: 64,
	first_name: 100,
	last_name: 100,
	full_name: 200,
	company: 200,
	job_title: 200,
	website: 2048,
	country: 100,
	city: 100,
	message: 20_000,
};

/** Attribution values (UTM tags, click ids, landing page, referrer) and the source's strings. */
export const ATTRIBUTION_LIMIT = 2048;
/** A user agent string. */
export const USER_AGENT_LIMIT = 1000;
/**
 * A question's key or label taking part in field recognition ("What is your email address?"):
 * longer ones are still kept in the answers but are not read as a field name.
 */
export const LABEL_LIMIT = 300;
/** An IP address as a vendor forwards it (IPv6 with a zone fits). */
export const IP_LIMIT = 100;
