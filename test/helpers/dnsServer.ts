import { createSocket, type Socket } from 'node:dgram';

/** Records a tiny DNS server serves: MX hosts (with preference) and A addresses, by name. */
export interface Zone {
	mx?: Record<string, Array<[number, string]>>;
	a?: Record<string, string[]>;
	/** Names that get no answer at all (a resolver that times out). */
	silent?: string[];
}

function encodeName(name: string): Buffer {
	if (name === '.' || name === '') return Buffer.from([0]);
	const parts = name.replace(/\.$/, '').split('.');
	return Buffer.concat([
		...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])),
		Buffer.from([0]),
	]);
}

function readName(msg: Buffer, at: number): { name: string; end: number } {
	const labels: string[] = [];
	let i = at;
	while (msg[i] !== 0) {
		labels.push(msg.toString('ascii', i + 1, i + 1 + msg[i]));
		i += msg[i] + 1;
	}
	return { name: labels.join('.').toLowerCase(), end: i + 1 };
}

/** A DNS server on 127.0.0.1 (UDP) answering MX and A queries from `zone`; counts the queries. */
export async function startDns(zone: Zone): Promise<{ server: string; queries: string[]; stop(): Promise<void> }> {
	const socket: Socket = createSocket('udp4');
	const queries: string[] = [];
	socket.on('message', (msg, rinfo) => {
		const { name, end } = readName(msg, 12);
		const qtype = msg.readUInt16BE(end);
		queries.push(`${name}/${qtype === 15 ? 'MX' : qtype === 1 ? 'A' : qtype}`);
		if (zone.silent?.includes(name)) return;
		const known = name in (zone.mx ?? {}) || name in (zone.a ?? {});
		const answers: Buffer[] = [];
		if (qtype === 15)
			for (const [pref, host] of zone.mx?.[name] ?? []) {
				const rdata = Buffer.concat([Buffer.from([pref >> 8, pref & 255]), encodeName(host)]);
				answers.push(Buffer.concat([encodeName(name), u16(15), u16(1), u32(300), u16(rdata.length), rdata]));
			}
		if (qtype === 1)
			for (const ip of zone.a?.[name] ?? []) {
				const rdata = Buffer.from(ip.split('.').map(Number));
				answers.push(Buffer.concat([encodeName(name), u16(1), u16(1), u32(300), u16(4), rdata]));
			}
		const header = Buffer.alloc(12);
		msg.copy(header, 0, 0, 2);
		header.writeUInt16BE(0x8180 | (known ? 0 : 3), 2); // response, recursion available, NXDOMAIN when unknown
		header.writeUInt16BE(1, 4);
		header.writeUInt16BE(answers.length, 6);
		socket.send(Buffer.concat([header, msg.subarray(12, end + 4), ...answers]), rinfo.port, rinfo.address);
	});
	await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
	return {
		server: `127.0.0.1:${socket.address().port}`,
		queries,
		stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
	};
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 255]);
const u32 = (n: number) => {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(n);
	return b;
};
