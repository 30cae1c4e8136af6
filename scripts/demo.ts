/**
 * Demo: a local n8n 2.x with this package installed as a community package and the sample capture
 * workflow published (capture -> dedupe -> enrich -> score -> route -> stage -> SLA clock); posts one sample person twice and prints the
 * routed lead and the duplicate's match.
 * Keeps n8n running until Ctrl-C (or exits at once with DEMO_EXIT=1). A kept .demo/ folder (npm run demo
 * without --fresh) is started as it was: signed in to, nothing posted again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { N8n, nodeItems } from '../test/e2e/n8n';

async function main(): Promise<void> {
	const folder = process.env.DEMO_USER_FOLDER!;
	const port = Number(process.env.DEMO_PORT ?? 5678);
	const n8n = new N8n(folder, port, join(folder, 'n8n.log'));
	console.log(`Starting n8n (its log: ${join(folder, 'n8n.log')}) ...`);
	await n8n.start();
	await n8n.setupOwner(true);
	const workflow = JSON.parse(readFileSync(join(__dirname, '..', 'examples', 'lead-capture.workflow.json'), 'utf8'));
	const url = `${n8n.base}/webhook/lead-capture`;
	const kept = (
		await n8n.api<{ data: Array<{ id: string }> }>('GET', `/workflows?name=${encodeURIComponent(workflow.name)}`)
	).data[0];
	let id: string;
	if (kept) {
		id = kept.id;
		console.log(
			'The demo kept everything from last time (workflows, credentials, executions); the package is the current build.',
		);
	} else {
		id = await n8n.deploy(workflow, 'lead-capture');
		await postSamples(n8n, id, url, join(folder, 'demo-output.json'));
	}
	console.log(`
n8n is running with n8n-nodes-lead-management loaded.
  Editor:       ${n8n.base}  (owner@example.com / Passw0rdE2E)
  The workflow: ${n8n.base}/workflow/${id}  (its Executions tab shows each node's input and output;
                click a node on the canvas to see its parameters)
  Templates:    templates/*.json (in the editor: ... menu > Import > From File; see the README's "Templates")
  Post leads:   curl -X POST ${url} -H 'content-type: application/json' -d '{"email":"you@example.com","name":"You"}'
  HTML forms:   <form method="post" action="${url}"> ... </form>  (a browser gets a thank-you page)
  Start over:   npm run demo -- --fresh
Press Ctrl-C to stop.`);
	if (process.env.DEMO_EXIT === '1') {
		await n8n.stop();
		return;
	}
	await new Promise(() => undefined);
}

/** Posts one sample person twice and prints what became of them (the whole items go to `dump`). */
async function postSamples(n8n: N8n, id: string, url: string, dump: string): Promise<void> {
	const first = {
		'your-name': 'Ada Lovelace',
		'your-email': 'Ada.Lovelace+demo@Gmail.com',
		phone: '(415) 555-0134',
		company: 'Analytical Engines Ltd',
		message: 'Please call me',
		utm_source: 'demo',
	};
	const again = { name: 'ada lovelace', email: 'adalovelace@googlemail.com', company: 'Analytical Engines' };
	// One after the other, each run finished before the next post (the trigger answers at once, and
	// two runs in flight would race to be "first").
	let executions: Awaited<ReturnType<N8n['waitForExecutions']>> = [];
	for (const [k, sample] of [first, again].entries()) {
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(sample),
		});
		console.log(`POST ${url} -> ${res.status} ${await res.text()}`);
		executions = await n8n.waitForExecutions(id, k + 1);
	}
	const lead = executions.flatMap((e) => nodeItems(e, 'New lead'))[0]?.json;
	const dup = executions.flatMap((e) => nodeItems(e, 'Already known'))[0]?.json;
	writeFileSync(dump, JSON.stringify({ newLead: lead, duplicate: dup }, null, 2));
	console.log(
		`The first submission was captured, checked for duplicates and routed ("New lead"; whole item in ${dump}):`,
	);
	const enrichment = lead?.enrichment as
		| { email?: { free?: boolean; domain?: string }; phone?: { type?: string }; time_zone?: { zone?: string } }
		| undefined;
	console.log(
		`  Enriched offline: ${enrichment?.email?.free ? 'a free mailbox' : `domain ${enrichment?.email?.domain ?? '?'}`}, ` +
			`phone type ${enrichment?.phone?.type ?? '?'}, time zone ${enrichment?.time_zone?.zone ?? 'unknown'}`,
	);
	const score = lead?.score as { total?: number; label?: string; grade?: string } | undefined;
	console.log(`  Scored ${score?.total ?? '?'} points (${score?.label ?? 'no label'}, grade ${score?.grade ?? '?'})`);
	const owner = lead?.owner as { name?: string; routing?: { reason?: string } } | undefined;
	console.log(`  Routed to ${owner?.name ?? 'nobody'}: ${owner?.routing?.reason ?? ''}`);
	const stage = lead?.stage as { current?: string; why?: string } | undefined;
	console.log(`  Lifecycle stage ${stage?.current ?? '?'} (${stage?.why ?? ''}), remembered for the next submission`);
	const sla = lead?.sla as { policy?: string; due_at?: string; why?: string } | undefined;
	console.log(`  SLA clock started (${sla?.policy ?? '?'}): ${sla?.why ?? `first response due ${sla?.due_at ?? '?'}`}`);
	const dedupe = dup?.dedupe as { matched_on?: string[]; why?: string } | undefined;
	console.log(
		`The second submission (the same person, typed differently) went to "Already known": ${dedupe?.why ?? JSON.stringify(dedupe?.matched_on ?? [])}`,
	);
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
