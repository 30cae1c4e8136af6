import { normalizeEmail, isRoleAddress } from '../../lib/normalize/email';
import { normalizePhone, isValidPhone, phoneKey } from '../../lib/normalize/phone';
import { splitFullName, normalizeName, tidyNameCase } from '../../lib/normalize/name';
import { normalizeDomain, normalizeWebsite } from '../../lib/normalize/domain';
import { normalizeCountry } from '../../lib/normalize/country';
import { cleanString, foldText } from '../../lib/normalize/text';
import { isDisposableDomain } from '../../lib/normalize/disposable';

describe('normalizeEmail', () => {
	it('lower-cases, trims and strips mailto and display names', () => {
		expect(normalizeEmail('  Jane.Doe@Example.COM ')?.email).toBe('jane.doe@example.com');
		expect(normalizeEmail('mailto:jane@example.com')?.email).toBe('jane@example.com');
		expect(normalizeEmail('Jane Doe <Jane@Example.com>')?.email).toBe('jane@example.com');
	});
	it('folds Gmail dots, +tags and googlemail.com into one mailbox key', () => {
		const keys = ['Laura.Dupont+demo@Gmail.com', 'lauradupont@gmail.com', 'l.a.u.r.a.dupont@googlemail.com'].map(
			(e) => normalizeEmail(e)?.key,
		);
		expect(new Set(keys)).toEqual(new Set(['lauradupont@gmail.com']));
	});
	it('strips +tags only where the provider documents sub-addressing', () => {
		expect(normalizeEmail('bob+x@outlook.com')?.key).toBe('bob@outlook.com');
		expect(normalizeEmail('bob+x@acme.example')?.key).toBe('bob+x@acme.example');
		expect(normalizeEmail('bob+x@acme.example', { stripPlusEverywhere: true })?.key).toBe('bob@acme.example');
		expect(normalizeEmail('bob-shopping@yahoo.com')?.key).toBe('bob@yahoo.com');
		// dots matter outside Gmail
		expect(normalizeEmail('b.ob@outlook.com')?.key).toBe('b.ob@outlook.com');
	});
	it('rejects what is not an address', () => {
		for (const bad of [
			'',
			'plainaddress',
			'@example.com',
			'a@b',
			'a@@b.com',
			'a b@c.com',
			'a@b.c',
			'a..b@c.com',
			'x@-bad.com',
			42,
			null,
			{},
		]) {
			expect(normalizeEmail(bad)).toBeNull();
		}
		expect(normalizeEmail(`${'a'.repeat(65)}@example.com`)).toBeNull();
	});
	it('accepts internationalised addresses', () => {
		expect(normalizeEmail('josé@café.fr')?.domain).toBe('café.fr');
	});
	it('recognises role addresses', () => {
		expect(isRoleAddress('info')).toBe(true);
		expect(isRoleAddress('jane')).toBe(false);
	});
});

describe('normalizePhone', () => {
	it('needs a default country for local formats', () => {
		expect(normalizePhone('06 12 34 56 78', 'FR')).toEqual({ e164: '+33612345678', country: 'FR', type: 'mobile' });
		expect(normalizePhone('06 12 34 56 78')).toBeNull();
	});
	it('reads + and 00 international prefixes without one', () => {
		expect(normalizePhone('+44 20 7946 0018')?.e164).toBe('+442079460018');
		expect(normalizePhone('0033 6 12 34 56 78')?.e164).toBe('+33612345678');
	});
	it('accepts numbers sent as JSON numbers with their calling code (Webflow)', () => {
		expect(normalizePhone(15550000000)?.e164).toBe('+15550000000');
		expect(normalizePhone(4915112345678)?.country).toBe('DE');
	});
	it('refuses text and impossible numbers', () => {
		expect(normalizePhone('call me maybe')).toBeNull();
		expect(normalizePhone('12', 'US')).toBeNull();
		expect(normalizePhone({ n: 1 })).toBeNull();
		expect(isValidPhone('+1 555 000 0000')).toBe(false); // possible length, not an assigned range
		expect(isValidPhone('+1 415 555 0134')).toBe(true);
	});
});

describe('phoneKey: one key for a number that does not parse, however it was typed', () => {
	it('a Madrid number with a digit too many, typed nationally and with +34 or 0034', () => {
		expect(normalizePhone('91 901 200 59', 'ES')).toBeNull(); // 10 digits: Spain has 9
		const keys = ['91 901 200 59', '+34 91 901 200 59', '0034 9190120059', '+34 (91) 901-20-05-9'].map((p) =>
			phoneKey(p, 'ES'),
		);
		expect(new Set(keys)).toEqual(new Set(['+349190120059']));
	});
	it('a trunk zero is dropped as the international form drops it', () => {
		// German mobile with a digit missing: 0151 typed nationally, +49 151 internationally
		expect(phoneKey('0151 123 456', 'DE')).toBe(phoneKey('+49 151 123 456', 'DE'));
		expect(phoneKey('0151 123 456', 'DE')).toBe('+49151123456');
	});
	it("another country's calling code keeps its own digits; no country or no digits, no key", () => {
		expect(phoneKey('+44 20 7946 00189', 'ES')).toBe('+4420794600189');
		expect(phoneKey('91 901 200 59')).toBeUndefined();
		expect(phoneKey('91 901 200 59', 'Spain')).toBeUndefined(); // a code, as prepareLead passes
		expect(phoneKey('n/a', 'ES')).toBeUndefined();
		expect(phoneKey('+34 0', 'ES')).toBeUndefined();
		expect(phoneKey(9190120059, 'ES')).toBe('+349190120059'); // sent as a JSON number
		expect(phoneKey('1'.repeat(41), 'ES')).toBeUndefined(); // longer than any phone
	});
});

describe('names', () => {
	it('splits full names, dropping honorifics and suffixes and keeping particles', () => {
		expect(splitFullName('Dr. Jean-Pierre de la Fontaine')).toEqual({
			first_name: 'Jean-Pierre',
			last_name: 'de la Fontaine',
		});
		expect(splitFullName('Doe, Jane')).toEqual({ first_name: 'Jane', last_name: 'Doe' });
		expect(splitFullName('Martin Luther King Jr.')).toEqual({ first_name: 'Martin Luther', last_name: 'King' });
		expect(splitFullName('Cher')).toEqual({ first_name: 'Cher', last_name: null });
		expect(splitFullName('   ')).toEqual({ first_name: null, last_name: null });
	});
	it('folds accents, case and punctuation for comparison', () => {
		expect(normalizeName("  Zoë  O'Brien-Smith ")).toBe('zoe obrien smith');
		expect(foldText('Straße')).toBe('strasse');
	});
	it('fixes all-lower or all-upper names only', () => {
		expect(tidyNameCase('laura')).toBe('Laura');
		expect(tidyNameCase('JEAN-PIERRE')).toBe('Jean-Pierre');
		expect(tidyNameCase('McDonald')).toBe('McDonald');
	});
});

describe('domains, countries, text', () => {
	it('normalises websites and domains', () => {
		expect(normalizeDomain('https://WWW.Acme.com/contact?x=1')).toBe('acme.com');
		expect(normalizeDomain('jane@Sub.Acme.co.uk')).toBe('sub.acme.co.uk');
		expect(normalizeDomain('not a domain')).toBeNull();
		expect(normalizeWebsite('acme.com/about')).toBe('https://acme.com/about');
		expect(normalizeWebsite('javascript:alert(1)')).toBeNull();
	});
	it('maps country names in several languages and aliases to ISO codes', () => {
		expect(normalizeCountry('France')).toBe('FR');
		expect(normalizeCountry('Allemagne')).toBe('DE');
		expect(normalizeCountry('Deutschland')).toBe('DE');
		expect(normalizeCountry('USA')).toBe('US');
		expect(normalizeCountry('uk')).toBe('GB');
		expect(normalizeCountry('Sri Lanka')).toBe('LK');
		expect(normalizeCountry('Atlantis')).toBeNull();
		expect(normalizeCountry('QQ')).toBeNull();
	});
	it('cleans strings: control characters, lone surrogates, empties', () => {
		expect(cleanString('  a\u0000b\u0007 c  ')).toBe('ab c');
		expect(cleanString('\ud800x')).toBe('\ufffdx');
		expect(cleanString('   ')).toBeNull();
		expect(cleanString(['a', 'b'])).toBe('a, b');
		expect(cleanString({})).toBeNull();
	});
	it('knows disposable domains, including wildcard sub-domains', () => {
		expect(isDisposableDomain('mailinator.com')).toBe(true);
		expect(isDisposableDomain('anything.33mail.com')).toBe(true);
		expect(isDisposableDomain('gmail.com')).toBe(false);
		expect(isDisposableDomain('acme.example')).toBe(false);
	});
});
