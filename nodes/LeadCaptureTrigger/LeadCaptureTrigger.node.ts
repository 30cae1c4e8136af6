import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { applyFacebookLead } from '../../lib/capture/adapters';
import { allowedOrigin, captureLead, receiveSubmission, warmCaptureTables } from '../../lib/capture/capture';
import { decideOutcome, type RejectedLead } from '../../lib/capture/outcome';
import {
	backLink,
	DEFAULT_THANK_YOU,
	isBrowserFormPost,
	problemsPage,
	redirectTarget,
	thankYouPage,
} from '../../lib/capture/page';
import { secretEquals } from '../../lib/capture/signatures';
import type { ParsedSubmission } from '../../lib/capture/types';
import { indexClaim } from '../../lib/store/erase';
import { openStore, REDIS_CREDENTIAL } from '../shared/store';
import { readCaptureConfig } from './config';
import { captureProperties } from './description';
import { readRequest } from './request';
import { fromParameter, fromParameters, webhookFields } from '../shared/webhookFields';
import { FACEBOOK_CREDENTIAL, fetchFacebookLead } from './transport';

/** The canvas subtitle, in a marketer's words (self-contained: the editor evaluates its source). */
export const subtitle = (parameters: { provider?: string }) => {
	const names: Record<string, string> = {
		auto: 'Any form provider',
		elementor: 'Elementor Pro forms',
		facebook: 'Facebook / Instagram Lead Ads',
		generic: 'JSON or HTML form',
		googleAds: 'Google Ads lead forms',
		hubspot: 'HubSpot forms',
		jotform: 'Jotform',
		tally: 'Tally',
		typeform: 'Typeform',
		webflow: 'Webflow forms',
	};
	return names[parameters.provider ?? 'auto'] ?? 'Any form provider';
};

export class LeadCaptureTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lead Capture Trigger',
		name: 'leadCaptureTrigger',
		icon: { light: 'file:../../icons/leadCapture.svg', dark: 'file:../../icons/leadCapture.dark.svg' },
		group: ['trigger'],
		// Version 2 behaves as 1; n8n evaluates a v1 webhook's legacy "binaryData" option with the
		// expression engine on every request (a V8 isolate, most of the trigger's latency), not a v2's.
		// Version 3: a browser posting a plain HTML form gets a thank-you page (or the problems in
		// words) instead of JSON; versions 1 and 2 keep answering JSON.
		version: [1, 2, 3],
		defaultVersion: 3,
		subtitle: `={{(${subtitle})($parameter)}}`,
		description:
			'Receives form submissions (Typeform, Tally, Webflow, Jotform, Elementor, Lead Ads, HubSpot, Google Ads, HTML forms) as one canonical lead',
		defaults: {
			name: 'Lead Capture Trigger',
		},
		triggerPanel: {
			header: 'Send a test submission from your form',
			executionsHelp: {
				inactive:
					"Click 'Execute step', then submit your form (or POST a JSON lead) to the <b>test</b> URL under Webhook URLs: the canonical lead shows up here. Publish the workflow and point the form at the <b>production</b> URL to capture leads for real.",
				active:
					'The workflow is published: submissions to the <b>production</b> URL run it and show up in the <a data-key="executions">executions list</a>. To see one here, click \'Execute step\' and submit to the <b>test</b> URL.',
			},
			activationHint: 'Publish the workflow and point your form at the production URL to capture every submission.',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Lead', 'Rejected'],
		credentials: [
			{
				name: 'leadCaptureHeaderAuthApi',
				required: true,
				displayOptions: { show: { authentication: ['headerAuth'] } },
			},
			{
				name: 'leadCaptureBasicAuthApi',
				required: true,
				displayOptions: { show: { authentication: ['basicAuth'] } },
			},
			{
				name: 'leadCaptureSignatureApi',
				required: true,
				displayOptions: { show: { authentication: ['signature'] } },
			},
			{
				name: FACEBOOK_CREDENTIAL,
				required: true,
				displayOptions: { show: { provider: ['facebook'] } },
			},
			{
				name: REDIS_CREDENTIAL,
				required: true,
				displayOptions: { show: { store: ['redis'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				isFullPath: true,
				...webhookFields({
					responseMode: fromParameters((p) => (p.responseMode === 'lastNode' ? 'lastNode' : 'onReceived')),
					// n8n sends a non-empty responseData as the body in "onReceived" mode; empty lets our JSON answer through.
					responseData: fromParameters((p) => (p.responseMode === 'lastNode' ? 'firstEntryJson' : '')),
					path: fromParameter('path'),
				}),
			},
			{
				name: 'setup',
				httpMethod: 'GET',
				responseMode: 'onReceived',
				isFullPath: true,
				...webhookFields({ path: fromParameter('path') }),
			},
		],
		supportsCORS: true,
		properties: captureProperties,
	};

	webhookMethods = {
		default: {
			// n8n registers and removes the URL itself; vendors are configured by the user. Activation
			// builds the lookup tables the first submission would otherwise wait for.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				warmCaptureTables();
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const res = this.getResponseObject();
		const reply = (status: number, body: IDataObject): IWebhookResponseData => {
			res.status(status).json(body);
			return { noWebhookResponse: true };
		};
		if (this.getWebhookName() === 'setup') return await answerVerification(this);

		const { config, options } = await readCaptureConfig(this);
		const { incoming, binary } = await readRequest(this);
		// n8n matches its CORS option to nodes by an `httpMethod` parameter this trigger does not
		// have, so without this every origin would be allowed to read the answer.
		const origin = allowedOrigin(incoming.headers.origin as string | undefined, options.allowedOrigins);
		if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
		const responseMode = this.getNodeParameter('responseMode', 'onReceived') as string;
		const browser = browserAnswer(this, responseMode, incoming);
		const received = receiveSubmission(incoming, config);
		if (!received.ok) {
			if (!browser) return reply(received.status, received.body);
			sendPage(res, received.status, problemsPage([], 'en', backLink(incoming), String(received.body.message ?? '')));
			return { noWebhookResponse: true };
		}

		// Lead Ads webhooks carry ids only: fetch each lead from the Graph API.
		const submissions: ParsedSubmission[] = [];
		const fetchFailures: RejectedLead[] = [];
		for (const sub of received.submissions) {
			if (!sub.fetchLeadId) {
				submissions.push(sub);
				continue;
			}
			try {
				submissions.push(applyFacebookLead(sub, await fetchFacebookLead(this, sub.fetchLeadId)));
			} catch (error) {
				// The Graph API's own words stay inside the workflow (Rejected output, n8n's log);
				// the caller learns only that the fetch failed.
				const detail = `Could not fetch lead ${sub.fetchLeadId} from the Graph API: ${(error as Error).message}`;
				// Without a review output, fail the delivery so Meta retries it: nothing is lost.
				if (!options.rejectedOutput) {
					this.logger.warn(detail);
					return reply(502, {
						ok: false,
						error: 'lead_fetch_failed',
						message: 'The lead could not be fetched from Facebook; the delivery will be retried',
					});
				}
				fetchFailures.push({
					rejected: true,
					reason: 'fetch_failed',
					reasons: [detail],
					issues: [],
					lead: null,
					source_ids: { leadgen_id: sub.fetchLeadId, form_id: sub.formId, ...sub.meta },
				});
			}
		}

		const captured = submissions.map((s) => captureLead(s, incoming, config));
		if (options.repeatWindowSeconds > 0) {
			const store = await openStore(this, this.getNodeParameter('store', 'sqlite') as string, options.stateFile);
			const namespace = `capture:${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
			const claimed: string[] = [];
			for (const c of captured) {
				if (c.issues.length || c.spam.spam) continue;
				const fresh = await store.claim(namespace, c.idempotencyKey, options.repeatWindowSeconds * 1000);
				Object.assign(c, { repeated: !fresh });
				if (fresh) claimed.push(c.idempotencyKey);
				// Listed under the person, so that Erase Person can forget it within the window.
				if (fresh && c.lead.email)
					await indexClaim(
						store,
						c.lead.email,
						{ namespace, key: c.idempotencyKey },
						Date.now() + options.repeatWindowSeconds * 1000,
					);
			}
			// When Last Node Finishes: the caller's answer says how the run ended. A failed run answers
			// 5xx and the vendor delivers again; the submission must then run again, not count as a
			// repeat, so its claim is released once that answer is sent.
			if (responseMode === 'lastNode' && claimed.length) releaseOnFailure(this, res, store, namespace, claimed);
		}
		const outcome = decideOutcome(received.provider, captured, fetchFailures, options.rejectionStatus);
		const leadItems: INodeExecutionData[] = outcome.accepted.map((lead) => ({
			json: lead as unknown as IDataObject,
			...(Object.keys(binary).length && outcome.accepted.length === 1 ? { binary } : {}),
		}));
		const rejectedItems: INodeExecutionData[] = options.rejectedOutput
			? outcome.rejected.map((r) => ({ json: r as unknown as IDataObject }))
			: [];

		if (browser) {
			// A person's browser: a page in words (or their own page), never JSON.
			if (outcome.status >= 400) {
				const issues = outcome.rejected.flatMap((r) => r.issues);
				const page = outcome.rejected.find((r) => r.lead)?.lead?.attribution?.landing_page ?? undefined;
				sendPage(res, outcome.status, problemsPage(issues, 'en', redirectTarget(page ?? '') ?? backLink(incoming)));
			} else if (browser.redirect) res.redirect(303, browser.redirect);
			else sendPage(res, 200, thankYouPage({ thankYou: browser.thankYou, language: 'en' }));
			const data = leadItems.length
				? [leadItems, rejectedItems]
				: rejectedItems.length
					? [[], rejectedItems]
					: undefined;
			return data ? { noWebhookResponse: true, workflowData: data } : { noWebhookResponse: true };
		}
		if (leadItems.length === 0) {
			if (responseMode === 'redirect' && outcome.status === 200) {
				res.redirect(303, this.getNodeParameter('redirectUrl', '') as string);
			} else {
				res.status(outcome.status).json(outcome.body);
			}
			return rejectedItems.length
				? { noWebhookResponse: true, workflowData: [[], rejectedItems] }
				: { noWebhookResponse: true };
		}
		const workflowData = [leadItems, rejectedItems];
		if (responseMode === 'redirect') {
			res.redirect(303, this.getNodeParameter('redirectUrl', '') as string);
			return { noWebhookResponse: true, workflowData };
		}
		if (responseMode === 'lastNode') return { workflowData };
		return { workflowData, webhookResponse: outcome.body };
	}
}

/**
 * How to answer a person's browser (a plain HTML form posted under Respond = Immediately, node
 * version 3 on): a thank-you page or a redirect; undefined for apps, webhooks and older versions.
 */
function browserAnswer(
	ctx: IWebhookFunctions,
	responseMode: string,
	incoming: Parameters<typeof isBrowserFormPost>[0],
): { thankYou: string; redirect?: string } | undefined {
	if (responseMode !== 'onReceived' || !isBrowserFormPost(incoming)) return undefined;
	const answer = ctx.getNodeParameter('browserAnswer', 'json') as string;
	if (answer === 'page') return { thankYou: ctx.getNodeParameter('thankYouText', DEFAULT_THANK_YOU) as string };
	if (answer !== 'redirect') return undefined;
	const raw = ctx.getNodeParameter('browserRedirectUrl', '') as string;
	const redirect = redirectTarget(raw);
	// A wrong address must not lose the lead: the person gets the thank-you page, the admin a warning.
	if (!redirect)
		ctx.logger.warn(
			`Lead Capture Trigger "${ctx.getNode().name}": Your Thank-You Page "${raw.slice(0, 200)}" is not a full web address (https://...); the thank-you page was shown instead`,
		);
	return { thankYou: DEFAULT_THANK_YOU, redirect };
}

function sendPage(res: ReturnType<IWebhookFunctions['getResponseObject']>, status: number, html: string): void {
	res.setHeader('Content-Type', 'text/html; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
	res.status(status).send(html);
}

/**
 * Releases the repeat claims of a delivery whose run failed (its answer a 5xx), so that the
 * vendor's retry runs; a run still going when the caller hangs up keeps them (it may succeed).
 */
function releaseOnFailure(
	ctx: IWebhookFunctions,
	res: ReturnType<IWebhookFunctions['getResponseObject']>,
	store: { release(namespace: string, key: string): Promise<void> },
	namespace: string,
	keys: string[],
): void {
	res.once('finish', () => {
		if (res.statusCode < 500) return;
		void Promise.all(keys.map(async (key) => await store.release(namespace, key))).catch((error: Error) =>
			ctx.logger.warn(`Lead Capture Trigger: a failed run's repeat claim was not released: ${error.message}`),
		);
	});
}

/** GET on the webhook URL: Meta's subscription check (hub.challenge), else a readable 405. */
async function answerVerification(ctx: IWebhookFunctions): Promise<IWebhookResponseData> {
	const res = ctx.getResponseObject();
	const query = ctx.getQueryData() as Record<string, string | undefined>;
	if (query['hub.mode'] === 'subscribe' && query['hub.challenge'] !== undefined) {
		let verifyToken = '';
		try {
			verifyToken = (await ctx.getCredentials<{ verifyToken?: string }>(FACEBOOK_CREDENTIAL)).verifyToken ?? '';
		} catch {
			verifyToken = '';
		}
		if (verifyToken && secretEquals(String(query['hub.verify_token'] ?? ''), verifyToken)) {
			res.status(200).type('text/plain').send(String(query['hub.challenge']));
		} else {
			res
				.status(403)
				.json({ ok: false, error: 'forbidden', message: 'hub.verify_token does not match the credential' });
		}
		return { noWebhookResponse: true };
	}
	res.status(405).json({ ok: false, error: 'method_not_allowed', message: 'Send form submissions with POST' });
	return { noWebhookResponse: true };
}
