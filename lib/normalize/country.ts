import { foldText } from './text';

/**
 * Country names and codes → ISO 3166-1 alpha-2, built from the ICU data Node already carries
 * (names in English, French, German, Spanish, Italian, Portuguese and Dutch), plus common aliases.
 */
const ALIASES: Record<string, string> = {
	usa: 'US',
	'united states of america': 'US',
	america: 'US',
	us: 'US',
	'u s a': 'US',
	'u s': 'US',
	uk: 'GB',
	'u k': 'GB',
	'great britain': 'GB',
	britain: 'GB',
	england: 'GB',
	scotland: 'GB',
	wales: 'GB',
	'northern ireland': 'GB',
	holland: 'NL',
	'the netherlands': 'NL',
	deutschland: 'DE',
	russia: 'RU',
	'south korea': 'KR',
	korea: 'KR',
	'north korea': 'KP',
	'czech republic': 'CZ',
	uae: 'AE',
	'ivory coast': 'CI',
	'viet nam': 'VN',
	turkey: 'TR',
	turkiye: 'TR',
	macedonia: 'MK',
	swaziland: 'SZ',
	burma: 'MM',
	'hong kong sar': 'HK',
	'the bahamas': 'BS',
	'the gambia': 'GM',
	'republic of ireland': 'IE',
	eire: 'IE',
	espana: 'ES',
	brasil: 'BR',
	mexique: 'MX',
	suisse: 'CH',
	schweiz: 'CH',
	svizzera: 'CH',
	osterreich: 'AT',
	belgique: 'BE',
	belgie: 'BE',
	italia: 'IT',
	nippon: 'JP',
	nihon: 'JP',
	polska: 'PL',
	sverige: 'SE',
	norge: 'NO',
	danmark: 'DK',
	suomi: 'FI',
};
const ALPHA3: Record<string, string> = {
	usa: 'US',
	gbr: 'GB',
	deu: 'DE',
	fra: 'FR',
	esp: 'ES',
	ita: 'IT',
	nld: 'NL',
	bel: 'BE',
	che: 'CH',
	aut: 'AT',
	can: 'CA',
	aus: 'AU',
	nzl: 'NZ',
	irl: 'IE',
	prt: 'PT',
	bra: 'BR',
	mex: 'MX',
	arg: 'AR',
	ind: 'IN',
	chn: 'CN',
	jpn: 'JP',
	kor: 'KR',
	sgp: 'SG',
	swe: 'SE',
	nor: 'NO',
	dnk: 'DK',
	fin: 'FI',
	pol: 'PL',
	cze: 'CZ',
	zaf: 'ZA',
	are: 'AE',
	isr: 'IL',
	tur: 'TR',
	rus: 'RU',
	ukr: 'UA',
	grc: 'GR',
	rou: 'RO',
	hun: 'HU',
	lux: 'LU',
	col: 'CO',
	chl: 'CL',
	per: 'PE',
	phl: 'PH',
	idn: 'ID',
	mys: 'MY',
	tha: 'TH',
	vnm: 'VN',
	egy: 'EG',
	nga: 'NG',
	ken: 'KE',
	mar: 'MA',
	sau: 'SA',
	qat: 'QA',
};

/** Regions, groupings and withdrawn codes that ICU still names. */
const NOT_COUNTRIES = new Set([
	'EU',
	'EZ',
	'UN',
	'XA',
	'XB',
	'QO',
	'ZZ',
	'FX',
	'DD',
	'YU',
	'CS',
	'SU',
	'ZR',
	'TP',
	'BU',
	'NT',
	'AN',
	'YD',
	'DY',
	'HV',
	'RH',
	'VD',
	'ZZ',
]);

let byName: Map<string, string> | undefined;
let codes: Set<string> | undefined;

function build(): void {
	byName = new Map();
	codes = new Set();
	const locales = ['en', 'fr', 'de', 'es', 'it', 'pt', 'nl'];
	const namers = locales.map((l) => new Intl.DisplayNames([l], { type: 'region', fallback: 'none' }));
	for (let a = 65; a <= 90; a++) {
		for (let b = 65; b <= 90; b++) {
			const code = String.fromCharCode(a, b);
			const en = namers[0].of(code);
			if (!en || en === code || /^[A-Z]{2}$/.test(en)) continue;
			if (NOT_COUNTRIES.has(code)) continue;
			codes.add(code);
			for (const namer of namers) {
				const name = namer.of(code);
				const key = name ? foldText(name) : '';
				if (key && !byName.has(key)) byName.set(key, code);
			}
		}
	}
	for (const [alias, code] of Object.entries(ALIASES)) byName.set(alias, code);
}

/** ISO alpha-2 code for a country name or code, or null when unknown. */
export function normalizeCountry(raw: unknown): string | null {
	if (typeof raw !== 'string') return null;
	if (!byName) build();
	const trimmed = raw.trim();
	if (/^[A-Za-z]{2}$/.test(trimmed)) {
		const up = trimmed.toUpperCase();
		if (up === 'UK') return 'GB';
		return codes!.has(up) ? up : null;
	}
	const folded = foldText(trimmed);
	if (!folded) return null;
	if (/^[a-z]{3}$/.test(folded) && ALPHA3[folded]) return ALPHA3[folded];
	return byName!.get(folded) ?? byName!.get(folded.replace(/^the /, '')) ?? null;
}
