/**
 * Free webmail domains: an address there says nothing about the person's company. The most used
 * providers worldwide; Enrich may extend the list.
 */
const FREE = new Set([
	'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.es', 'yahoo.it',
	'yahoo.co.jp', 'yahoo.com.br', 'yahoo.co.in', 'ymail.com', 'rocketmail.com', 'hotmail.com', 'hotmail.co.uk',
	'hotmail.fr', 'hotmail.de', 'hotmail.es', 'hotmail.it', 'outlook.com', 'outlook.fr', 'outlook.de', 'live.com',
	'live.fr', 'live.co.uk', 'msn.com', 'aol.com', 'icloud.com', 'me.com', 'mac.com', 'proton.me',
	'protonmail.com', 'pm.me', 'gmx.com', 'gmx.de', 'gmx.net', 'gmx.at', 'gmx.ch', 'web.de', 'mail.com',
	'mail.ru', 'yandex.ru', 'yandex.com', 'zoho.com', 'fastmail.com', 'hey.com', 'tutanota.com', 'posteo.de',
	'mailbox.org', 'orange.fr', 'wanadoo.fr', 'free.fr', 'sfr.fr', 'laposte.net', 'bbox.fr', 'neuf.fr',
	't-online.de', 'freenet.de', 'libero.it', 'virgilio.it', 'tiscali.it', 'alice.it', 'btinternet.com',
	'sky.com', 'virginmedia.com', 'ntlworld.com', 'talktalk.net', 'comcast.net', 'verizon.net', 'att.net',
	'sbcglobal.net', 'bellsouth.net', 'cox.net', 'charter.net', 'earthlink.net', 'qq.com', '163.com', '126.com',
	'sina.com', 'naver.com', 'daum.net', 'hanmail.net', 'rediffmail.com', 'uol.com.br', 'bol.com.br',
	'terra.com.br', 'seznam.cz', 'wp.pl', 'o2.pl', 'interia.pl', 'onet.pl', 'bigpond.com', 'optusnet.com.au',
	'shaw.ca', 'rogers.com', 'sympatico.ca', 'telenet.be', 'skynet.be', 'ziggo.nl', 'kpnmail.nl', 'hetnet.nl',
	'bluewin.ch', 'inbox.ru', 'list.ru', 'bk.ru', 'ukr.net', 'abv.bg', 'email.com', 'usa.com', 'inbox.com',
]);

export function isFreeEmailDomain(domain: string): boolean {
	return FREE.has(domain.toLowerCase());
}
