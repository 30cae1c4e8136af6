import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { CaptureAuth, CaptureConfig } from '../../lib/capture/capture';
import type { FieldMapping } from '../../lib/capture/buildLead';
import { parseCidr } from '../../lib/capture/ip';
import type { SignatureScheme } from '../../lib/capture/signatures';
import type { Provider } from '../../lib/capture/types';
import type { RequirableField } from '../../lib/capture/validate';
import { FACEBOOK_CREDENTIAL } from './transport';

export interface TriggerOptions {
	rejectedOutput: boolean;
	rejectionStatus: 'vendor' | 'always4xx' | 'always200';
	repeatWindowSeconds: number;
	stateFile: string;
	/** n8n's standard "Allowed Origins (CORS)" option (added because the node supports CORS). */
	allowedOrigins: string;
}

function list(text: unknown): string[] {
	return typeof text === 'string'
		? text
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean)
		: [];
}

async function readAuth(ctx: IWebhookFunctions): Promise<CaptureAuth> {
	const type = ctx.getNodeParameter('authentication', 'none') as string;
	if (type === 'headerAuth') {
		const c = await ctx.getCredentials<{ headerName: string; token: string }>('leadCaptureHeaderAuthApi');
		return { type, name: c.headerName, value: c.token };
	}
	if (type === 'basicAuth') {
		const c = await ctx.getCredentials<{ user: string; password: string }>('leadCaptureBasicAuthApi');
		return { type, user: c.user, password: c.password };
	}
	if (type === 'signature') {
		const c = await ctx.getCredentials<{ secret: string }>('leadCaptureSignatureApi');
		const scheme = ctx.getNodeParameter('signatureScheme', 'provider') as SignatureScheme | 'provider';
		return {
			type,
			scheme,
			secret: c.secret,
			toleranceSeconds: ctx.getNodeParameter('replayWindowSeconds', 300) as number,
			generic:
				scheme === 'genericHmac'
					? {
							header: (ctx.getNodeParameter('signatureHeader', 'X-Signature') as string).toLowerCase(),
							encoding: ctx.getNodeParameter('signatureEncoding', 'hex') as 'hex' | 'base64',
							prefix: (ctx.getNodeParameter('signaturePrefix', '') as string) || undefined,
						}
					: undefined,
		};
	}
	return { type: 'none' };
}

async function leadAdsAppSecret(ctx: IWebhookFunctions): Promise<string | undefined> {
	try {
		return (await ctx.getCredentials<{ appSecret?: string }>(FACEBOOK_CREDENTIAL)).appSecret || undefined;
	} catch {
		return undefined;
	}
}

/** Reads the trigger's parameters and credentials into the pure capture configuration. */
export async function readCaptureConfig(
	ctx: IWebhookFunctions,
): Promise<{ config: CaptureConfig; options: TriggerOptions }> {
	const o = ctx.getNodeParameter('options', {}) as IDataObject;
	const mappingRows =
		(ctx.getNodeParameter('fieldMapping.fields', []) as Array<{ field: string; source: string }>) ?? [];
	const mapping: FieldMapping = {};
	for (const row of mappingRows) if (row.source) mapping[row.field as keyof FieldMapping] = row.source;
	let ipAllowlist;
	try {
		ipAllowlist = list(o.ipAllowlist).map(parseCidr);
	} catch (e) {
		throw new NodeOperationError(ctx.getNode(), `IP Allowlist: ${(e as Error).message}`);
	}
	const defaultCountry =
		typeof o.defaultCountry === 'string' && o.defaultCountry.trim() ? o.defaultCountry.trim().toUpperCase() : undefined;
	const provider = ctx.getNodeParameter('provider', 'auto') as Provider | 'auto';
	const config: CaptureConfig = {
		provider,
		auth: await readAuth(ctx),
		ipAllowlist,
		mapping,
		defaultCountry,
		validation: {
			required: (o.requiredFields as RequirableField[] | undefined) ?? ['email_or_phone'],
			validateEmail: o.validateEmail !== false,
			validatePhone: o.validatePhone !== false,
			defaultCountry,
		},
		spam: {
			honeypotFields: list(o.honeypotFields ?? '_gotcha, _honeypot'),
			minFillSeconds: typeof o.minFillSeconds === 'number' ? o.minFillSeconds : 3,
			startedAtField: (o.startedAtField as string) || 'form_started_at',
			rejectDisposableEmail: o.rejectDisposableEmail !== false,
			rejectBotUserAgent: o.rejectBotUserAgent === true,
		},
		publicUrl: ctx.getNodeWebhookUrl('default') ?? '',
		nodeName: ctx.getNode().name,
		leadAdsAppSecret: provider === 'facebook' ? await leadAdsAppSecret(ctx) : undefined,
		acceptUnsignedLeadAds: o.acceptUnsignedLeadAds === true,
	};
	return {
		config,
		options: {
			rejectedOutput: o.rejectedOutput !== false,
			rejectionStatus: (o.rejectionStatus as TriggerOptions['rejectionStatus']) ?? 'vendor',
			repeatWindowSeconds: typeof o.repeatWindowSeconds === 'number' ? o.repeatWindowSeconds : 86400,
			stateFile: (o.stateFile as string) ?? '',
			allowedOrigins: typeof o.allowedOrigins === 'string' ? o.allowedOrigins : '*',
		},
	};
}
