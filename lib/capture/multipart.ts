import { BodyLimitError } from './safeBody';

export interface MultipartFile {
	field: string;
	filename: string;
	mimeType: string;
	data: Buffer;
}

export interface MultipartResult {
	fields: Record<string, string | string[]>;
	files: MultipartFile[];
}

export interface MultipartLimits {
	maxParts: number;
	maxFileBytes: number;
}

/** Boundary from a Content-Type header, or null when it is not multipart/form-data. */
export function multipartBoundary(contentType: string | undefined): string | null {
	if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null;
	const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return m ? (m[1] ?? m[2]) : null;
}

/**
 * Parses a multipart/form-data body held in memory (n8n has already capped its size).
 * Accepts CRLF and bare LF line breaks; repeated field names become arrays.
 */
export function parseMultipart(
	body: Buffer,
	boundary: string,
	limits: MultipartLimits = { maxParts: 1000, maxFileBytes: 25 * 1024 * 1024 },
): MultipartResult {
	const fields: Record<string, string | string[]> = Object.create(null);
	const files: MultipartFile[] = [];
	const delimiter = Buffer.from(`--${boundary}`);
	let pos = body.indexOf(delimiter);
	if (pos < 0) throw new BodyLimitError('Multipart body does not contain its boundary');
	let parts = 0;
	while (pos >= 0) {
		pos += delimiter.length;
		if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing "--"
		pos = skipLineBreak(body, pos);
		const next = body.indexOf(delimiter, pos);
		if (next < 0) throw new BodyLimitError('Multipart body is truncated');
		if (++parts > limits.maxParts) throw new BodyLimitError(`More than ${limits.maxParts} multipart parts`);
		let end = next;
		if (body[end - 1] === 0x0a) end--;
		if (body[end - 1] === 0x0d) end--;
		const part = body.subarray(pos, end);
		const split = headerEnd(part);
		const headers = parseHeaders(part.subarray(0, split.start).toString('utf8'));
		const content = part.subarray(split.end);
		const disposition = headers['content-disposition'] ?? '';
		const name = dispositionParam(disposition, 'name');
		if (name !== null) {
			const filename = dispositionParam(disposition, 'filename');
			if (filename !== null) {
				if (content.length > limits.maxFileBytes) {
					throw new BodyLimitError(`File "${filename}" is larger than ${limits.maxFileBytes} bytes`, 413);
				}
				if (content.length > 0 || filename !== '') {
					files.push({
						field: name,
						filename,
						mimeType: headers['content-type'] ?? 'application/octet-stream',
						data: Buffer.from(content),
					});
				}
			} else {
				const text = new TextDecoder('utf-8', { fatal: false }).decode(content);
				const prev = fields[name];
				if (prev === undefined) fields[name] = text;
				else fields[name] = Array.isArray(prev) ? [...prev, text] : [prev, text];
			}
		}
		pos = next;
	}
	return { fields: { ...fields }, files };
}

function skipLineBreak(buf: Buffer, pos: number): number {
	if (buf[pos] === 0x0d) pos++;
	if (buf[pos] === 0x0a) pos++;
	return pos;
}

function headerEnd(part: Buffer): { start: number; end: number } {
	const crlf = part.indexOf('\r\n\r\n');
	const lf = part.indexOf('\n\n');
	if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { start: crlf, end: crlf + 4 };
	if (lf >= 0) return { start: lf, end: lf + 2 };
	return { start: part.length, end: part.length };
}

function parseHeaders(text: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const line of text.split(/\r?\n/)) {
		const i = line.indexOf(':');
		if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
	}
	return out;
}

function dispositionParam(header: string, param: string): string | null {
	const re = new RegExp(`(?:^|;)\\s*${param}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i');
	const m = re.exec(header);
	if (!m) return null;
	return (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1').trim();
}
