import { signatureHeaders, verifySignature, type SignatureInput, type SignatureScheme } from '../../lib/capture/signatures';

const body = Buffer.from(JSON.stringify({ hello: 'wörld', n: 1 }));
const now = new Date('2026-11-20T12:00:00Z');
const secret = 's3cr3t';
const url = 'https://n8n.example/webhook/lead?x=1';

function input(scheme: SignatureScheme, headers: Record<string, string>, over: Partial<SignatureInput> = {}): SignatureInput {
	return { scheme, secret, rawBody: body, headers, method: 'POST', url, now, ...over };
}

const signed: Array<Exclude<SignatureScheme, 'googleAdsKey'>> = ['typeform', 'tally', 'webflow', 'facebook', 'hubspotV3', 'genericHmac'];

describe.each(signed)('%s signatures', (scheme) => {
	const good = signatureHeaders(scheme, secret, body, { now, url });
	it('accepts a good signature', () => {
		expect(verifySignature(input(scheme, good))).toEqual({ ok: true });
	});
	it('refuses a signature made with another secret', () => {
		const bad = signatureHeaders(scheme, 'other', body, { now, url });
		expect(verifySignature(input(scheme, bad))).toMatchObject({ ok: false, reason: 'signature mismatch' });
	});
	it('refuses a tampered body', () => {
		const tampered = Buffer.from(body.toString().replace('1', '2'));
		expect(verifySignature(input(scheme, good, { rawBody: tampered })).ok).toBe(false);
	});
	it('refuses a missing header and garbage', () => {
		expect(verifySignature(input(scheme, {})).ok).toBe(false);
		const garbage = Object.fromEntries(Object.entries(good).map(([k, v]) => [k, /timestamp/.test(k) ? v : 'sha256=zz!!']));
		expect(verifySignature(input(scheme, garbage)).ok).toBe(false);
	});
	it('refuses when no secret is configured', () => {
		expect(verifySignature(input(scheme, good, { secret: '' })).ok).toBe(false);
	});
});

describe.each(['webflow', 'hubspotV3'] as const)('%s replay window', (scheme) => {
	it('refuses a stale timestamp even with a valid signature', () => {
		const old = new Date(now.getTime() - 6 * 60 * 1000);
		const headers = signatureHeaders(scheme, secret, body, { now: old, url });
		expect(verifySignature(input(scheme, headers))).toMatchObject({ ok: false, reason: expect.stringMatching(/replay window/) });
		expect(verifySignature(input(scheme, headers, { toleranceSeconds: 600 }))).toEqual({ ok: true });
	});
	it('refuses a timestamp from the future', () => {
		const future = new Date(now.getTime() + 10 * 60 * 1000);
		expect(verifySignature(input(scheme, signatureHeaders(scheme, secret, body, { now: future, url }))).ok).toBe(false);
	});
});

describe('HubSpot v3 details', () => {
	it('signs method, the full URI, body and timestamp (a different URL fails)', () => {
		const headers = signatureHeaders('hubspotV3', secret, body, { now, url });
		expect(verifySignature(input('hubspotV3', headers, { url: 'https://n8n.example/webhook/other' })).ok).toBe(false);
		expect(verifySignature(input('hubspotV3', headers, { method: 'PUT' })).ok).toBe(false);
	});
	it('decodes the characters HubSpot decodes before signing', () => {
		const headers = signatureHeaders('hubspotV3', secret, body, { now, url: 'https://n8n.example/webhook/lead?e=a@b.c' });
		expect(verifySignature(input('hubspotV3', headers, { url: 'https://n8n.example/webhook/lead?e=a%40b.c' })).ok).toBe(true);
	});
});

describe('known vendor test vectors', () => {
	it('Typeform: sha256= + base64 HMAC of the raw body', () => {
		const h = signatureHeaders('typeform', 'abc', Buffer.from('{"a":1}'));
		expect(h['typeform-signature']).toBe('sha256=HxSmKxW6UJUybWx1w+LmtGLdceHEt/vawPMjCa23vl8=');
	});
	it('Facebook: sha256= + hex HMAC', () => {
		const h = signatureHeaders('facebook', 'abc', Buffer.from('{"a":1}'));
		expect(h['x-hub-signature-256']).toBe('sha256=1f14a62b15ba5095326d6c75c3e2e6b462dd71e1c4b7fbdac0f32309adb7be5f');
	});
});

describe('Google Ads key', () => {
	it('compares google_key in the body with the secret', () => {
		expect(verifySignature(input('googleAdsKey', {}, { body: { google_key: secret } }))).toEqual({ ok: true });
		expect(verifySignature(input('googleAdsKey', {}, { body: { google_key: 'nope' } })).ok).toBe(false);
		expect(verifySignature(input('googleAdsKey', {}, { body: {} })).ok).toBe(false);
	});
});

describe('generic HMAC options', () => {
	it('honours header name, base64 encoding and prefix', () => {
		const generic = { header: 'x-my-sig', encoding: 'base64' as const, prefix: 'v1=' };
		const headers = signatureHeaders('genericHmac', secret, body, { generic });
		expect(headers['x-my-sig']).toMatch(/^v1=/);
		expect(verifySignature(input('genericHmac', headers, { generic }))).toEqual({ ok: true });
		expect(verifySignature(input('genericHmac', headers, { generic: { ...generic, encoding: 'hex' } })).ok).toBe(false);
	});
});
