import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCertificateRequest, type RequestFacts } from './certificate-request.ts';
import { buildCertificateRequest, generateKey, type RequestSpec } from './request-builder.ts';

x509.cryptoProvider.set(webcrypto);
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

/** The same facts read with a general-purpose ASN.1 library (@peculiar/x509): the reference. */
function reference(pem: string): RequestFacts {
  const csr = new x509.Pkcs10CertificateRequest(pem);
  const facts: RequestFacts = { commonNames: csr.subjectName.getField('CN'), organizations: csr.subjectName.getField('O'), dnsNames: [], ipAddresses: [], emails: [], uris: [], otherNames: [] };
  for (const attribute of csr.attributes.filter((a) => a.type === '1.2.840.113549.1.9.14')) {
    for (const extension of new x509.ExtensionsAttribute(attribute.rawData).items.filter((e) => e.type === '2.5.29.17')) {
      for (const name of new x509.SubjectAlternativeNameExtension(extension.rawData).names.items) {
        if (name.type === 'dns') facts.dnsNames.push(name.value);
        else if (name.type === 'ip') facts.ipAddresses.push(name.value);
        else if (name.type === 'email') facts.emails.push(name.value);
        else if (name.type === 'url') facts.uris.push(name.value);
        else facts.otherNames.push(name.type);
      }
    }
  }
  return facts;
}

const specs: RequestSpec[] = [
  { commonName: 'system:node:kind-worker', organizations: ['system:nodes'], dnsNames: ['kind-worker'], ipAddresses: ['172.18.0.3', 'fc00:f853:ccd:e793::3'] },
  { commonName: 'system:node:a', organizations: ['system:nodes', 'system:masters'], dnsNames: ['a', 'a.evil.example'], ipAddresses: ['::ffff:127.0.0.3', '::1', 'fe80::', '1:2:3:4:5:6:7:8', '1:0:0:2::', '0:0:1::1'] },
  { commonName: 'mallory', organizations: [], dnsNames: [] },
  { commonName: 'système:nœud:ü', organizations: ['Ω', 'a,b+c'], emails: ['root@node-a'], uris: ['spiffe://cluster/node-a'] },
];

describe('parseCertificateRequest', () => {
  let pems: string[];
  beforeAll(async () => {
    pems = await Promise.all(specs.map(async (spec) => (await buildCertificateRequest(spec)).csrPem));
  });

  it('reads the same subject and SANs as a general-purpose ASN.1 library', () => {
    for (const pem of pems) {
      const parsed = parseCertificateRequest(Buffer.from(pem).toString('base64'));
      expect(parsed).toEqual({ ok: true, facts: reference(pem) });
    }
  });

  it('collects the names of every subjectAltName extension, so a second one cannot hide names', async () => {
    const privateKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decode(await generateKey())[0]!, ALGORITHM, true, ['sign']);
    const jwk = await webcrypto.subtle.exportKey('jwk', privateKey);
    const publicKey = await webcrypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true }, ALGORITHM, true, ['verify']);
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=system:node:a, O=system:nodes',
      keys: { privateKey, publicKey },
      signingAlgorithm: ALGORITHM,
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'a' }]), new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'b.evil.example' }, { type: 'ip', value: '10.0.0.1' }])],
    });
    const parsed = parseCertificateRequest(csr.toString('pem'));
    expect(parsed).toMatchObject({ ok: true, facts: { dnsNames: ['a', 'b.evil.example'], ipAddresses: ['10.0.0.1'] } });
  });

  it('reports what is not a PEM certificate request, or not DER inside, without throwing', () => {
    expect(parseCertificateRequest(undefined)).toEqual({ ok: false, error: 'spec.request is empty' });
    expect(parseCertificateRequest('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toMatchObject({ ok: false, error: expect.stringMatching(/not a PEM CERTIFICATE REQUEST/) });
    expect(parseCertificateRequest('-----BEGIN CERTIFICATE REQUEST-----\nnot-a-csr\n-----END CERTIFICATE REQUEST-----')).toMatchObject({ ok: false });
    expect(parseCertificateRequest('-----BEGIN CERTIFICATE REQUEST-----\nMIAA\n-----END CERTIFICATE REQUEST-----')).toMatchObject({ ok: false, error: expect.stringMatching(/indefinite length/) });
  });

  it('rejects every truncation and trailing bytes', () => {
    const der = x509.PemConverter.decode(pems[0]!)[0]!;
    const bytes = Buffer.from(der);
    const pemOf = (b: Buffer) => `-----BEGIN CERTIFICATE REQUEST-----\n${b.toString('base64')}\n-----END CERTIFICATE REQUEST-----`;
    for (let length = 0; length < bytes.length; length++) expect(parseCertificateRequest(pemOf(bytes.subarray(0, length))).ok, `truncated to ${length}`).toBe(false);
    expect(parseCertificateRequest(pemOf(Buffer.concat([bytes, Buffer.from([0])]))).ok).toBe(false);
  });

  it('never throws on corrupted bytes (seeded single-byte mutations)', () => {
    const bytes = Buffer.from(x509.PemConverter.decode(pems[1]!)[0]!);
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    let rejected = 0;
    for (let i = 0; i < 2_000; i++) {
      const mutated = Buffer.from(bytes);
      mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
      const parsed = parseCertificateRequest(`-----BEGIN CERTIFICATE REQUEST-----\n${mutated.toString('base64')}\n-----END CERTIFICATE REQUEST-----`);
      if (!parsed.ok) rejected++;
    }
    expect(rejected).toBeGreaterThan(0);
  });
});
