/**
 * Demo: a local n8n 2.x with this package installed as a community package and the sample capture
 * workflow published (capture -> dedupe -> enrich -> score -> route -> stage -> SLA clock); posts one sample person twice and prints the
 * routed lead and the duplicate's match.
 * Keeps n8n running until Ctrl-C (or exits at once with DEMO_EXIT=1).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { N8n, nodeItems } from '../test/e2e/n8n';

async function main(): Promise<void> {
	const folder = process.env.DEMO_USER_FOLDER!;
	const port = Number(process.env.DEMO_PORT ?? 5678);
	const n8n = new N8n(folder, port, join(folder, 'n8n.log'));
	process.on('SIGINT', () => void n8n.stop().then(() => process.exit(0)));
	console.log(`Starting n8n on http://127.0.0.1:${port} (log: ${join(folder, 'n8n.log')}) ...`);
	await n8n.start();
	await n8n.setupOwner();
	const workflow = JSON.parse(readFileSync(join(__dirname, '..', 'examples', 'lead-capture.workflow.json'), 'utf8'));
	const id = await n8n.deploy(workflow, 'lead-capture');
	const url = `${n8n.base}/webhook/lead-capture`;
	const first = {
		'your-name': 'Ada Lovelace',
		'your-email': 'Ada.Lovelace+demo@Gmail.com',
		phone: '(415) 555-0134',
		company: 'Analytical Engines Ltd',
		message: 'Please call me',
		utm_source: 'demo',
	};
	const again = { name: 'ada lovelace', email: 'adalovelace@googlemail.com', company: 'Analytical Engines' };
	for (const sample of [first, again]) {
		const res = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(sample),
		});
		console.log(`POST ${url} -> ${res.status} ${await res.text()}`);
	}
	const executions = await n8n.waitForExecutions(id, 2);
	const lead = executions.flatMap((e) => nodeItems(e, 'New lead'))[0]?.json;
	const dup = executions.flatMap((e) => nodeItems(e, 'Already known'))[0]?.json;
	console.log('First submission, captured, checked for duplicates and routed, as the canonical lead on "New lead":');
	console.log(JSON.stringify(lead, null, 2));
	const enrichment = lead?.enrichment as
		| { email?: { free?: boolean; domain?: string }; phone?: { type?: string }; time_zone?: { zone?: string } }
		| undefined;
	console.log(
		`Enriched offline: ${enrichment?.email?.free ? 'a free mailbox' : `domain ${enrichment?.email?.domain ?? '?'}`}, ` +
			`phone type ${enrichment?.phone?.type ?? '?'}, time zone ${enrichment?.time_zone?.zone ?? 'unknown'}`,
	);
	const score = lead?.score as { total?: number; label?: string; grade?: string } | undefined;
	console.log(`Scored ${score?.total ?? '?'} points (${score?.label ?? 'no label'}, grade ${score?.grade ?? '?'})`);
	const owner = lead?.owner as { name?: string; routing?: { reason?: string } } | undefined;
	console.log(`Routed to ${owner?.name ?? 'nobody'}: ${owner?.routing?.reason ?? ''}`);
	const stage = lead?.stage as { current?: string; why?: string } | undefined;
	console.log(`Lifecycle stage ${stage?.current ?? '?'} (${stage?.why ?? ''}), remembered for the next submission`);
	const sla = lead?.sla as { policy?: string; due_at?: string; why?: string } | undefined;
	console.log(`SLA clock started (${sla?.policy ?? '?'}): first response due ${sla?.due_at ?? '?'}`);
	console.log('Second submission (same person, typed differently) went to "Already known":');
	console.log(JSON.stringify(dup?.dedupe, null, 2));
	console.log(`
n8n is running with n8n-nodes-lead-management loaded.
  Editor:       ${n8n.base}  (owner@example.com / Passw0rdE2E)
  The workflow: ${n8n.base}/workflow/${id}  (its Executions tab shows each node's input and output;
                click a node on the canvas to see its parameters)
  Templates:    templates/*.json (Workflows > Import from File; see the README's "Templates")
  Post leads:   curl -X POST ${url} -H 'content-type: application/json' -d '{"email":"you@example.com","name":"You"}'
  HTML forms:   <form method="post" action="${url}"> ... </form>
Press Ctrl-C to stop.`);
	if (process.env.DEMO_EXIT === '1') {
		await n8n.stop();
		return;
	}
	await new Promise(() => undefined);
}

main().catch((e) => {
	console.error(e);
	process.exit(1);
});
