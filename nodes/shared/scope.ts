import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

/**
 * What a stateful node remembers for: this workflow (the default from version 1.1), this node, or
 * a shared name that several workflows use (a flow that spans workflows: Start Clock in the
 * inbound one, Check Due in the escalation one). Nodes saved at version 1 keep the shared names
 * they used (Options > Memory Name: `lifecycle`, `default`; a model by its name alone; one
 * enrichment cache for the whole n8n).
 */
export type Scope = 'workflow' | 'node' | 'shared';

/** From this node version on, a node remembers for its workflow unless told otherwise. */
export const SCOPED_VERSION = 1.1;

export const fromScopedVersion = { '@version': [{ _cnd: { gte: SCOPED_VERSION } }] };
export const beforeScopedVersion = { '@version': [{ _cnd: { lt: SCOPED_VERSION } }] };

/**
 * The Remember For parameter (version 1.1 on), and with A Shared Name the name's own parameter:
 * `what` names what is kept ("stage histories"), `operations` where the node uses its memory.
 */
export function scopeProperties(options: {
	what: string;
	operations?: string[];
	/** Where the parameters show, when more than an operation decides it. */
	show?: Record<string, string[]>;
	/** The shared name parameter; none when the scope applies to a name the node already has (a model). */
	name?: { displayName: string; default: string; placeholder?: string; description: string };
}): INodeProperties[] {
	const where = options.show ?? (options.operations ? { operation: options.operations } : {});
	const properties: INodeProperties[] = [
		{
			displayName: 'Remember For',
			name: 'scope',
			type: 'options',
			default: 'workflow',
			noDataExpression: true,
			displayOptions: { show: { ...fromScopedVersion, ...where } },
			description: `Whose ${options.what} this node reads and writes`,
			options: [
				{
					name: 'This Workflow',
					value: 'workflow',
					description: `The ${options.what} of this workflow only`,
				},
				{
					name: 'This Node',
					value: 'node',
					description: `The ${options.what} of this node only`,
				},
				{
					name: 'A Shared Name',
					value: 'shared',
					description: options.name
						? `Every workflow using the same ${options.name.displayName} (a flow that spans workflows)`
						: 'Every workflow of this n8n (a flow that spans workflows)',
				},
			],
		},
	];
	if (options.name) {
		const shared: INodeProperties = {
			displayName: options.name.displayName,
			name: 'sharedName',
			type: 'string',
			default: '',
			placeholder: options.name.placeholder ?? options.name.default,
			displayOptions: { show: { ...fromScopedVersion, ...where, scope: ['shared'] } },
			description: options.name.description,
		};
		shared.default = options.name.default;
		properties.push(shared);
	}
	return properties;
}

export interface ScopeChoice {
	scope: Scope;
	/** The shared name (as given, or the default). */
	name: string;
	/** The part of a namespace this scope makes: `wf:<id>`, `node:<wf>:<node>` or the shared name. */
	key: string;
}

/**
 * The node's scope: version 1.1 on, Remember For and the shared name; version 1, the shared name
 * it always used (its Options' `legacyOption`, else `defaultName`).
 */
export function readScope(
	ctx: IExecuteFunctions,
	defaultName: string,
	legacyOption = 'memoryName',
	itemIndex = 0,
): ScopeChoice {
	const node = ctx.getNode();
	let scope: Scope = 'shared';
	let name: string;
	if (node.typeVersion < SCOPED_VERSION) {
		const o = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
		name = String(o[legacyOption] ?? '').trim() || defaultName;
	} else {
		const chosen = ctx.getNodeParameter('scope', itemIndex, 'workflow') as string;
		scope = chosen === 'shared' || chosen === 'node' ? chosen : 'workflow';
		name =
			scope === 'shared' ? String(ctx.getNodeParameter('sharedName', itemIndex, '') ?? '').trim() || defaultName : '';
	}
	const workflowId = ctx.getWorkflow().id ?? 'unsaved';
	const key = scope === 'shared' ? name : scope === 'node' ? `node:${workflowId}:${node.id}` : `wf:${workflowId}`;
	return { scope, name, key };
}

/** How a scope reads in a message: "this workflow", "this node" or `the shared name "x"`. */
export function scopeText(choice: ScopeChoice): string {
	return choice.scope === 'workflow'
		? 'this workflow'
		: choice.scope === 'node'
			? 'this node'
			: `the shared name "${choice.name}"`;
}

/**
 * The other places the same memory may be kept, for a hint when a node finds nothing where it
 * looks: the shared default name (where version 1 nodes kept everything), this workflow's, this
 * node's; each as a namespace (`prefix` + key) with the words for it.
 */
export function otherScopes(
	ctx: IExecuteFunctions,
	prefix: string,
	current: ScopeChoice,
	defaultName: string,
): Array<{ namespace: string; choice: ScopeChoice }> {
	const workflowId = ctx.getWorkflow().id ?? 'unsaved';
	const candidates: ScopeChoice[] = [
		{ scope: 'shared', name: defaultName, key: defaultName },
		{ scope: 'workflow', name: '', key: `wf:${workflowId}` },
		{ scope: 'node', name: '', key: `node:${workflowId}:${ctx.getNode().id}` },
	];
	return candidates
		.filter((c) => c.key !== current.key)
		.map((choice) => ({ namespace: `${prefix}${choice.key}`, choice }));
}

/** What to set to read a scope, in words. */
export function scopeAdvice(choice: ScopeChoice): string {
	return choice.scope === 'shared'
		? `set Remember For to A Shared Name, "${choice.name}"`
		: `set Remember For to ${choice.scope === 'workflow' ? 'This Workflow' : 'This Node'}`;
}
