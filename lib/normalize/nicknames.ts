/** Common English given-name variants → one canonical form, so "Bob" and "Robert" compare equal. */
const GROUPS: string[][] = [
	['robert', 'rob', 'bob', 'bobby', 'robbie', 'bert'], ['william', 'will', 'bill', 'billy', 'willy', 'liam'],
	['richard', 'rick', 'dick', 'rich', 'ricky', 'richie'], ['james', 'jim', 'jimmy', 'jamie'],
	['john', 'jack', 'johnny', 'jon'], ['jonathan', 'jon', 'jonny'], ['joseph', 'joe', 'joey'],
	['michael', 'mike', 'mikey', 'mick', 'mickey'], ['thomas', 'tom', 'tommy'], ['charles', 'charlie', 'chuck', 'chas'],
	['christopher', 'chris', 'kit', 'topher'], ['daniel', 'dan', 'danny'], ['matthew', 'matt', 'matty'],
	['anthony', 'tony'], ['andrew', 'andy', 'drew'], ['edward', 'ed', 'eddie', 'ted', 'ned'],
	['benjamin', 'ben', 'benny'], ['samuel', 'sam', 'sammy'], ['alexander', 'alex', 'alec', 'sandy', 'xander'],
	['nicholas', 'nick', 'nicky'], ['stephen', 'steve', 'steven', 'stevie'], ['timothy', 'tim', 'timmy'],
	['patrick', 'pat', 'paddy'], ['peter', 'pete'], ['gregory', 'greg'], ['jeffrey', 'jeff', 'geoffrey', 'geoff'],
	['kenneth', 'ken', 'kenny'], ['ronald', 'ron', 'ronnie'], ['donald', 'don', 'donnie'], ['raymond', 'ray'],
	['lawrence', 'larry', 'laurence'], ['gerald', 'gerry', 'jerry'], ['frederick', 'fred', 'freddie', 'freddy'],
	['francis', 'frank', 'frankie'], ['henry', 'harry', 'hank'], ['david', 'dave', 'davey'], ['douglas', 'doug'],
	['philip', 'phil', 'phillip'], ['vincent', 'vince', 'vinny'], ['walter', 'walt', 'wally'],
	['zachary', 'zach', 'zack'], ['nathaniel', 'nate', 'nathan'], ['jacob', 'jake'], ['joshua', 'josh'],
	['elizabeth', 'liz', 'beth', 'betty', 'lizzie', 'eliza', 'betsy', 'libby'], ['margaret', 'maggie', 'meg', 'peggy', 'marge', 'margie'],
	['katherine', 'kate', 'katie', 'kathy', 'catherine', 'cathy', 'kat', 'kitty'], ['jennifer', 'jen', 'jenny'],
	['jessica', 'jess', 'jessie'], ['rebecca', 'becky', 'becca'], ['patricia', 'pat', 'patty', 'trish', 'tricia'],
	['susan', 'sue', 'susie', 'suzanne'], ['deborah', 'deb', 'debbie', 'debra'], ['barbara', 'barb', 'barbie'],
	['victoria', 'vicky', 'tori', 'vic'], ['christine', 'chris', 'chrissy', 'christina', 'tina'],
	['alexandra', 'alex', 'alexa', 'sandra', 'sandy'], ['samantha', 'sam', 'sammy'], ['abigail', 'abby', 'gail'],
	['jacqueline', 'jackie'], ['kimberly', 'kim'], ['pamela', 'pam'], ['dorothy', 'dot', 'dottie'],
	['eleanor', 'ellie', 'nell', 'elle'], ['judith', 'judy'], ['theresa', 'terry', 'tessa', 'teresa'],
	['stephanie', 'steph'], ['melissa', 'mel', 'missy'], ['amanda', 'mandy'], ['natalie', 'nat'],
	['jose', 'pepe'], ['francisco', 'paco', 'pancho'], ['guillermo', 'memo'], ['alejandro', 'alex'],
];

const CANONICAL = new Map<string, string>();
for (const group of GROUPS) for (const name of group) if (!CANONICAL.has(name)) CANONICAL.set(name, group[0]);

/** Canonical given name for a folded first name ("bob" → "robert"); the name itself otherwise. */
export function canonicalFirstName(folded: string): string {
	return CANONICAL.get(folded) ?? folded;
}
