/**
 * Free webmail domains: an address there says nothing about the person's company. The most used
 * providers worldwide; Enrich may extend the list.
 */
const FREE = new Set([
	'gmail.com',
	'googlemail.com',
	'yahoo.com',
	'yahoo.co.uk',
	'yahoo.fr',
	'yahoo.de',
	'yahoo.es',
	'yahoo.it',
	'yahoo.co.jp',
	'yahoo.com.br',
	'yahoo.co.in',
	'ymail.com',
	'rocketmail.com',
	'hotmail.com',
	'hotmail.co.uk',
	'hotmail.fr',
	'hotmail.de',
	'hotmail.es',
	'hotmail.it',
	'outlook.com',
	'outlook.fr',
	'outlook.de',
	'live.com',
	'live.fr',
	'live.co.uk',
	'msn.com',
	'aol.com',
	'icloud.com',
	'me.com',
	'mac.com',
	'proton.me',
	'protonmail.com',
	'pm.me',
	'gmx.com',
	'gmx.de',
	'gmx.net',
	'gmx.at',
	'gmx.ch',
	'web.de',
	'mail.com',
	'mail.ru',
	'yandex.ru',
	'yandex.com',
	'zoho.com',
	'fastmail.com',
	'hey.com',
	'tutanota.com',
	'posteo.de',
	'mailbox.org',
	'orange.fr',
	'wanadoo.fr',
	'free.fr',
	'sfr.fr',
	'laposte.net',
	'bbox.fr',
	'neuf.fr',
	't-online.de',
	'freenet.de',
	'libero.it',
	'virgilio.it',
	'tiscali.it',
	'alice.it',
	'btinternet.com',
	'sky.com',
	'virginmedia.com',
	'ntlworld.com',
	'talktalk.net',
	'comcast.net',
	'verizon.net',
	'att.net',
	'sbcglobal.net',
	'bellsouth.net',
	'cox.net',
	'charter.net',
	'earthlink.net',
	'qq.com',
	'163.com',
	'126.com',
	'sina.com',
	'naver.com',
	'daum.net',
	'hanmail.net',
	'rediffmail.com',
	'uol.com.br',
	'bol.com.br',
	'terra.com.br',
	'seznam.cz',
	'wp.pl',
	'o2.pl',
	'interia.pl',
	'onet.pl',
	'bigpond.com',
	'optusnet.com.au',
	'shaw.ca',
	'rogers.com',
	'sympatico.ca',
	'telenet.be',
	'skynet.be',
	'ziggo.nl',
	'kpnmail.nl',
	'hetnet.nl',
	'bluewin.ch',
	'inbox.ru',
	'list.ru',
	'bk.ru',
	'ukr.net',
	'abv.bg',
	'email.com',
	'usa.com',
	'inbox.com',
]);

export function isFreeEmailDomain(domain: string): boolean {
	return FREE.has(domain.toLowerCase());
}

/** The big free providers people mistype ("gmial.com", "hotmial.com", "yahoo.co"). */
const OFTEN_MISTYPED = [
	'gmail.com',
	'googlemail.com',
	'yahoo.com',
	'hotmail.com',
	'outlook.com',
	'icloud.com',
	'protonmail.com',
	'hotmail.co.uk',
	'yahoo.co.uk',
];

/** One edit apart: a letter changed, added, dropped, or two neighbours swapped (bounded, linear). */
function oneEditApart(a: string, b: string): boolean {
	if (a === b) return false;
	const la = a.length;
	const lb = b.length;
	if (Math.abs(la - lb) > 1) return false;
	let i = 0;
	while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
	if (la === lb) {
		// a change: the rest equal; a swap: the two next letters crossed, then the rest equal
		if (a.slice(i + 1) === b.slice(i + 1)) return true;
		return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
	}
	return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/**
 * The free provider a domain is a typo of ("gmial.com" → "gmail.com"), or null: one edit away
 * from one of the big providers and not itself a known free provider.
 */
export function freeMailTypo(domain: string): string | null {
	const d = domain.toLowerCase();
	if (d.length > 40 || FREE.has(d)) return null;
	for (const provider of OFTEN_MISTYPED) if (oneEditApart(d, provider)) return provider;
	return null;
}
