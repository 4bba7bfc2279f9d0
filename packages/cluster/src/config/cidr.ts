/**
 * IPv4/IPv6 CIDR arithmetic on BigInt: parsing (with a reason when invalid),
 * overlap and containment checks, and the n-th address of a prefix.
 */

export type IpFamily = 'ipv4' | 'ipv6';

export interface Cidr {
  family: IpFamily;
  /** Network address as an integer (host bits zero). */
  network: bigint;
  prefix: number;
  /** 32 or 128. */
  bits: number;
  /** The CIDR as written. */
  text: string;
}

export function parseIp(text: string): { family: IpFamily; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const parts = text.split('.').map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return { family: 'ipv4', value: parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n) };
  }
  if (!text.includes(':') || !/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  let groups: string[];
  let tail: bigint[] = [];
  let body = text;
  const v4 = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const mapped = parseIp(v4[1]!);
    if (!mapped) return undefined;
    tail = [mapped.value >> 16n, mapped.value & 0xffffn];
    body = text.slice(0, text.length - v4[1]!.length) + (text.endsWith(`::${v4[1]}`) ? '' : '0');
    if (!text.endsWith(`::${v4[1]}`)) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const parse = (s: string) => (s === '' ? [] : s.replace(/:$/, '').split(':'));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const want = 8 - tail.length;
  if (halves.length === 2) {
    if (head.length + rest.length > want - 1) return undefined;
    groups = [...head, ...Array<string>(want - head.length - rest.length).fill('0'), ...rest];
  } else {
    groups = head;
    if (groups.length !== want) return undefined;
  }
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const values = [...groups.map((g) => BigInt(parseInt(g, 16))), ...tail];
  return { family: 'ipv6', value: values.reduce((acc, g) => (acc << 16n) | g, 0n) };
}

export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 'ipv4') {
    return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: compress the longest run (≥2) of zero groups
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Parses "a.b.c.d/n" or "x::/n"; returns an error message instead of throwing. */
export function parseCidr(text: string): Cidr | string {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text.trim());
  if (!match) return `"${text}" is not a CIDR (expected ADDRESS/PREFIX, e.g. 10.0.0.0/16 or fd00::/48)`;
  const ip = parseIp(match[1]!);
  if (!ip) return `"${match[1]}" is not an IPv4 or IPv6 address`;
  const bits = ip.family === 'ipv4' ? 32 : 128;
  const prefix = Number(match[2]);
  if (prefix > bits) return `prefix /${prefix} is longer than ${bits} bits`;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((ip.value & hostMask) !== 0n) {
    return `"${text}" has host bits set (did you mean ${formatIp(ip.family, ip.value & ~hostMask)}/${prefix}?)`;
  }
  return { family: ip.family, network: ip.value, prefix, bits, text: text.trim() };
}

export function lastAddress(cidr: Cidr): bigint {
  return cidr.network + (1n << BigInt(cidr.bits - cidr.prefix)) - 1n;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.network <= lastAddress(b) && b.network <= lastAddress(a);
}

export function containsIp(cidr: Cidr, ip: string): boolean {
  const parsed = parseIp(ip);
  return !!parsed && parsed.family === cidr.family && parsed.value >= cidr.network && parsed.value <= lastAddress(cidr);
}

/** The n-th address of the prefix (n=1 is the first after the network address). */
export function nthAddress(cidr: Cidr, n: number): string {
  const value = cidr.network + BigInt(n);
  if (value > lastAddress(cidr)) throw new RangeError(`${cidr.text} has no address #${n}`);
  return formatIp(cidr.family, value);
}

/** Normalises an IP for comparisons (IPv4-mapped IPv6 becomes IPv4). */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text);
  if (!ip) return undefined;
  if (ip.family === 'ipv6' && ip.value >> 32n === 0xffffn) return formatIp('ipv4', ip.value & 0xffffffffn);
  return formatIp(ip.family, ip.value);
}
