/**
 * What a person sees after posting a plain HTML form: browsers (a urlencoded or multipart post
 * that accepts text/html) get a small, accessible page instead of the JSON that apps and vendor
 * webhooks get. A thank-you page, or the problems in words with a link back to the form.
 */
import { header as headerOf } from './capture';
import type { IncomingSubmission } from './types';

export interface PageOptions {
	/** The thank-you text (plain text; line breaks kept). */
	thankYou: string;
	/** The page's language (`lang` attribute), a BCP 47 tag. */
	language: string;
}

export const DEFAULT_THANK_YOU = 'We received your details and will be in touch soon.';

const MAX_TEXT = 2_000;

const header = (req: Pick<IncomingSubmission, 'headers'>, name: string) => (headerOf(req, name) ?? '').slice(0, 2_000);

/** Whether the request is a browser posting an HTML form (not fetch(), not a vendor's webhook). */
export function isBrowserFormPost(req: Pick<IncomingSubmission, 'headers' | 'method'>): boolean {
	if (req.method.toUpperCase() !== 'POST') return false;
	const type = header(req, 'content-type').split(';')[0].trim().toLowerCase();
	if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') return false;
	// Browsers navigating send "text/html,application/xhtml+xml,...": fetch() and servers do not.
	return header(req, 'accept').toLowerCase().includes('text/html');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A web address the trigger may send a browser to or link: an absolute http(s) URL, else none. */
export function redirectTarget(raw: string): string | undefined {
	const text = raw.trim();
	if (!text) return undefined;
	try {
		const url = new URL(text);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
	} catch {
		return undefined;
	}
}

/** The form's page to go back to: the Referer when it is an http(s) URL, else none. */
export function backLink(req: Pick<IncomingSubmission, 'headers'>): string | undefined {
	return redirectTarget(header(req, 'referer'));
}

function page(language: string, title: string, body: string): string {
	const lang = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/.test(language) ? language : 'en';
	return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1f2328}
main{max-width:36rem;margin:12vh auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:1.5rem;margin:0 0 1rem}
p,li{font-size:1.05rem;line-height:1.5}
a{color:#0b57d0}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function paragraphs(text: string): string {
	return text
		.slice(0, MAX_TEXT)
		.split(/\n{2,}/)
		.map((p) => `<p>${escapeHtml(p.trim()).replace(/\n/g, '<br>')}</p>`)
		.join('\n');
}

/** The thank-you page. */
export function thankYouPage(options: PageOptions, back?: string): string {
	const link = back ? `\n<p><a href="${escapeHtml(back)}">Back to the page</a></p>` : '';
	return page(
		options.language,
		'Thank you',
		`<h1>Thank you</h1>\n${paragraphs(options.thankYou || DEFAULT_THANK_YOU)}${link}`,
	);
}

/** Field names in words. */
const FIELD_WORDS: Record<string, string> = {
	email: 'Email',
	phone: 'Phone',
	first_name: 'First name',
	last_name: 'Last name',
	full_name: 'Name',
	company: 'Company',
	job_title: 'Job title',
	website: 'Website',
	country: 'Country',
	city: 'City',
	message: 'Message',
	'consent.marketing': 'Marketing consent',
	'consent.terms': 'Terms and privacy consent',
};

function sentence(field: string, message: string): string {
	const name = FIELD_WORDS[field] ?? field.replace(/[._]/g, ' ');
	const text = message.trim();
	if (text === 'is required') return `${name} is required.`;
	if (text === 'consent is required') return `Please tick the box to agree (${name.toLowerCase()}).`;
	if (/^an email or a phone number is required$/.test(text)) return 'Please give an email address or a phone number.';
	// Messages that already name the value ("\"x\" is not a valid email address"): name the field.
	const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
	return `${name}: ${capitalised}${/[.!?]$/.test(capitalised) ? '' : '.'}`;
}

/** The page for a submission that was not accepted: the problems in words, a link back. */
export function problemsPage(
	issues: Array<{ field: string; message: string }>,
	language: string,
	back?: string,
	fallback = 'The form could not be sent.',
): string {
	const items = issues.slice(0, 20).map((i) => `<li>${escapeHtml(sentence(i.field, i.message))}</li>`);
	const list = items.length ? `\n<ul>\n${items.join('\n')}\n</ul>` : `\n<p>${escapeHtml(fallback)}</p>`;
	const link = back
		? `\n<p><a href="${escapeHtml(back)}">Go back to the form</a> to correct it; what you typed may still be there.</p>`
		: "\n<p>Please go back to the form (your browser's Back button) and correct it.</p>";
	return page(language, 'Please check the form', `<h1>Please check the form</h1>${list}${link}`);
}
