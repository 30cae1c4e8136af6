import { allowedOrigin, captureLead, receiveSubmission } from '../../lib/capture/capture';
import { decideOutcome } from '../../lib/capture/outcome';
import { ipAllowed, parseCidr } from '../../lib/capture/ip';
import { expandBracketKeys, sanitizeBody } from '../../lib/capture/safeBody';
import { parseMultipart } from '../../lib/capture/multipart';
import { signatureHeaders } from '../../lib/capture/signatures';
import { config, fixtureJson, formRequest, jsonRequest } from './helpers';

function run(body: unknown, cfg = config(), headers: Record<string, string> = {}) {
	const req = jsonRequest(JSON.stringify(body), headers);
	const received = receiveSubmission(req, cfg);
	if (!received.ok) return { refusal: received };
	return { captured: received.submissions.map((s) => captureLead(s, req, cfg)), provider: received.provider };
}

describe('hostile and malformed input', () => {
	it('drops __proto__ and constructor keys without polluting prototypes', () => {
		const raw =
			'{"email":"a@b.example","__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"nested":{"__proto__":{"p":1}}}';
		const req = jsonRequest(raw);
		req.body = JSON.parse(raw);
		const received = receiveSubmission(req, config());
		expect(received.ok).toBe(true);
		const lead = received.ok ? captureLead(received.submissions[0], req, config()).lead : undefined;
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(lead?.answers.map((a) => a.key)).toEqual(['email', 'nested']);
		expect(Object.getPrototypeOf(lead?.answers[1].value)).toBe(Object.prototype);
		expect(Object.keys(lead?.answers[1].value as object)).toEqual([]);
	});
	it('refuses absurd nesting with a 400 instead of overflowing the stack', () => {
		let deep: unknown = 'x';
		for (let i = 0; i < 5000; i++) deep = { d: deep };
		const req = jsonRequest({ email: 'a@b.example' });
		req.body = { email: 'a@b.example', deep };
		const r = receiveSubmission(req, config());
		expect(r).toMatchObject({ ok: false, status: 400, body: { error: 'body_too_large' } });
	});
	it('refuses bodies with too many values', () => {
		const req = jsonRequest({});
		req.body = { list: Array.from({ length: 20000 }, (_, i) => i) };
		expect(receiveSubmission(req, config())).toMatchObject({ ok: false, status: 400 });
	});
	it('refuses arrays and scalars as bodies', () => {
		for (const body of [[1, 2], 'just text', 42]) {
			const req = jsonRequest({});
			req.body = body;
			req.rawBody = Buffer.from(JSON.stringify(body));
			expect(receiveSubmission(req, config())).toMatchObject({ ok: false, status: 400 });
		}
	});
	it('survives wrong types in every field', () => {
		const { captured } = run({
			email: ['a@b.example'],
			phone: { x: 1 },
			name: 12345,
			company: null,
			message: true,
			website: 7,
		});
		expect(captured?.[0].lead.email).toBe('a@b.example');
		expect(captured?.[0].lead.phone).toBeNull();
		expect(captured?.[0].issues).toEqual([]);
	});
	it('replaces invalid UTF-8 and lone surrogates', () => {
		const raw = Buffer.concat([
			Buffer.from('{"email":"u@v.example","name":"Bad '),
			Buffer.from([0xc3, 0x28, 0xff]),
			Buffer.from('","x":"\\ud800"}'),
		]);
		const req = jsonRequest({});
		req.body = {};
		req.rawBody = raw;
		const r = receiveSubmission(req, config());
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const lead = captureLead(r.submissions[0], req, config()).lead;
		expect(lead.full_name).toBe('Bad \ufffd(\ufffd');
		expect(lead.answers.find((a) => a.key === 'x')?.value).toBe('\ufffd');
		expect(() => JSON.stringify(lead)).not.toThrow();
	});
	it('cuts long free text to its field limit; refuses values over 1 MiB naming the key', () => {
		const { captured } = run({ email: 'a@b.example', message: 'x'.repeat(50000) });
		expect(captured?.[0].lead.message).toHaveLength(20000);
		expect(captured?.[0].lead.answers[1].value).toHaveLength(50000);
		const { refusal } = run({ email: 'a@b.example', notes: 'x'.repeat(1_048_577) });
		expect(refusal).toMatchObject({
			status: 413,
			body: { error: 'body_too_large', message: 'The value of "notes" is longer than 1048576 characters' },
		});
	});
	it('a JSON body that is a string holding JSON is refused, not read as a lead', () => {
		const raw = JSON.stringify(JSON.stringify({ email: 'a@b.example' }));
		const req = jsonRequest({});
		req.body = JSON.parse(raw);
		req.rawBody = Buffer.from(raw);
		expect(receiveSubmission(req, config())).toMatchObject({ ok: false, status: 400, body: { error: 'invalid_body' } });
	});
	it('a Jotform rawRequest nested past the limit is a 400 naming the problem, not a server error', () => {
		let deep: unknown = 'x';
		for (let i = 0; i < 40; i++) deep = { d: deep };
		const req = jsonRequest({
			formID: '1',
			submissionID: '2',
			rawRequest: JSON.stringify({ q3_email: 'a@b.example', deep }),
		});
		expect(receiveSubmission(req, config())).toMatchObject({
			ok: false,
			status: 400,
			body: { message: 'Body is nested deeper than 32 levels' },
		});
	});
	it('a key of 1 MB is kept as an answer but never read as a field name', () => {
		const key = `email ${'x'.repeat(1_000_000)}`;
		const { captured } = run({ [key]: 'a@b.example', email: 'c@d.example' });
		expect(captured?.[0].lead.email).toBe('c@d.example');
		expect(captured?.[0].lead.answers.map((a) => a.key.length)).toEqual([key.length, 5]);
	});
	it('expands PHP-style bracket keys safely', () => {
		expect(expandBracketKeys({ 'a[b][c]': 1, 'a[d]': 2, 'tags[]': 'x', '__proto__[p]': 1, 'a[__proto__]': 2 })).toEqual(
			{ a: { b: { c: 1 }, d: 2 }, tags: { '': ['x'] } },
		);
		expect(({} as Record<string, unknown>).p).toBeUndefined();
	});
	it('keeps numbers finite and bigints as text', () => {
		expect(sanitizeBody({ a: Infinity, b: 10n, c: () => 1 })).toEqual({ a: null, b: '10', c: null });
	});
});

describe('validation', () => {
	it('names every bad field in one answer', () => {
		const cfg = config({
			validation: { required: ['email', 'company', 'consent.marketing'], validateEmail: true, validatePhone: true },
		});
		const { captured } = run({ email: 'not-an-email', phone: '12' }, cfg);
		expect(captured?.[0].issues.map((i) => i.field).sort()).toEqual(
			['company', 'consent.marketing', 'email', 'phone'].sort(),
		);
	});
	it('requires an email or a phone by default', () => {
		expect(run({ name: 'Only a name' }).captured?.[0].issues).toEqual([
			{ field: 'email', message: 'an email or a phone number is required' },
		]);
		expect(run({ phone: '+14155550134' }).captured?.[0].issues).toEqual([]);
	});
	it('format checks can be switched off', () => {
		const cfg = config({ validation: { required: [], validateEmail: false, validatePhone: false } });
		expect(run({ email: 'nope', phone: 'x1' }, cfg).captured?.[0].issues).toEqual([]);
	});
});

describe('spam', () => {
	it('honeypot', () => {
		expect(run({ email: 'a@b.example', _gotcha: 'http://spam' }).captured?.[0].spam.reasons).toEqual([
			'honeypot field "_gotcha" was filled in',
		]);
		expect(run({ email: 'a@b.example', _gotcha: '' }).captured?.[0].spam.spam).toBe(false);
	});
	it('minimum fill time from a hidden start field (epoch ms or ISO)', () => {
		const started = new Date('2026-11-20T11:59:59Z').getTime();
		expect(run({ email: 'a@b.example', form_started_at: started }).captured?.[0].spam.spam).toBe(true);
		expect(run({ email: 'a@b.example', form_started_at: '2026-11-20T11:50:00Z' }).captured?.[0].spam.spam).toBe(false);
	});
	it('disposable email domains', () => {
		expect(run({ email: 'x@mailinator.com' }).captured?.[0].spam.reasons).toEqual([
			'disposable email domain mailinator.com',
		]);
		const off = config({ spam: { ...config().spam, rejectDisposableEmail: false } });
		expect(run({ email: 'x@mailinator.com' }, off).captured?.[0].spam.spam).toBe(false);
	});
	it('bot user agents on browser posts', () => {
		const cfg = config({ spam: { ...config().spam, rejectBotUserAgent: true } });
		expect(run({ email: 'a@b.example' }, cfg, { 'user-agent': 'python-requests/2.31' }).captured?.[0].spam.spam).toBe(
			true,
		);
		expect(
			run({ email: 'a@b.example' }, cfg, { 'user-agent': 'Mozilla/5.0 (Macintosh) Safari/605.1.15' }).captured?.[0].spam
				.spam,
		).toBe(false);
		// a vendor's server is not the visitor: Typeform posts with its own agent
		expect(run(fixtureJson('typeform.json'), cfg, { 'user-agent': 'Typeform Webhooks' }).captured?.[0].spam.spam).toBe(
			false,
		);
	});
});

describe('authentication in the pipeline', () => {
	const body = fixtureJson('typeform.json');
	const raw = JSON.stringify(body);
	it('uses the detected provider scheme', () => {
		const cfg = config({ auth: { type: 'signature', scheme: 'provider', secret: 'k', toleranceSeconds: 300 } });
		const req = jsonRequest(raw, signatureHeaders('typeform', 'k', raw));
		expect(receiveSubmission(req, cfg).ok).toBe(true);
		const bad = jsonRequest(raw, signatureHeaders('typeform', 'wrong', raw));
		expect(receiveSubmission(bad, cfg)).toMatchObject({ ok: false, status: 401, body: { error: 'invalid_signature' } });
	});
	it('refuses vendors without a signature scheme under provider signing', () => {
		const cfg = config({ auth: { type: 'signature', scheme: 'provider', secret: 'k', toleranceSeconds: 300 } });
		expect(receiveSubmission(jsonRequest({ email: 'a@b.example' }), cfg)).toMatchObject({ ok: false, status: 401 });
	});
	it('header token and basic auth', () => {
		const header = config({ auth: { type: 'headerAuth', name: 'X-Token', value: 'abc' } });
		expect(receiveSubmission(jsonRequest({ email: 'a@b.example' }, { 'x-token': 'abc' }), header).ok).toBe(true);
		expect(receiveSubmission(jsonRequest({ email: 'a@b.example' }, { 'x-token': 'abd' }), header).ok).toBe(false);
		const basic = config({ auth: { type: 'basicAuth', user: 'u', password: 'p:w' } });
		const auth = `Basic ${Buffer.from('u:p:w').toString('base64')}`;
		expect(receiveSubmission(jsonRequest({ email: 'a@b.example' }, { authorization: auth }), basic).ok).toBe(true);
		expect(receiveSubmission(jsonRequest({ email: 'a@b.example' }, { authorization: 'Basic eDp5' }), basic).ok).toBe(
			false,
		);
	});
	it('IP allowlist with IPv4, IPv6 and mapped addresses', () => {
		const list = ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'].map(parseCidr);
		expect(ipAllowed('10.1.2.3', list)).toBe(true);
		expect(ipAllowed('::ffff:10.1.2.3', list)).toBe(true);
		expect(ipAllowed('2001:db8:1::5', list)).toBe(true);
		expect(ipAllowed('192.0.2.7', list)).toBe(true);
		expect(ipAllowed('192.0.2.8', list)).toBe(false);
		expect(ipAllowed('11.0.0.1', list)).toBe(false);
		expect(ipAllowed(undefined, list)).toBe(false);
		expect(ipAllowed('1.2.3.4', [])).toBe(true);
		expect(() => parseCidr('10.0.0.0/33')).toThrow(/prefix/);
		expect(() => parseCidr('banana')).toThrow(/not an IP/);
		const cfg = config({ ipAllowlist: list });
		expect(receiveSubmission(jsonRequest({ email: 'a@b.example' }, {}, { ip: '8.8.8.8' }), cfg)).toMatchObject({
			ok: false,
			status: 403,
		});
	});
});

describe('outcome', () => {
	const good = run({ email: 'a@b.example' }).captured![0];
	const invalid = run({ email: 'bad' }).captured![0];
	const spam = run({ email: 'a@mailinator.com' }).captured![0];
	it('plain forms get a 422 naming the fields', () => {
		const o = decideOutcome('generic', [invalid], [], 'vendor');
		expect(o.status).toBe(422);
		expect(o.body).toMatchObject({ error: 'invalid_submission', issues: [{ field: 'email' }] });
		expect(o.rejected[0]).toMatchObject({ reason: 'invalid', lead: { email: 'bad' } });
	});
	it('vendors get a 2xx so they stop retrying, unless told otherwise', () => {
		expect(decideOutcome('tally', [invalid], [], 'vendor').status).toBe(200);
		expect(decideOutcome('tally', [invalid], [], 'always4xx').status).toBe(422);
		expect(decideOutcome('generic', [invalid], [], 'always200').status).toBe(200);
	});
	it('spam answers 200 and repeats are acknowledged', () => {
		expect(decideOutcome('generic', [spam], [], 'vendor')).toMatchObject({
			status: 200,
			accepted: [],
			rejected: [{ reason: 'spam' }],
		});
		expect(decideOutcome('generic', [{ ...good, repeated: true }], [], 'vendor')).toMatchObject({
			status: 200,
			repeated: 1,
			body: { duplicate: true },
		});
		expect(decideOutcome('generic', [good], [], 'vendor')).toMatchObject({
			status: 200,
			body: { ok: true, lead_ids: [good.lead.id] },
		});
	});
});

describe('multipart parser', () => {
	it('reads fields, repeated names and files, with CRLF or LF', () => {
		for (const nl of ['\r\n', '\n']) {
			const b = 'XyZ';
			const text = [
				`--${b}`,
				'Content-Disposition: form-data; name="email"',
				'',
				'a@b.example',
				`--${b}`,
				'Content-Disposition: form-data; name="tag"',
				'',
				'one',
				`--${b}`,
				'Content-Disposition: form-data; name="tag"',
				'',
				'two',
				`--${b}`,
				'Content-Disposition: form-data; name="cv"; filename="cv.txt"',
				'Content-Type: text/plain',
				'',
				'hello file',
				`--${b}--`,
				'',
			].join(nl);
			const r = parseMultipart(Buffer.from(text), b);
			expect(r.fields).toEqual({ email: 'a@b.example', tag: ['one', 'two'] });
			expect(r.files).toHaveLength(1);
			expect(r.files[0]).toMatchObject({ field: 'cv', filename: 'cv.txt', mimeType: 'text/plain' });
			expect(r.files[0].data.toString()).toBe('hello file');
		}
	});
	it('refuses truncated bodies and oversized files', () => {
		expect(() => parseMultipart(Buffer.from('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nx'), 'b')).toThrow(
			/truncated/,
		);
		expect(() => parseMultipart(Buffer.from('no boundary here'), 'b')).toThrow(/boundary/);
		const big = `--b\r\nContent-Disposition: form-data; name="f"; filename="x.bin"\r\n\r\n${'x'.repeat(100)}\r\n--b--`;
		expect(() => parseMultipart(Buffer.from(big), 'b', { maxParts: 10, maxFileBytes: 10 })).toThrow(/larger/);
	});
});

describe('allowed origins', () => {
	it('echoes allowed origins and answers others with the first allowed one', () => {
		expect(allowedOrigin('https://a.example', '*')).toBe('https://a.example');
		expect(allowedOrigin('https://a.example', undefined)).toBe('https://a.example');
		expect(allowedOrigin('https://b.example', 'https://a.example, https://b.example')).toBe('https://b.example');
		expect(allowedOrigin('https://evil.example', 'https://a.example,https://b.example')).toBe('https://a.example');
		expect(allowedOrigin(undefined, 'https://a.example')).toBeUndefined();
	});
});

describe('real submissions are read, not refused', () => {
	const lead = (body: unknown, headers: Record<string, string> = {}, cfg = config()) => {
		const r = run(body, cfg, headers);
		if (r.refusal) return { refusal: r.refusal };
		return { lead: r.captured![0].lead, issues: r.captured![0].issues };
	};
	it('a national phone is read with the country the submission states (field, locale, CDN header), then the default', () => {
		expect(lead({ email: 'a@b.example', phone: '03204301639', country: 'DE' }).lead).toMatchObject({
			phone: '+493204301639',
			country: 'DE',
		});
		expect(lead({ email: 'a@b.example', phone: '06 12 34 56 78', pays: 'France' }).lead?.phone).toBe('+33612345678');
		expect(lead({ email: 'a@b.example', phone: '030 1234567', locale: 'de-DE' }).lead?.phone).toBe('+49301234567');
		expect(lead({ email: 'a@b.example', phone: '020 7946 0958' }, { 'cf-ipcountry': 'GB' }).lead?.phone).toBe(
			'+442079460958',
		);
		expect(
			lead({ email: 'a@b.example', phone: '06 12 34 56 78' }, {}, config({ defaultCountry: 'FR' })).lead?.phone,
		).toBe('+33612345678');
	});
	it('a phone in no known format beside a valid email is kept as typed with a warning, never refused', () => {
		const { lead: kept, issues } = lead({ email: 'jane@acme.example', phone: '0320430163' });
		expect(issues).toEqual([]);
		expect(kept).toMatchObject({
			phone: '0320430163',
			warnings: [{ field: 'phone', message: '"0320430163" is not a valid phone number; kept as typed' }],
		});
		// without a valid email the phone is the only way to reach the person: refused
		expect(lead({ email: 'jane@', phone: '0320430163' }).issues?.map((i) => i.field)).toEqual(['email', 'phone']);
	});
	it('questions worded as people word them, in several languages', () => {
		const { lead: l } = lead({
			'What is your first name?': 'Laura',
			'And your last name?': 'Dupont',
			'Your email address': 'laura@example.com',
			"What's the best phone number to reach you?": '+33 6 12 34 56 78',
			'Company name (optional)': 'Acme',
		});
		expect(l).toMatchObject({ first_name: 'Laura', last_name: 'Dupont', email: 'laura@example.com', company: 'Acme' });
		expect(
			lead({
				'Quel est votre prénom ?': 'Jean',
				'Votre nom de famille': 'Martin',
				'Votre adresse e-mail': 'jm@x.example',
			}).lead,
		).toMatchObject({ first_name: 'Jean', last_name: 'Martin', email: 'jm@x.example' });
		expect(
			lead({
				'Wie heißen Sie?': 'Anna Schmidt',
				'Wie lautet Ihre E-Mail-Adresse?': 'as@x.example',
				'Ihre Telefonnummer': '+49 30 1234567',
			}).lead,
		).toMatchObject({
			full_name: 'Anna Schmidt',
			first_name: 'Anna',
			last_name: 'Schmidt',
			email: 'as@x.example',
			phone: '+49301234567',
		});
		expect(
			lead({
				'¿Cuál es tu nombre?': 'Lucía',
				'¿Cuál es tu correo electrónico?': 'lu@x.example',
				'¿Cómo te llamas?': 'Lucía Pérez',
			}).lead,
		).toMatchObject({ first_name: 'Lucía', email: 'lu@x.example', full_name: 'Lucía Pérez' });
	});
	it("Typeform's documented example payload: the first name comes from its question", () => {
		const { lead: l } = lead(fixtureJson('typeform-docs.json'));
		expect(l).toMatchObject({ first_name: 'Laura', full_name: 'Laura', email: 'laura@example.com' });
	});
	it("a plain HTML form: UTMs and click ids from the request's Referer (the page it was posted from)", () => {
		const body = 'name=Ana+Souza&email=ana%40acme.example';
		const req = formRequest(body, {
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				referer: 'https://acme.example/demo?utm_source=linkedin&utm_medium=paid&utm_campaign=q4-demo&gclid=Cj0KCQ',
			},
		});
		const received = receiveSubmission(req, config());
		const l = received.ok ? captureLead(received.submissions[0], req, config()).lead : undefined;
		expect(l?.attribution).toMatchObject({
			utm_source: 'linkedin',
			utm_medium: 'paid',
			utm_campaign: 'q4-demo',
			gclid: 'Cj0KCQ',
			referrer: 'https://acme.example/demo?utm_source=linkedin&utm_medium=paid&utm_campaign=q4-demo&gclid=Cj0KCQ',
		});
		// Hidden fields the page filled win over the Referer.
		const hidden = formRequest(`${body}&utm_source=newsletter`, { headers: req.headers });
		const r2 = receiveSubmission(hidden, config());
		expect(r2.ok && captureLead(r2.submissions[0], hidden, config()).lead.attribution.utm_source).toBe('newsletter');
		// A cross-origin Referer is only an origin: nothing to read, nothing made up.
		const bare = formRequest(body, {
			headers: { 'content-type': 'application/x-www-form-urlencoded', referer: 'https://acme.example/' },
		});
		const r3 = receiveSubmission(bare, config());
		expect(r3.ok && captureLead(r3.submissions[0], bare, config()).lead.attribution.utm_source).toBeNull();
	});
	it('Elementor simple mode: the metadata labels are read as the visitor IP, page and user agent', () => {
		const body =
			'Name=Jo+Bloggs&Email=jo%40x.example&Remote+IP=203.0.113.9&Page+URL=https%3A%2F%2Fx.example%2Fcontact%3Futm_source%3Dads&User+Agent=Mozilla%2F5.0+(X11)&Date=November+20%2C+2026&Time=10%3A16+am&Powered+by=Elementor&form_id=f1&form_name=Contact';
		const req = formRequest(body);
		const received = receiveSubmission(req, config());
		expect(received.ok && received.provider).toBe('elementor');
		const l = received.ok ? captureLead(received.submissions[0], req, config()).lead : undefined;
		expect(l?.source).toMatchObject({ ip: '203.0.113.9', user_agent: 'Mozilla/5.0 (X11)' });
		expect(l?.attribution).toMatchObject({
			landing_page: 'https://x.example/contact?utm_source=ads',
			utm_source: 'ads',
		});
		expect(l?.answers.map((a) => a.key)).toEqual(['Name', 'Email', 'Date', 'Time']);
	});
});
