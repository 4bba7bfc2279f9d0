/**
 * Builds PEM PKCS#10 requests with ECDSA P-256 keys (@peculiar/x509 on node
 * webcrypto): what a kubelet sends, and — for tests and benchmarks — any
 * forgery of it (other subjects, extra SAN types).
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { SeedbedError } from '@seedbed/core';

x509.cryptoProvider.set(webcrypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface RequestSpec {
  commonName: string;
  organizations?: readonly string[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  emails?: readonly string[];
  uris?: readonly string[];
  /** PKCS#8 PEM of the key to sign with; a new P-256 key is generated when absent. */
  keyPem?: string;
}

export interface BuiltRequest {
  /** PEM CERTIFICATE REQUEST. */
  csrPem: string;
  /** PKCS#8 PEM of the private key. */
  keyPem: string;
}

const escapeRdn = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1');

/**
 * IPv6 in full eight-group hex: @peculiar/x509 mis-encodes dotted tails
 * ("::ffff:127.0.0.2"), so they are rewritten as two hex groups first.
 */
export function x509IpText(ip: string): string {
  if (!ip.includes(':')) return ip;
  let text = ip;
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) throw new SeedbedError('INVALID_IP', `"${ip}" is not an IPv6 address`);
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const groups = halves.length === 2 ? [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail] : head;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) throw new SeedbedError('INVALID_IP', `"${ip}" is not an IPv6 address`);
  return groups.join(':');
}

export async function generateKey(): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
}

async function importKeys(keyPem: string): Promise<webcrypto.CryptoKeyPair> {
  const der = x509.PemConverter.decode(keyPem)[0]!;
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']);
  // derive the public key from the private JWK (x, y are in it)
  const jwk = await webcrypto.subtle.exportKey('jwk', privateKey);
  const publicKey = await webcrypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true }, ALGORITHM, true, ['verify']);
  return { privateKey, publicKey };
}

export async function buildCertificateRequest(spec: RequestSpec): Promise<BuiltRequest> {
  const keyPem = spec.keyPem ?? (await generateKey());
  const keys = await importKeys(keyPem);
  const names: x509.JsonGeneralName[] = [
    ...(spec.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(spec.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value: x509IpText(value) })),
    ...(spec.emails ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(spec.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  const subject = [`CN=${escapeRdn(spec.commonName)}`, ...(spec.organizations ?? []).map((o) => `O=${escapeRdn(o)}`)].join(', ');
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subject,
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: names.length ? [new x509.SubjectAlternativeNameExtension(names, false)] : [],
  });
  return { csrPem: csr.toString('pem'), keyPem };
}
