/**
 * Runs this package's nodes inside n8n's real engine: n8n-core's WebhookContext for the trigger's
 * webhook() call, then WorkflowExecute over a workflow JSON fixture, as n8n's webhook server does.
 */
import { ExecutionLifecycleHooks, WebhookContext, WorkflowExecute } from 'n8n-core';
import { mock } from 'jest-mock-extended';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IVersionedNodeType,
	type IWebhookResponseData,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeadCaptureTrigger } from '../../nodes/LeadCaptureTrigger/LeadCaptureTrigger.node';
import { Dedupe } from '../../nodes/Dedupe/Dedupe.node';
import { Score } from '../../nodes/Score/Score.node';
import { Route } from '../../nodes/Route/Route.node';
import { AdvanceStage } from '../../nodes/AdvanceStage/AdvanceStage.node';
import { SlaCheck } from '../../nodes/SlaCheck/SlaCheck.node';
import { Enrich } from '../../nodes/Enrich/Enrich.node';
import { LeadManagementHunterApi } from '../../credentials/LeadManagementHunterApi.credentials';
import { LeadManagementApolloApi } from '../../credentials/LeadManagementApolloApi.credentials';
import { LeadManagementPeopleDataLabsApi } from '../../credentials/LeadManagementPeopleDataLabsApi.credentials';
import { FacebookLeadAdsGraphApi } from '../../credentials/FacebookLeadAdsGraphApi.credentials';

const PACKAGE = 'n8n-nodes-lead-management';

/** A pass-through node standing in for whatever the user wires after ours. */
class Collect implements INodeType {
	description = {
		displayName: 'Collect',
		name: 'collect',
		group: ['transform'],
		version: 1,
		description: 'Passes items through',
		defaults: { name: 'Collect' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	} as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** A node that outputs nothing (an empty sheet, a search with no result). */
class Drop extends Collect {
	description = { ...new Collect().description, displayName: 'Drop', name: 'drop', defaults: { name: 'Drop' } };
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[]];
	}
}

const NODE_TYPES: Record<string, INodeType> = {
	'test.drop': new Drop(),
	[`${PACKAGE}.leadCaptureTrigger`]: new LeadCaptureTrigger(),
	[`${PACKAGE}.dedupe`]: new Dedupe(),
	[`${PACKAGE}.route`]: new Route(),
	[`${PACKAGE}.score`]: new Score(),
	[`${PACKAGE}.advanceStage`]: new AdvanceStage(),
	[`${PACKAGE}.slaCheck`]: new SlaCheck(),
	[`${PACKAGE}.enrich`]: new Enrich(),
	'test.collect': new Collect(),
};

class TestNodeTypes implements INodeTypes {
	getByName(name: string): INodeType | IVersionedNodeType {
		return this.getByNameAndVersion(name);
	}
	getByNameAndVersion(name: string): INodeType {
		const t = NODE_TYPES[name];
		if (!t) throw new Error(`Unknown node type ${name}`);
		return t;
	}
	getKnownTypes() {
		return {};
	}
}

const CREDENTIAL_TYPES: Record<string, { authenticate?: unknown }> = {
	facebookLeadAdsGraphApi: new FacebookLeadAdsGraphApi(),
	leadManagementHunterApi: new LeadManagementHunterApi(),
	leadManagementApolloApi: new LeadManagementApolloApi(),
	leadManagementPeopleDataLabsApi: new LeadManagementPeopleDataLabsApi(),
};

/** Credentials from memory; generic `authenticate` blocks applied like n8n's CredentialsHelper. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}
	getParentTypes(): string[] {
		return [];
	}
	isCredentialUsableByNode(): boolean {
		return true;
	}
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		options: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const auth = CREDENTIAL_TYPES[typeName]?.authenticate as
			| { properties?: Record<string, Record<string, string>> }
			| undefined;
		const resolve = (v: string) =>
			v.replace(/^=\{\{\$credentials\.(\w+)\}\}$/, (_m, k: string) => String(credentials[k] ?? ''));
		for (const [section, values] of Object.entries(auth?.properties ?? {})) {
			const target = ((options as unknown as Record<string, Record<string, string>>)[section] ??= {});
			for (const [k, v] of Object.entries(values)) target[k] = resolve(v);
		}
		return options;
	}
	async preAuthentication() {
		return undefined;
	}
	async runPreAuthentication() {
		return undefined;
	}
	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}
	async getDecrypted(_a: unknown, _c: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
		const d = this.data[type];
		if (!d) throw new Error(`No credentials of type ${type}`);
		return d;
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties() {
		return [];
	}
}

export interface TestRequest {
	method?: 'POST' | 'GET';
	headers?: Record<string, string>;
	query?: Record<string, string>;
	/** Parsed body, as n8n's body parser leaves it. */
	body?: unknown;
	/** Exact bytes (defaults to JSON of body). */
	rawBody?: Buffer;
	ip?: string;
}

export interface TestResponse {
	status: number;
	body: unknown;
	headers: Record<string, string>;
	redirect?: string;
}

export interface WebhookRun {
	response: TestResponse;
	result: IWebhookResponseData;
	/** The execution, when the webhook started one. */
	run?: IRun;
	/** Items a node emitted on an output, from the execution's run data. */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
}

export interface NodeRun {
	run: IRun;
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	error(nodeName: string): Error | undefined;
}

/**
 * Runs a workflow fixture in WorkflowExecute, feeding items to its source nodes (test.collect nodes
 * with no inputs), as a trigger would.
 */
export async function runWorkflow(
	workflowJson: IWorkflowBase,
	inputs: Record<string, Array<{ json: Record<string, unknown> }>>,
	credentials: Record<string, ICredentialDataDecryptedObject> = {},
): Promise<NodeRun> {
	const workflow = makeWorkflow(workflowJson, false);
	const run = await executeStack(
		workflow,
		engineAdditionalData(credentials),
		Object.entries(inputs).map(([node, items]) => ({ node, main: [items as INodeExecutionData[]] })),
	);
	return {
		run,
		output: outputOf(run),
		error(nodeName: string) {
			return run.data.resultData.runData[nodeName]?.[0]?.error as Error | undefined;
		},
	};
}

function engineAdditionalData(
	credentials: Record<string, ICredentialDataDecryptedObject>,
): IWorkflowExecuteAdditionalData {
	const hooks = new ExecutionLifecycleHooks('manual', 'exec-1', mock<IWorkflowBase>());
	// (untyped call: jest-mock-extended's deep partial of this interface is too deep for tsc)
	const additionalData = (mock as (init: object) => IWorkflowExecuteAdditionalData)({
		hooks,
		currentNodeParameters: undefined,
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		executionId: 'exec-1',
	});
	// jest-mock-extended answers every unknown property with a mock function; the engine reads
	// these optional ones and must see them absent.
	additionalData.encryptedRunnerIdentity = undefined;
	additionalData.credentialsHelper = new TestCredentialsHelper(credentials);
	return additionalData;
}

function makeWorkflow(json: IWorkflowBase, active: boolean): Workflow {
	return new Workflow({
		id: json.id ?? 'wf-test',
		nodes: json.nodes,
		connections: json.connections,
		active,
		nodeTypes: new TestNodeTypes(),
		settings: json.settings ?? {},
	});
}

/** Runs the workflow from a prepared execution stack, as n8n does after a trigger fired. */
async function executeStack(
	workflow: Workflow,
	additionalData: IWorkflowExecuteAdditionalData,
	stack: Array<{ node: string; main: INodeExecutionData[][] }>,
): Promise<IRun> {
	const finished = new Promise<IRun>((resolve) =>
		additionalData.hooks!.addHandler('workflowExecuteAfter', (run) => resolve(run)),
	);
	const runExecutionData = {
		resultData: { runData: {} },
		executionData: {
			contextData: {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: stack.map(({ node, main }) => ({
				node: workflow.getNode(node)!,
				data: { main },
				source: null,
			})),
		},
	} as unknown as IRunExecutionData;
	await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	return await finished;
}

function outputOf(run: IRun | undefined) {
	return (nodeName: string, outputIndex = 0): INodeExecutionData[] => {
		const task = run?.data.resultData.runData[nodeName]?.[0];
		if (task?.error) throw task.error;
		return task?.data?.main?.[outputIndex] ?? [];
	};
}

export function loadWorkflow(name: string): IWorkflowBase {
	return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'workflows', name), 'utf8')) as IWorkflowBase;
}

/** A fixture with one node's parameters changed; its options are merged, not replaced. */
export function withParameters(file: string, node: string, params: Record<string, unknown>): IWorkflowBase {
	const wf = loadWorkflow(file);
	const n = wf.nodes.find((x) => x.name === node)!;
	const options = { ...(n.parameters.options as object), ...((params.options as object) ?? {}) };
	n.parameters = { ...n.parameters, ...params, options } as typeof n.parameters;
	return wf;
}

/**
 * For a test file: the embedded store in a throw-away file (LEAD_MANAGEMENT_DB), restored and
 * removed after its tests.
 */
export function useStateFile(prefix: string, file: string): void {
	let dir: string;
	const previous = process.env.LEAD_MANAGEMENT_DB;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), prefix));
		process.env.LEAD_MANAGEMENT_DB = join(dir, file);
	});
	afterAll(() => {
		if (previous === undefined) delete process.env.LEAD_MANAGEMENT_DB;
		else process.env.LEAD_MANAGEMENT_DB = previous;
		rmSync(dir, { recursive: true, force: true });
	});
}

/** Minimal express response capturing what the node writes. */
function fakeResponse() {
	const state: TestResponse & { sent: boolean } = { status: 200, body: undefined, headers: {}, sent: false };
	const res = {
		get headersSent() {
			return state.sent;
		},
		status(code: number) {
			state.status = code;
			return res;
		},
		json(body: unknown) {
			state.body = body;
			state.sent = true;
			return res;
		},
		send(body: unknown) {
			state.body = body;
			state.sent = true;
			return res;
		},
		type(t: string) {
			state.headers['content-type'] = t;
			return res;
		},
		setHeader(k: string, v: string) {
			state.headers[k.toLowerCase()] = v;
			return res;
		},
		redirect(code: number, url: string) {
			state.status = code;
			state.redirect = url;
			state.sent = true;
		},
		end() {
			state.sent = true;
		},
	};
	return { res, state };
}

export async function runWebhook(
	workflowJson: IWorkflowBase,
	request: TestRequest,
	credentials: Record<string, ICredentialDataDecryptedObject> = {},
): Promise<WebhookRun> {
	const workflow = makeWorkflow(workflowJson, true);
	const triggerNode = workflowJson.nodes.find((n) => n.type.endsWith('.leadCaptureTrigger'))!;
	const nodeType = new TestNodeTypes().getByNameAndVersion(triggerNode.type);
	const method = request.method ?? 'POST';
	const webhookDescription = nodeType.description.webhooks!.find((w) => w.httpMethod === method)!;
	const rawBody =
		request.rawBody ?? (request.body !== undefined ? Buffer.from(JSON.stringify(request.body)) : undefined);
	const req = {
		method,
		headers: Object.fromEntries(
			Object.entries({ 'content-type': 'application/json', ...(request.headers ?? {}) }).map(([k, v]) => [
				k.toLowerCase(),
				v,
			]),
		),
		query: request.query ?? {},
		body: request.body ?? {},
		rawBody,
		ip: request.ip ?? '127.0.0.1',
		params: {},
		readRawBody: async () => undefined,
	};
	const { res, state } = fakeResponse();
	const additionalData = engineAdditionalData(credentials);
	additionalData.httpRequest = req as never;
	additionalData.httpResponse = res as never;
	const webhookData = {
		httpMethod: method,
		node: triggerNode.name,
		path: String(triggerNode.parameters.path ?? ''),
		webhookDescription,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: triggerNode.webhookId,
	};
	const context = new WebhookContext(
		workflow,
		workflow.getNode(triggerNode.name)!,
		additionalData,
		'webhook',
		webhookData as never,
		[],
		null,
	);
	const result = await nodeType.webhook!.call(context);

	const run = result.workflowData
		? await executeStack(workflow, additionalData, [{ node: triggerNode.name, main: result.workflowData }])
		: undefined;
	if (!result.noWebhookResponse && !state.sent) {
		state.status = 200;
		state.body = result.webhookResponse ?? { message: 'Workflow was started' };
	}
	return {
		response: { status: state.status, body: state.body, headers: state.headers, redirect: state.redirect },
		result,
		run,
		output: outputOf(run),
	};
}
