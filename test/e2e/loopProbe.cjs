/**
 * Loaded into an n8n process by the end-to-end helper (`node --require`) when
 * LEAD_LOOP_PROBE_DIR is set: measures that process's event-loop stalls from inside. A timer due
 * every 5 ms that runs late was held up by the loop; each stall over 10 ms is appended, with when
 * it ended and the main thread's CPU time meanwhile, to <dir>/<pid>.jsonl (nothing is written while the loop is free). Node's
 * monitorEventLoopDelay measures the same delay but cannot say when, and a test needs the stalls of
 * one burst.
 */
'use strict';
const dir = process.env.LEAD_LOOP_PROBE_DIR;
if (dir) {
	const { appendFileSync } = require('node:fs');
	const { join } = require('node:path');
	const file = join(dir, `${process.pid}.jsonl`);
	const PERIOD = 5;
	// The main thread's own CPU time over the same interval tells a loop held by work run on it
	// (cpu close to the stall) from a thread that was waiting or not scheduled (cpu far below).
	const cpuMs = () => {
		const u = process.threadCpuUsage ? process.threadCpuUsage() : process.cpuUsage();
		return (u.user + u.system) / 1000;
	};
	let last = performance.now();
	let lastCpu = cpuMs();
	const timer = setInterval(() => {
		const now = performance.now();
		const cpu = cpuMs();
		const late = now - last - PERIOD;
		const busy = cpu - lastCpu;
		last = now;
		lastCpu = cpu;
		if (late > 10)
			appendFileSync(file, `${JSON.stringify({ at: Date.now(), ms: Math.round(late), cpu: Math.round(busy) })}\n`);
	}, PERIOD);
	timer.unref();
}
