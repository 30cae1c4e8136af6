/**
 * Developer tool (not part of the suite): accuracy of the default preset on the tuning sets only
 * (bench/datasets.ts, DATA_ROLES), for a threshold and whole-group shares to choose from. Values
 * are chosen here: first by how many of the six tuning draws of namesake-heavy traffic (two sizes
 * each) meet #31's operating target, then by the mean F1 over the other sets; `npm run bench` then
 * reports the held-out sets.
 *
 *   node -r ts-node/register/transpile-only bench/tune.ts [threshold] [share,...] [posterior bits,...]
 */
import { clusterIdsOf, dedupeBatch } from '../lib/dedupe/dedupe';
import { DEFAULT_SOURCES, LEAD_FIELDS } from '../lib/dedupe/leads';
import {
	DEFAULT_THRESHOLD,
	matchBatch,
	PERSON_PHONES_POSTERIOR_BITS,
	WHOLE_GROUP_SHARE,
	type MatcherConfig,
} from '../lib/dedupe/matcher';
import {
	DATA_ROLES,
	loadCompanyListings,
	loadFebrl,
	loadSplink,
	pairwiseScores,
	prepareSet,
	type LabelledSet,
	type PairScores,
} from './datasets';
import { formTraffic, type TrafficOptions } from './traffic';

const threshold = Number(process.argv[2] ?? DEFAULT_THRESHOLD);
const shares = (process.argv[3] ?? String(WHOLE_GROUP_SHARE)).split(',').map(Number);
const posteriors = (process.argv[4] ?? String(PERSON_PHONES_POSTERIOR_BITS)).split(',').map(Number);

type Run = (matcher: Omit<MatcherConfig, 'fields'>) => PairScores;

function labelled(load: () => LabelledSet): Run {
	const set = load();
	const prepared = prepareSet(set);
	return (m) => pairwiseScores(matchBatch(prepared, { ...m, fields: set.fields }).cluster, set.truth);
}

function traffic(n: number, options: TrafficOptions = {}, seed = 7): Run {
	const leads = formTraffic(n, seed, options);
	const truth = leads.map((l) => String(l.person));
	return (m) => {
		const out = dedupeBatch(leads, {
			sources: DEFAULT_SOURCES,
			matcher: { ...m, fields: LEAD_FIELDS },
			onDuplicate: 'keepFirst',
			prepare: { countryPhoneKeys: true },
		});
		return pairwiseScores(clusterIdsOf(out, n), truth);
	};
}

const namesakes = { namesakes: 40, workAndPersonal: true };
const sets: Array<[string, string, Run]> = [
	['splink fake_1000', 'splink fake_1000', labelled(() => loadSplink('fake_1000'))],
	['febrl 1', 'febrl 1', labelled(() => loadFebrl('1'))],
	['febrl 2', 'febrl 2', labelled(() => loadFebrl('2'))],
	['form traffic seed 7', 'traffic 1500', traffic(1500)],
	['form traffic seed 7', 'traffic 9300', traffic(9300)],
	// The six tuning draws of the namesake-heavy traffic at both sizes (#31's operating target).
	...[7, 11, 13, 17, 19, 23].flatMap(
		(seed): Array<[string, string, Run]> => [
			[`form traffic seed ${seed}`, `namesakes 1333 s${seed}`, traffic(1333, namesakes, seed)],
			[`form traffic seed ${seed}`, `namesakes 13333 s${seed}`, traffic(13_333, namesakes, seed)],
		],
	),
	['company listings seed 7', 'companies 7', labelled(() => loadCompanyListings(7))],
	['company listings seed 11', 'companies 11', labelled(() => loadCompanyListings(11))],
	['company listings seed 13', 'companies 13', labelled(() => loadCompanyListings(13))],
];
for (const [data] of sets)
	if (DATA_ROLES[data]?.role !== 'tuning') throw new Error(`${data} is not a tuning set (bench/datasets.ts)`);

for (const posteriorBits of posteriors) {
	for (const share of shares) {
		const f1s: number[] = [];
		let meeting = 0;
		let draws = 0;
		const at = `threshold ${threshold} share ${share} posterior ${posteriorBits}`;
		for (const [, label, run] of sets) {
			const s = run({
				mode: 'score',
				threshold,
				maxBlockSize: 500,
				wholeGroups: true,
				wholeGroupShare: share,
				posteriorBits,
				entityNames: true,
				personPhones: true,
			});
			if (label.startsWith('namesakes')) {
				draws++;
				if (s.precision >= 0.98 && s.recall >= 0.95) meeting++;
			} else f1s.push(s.f1);
			console.log(at, label.padEnd(16), `P=${s.precision.toFixed(4)} R=${s.recall.toFixed(4)} F1=${s.f1.toFixed(4)}`);
		}
		console.log(
			`${at} namesake draws meeting P>=0.98 R>=0.95: ${meeting} of ${draws};`,
			`mean F1 of the other sets ${(f1s.reduce((a, b) => a + b, 0) / f1s.length).toFixed(4)}`,
		);
	}
}
