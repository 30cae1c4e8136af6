/** The demo's lead pipeline as the queue-mode tests and the bench deploy it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = Record<string, any>;

/**
 * Capture -> Dedupe -> Enrich -> Score -> Route -> Advance Stage -> Start SLA Clock, every stateful
 * node on the chosen store, a weighted Americas pool (Grace 2, Alan 1) and a daily cap of 4 on
 * Marie (EMEA), answering as soon as a submission is accepted.
 */
export function pipeline(path: string, store: 'redis' | 'sqlite', credential?: { id: string; name: string }): Json {
	const wf = JSON.parse(
		readFileSync(join(__dirname, '..', '..', 'examples', 'lead-capture.workflow.json'), 'utf8'),
	) as Json;
	wf.name = `Queue burst (${store})`;
	const node = (name: string) => wf.nodes.find((n: Json) => n.name === name) as Json;
	const trigger = node('Lead Capture Trigger');
	trigger.parameters = { ...trigger.parameters, path, provider: 'generic', responseMode: 'onReceived' };
	trigger.webhookId = `${path}-hook`;
	for (const name of ['Dedupe Leads', 'Route Leads', 'Stage From Score', 'Start SLA Clock']) {
		const n = node(name);
		n.parameters.store = store;
		if (credential) n.credentials = { leadManagementRedisApi: credential };
	}
	const route = node('Route Leads');
	const owners = route.parameters.owners.owner as Json[];
	owners[0].weight = 2; // Grace
	owners[1].weight = 1; // Alan
	owners[2].cap_day = 4; // Marie
	route.parameters.options = { ...route.parameters.options, defaultStrategy: 'weighted' };
	route.parameters.accountOwnerFirst = false;
	// Europe as any other stated country, not by the enrichment's region: the upgrade test runs
	// this workflow on the previous build, whose enrichment has no region.
	const europe = (route.parameters.rules.values as Json[]).find((r) => r.name === 'Europe')!;
	europe.conditions.conditions = [
		{
			id: 'europe-any-country',
			leftValue: '={{ $json.country }}',
			rightValue: '',
			operator: { type: 'string', operation: 'notEmpty', singleValue: true },
		},
	];
	route.parameters.fallbackOwner = '';
	return wf;
}

/** The nodes of a pipeline workflow by name, to adjust a copy. */
export function nodeOf(wf: Json, name: string): Json {
	return wf.nodes.find((n: Json) => n.name === name) as Json;
}

/** n8n's own floor: a bare Webhook -> No Op workflow at `path` (benches and stall measures). */
export const bareWebhook = (path: string): Json => ({
	name: 'Bench bare webhook',
	nodes: [
		{
			id: 'b0000000-0000-4000-8000-000000000011',
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: `${path}-hook`,
			parameters: { httpMethod: 'POST', path, options: {} },
		},
		{
			id: 'b0000000-0000-4000-8000-000000000012',
			name: 'Done',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [200, 0],
			parameters: {},
		},
	],
	connections: { Webhook: { main: [[{ node: 'Done', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
});
