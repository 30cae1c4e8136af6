/**
 * The longest stretches of work in a V8 CPU profile (one n8n's main thread, written with
 * `--cpu-prof`; `LEAD_CPU_PROF_DIR=<dir> BENCH_QUEUE_CASES=lazy npm run bench:queue` makes one):
 * for each, how long, and where its time went, by package and by function.
 *
 *   node -r ts-node/register/transpile-only bench/longTasks.ts <file.cpuprofile> [how many] [from ms] [to ms]
 *
 *   node -r ts-node/register/transpile-only bench/longTasks.ts share <file.cpuprofile> <from ms> <to ms>
 *
 *   node -r ts-node/register/transpile-only bench/longTasks.ts package <file.cpuprofile> [how many] [from ms] [to ms]
 *
 * (from and to: milliseconds since the profile started, to look at one burst only; `share`: where
 * the busy time of that window went, see `busyShare`; `package`: the package's longest synchronous
 * runs, see `longestPackageRuns`).
 *
 * A stretch is a run of samples none of which is idle (a gap of idle samples ends it), which is
 * what holds the event loop. One JSON line per stretch.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
	startTime: number;
}

/** Where a frame's code comes from: this package, an npm package (scoped ones whole), Node or V8. */
export function ownerOf(url: string, functionName: string): string {
	if (!url) return functionName.startsWith('(') ? functionName : '(native)';
	const at = url.lastIndexOf('node_modules/');
	if (at >= 0) {
		const parts = url.slice(at + 'node_modules/'.length).split('/');
		return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
	}
	if (url.startsWith('node:')) return 'node';
	return url;
}

const PACKAGE = 'n8n-nodes-lead-management';

/** A profile's nodes by id and each node's caller, and helpers over a sample's stack. */
function indexOf(profile: Profile) {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map<number, number>();
	for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
	/** A sample's frames, innermost first. */
	function* stack(sample: number): Generator<ProfileNode['callFrame']> {
		for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) yield byId.get(id)!.callFrame;
	}
	return { byId, stack };
}

/** A package frame as the lines print it: function, the file's last two path parts, line. */
const frameName = (f: ProfileNode['callFrame']) =>
	`${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;

const isPackage = (f: ProfileNode['callFrame']) => ownerOf(f.url, f.functionName) === PACKAGE;

/** The `n` largest entries, rounded to `digits` decimals. */
function top(m: Map<string, number>, n: number, digits: number): Array<[string, number]> {
	const scale = 10 ** digits;
	return [...m.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, n)
		.map(([k, v]) => [k, Math.round(v * scale) / scale]);
}

const add = (m: Map<string, number>, key: string, v: number) => m.set(key, (m.get(key) ?? 0) + v);

export interface Stretch {
	startMs: number;
	ms: number;
	byOwner: Array<[string, number]>;
	byFunction: Array<[string, number]>;
	/** Per sample, the package of the innermost frame that is not Node's or V8's own. */
	byCaller: Array<[string, number]>;
}

/** The `count` longest stretches of consecutive non-idle samples. */
export function longestStretches(profile: Profile, count: number, fromMs = 0, toMs = Infinity): Stretch[] {
	const { byId, stack } = indexOf(profile);
	const idle = (id: number) => byId.get(id)?.callFrame.functionName === '(idle)';
	// Runs of busy samples: [first index, last index, ms].
	const runs: Array<[number, number, number]> = [];
	let start = -1;
	let ms = 0;
	for (let i = 0; i < profile.samples.length; i++) {
		const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
		if (idle(profile.samples[i])) {
			if (start >= 0) runs.push([start, i - 1, ms]);
			start = -1;
			ms = 0;
			continue;
		}
		if (start < 0) start = i;
		ms += dt;
	}
	if (start >= 0) runs.push([start, profile.samples.length - 1, ms]);
	const startTimes: number[] = [];
	let t = 0;
	for (const dt of profile.timeDeltas) startTimes.push((t += dt / 1000));
	const within = runs.filter(([from]) => startTimes[from] >= fromMs && startTimes[from] <= toMs);
	within.sort((a, b) => b[2] - a[2]);
	return within.slice(0, count).map(([from, to, total]) => {
		const owners = new Map<string, number>();
		const fns = new Map<string, number>();
		const callers = new Map<string, number>();
		for (let i = from; i <= to; i++) {
			const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
			const node = byId.get(profile.samples[i])!;
			const { functionName, url, lineNumber } = node.callFrame;
			const owner = ownerOf(url, functionName);
			add(owners, owner, dt);
			add(fns, `${functionName || '(anonymous)'} ${owner}:${lineNumber + 1}`, dt);
			let caller = owner;
			for (const f of stack(node.id)) {
				const o = ownerOf(f.url, f.functionName);
				if (o !== 'node' && !o.startsWith('(')) {
					caller = o;
					break;
				}
			}
			add(callers, caller, dt);
		}
		return {
			startMs: Math.round(startTimes[from]),
			ms: Math.round(total * 10) / 10,
			byOwner: top(owners, 8, 1),
			byFunction: top(fns, 8, 1),
			byCaller: top(callers, 8, 1),
		};
	});
}

/**
 * Where the main thread's busy time went between two moments: by the package of the innermost
 * frame, and how much of it ran with this package anywhere on the stack (its own code and what it
 * calls of n8n's: parameters, helpers), with the package's innermost functions.
 */
export function busyShare(profile: Profile, fromMs: number, toMs: number) {
	const { byId, stack } = indexOf(profile);
	const owners = new Map<string, number>();
	const ours = new Map<string, number>();
	let busy = 0;
	let withPackage = 0;
	let t = 0;
	profile.samples.forEach((sample, i) => {
		t += profile.timeDeltas[i] / 1000;
		const node = byId.get(sample)!;
		if (t < fromMs || t > toMs || node.callFrame.functionName === '(idle)') return;
		const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
		busy += dt;
		add(owners, ownerOf(node.callFrame.url, node.callFrame.functionName), dt);
		for (const f of stack(node.id)) {
			if (!isPackage(f)) continue;
			withPackage += dt;
			add(ours, frameName(f), dt);
			break;
		}
	});
	return {
		busyMs: Math.round(busy),
		withPackageMs: Math.round(withPackage),
		byOwner: top(owners, 12, 0),
		package: top(ours, 15, 0),
	};
}

/**
 * The longest runs of consecutive samples with this package on the stack under one outermost
 * package frame (one node's `execute` or `webhook`, a store callback): the longest the package's
 * own synchronous work held the thread, n8n's helpers it called included.
 */
export function longestPackageRuns(profile: Profile, count: number, fromMs = 0, toMs = Infinity) {
	const { stack } = indexOf(profile);
	const outermost = (sample: number): string | undefined => {
		let found: string | undefined;
		for (const f of stack(sample)) if (isPackage(f)) found = frameName(f);
		return found;
	};
	const runs: Array<{ atMs: number; ms: number; frame: string }> = [];
	let current: { atMs: number; ms: number; frame: string } | undefined;
	let t = 0;
	profile.samples.forEach((sample, i) => {
		t += profile.timeDeltas[i] / 1000;
		if (t < fromMs || t > toMs) return;
		const frame = outermost(sample);
		const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
		if (frame && current?.frame === frame) current.ms += dt;
		else {
			if (current) runs.push(current);
			current = frame ? { atMs: Math.round(t), ms: dt, frame } : undefined;
		}
	});
	if (current) runs.push(current);
	return runs
		.sort((a, b) => b.ms - a.ms)
		.slice(0, count)
		.map((r) => ({ ...r, ms: Math.round(r.ms * 10) / 10 }));
}

if (require.main === module) {
	const mode = process.argv[2] === 'package' || process.argv[2] === 'share' ? process.argv[2] : 'stretches';
	const [file, ...rest] = process.argv.slice(mode === 'stretches' ? 2 : 3);
	const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
	const print = (line: unknown) => process.stdout.write(JSON.stringify(line) + '\n');
	if (mode === 'share') print(busyShare(profile, Number(rest[0]), Number(rest[1])));
	else {
		const [count = '5', from = '0', to = 'Infinity'] = rest;
		const lines = (mode === 'package' ? longestPackageRuns : longestStretches)(
			profile,
			Number(count),
			Number(from),
			Number(to),
		);
		lines.forEach(print);
	}
}
