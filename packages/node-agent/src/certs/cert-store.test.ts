import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '@seedbed/pki';
import { SERVER_PAIR_FILE, certificateNames, readPair, writePair } from './cert-store.ts';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('cert store', () => {
  it('writes certificate and key into one file and reads them back with validity and SANs', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cert-store-'));
    const ca = await CertificateAuthority.create('test');
    const pair = await ca.issue({ commonName: 'system:node:n', dnsNames: ['N'], ipAddresses: ['127.0.0.2', '::1'], usages: ['server'] });
    const written = await writePair(dir, SERVER_PAIR_FILE, pair.certPem, pair.keyPem);
    const read = await readPair(dir, SERVER_PAIR_FILE);
    expect(read).toEqual(written);
    expect(read!.notAfter).toBeGreaterThan(read!.notBefore);
    expect(readFileSync(join(dir, SERVER_PAIR_FILE), 'utf8')).toMatch(/BEGIN CERTIFICATE[\s\S]+BEGIN PRIVATE KEY/);
    expect(certificateNames(pair.certPem)).toEqual({ dnsNames: ['n'], ipAddresses: ['127.0.0.2', '::1'] });
  });

  it('treats a missing or unreadable file as no certificate', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cert-store-'));
    expect(await readPair(dir, SERVER_PAIR_FILE)).toBeUndefined();
    writeFileSync(join(dir, SERVER_PAIR_FILE), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    expect(await readPair(dir, SERVER_PAIR_FILE)).toBeUndefined();
  });
});
