/**
 * Key and certificate on disk the way the kubelet keeps them: one PEM file
 * holding certificate and private key (`kubelet-server-current.pem`), written
 * to a temporary file and renamed so a crash never leaves a half-written or
 * mismatched pair.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { normaliseNames, type ServingNames } from '@seedbed/csr-approver';

export const SERVER_PAIR_FILE = 'kubelet-server-current.pem';
export const CLIENT_PAIR_FILE = 'kubelet-client-current.pem';

export interface StoredPair {
  certPem: string;
  keyPem: string;
  /** Epoch ms. */
  notBefore: number;
  notAfter: number;
  serialNumber: string;
}

export function describePair(certPem: string, keyPem: string): StoredPair {
  const cert = new X509Certificate(certPem);
  return { certPem, keyPem, notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo), serialNumber: cert.serialNumber };
}

/** The SANs of a certificate, normalised as the approver compares them. */
export function certificateNames(certPem: string): ServingNames {
  const cert = new x509.X509Certificate(certPem);
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const items = san?.names.items ?? [];
  return normaliseNames(items.filter((n) => n.type === 'dns').map((n) => n.value), items.filter((n) => n.type === 'ip').map((n) => n.value));
}

export async function writePair(dir: string, file: string, certPem: string, keyPem: string): Promise<StoredPair> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, file);
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, `${certPem.trim()}\n${keyPem.trim()}\n`, { mode: 0o600 });
  await rename(temporary, path);
  return describePair(certPem, keyPem);
}

export async function readPair(dir: string, file: string): Promise<StoredPair | undefined> {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  const text = await readFile(path, 'utf8');
  const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(text)?.[0];
  const key = /-----BEGIN (?:EC )?PRIVATE KEY-----[\s\S]+?-----END (?:EC )?PRIVATE KEY-----/.exec(text)?.[0];
  if (!cert || !key) return undefined;
  try {
    return describePair(cert, key);
  } catch {
    return undefined; // unreadable: request a new one
  }
}
