import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

const sentinelOnly = { show: { mode: ['sentinel'] } };
const clusterOrSentinel = { show: { mode: ['sentinel', 'cluster'] } };

/**
 * Redis for n8n queue mode, where executions run on workers on several hosts: dedupe memory,
 * repeat windows, rotation state shared by all of them. One server, a Sentinel-managed primary or
 * a Cluster, through ioredis (the client n8n itself uses). Tested by the nodes'
 * `leadManagementRedisConnectionTest`: connect, authenticate, select the database and PING.
 */
export class LeadManagementRedisApi implements ICredentialType {
	name = 'leadManagementRedisApi';

	displayName = 'Lead Management Redis API';

	icon: Icon = { light: 'file:../icons/dedupe.svg', dark: 'file:../icons/dedupe.dark.svg' };

	documentationUrl =
		'https://github.com/n8n-nodes-lead-management/n8n-nodes-lead-management/blob/main/docs/guide/state-and-scale.md#state-sqlite-or-redis';

	properties: INodeProperties[] = [
		{
			displayName: 'Connection',
			name: 'mode',
			type: 'options',
			default: 'standalone',
			options: [
				{
					name: 'Single Server',
					value: 'standalone',
				},
				{
					name: 'Sentinel',
					value: 'sentinel',
					description: 'A primary watched by Redis Sentinel, which finds it after a failover',
				},
				{
					name: 'Cluster',
					value: 'cluster',
					description: 'Redis Cluster (every key of one memory or rotation lives in one slot)',
				},
			],
		},
		{
			displayName: 'Host',
			name: 'host',
			type: 'string',
			default: 'localhost',
			required: true,
			displayOptions: { show: { mode: ['standalone'] } },
		},
		{
			displayName: 'Port',
			name: 'port',
			type: 'number',
			default: 6379,
			displayOptions: { show: { mode: ['standalone'] } },
		},
		{
			displayName: 'Nodes',
			name: 'nodes',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'redis-1:26379, redis-2:26379',
			description: 'Sentinels (Sentinel) or some cluster nodes (Cluster), as host:port separated by commas',
			displayOptions: clusterOrSentinel,
		},
		{
			displayName: 'Primary Name',
			name: 'sentinelName',
			type: 'string',
			default: 'mymaster',
			description: 'The name the sentinels monitor the primary under',
			displayOptions: sentinelOnly,
		},
		{
			displayName: 'Sentinel Password',
			name: 'sentinelPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'When the sentinels themselves require a password',
			displayOptions: sentinelOnly,
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			description: 'Redis 6+ ACL user; leave empty for the default user',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Database Number',
			name: 'database',
			type: 'number',
			default: 0,
			description: 'Not used by Redis Cluster, which has only database 0',
		},
		{
			displayName: 'SSL/TLS',
			name: 'tls',
			type: 'boolean',
			default: false,
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'tlsAllowUnauthorized',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the server certificate cannot be verified (self-signed)',
			displayOptions: { show: { tls: [true] } },
		},
		{
			displayName: 'Key Prefix',
			name: 'keyPrefix',
			type: 'string',
			default: 'lead-management:',
			description: 'Prefix of every key this package writes',
		},
	];
}
