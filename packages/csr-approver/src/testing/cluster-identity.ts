/**
 * Test helper: a kubeconfig for any user and groups on a local cluster, with
 * a client certificate signed by the cluster CA (state dir pki/ca.crt and
 * ca.key) — so the API server itself authenticates the identity and sets a
 * CSR's spec.username and spec.groups from it.
 */
import { webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { KubeConfig } from '@kubernetes/client-node';
import { generateKey } from '../csr/request-builder.ts';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const escapeRdn = (v: string) => v.replace(/([,+"\\<>;=])/g, '\\$1');

export async function identityKubeConfig(stateDir: string, server: string, user: string, groups: readonly string[]): Promise<KubeConfig> {
  const caPem = readFileSync(join(stateDir, 'pki', 'ca.crt'), 'utf8');
  const ca = new x509.X509Certificate(caPem);
  const caKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decode(readFileSync(join(stateDir, 'pki', 'ca.key'), 'utf8'))[0]!, ALGORITHM, false, ['sign']);
  const keyPem = await generateKey();
  const privateKey = await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decode(keyPem)[0]!, ALGORITHM, true, ['sign']);
  const jwk = await webcrypto.subtle.exportKey('jwk', privateKey);
  const publicKey = await webcrypto.subtle.importKey('jwk', { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true }, ALGORITHM, true, ['verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    subject: [`CN=${escapeRdn(user)}`, ...groups.map((g) => `O=${escapeRdn(g)}`)].join(', '),
    issuer: ca.subject,
    notBefore: new Date(now - 300_000),
    notAfter: new Date(now + 3_600_000),
    publicKey,
    signingKey: caKey,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
    ],
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, caData: Buffer.from(caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: user, certData: Buffer.from(cert.toString('pem')).toString('base64'), keyData: Buffer.from(keyPem).toString('base64') }],
    contexts: [{ name: 'ctx', cluster: 'c', user }],
    currentContext: 'ctx',
  });
  return kc;
}
