import {
	signatureHeaders,
	verifySignature,
	type SignatureInput,
	type SignatureScheme,
} from '../../lib/capture/signatures';
import { fixture } from './helpers';

const body = Buffer.from(JSON.stringify({ hello: 'wörld', n: 1 }));
const now = new Date('2026-11-20T12:00:00Z');
const secret = 's3cr3t';
const url = 'https://n8n.example/webhook/lead?x=1';

function input(
	scheme: SignatureScheme,
	headers: Record<string, string>,
	over: Partial<SignatureInput> = {},
): SignatureInput {
	return { scheme, secret, rawBody: body, headers, method: 'POST', url, now, ...over };
}

const signed: Array<Exclude<SignatureScheme, 'googleAdsKey'>> = [
	'typeform',
	'tally',
	'webflow',
	'facebook',
	'hubspotV3',
	'genericHmac',
];

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
		const garbage = Object.fromEntries(
			Object.entries(good).map(([k, v]) => [k, /timestamp/.test(k) ? v : 'sha256=zz!!']),
		);
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
		expect(verifySignature(input(scheme, headers))).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/replay window/),
		});
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
		const headers = signatureHeaders('hubspotV3', secret, body, {
			now,
			url: 'https://n8n.example/webhook/lead?e=a@b.c',
		});
		expect(verifySignature(input('hubspotV3', headers, { url: 'https://n8n.example/webhook/lead?e=a%40b.c' })).ok).toBe(
			true,
		);
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

/**
 * Independent vectors: each vendor's documented example payload (the fixtures, copied from the
 * vendors' documentation) signed by `openssl dgst` as the vendor documents its scheme, not by this
 * package's own signer. The command that made each digest is beside it (run in
 * test/fixtures/payloads).
 */
describe('independent vectors (openssl)', () => {
	const raw = (name: string) => fixture(name);
	const at = new Date(1732615894000);
	const verify = (
		scheme: SignatureScheme,
		name: string,
		headers: Record<string, string>,
		secret: string,
		over: Partial<SignatureInput> = {},
	) =>
		verifySignature({
			scheme,
			secret,
			rawBody: raw(name),
			headers,
			method: 'POST',
			url: 'https://n8n.example/webhook/lead',
			now: at,
			...over,
		});
	it('Typeform: base64 HMAC-SHA256 of the body, "sha256=" prefix', () => {
		// openssl dgst -sha256 -hmac 'typeform-secret' -binary typeform.json | openssl base64 -A
		const sig = 'zRvo1g6YJ2hEl7qDilkJjiT242baVo4GIcgY+DHA8w8=';
		expect(verify('typeform', 'typeform.json', { 'typeform-signature': `sha256=${sig}` }, 'typeform-secret')).toEqual({
			ok: true,
		});
		expect(verify('typeform', 'typeform.json', { 'typeform-signature': `sha256=${sig}` }, 'typeform-secreT').ok).toBe(
			false,
		);
	});
	it('Tally: base64 HMAC-SHA256 of the body', () => {
		// openssl dgst -sha256 -hmac 'tally-secret' -binary tally.json | openssl base64 -A
		expect(
			verify(
				'tally',
				'tally.json',
				{ 'tally-signature': 'meOIiTBz3Imh4uqm7VuLyT0vS87gaxAWbtf27ZjY6oU=' },
				'tally-secret',
			),
		).toEqual({ ok: true });
	});
	it('Meta (Lead Ads): hex HMAC-SHA256 of the body with the app secret, "sha256=" prefix', () => {
		// openssl dgst -sha256 -hmac 'meta-app-secret' facebook-webhook.json
		const sig = '6a6de7ae47dfaf78603747d582db317f356b36a3c883115fefd406cfd2cf0cbc';
		expect(
			verify('facebook', 'facebook-webhook.json', { 'x-hub-signature-256': `sha256=${sig}` }, 'meta-app-secret'),
		).toEqual({ ok: true });
	});
	it('Webflow: hex HMAC-SHA256 of "timestamp:body"', () => {
		// (printf '1732615894000:'; cat webflow.json) | openssl dgst -sha256 -hmac 'webflow-secret'
		const headers = {
			'x-webflow-timestamp': '1732615894000',
			'x-webflow-signature': '9e08f8a5a0cb32311b96080877b9ed192c535d5e9d59036b3ddf6c344d3cff2d',
		};
		expect(verify('webflow', 'webflow.json', headers, 'webflow-secret')).toEqual({ ok: true });
	});
	it('HubSpot v3: base64 HMAC-SHA256 of method + URL + body + timestamp', () => {
		// (printf 'POSThttps://n8n.example/webhook/lead'; cat hubspot.json; printf '1732615894000') | openssl dgst -sha256 -hmac 'hubspot-secret' -binary | openssl base64 -A
		const headers = {
			'x-hubspot-request-timestamp': '1732615894000',
			'x-hubspot-signature-v3': 'xA6xew+/lIHsNXgbm7ki7w0/8cO1DbnMR6gm6Bxy+tY=',
		};
		expect(verify('hubspotV3', 'hubspot.json', headers, 'hubspot-secret')).toEqual({ ok: true });
	});
});
