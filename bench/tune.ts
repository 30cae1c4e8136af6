// Developer tool: accuracy of the default preset on every labelled set (not part of the suite).
import { prepareValue } from '../lib/dedupe/fields';
import { DEFAULT_THRESHOLD, matchBatch } from '../lib/dedupe/matcher';
import { loadFebrl, loadSplink, pairwiseScores } from './datasets';

const threshold = Number(process.argv[2] ?? DEFAULT_THRESHOLD);
for (const set of [
	loadSplink('fake_1000'),
	loadSplink('fake_20000'),
	loadFebrl('1'),
	loadFebrl('2'),
	loadFebrl('3'),
	loadFebrl('4'),
]) {
	const t0 = Date.now();
	const prepared = set.rows.map((r) =>
		Object.fromEntries(set.fields.map((f) => [f.name, prepareValue(f.kind, r[f.name])])),
	);
	const { cluster } = matchBatch(prepared, { fields: set.fields, mode: 'score', threshold, maxBlockSize: 500 });
	const s = pairwiseScores(cluster, set.truth);
	console.log(
		set.name.padEnd(20),
		`P=${s.precision.toFixed(4)} R=${s.recall.toFixed(4)} F1=${s.f1.toFixed(4)} pred=${s.predictedPairs} true=${s.truePairs} ${Date.now() - t0}ms`,
	);
}
