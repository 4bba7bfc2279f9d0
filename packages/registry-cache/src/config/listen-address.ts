/** `ADDR:PORT` listen addresses: `127.0.0.1:5000`, `[::1]:5000`, `localhost:5000`, `:5000` (all families). */
import { isIP } from 'node:net';

export interface ListenAddress {
  /** Host to bind; `::` with ipv6Only false for `:PORT`. */
  host: string;
  port: number;
  /** The spelling the user gave, for messages. */
  text: string;
}

/** Returns the parsed address or a message saying what is wrong. */
export function parseListenAddress(text: string): ListenAddress | string {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  const plain = /^([^:[\]]*):(\d+)$/.exec(text);
  const match = bracketed ?? plain;
  if (!match) return `"${text}" is not ADDR:PORT (IPv6 addresses go in brackets, e.g. [::1]:5000)`;
  const host = match[1] ?? '';
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return `"${text}" has an invalid port`;
  if (bracketed && isIP(host) !== 6) return `"${text}": "${host}" is not an IPv6 address`;
  if (!bracketed && host !== '' && isIP(host) !== 4 && !/^[a-zA-Z0-9.-]+$/.test(host)) return `"${text}": "${host}" is not an address or host name`;
  return { host: host === '' ? '::' : host, port, text };
}
