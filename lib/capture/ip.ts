import { isIP } from 'node:net';

/** Parses an IPv4 or IPv6 address (IPv4-mapped IPv6 folded to IPv4) into bytes. */
function toBytes(ip: string): number[] | null {
	let s = ip.trim();
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s);
	if (mapped) s = mapped[1];
	const v = isIP(s);
	if (v === 4) return s.split('.').map(Number);
	if (v !== 6) return null;
	const [head, tail] = s.split('::') as [string, string | undefined];
	let tailParts = tail !== undefined ? tail.split(':').filter(Boolean) : [];
	let headParts = head ? head.split(':') : [];
	const v4 = (parts: string[]) => {
		const last = parts[parts.length - 1];
		if (last && last.includes('.')) {
			const b = last.split('.').map(Number);
			parts.splice(parts.length - 1, 1, ((b[0] << 8) | b[1]).toString(16), ((b[2] << 8) | b[3]).toString(16));
		}
		return parts;
	};
	headParts = v4(headParts);
	tailParts = v4(tailParts);
	const groups =
		tail !== undefined
			? [...headParts, ...Array(8 - headParts.length - tailParts.length).fill('0'), ...tailParts]
			: headParts;
	if (groups.length !== 8) return null;
	return groups.flatMap((g) => {
		const n = parseInt(g, 16);
		return [n >> 8, n & 0xff];
	});
}

export interface Cidr {
	bytes: number[];
	prefix: number;
}

/** "10.0.0.0/8", "2001:db8::/32" or a bare address; throws with a readable message when invalid. */
export function parseCidr(text: string): Cidr {
	const [addr, prefixText] = text.trim().split('/');
	const bytes = toBytes(addr);
	if (!bytes) throw new Error(`"${text}" is not an IP address or CIDR range`);
	const max = bytes.length * 8;
	const prefix = prefixText === undefined ? max : Number(prefixText);
	if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
		throw new Error(`"${text}" has an invalid prefix length (0-${max})`);
	}
	return { bytes, prefix };
}

export function ipInCidr(ip: string, cidr: Cidr): boolean {
	const bytes = toBytes(ip);
	if (!bytes || bytes.length !== cidr.bytes.length) return false;
	let bits = cidr.prefix;
	for (let i = 0; i < bytes.length && bits > 0; i++, bits -= 8) {
		const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
		if ((bytes[i] & mask) !== (cidr.bytes[i] & mask)) return false;
	}
	return true;
}

export function ipAllowed(ip: string | undefined, allowlist: Cidr[]): boolean {
	if (allowlist.length === 0) return true;
	if (!ip) return false;
	return allowlist.some((c) => ipInCidr(ip, c));
}
