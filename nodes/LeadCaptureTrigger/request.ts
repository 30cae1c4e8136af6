import { readFile } from 'node:fs/promises';
import type { IBinaryData, IWebhookFunctions } from 'n8n-workflow';
import { multipartBoundary, parseMultipart } from '../../lib/capture/multipart';
import type { IncomingSubmission } from '../../lib/capture/types';

interface FormidableFile {
	filepath: string;
	originalFilename?: string | null;
	mimetype?: string | null;
}

export interface ReadRequest {
	incoming: IncomingSubmission;
	binary: Record<string, IBinaryData>;
}

function binaryKey(field: string, index: number, taken: Record<string, unknown>): string {
	const base = field.replace(/[^A-Za-z0-9_]/g, '_') || 'file';
	const key = index === 0 && !taken[base] ? base : `${base}_${index}`;
	return taken[key] ? `${key}_${Object.keys(taken).length}` : key;
}

/**
 * The request as the pure capture code sees it. Multipart bodies arrive parsed by n8n
 * ({data, files} with temporary files) or, where n8n left them alone, are parsed here.
 */
export async function readRequest(ctx: IWebhookFunctions): Promise<ReadRequest> {
	const req = ctx.getRequestObject() as ReturnType<IWebhookFunctions['getRequestObject']> & {
		rawBody?: Buffer;
		readRawBody?: () => Promise<void>;
	};
	const contentType = String(req.headers['content-type'] ?? '');
	let body: unknown = req.body;
	const binary: Record<string, IBinaryData> = {};
	const boundary = multipartBoundary(contentType);
	if (boundary) {
		const parsed = body as
			| { data?: Record<string, unknown>; files?: Record<string, FormidableFile | FormidableFile[]> }
			| undefined;
		if (parsed && typeof parsed === 'object' && ('data' in parsed || 'files' in parsed)) {
			body = parsed.data ?? {};
			for (const [field, value] of Object.entries(parsed.files ?? {})) {
				const files = Array.isArray(value) ? value : [value];
				for (const [i, f] of files.entries()) {
					const data = await readFile(f.filepath);
					binary[binaryKey(field, i, binary)] = await ctx.helpers.prepareBinaryData(
						data,
						f.originalFilename ?? field,
						f.mimetype ?? undefined,
					);
				}
			}
		} else {
			if (!req.rawBody && req.readRawBody) await req.readRawBody();
			if (req.rawBody) {
				const parsedOwn = parseMultipart(req.rawBody, boundary);
				body = parsedOwn.fields;
				for (const [i, f] of parsedOwn.files.entries()) {
					binary[binaryKey(f.field, i, binary)] = await ctx.helpers.prepareBinaryData(f.data, f.filename, f.mimeType);
				}
			}
		}
	} else if (!req.rawBody && req.readRawBody && req.method !== 'GET') {
		await req.readRawBody();
	}
	return {
		incoming: {
			method: req.method,
			headers: req.headers,
			query: (req.query ?? {}) as Record<string, unknown>,
			body,
			rawBody: req.rawBody,
			ip: req.ip ?? req.socket?.remoteAddress,
			receivedAt: new Date(),
		},
		binary,
	};
}
