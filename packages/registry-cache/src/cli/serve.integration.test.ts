/**
 * `registry-cache serve` as a real process (tsx src/main.ts): dual-stack
 * listeners, /metrics, JSON logs, --help, graceful SIGTERM, and kill -9 in
 * the middle of a fill (no partial blob is ever served after the restart).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allocatePort, killGroup, ManagedProcess, runCommand, Wait } from '@seedbed/core';
import { CertificateAuthority } from '@seedbed/pki';
import { FaultUpstream } from '../testing/fault-upstream.ts';
import { request } from '../testing/http-client.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../../../node_modules/.bin/tsx', import.meta.url));

let work: string;
let upstream: FaultUpstream;
const processes: ManagedProcess[] = [];

beforeEach(async () => {
  work = mkdtempSync(join(tmpdir(), 'rc-serve-'));
  upstream = await new FaultUpstream().start();
});

afterEach(async () => {
  for (const p of processes.splice(0)) await p.stop(2_000);
  await upstream?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function serve(port: number, extra: string[] = [], ready = async () => (await fetch(`http://127.0.0.1:${port}/`)).status === 200): Promise<ManagedProcess> {
  const child = new ManagedProcess({
    name: 'registry-cache',
    command: TSX,
    args: [MAIN, 'registry-cache', 'serve', '--listen', `127.0.0.1:${port}`, '--storage', join(work, 'storage'), '--upstream', `registry.test=${upstream.url}`, ...extra],
    logFile: join(work, 'cache.log'),
    env: { ...process.env, SEEDBED_REGISTRY_CACHE_MIN_FREE: '0' },
  }).start();
  processes.push(child);
  await new Wait({ what: 'registry-cache GET /', timeoutMs: 30_000, intervalMs: 100, component: { name: 'registry-cache', logTail: () => child.logTail() } }).until(async () => {
    if (child.exit) throw new Error('exited');
    return ready().catch(() => false);
  });
  return child;
}

describe('registry-cache serve', () => {
  it('prints help for every command', async () => {
    const top = await runCommand(TSX, [MAIN, 'registry-cache', '--help']);
    expect(top.stdout).toContain('serve');
    const help = await runCommand(TSX, [MAIN, 'registry-cache', 'serve', '--help']);
    for (const flag of ['--listen', '--storage', '--upstream', '--config', '--tls-cert', '--tls-key']) expect(help.stdout).toContain(flag);
  });

  it('fails with one aggregated configuration error', async () => {
    const result = await runCommand(TSX, [MAIN, 'registry-cache', 'serve', '--listen', '::1:5000', '--upstream', 'x=ftp://y']).catch((e: { stdout?: string; stderr: string }) => e);
    const text = JSON.stringify(result);
    expect(text).toContain('problems');
    expect(text).toContain('IPv6 addresses go in brackets');
    expect(text).toContain('a storage directory is required');
  });

  it('listens on IPv4 and IPv6, exposes metrics, logs JSON lines and stops on SIGTERM', async () => {
    const port = await allocatePort('127.0.0.1');
    const child = await serve(port, ['--listen', `[::1]:${port}`]);
    const data = randomBytes(10_000);
    const digest = upstream.addBlob(data);
    const v6 = await request(`http://[::1]:${port}/v2/team/app/blobs/${digest}?ns=registry.test`);
    expect(v6.body.equals(data)).toBe(true);
    const metrics = (await request(`http://127.0.0.1:${port}/metrics`)).body.toString();
    expect(metrics).toContain('registry_cache_misses_total{kind="blob"} 1');
    expect(metrics).toContain(`registry_cache_bytes_served_total{source="upstream"} ${data.length}`);
    killGroup(child.pid!, 'SIGTERM');
    const exit = await child.waitForExit();
    expect(exit.code).toBe(0);
    const lines = readFileSync(join(work, 'cache.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; status?: number });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['listening', 'request', 'shutting down', 'stopped']));
  });

  it('serves TLS on IPv4 and IPv6 with the configured certificate, and no plain HTTP', async () => {
    const ca = await CertificateAuthority.create('registry-cache test CA');
    const server = await ca.issue({ commonName: 'registry-cache', ipAddresses: ['127.0.0.1', '::1'], usages: ['server'] });
    writeFileSync(join(work, 'tls.crt'), server.certPem);
    writeFileSync(join(work, 'tls.key'), server.keyPem);
    const port = await allocatePort('127.0.0.1');
    const tlsFlags = ['--listen', `[::1]:${port}`, '--tls-cert', join(work, 'tls.crt'), '--tls-key', join(work, 'tls.key')];
    await serve(port, tlsFlags, async () => (await request(`https://127.0.0.1:${port}/`, { ca: ca.certPem })).status === 200);
    const data = randomBytes(50_000);
    const digest = upstream.addBlob(data);
    for (const host of ['127.0.0.1', '[::1]']) {
      const blob = await request(`https://${host}:${port}/v2/team/app/blobs/${digest}?ns=registry.test`, { ca: ca.certPem });
      expect(blob.status).toBe(200);
      expect(blob.body.equals(data)).toBe(true);
    }
    // the certificate is the one configured: a client trusting another CA refuses it
    const other = await CertificateAuthority.create('another CA');
    await expect(request(`https://127.0.0.1:${port}/`, { ca: other.certPem })).rejects.toThrow(/certificate/);
    // and the port speaks only TLS
    const plain = await request(`http://127.0.0.1:${port}/`).catch((error: Error) => error);
    expect(plain instanceof Error || plain.status === 400).toBe(true);
  });

  it('never serves a partial blob after kill -9 in the middle of a fill', async () => {
    const port = await allocatePort('127.0.0.1');
    const first = await serve(port);
    const data = randomBytes(1024 * 1024);
    const digest = upstream.addBlob(data);
    upstream.blobFault = { kind: 'slow', chunkBytes: 32 * 1024, delayMs: 40 };
    const url = `http://127.0.0.1:${port}/v2/team/app/blobs/${digest}?ns=registry.test`;
    const partial = await request(url, { abortAfterBytes: 100_000 });
    expect(partial.aborted).toBe(true);
    expect(readdirSync(join(work, 'storage', 'tmp')).length).toBe(1);
    killGroup(first.pid!, 'SIGKILL');
    await first.waitForExit();
    upstream.blobFault = { kind: 'none' };
    await serve(port);
    expect(readdirSync(join(work, 'storage', 'tmp'))).toEqual([]);
    expect(readdirSync(join(work, 'storage', 'blobs', 'sha256'))).toEqual([]);
    const full = await request(url);
    expect(full.aborted).toBe(false);
    expect(full.body.equals(data)).toBe(true);
  });
});
