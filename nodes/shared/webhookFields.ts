import * as workflow from 'n8n-workflow';

/**
 * Webhook description fields computed from the node's parameters. n8n 2.41+ resolves such fields
 * natively when a resolver is declared beside the expression template (`webhookDescriptionFields`):
 * without one, every request evaluates the template in an isolated V8 context, which tripled the
 * trigger's latency. On an n8n without the helper the templates alone are used, as before.
 */
export interface WebhookField {
	template: string;
	resolve: (parameters: Record<string, unknown>) => unknown;
}

/** A field computed by a self-contained function of the parameters (its source is the template). */
export function fromParameters(fn: (parameters: Record<string, unknown>) => unknown): WebhookField {
	return { template: `={{(${String(fn)})($parameter)}}`, resolve: fn };
}

/** A field that reads one parameter. */
export function fromParameter(name: string): WebhookField {
	return { template: `={{$parameter["${name}"]}}`, resolve: (parameters) => parameters[name] };
}

type FieldsHelper = (fields: Record<string, WebhookField>) => Record<string, string>;

export function webhookFields<K extends string>(fields: Record<K, WebhookField>): Record<K, string> {
	const native = (workflow as unknown as { webhookDescriptionFields?: FieldsHelper }).webhookDescriptionFields;
	if (native) return native(fields) as Record<K, string>;
	return Object.fromEntries(
		Object.entries<WebhookField>(fields).map(([name, field]) => [name, field.template]),
	) as Record<K, string>;
}
