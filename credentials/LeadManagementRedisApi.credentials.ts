import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * Redis for n8n queue mode, where executions run on workers on several hosts: dedupe memory,
 * repeat windows (and later rotation state) shared by all of them. Tested by the Dedupe Leads
 * node's `leadManagementRedisConnectionTest` (PING over the node's own connection).
 */
export class LeadManagementRedisApi implements ICredentialType {
	name = 'leadManagementRedisApi';

	displayName = 'Lead Management Redis API';

	icon: Icon = { light: 'file:../icons/dedupe.svg', dark: 'file:../icons/dedupe.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-lead-management/n8n-nodes-lead-management#state-sqlite-or-redis';

	properties: INodeProperties[] = [
		{ displayName: 'Host', name: 'host', type: 'string', default: 'localhost', required: true },
		{ displayName: 'Port', name: 'port', type: 'number', default: 6379 },
		{ displayName: 'User', name: 'user', type: 'string', default: '', description: 'Redis 6+ ACL user; leave empty for the default user' },
		{ displayName: 'Password', name: 'password', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Database Number', name: 'database', type: 'number', default: 0 },
		{ displayName: 'SSL/TLS', name: 'tls', type: 'boolean', default: false },
		{ displayName: 'Key Prefix', name: 'keyPrefix', type: 'string', default: 'lead-management:', description: 'Prefix of every key this package writes' },
	];
}
