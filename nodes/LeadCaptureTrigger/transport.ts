import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';
import { trimTrailing } from '../../lib/normalize/text';

export const FACEBOOK_CREDENTIAL = 'facebookLeadAdsGraphApi';
const LEAD_FIELDS =
	'id,created_time,field_data,form_id,ad_id,ad_name,adset_id,adset_name,campaign_id,campaign_name,is_organic,platform,partner_name,custom_disclaimer_responses';

/** GET /{leadgen_id} on the Graph API with the node's credential, through n8n's HTTP helpers. */
export async function fetchFacebookLead(ctx: IWebhookFunctions, leadId: string): Promise<IDataObject> {
	const creds = await ctx.getCredentials<{ baseUrl?: string; apiVersion?: string }>(FACEBOOK_CREDENTIAL);
	const base = trimTrailing(creds.baseUrl || 'https://graph.facebook.com', '/');
	const version = creds.apiVersion || 'v23.0';
	return (await ctx.helpers.httpRequestWithAuthentication.call(ctx, FACEBOOK_CREDENTIAL, {
		method: 'GET',
		url: `${base}/${version}/${encodeURIComponent(leadId)}`,
		qs: { fields: LEAD_FIELDS },
		json: true,
	})) as IDataObject;
}
