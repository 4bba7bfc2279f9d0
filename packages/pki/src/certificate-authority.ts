/**
 * Throwaway certificate authorities and the certificates a local cluster
 * needs: ECDSA P-256 keys (fast to generate), SANs for every DNS name and IP
 * address (IPv4 and IPv6) a component is reached by, PKCS#8/PEM on disk.
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
export const DEFAULT_CA_VALIDITY_DAYS = 365;
export const DEFAULT_CERT_VALIDITY_DAYS = 365;
/** Issue certificates slightly in the past so clock skew between processes never makes them "not yet valid". */
const BACKDATE_MS = 5 * 60_000;

export type Usage = 'server' | 'client';

export interface KeyPair {
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
  certPem: string;
  keyPem: string;
}

export interface CertificateRequest {
  commonName: string;
  organizations?: readonly string[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  usages: readonly Usage[];
  validityDays?: number;
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function subject(commonName: string, organizations: readonly string[] = []): string {
  const escape = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1');
  return [`CN=${escape(commonName)}`, ...organizations.map((o) => `O=${escape(o)}`)].join(', ');
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * 86_400_000) };
}

function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f; // positive
  return Buffer.from(bytes).toString('hex');
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

export class CertificateAuthority {
  readonly keyPair: KeyPair;

  private constructor(keyPair: KeyPair) {
    this.keyPair = keyPair;
  }

  get certPem(): string {
    return this.keyPair.certPem;
  }

  static async create(commonName: string, validityDays = DEFAULT_CA_VALIDITY_DAYS): Promise<CertificateAuthority> {
    const keys = await generateKeys();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: subject(commonName),
      ...validity(validityDays),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new CertificateAuthority({
      certificate,
      privateKey: keys.privateKey,
      certPem: certificate.toString('pem'),
      keyPem: await exportKey(keys.privateKey),
    });
  }

  async issue(request: CertificateRequest): Promise<KeyPair> {
    const keys = await generateKeys();
    const names: x509.JsonGeneralName[] = [
      ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
      ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
    ];
    const extendedUsages = request.usages.map((u) => (u === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth));
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(extendedUsages, false),
      await x509.AuthorityKeyIdentifierExtension.create(this.keyPair.certificate, false),
    ];
    if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: subject(request.commonName, request.organizations),
      issuer: this.keyPair.certificate.subject,
      ...validity(request.validityDays ?? DEFAULT_CERT_VALIDITY_DAYS),
      publicKey: keys.publicKey,
      signingKey: this.keyPair.privateKey,
      signingAlgorithm: ALGORITHM,
      extensions,
    });
    return { certificate, privateKey: keys.privateKey, certPem: certificate.toString('pem'), keyPem: await exportKey(keys.privateKey) };
  }
}

/** A bare key pair in PEM (for service-account token signing). */
export async function generateSigningKey(): Promise<{ publicPem: string; privatePem: string }> {
  const keys = await generateKeys();
  const spki = await webcrypto.subtle.exportKey('spki', keys.publicKey);
  return { publicPem: x509.PemConverter.encode(spki, 'PUBLIC KEY'), privatePem: await exportKey(keys.privateKey) };
}
