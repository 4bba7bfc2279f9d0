/**
 * Benchmark: seedbed's registry cache vs distribution's proxy mode
 * (`docker-registry` with `proxy.remoteurl`), same upstream docker-registry,
 * same run. Measures (a) cold herds of 16 and 50 concurrent pulls of one
 * 200 MiB blob: upstream blob GETs (from the upstream's access log), wall
 * time and peak RSS (VmHWM) of each cache process — once with the upstream
 * straight on loopback (unlimited), once with both caches behind the same
 * bandwidth-limited upstream (a throttling TCP proxy in a child process,
 * --upstream-mib-per-s shared by all connections, like a WAN link or an
 * egress limit); (b) warm throughput with 1 and 16 clients; (c) warm
 * manifest HEAD latency p50/p99.
 *
 * The cache runs as the production build (dist/registry-cache.mjs under
 * plain node), which this script builds first.
 *
 * Blob clients (herds and throughput) are one `curl -o /dev/null` process
 * each by default: a client in this script's own Node process tops out at
 * ~1.1 GB/s on one core here, whichever cache it reads from, so it measured
 * itself. `--client node` brings that client back for comparison.
 *
 * `--only unlimited-herds` runs just the unlimited-upstream cold herds,
 * `--repeat N` times (fresh caches each time), to see their spread.
 *
 * Run: npx tsx scripts/bench-registry-cache.ts [--blob-mib 200] [--upstream-mib-per-s 150] [--client curl|node] [--only unlimited-herds] [--repeat 1]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allocatePort, ManagedProcess, Wait } from '@seedbed/core';
import { bundleRegistryCache } from '../packages/registry-cache/src/build/bundle.ts';
import { curlHerd } from '../packages/registry-cache/src/testing/curl-herd.ts';
import { buildOciImage } from '../packages/registry-cache/src/testing/oci-layout.ts';
import { pushLayout } from '../packages/registry-cache/src/testing/skopeo.ts';
import { THROTTLE_PROXY_SCRIPT } from '../packages/registry-cache/src/testing/throttle-proxy.ts';

const option = (name: string) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : undefined);
const BLOB_MIB = option('--blob-mib') || 200;
const UPSTREAM_MIB_PER_S = option('--upstream-mib-per-s') || 150;
const CLIENT = process.argv.includes('--client') ? process.argv[process.argv.indexOf('--client') + 1] : 'curl';
if (CLIENT !== 'curl' && CLIENT !== 'node') throw new Error(`--client must be curl or node, not ${CLIENT}`);
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (ONLY !== undefined && ONLY !== 'unlimited-herds') throw new Error(`--only takes unlimited-herds, not ${ONLY}`);
const REPEAT = option('--repeat') || 1;
if (!Number.isInteger(REPEAT) || REPEAT < 1) throw new Error(`--repeat must be a positive whole number, not ${process.argv[process.argv.indexOf('--repeat') + 1]}`);
const HERDS = [16, 50];
const HEAD_SAMPLES = 500;
const SETTLE_MS = 5_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const work = mkdtempSync(join(tmpdir(), 'bench-registry-cache-'));
const processes: ManagedProcess[] = [];

interface Peer {
  name: string;
  url: string;
  process: ManagedProcess;
}

async function waitReady(url: string, process: ManagedProcess, what: string): Promise<void> {
  await new Wait({ what, timeoutMs: 30_000, intervalMs: 50, component: { name: what, logTail: () => process.logTail() } }).until(async () => {
    if (process.exit) throw new Error(`${what} exited`);
    return (await fetch(url)).status < 500;
  });
}

async function startDistribution(name: string, proxy?: string): Promise<Peer> {
  const dir = join(work, `${name}-${Date.now()}`);
  const port = await allocatePort('127.0.0.1');
  const lines = ['version: 0.1', 'log:', '  level: error', '  accesslog:', `    disabled: ${proxy ? 'true' : 'false'}`, 'storage:', '  filesystem:', `    rootdirectory: ${dir}/data`, 'http:', `  addr: 127.0.0.1:${port}`];
  if (proxy) lines.push('proxy:', `  remoteurl: ${proxy}`);
  await import('node:fs').then((fs) => fs.mkdirSync(dir, { recursive: true }));
  writeFileSync(join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  const child = new ManagedProcess({ name, command: '/usr/bin/docker-registry', args: ['serve', join(dir, 'config.yml')], logFile: join(dir, 'log') }).start();
  processes.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/v2/`, child, name);
  return { name, url, process: child };
}

async function startThrottle(upstream: string): Promise<{ url: string; process: ManagedProcess }> {
  const port = await allocatePort('127.0.0.1');
  const target = new URL(upstream).port;
  const child = new ManagedProcess({
    name: 'throttle',
    command: process.execPath,
    args: ['--import', 'tsx', THROTTLE_PROXY_SCRIPT, String(port), target, String(UPSTREAM_MIB_PER_S * 1024 * 1024)],
    logFile: join(work, 'throttle.log'),
    cwd: ROOT,
  }).start();
  processes.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/v2/`, child, 'throttling proxy');
  return { url, process: child };
}

async function startSeedbed(upstream: string, bundle: string): Promise<Peer> {
  const port = await allocatePort('127.0.0.1');
  const dir = join(work, `seedbed-${Date.now()}`);
  // the production build under plain node: the pid is the server itself, so VmHWM is the cache's own
  const child = new ManagedProcess({
    name: 'seedbed-cache',
    command: process.execPath,
    args: [bundle, 'registry-cache', 'serve', '--listen', `127.0.0.1:${port}`, '--storage', dir, '--upstream', `bench.local=${upstream}`],
    logFile: join(work, `seedbed-${port}.log`),
    cwd: ROOT,
    env: { ...process.env, SEEDBED_REGISTRY_CACHE_MIN_FREE: '0' },
  }).start();
  processes.push(child);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/`, child, 'seedbed cache');
  return { name: 'seedbed', url, process: child };
}

function vmHwmMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

const MANIFEST_ACCEPT = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json';

function get(url: string, method = 'GET'): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: { accept: MANIFEST_ACCEPT } }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => (res.complete ? resolve({ status: res.statusCode ?? 0, bytes }) : reject(new Error(`incomplete body from ${url}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** `clients` concurrent GETs of `url`: wall seconds and each response's status and size. */
async function blobGets(url: string, clients: number): Promise<{ seconds: number; results: Array<{ status: number; bytes: number }> }> {
  const urls = Array.from({ length: clients }, () => url);
  if (CLIENT === 'curl') return curlHerd(urls);
  const started = performance.now();
  const results = await Promise.all(urls.map((u) => get(u)));
  return { seconds: (performance.now() - started) / 1000, results };
}

function blobUrl(peer: Peer, digest: string): string {
  return peer.name === 'seedbed' ? `${peer.url}/v2/bench/big/blobs/${digest}?ns=bench.local` : `${peer.url}/v2/bench/big/blobs/${digest}`;
}

function upstreamBlobGets(upstreamLog: string, digest: string): number {
  return readFileSync(upstreamLog, 'utf8').split('\n').filter((l) => l.includes(`"GET /v2/bench/big/blobs/${digest}`)).length;
}

async function herd(peer: Peer, digest: string, clients: number, expected: number): Promise<number> {
  const { seconds, results } = await blobGets(blobUrl(peer, digest), clients);
  for (const r of results) if (r.status !== 200 || r.bytes !== expected) throw new Error(`${peer.name}: bad response ${r.status} ${r.bytes}`);
  return seconds;
}

/** MiB/s of `clients` concurrent GETs of the blob. */
async function throughput(peer: Peer, digest: string, clients: number, size: number): Promise<number> {
  const seconds = await herd(peer, digest, clients, size);
  return (clients * size) / 1024 ** 2 / seconds;
}

/** Lets the aftermath of the last herd pass (dirty pages, closing sockets, exiting clients) before the next measurement. */
async function settle(): Promise<void> {
  await new Promise<void>((resolve) => spawn('sync').once('close', () => resolve()));
  await new Promise((r) => setTimeout(r, SETTLE_MS));
}

async function headLatency(peer: Peer): Promise<{ p50: number; p99: number }> {
  const url = peer.name === 'seedbed' ? `${peer.url}/v2/bench/big/manifests/latest?ns=bench.local` : `${peer.url}/v2/bench/big/manifests/latest`;
  await get(url, 'HEAD');
  const samples: number[] = [];
  for (let i = 0; i < HEAD_SAMPLES; i++) {
    const t = performance.now();
    const r = await get(url, 'HEAD');
    if (r.status !== 200) throw new Error(`${peer.name}: HEAD manifest answered ${r.status}`);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)]!, p99: samples[Math.floor(samples.length * 0.99)]! };
}

/** measurement, seedbed, distribution, seedbed / distribution (only where a target is a ratio) */
type Row = [string, string, string, string];

/** Fresh caches in front of `upstream`, one cold herd each; returns the peers (still running). */
async function coldHerd(rows: Row[], upstreamUrl: string, upstreamLog: string, bundle: string, digest: string, size: number, clients: number, label: string): Promise<Peer[]> {
  const peers = [await startSeedbed(upstreamUrl, bundle), await startDistribution('distribution-proxy', upstreamUrl)];
  const results: Record<string, { gets: number; wall: number; rss: number }> = {};
  for (const peer of peers) {
    await settle();
    const before = upstreamBlobGets(upstreamLog, digest);
    console.error(`cold herd (${label}): ${clients} clients via ${peer.name}...`);
    const wall = await herd(peer, digest, clients, size);
    await new Promise((r) => setTimeout(r, 500)); // access log flush
    results[peer.name] = { gets: upstreamBlobGets(upstreamLog, digest) - before, wall, rss: vmHwmMiB(peer.process.pid!) };
  }
  const s = results.seedbed!;
  const d = results['distribution-proxy']!;
  rows.push([`(a) cold ${clients} clients, ${label}: upstream blob GETs`, String(s.gets), String(d.gets), '']);
  rows.push([`(a) cold ${clients} clients, ${label}: wall time`, `${s.wall.toFixed(2)} s`, `${d.wall.toFixed(2)} s`, `${(s.wall / d.wall).toFixed(2)}×`]);
  rows.push([`(d) peak RSS during cold ${clients}, ${label} (VmHWM)`, `${s.rss.toFixed(0)} MiB`, `${d.rss.toFixed(0)} MiB`, '']);
  return peers;
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0]!.toFixed(2);
  console.error('building dist/registry-cache.mjs...');
  const bundle = await bundleRegistryCache();
  const upstream = await startDistribution('upstream');
  const upstreamLog = upstream.process.spec.logFile;
  console.error(`building and pushing a ${BLOB_MIB} MiB blob...`);
  const image = buildOciImage(join(work, 'layout'), 'latest', [BLOB_MIB * 1024 * 1024]);
  await pushLayout(image.dir, 'latest', `${upstream.url.replace('http://', '')}/bench/big:latest`);
  const layer = image.layers[0]!;
  const size = layer.data.length;
  image.layers.length = 0; // let the 200 MiB buffer go

  const rows: Row[] = [];
  let warmPeers: Peer[] = [];
  for (let round = 1; round <= REPEAT; round++) {
    for (const clients of HERDS) {
      const label = REPEAT > 1 ? `unlimited upstream, run ${round}` : 'unlimited upstream';
      const peers = await coldHerd(rows, upstream.url, upstreamLog, bundle, layer.digest, size, clients, label);
      if (clients === HERDS[HERDS.length - 1] && round === REPEAT && !ONLY) warmPeers = peers;
      else for (const peer of peers) await peer.process.stop(3_000);
    }
  }
  if (ONLY) return printTable(rows, loadAtStart);
  // one unmeasured GET each, then the peers take turns round by round, so neither
  // measures right after the other's herd or gets all the quiet moments
  await settle();
  for (const peer of warmPeers) await herd(peer, layer.digest, 1, size);
  for (const clients of [1, 16]) {
    const rounds = clients === 1 ? 4 : 3;
    const totals = warmPeers.map(() => 0);
    console.error(`warm throughput: ${clients} clients, ${rounds} rounds, peers in turn...`);
    for (let i = 0; i < rounds; i++) {
      for (const [p, peer] of warmPeers.entries()) totals[p]! += await throughput(peer, layer.digest, clients, size);
    }
    const values = totals.map((total) => `${(total / rounds).toFixed(0)} MiB/s`);
    const ratio = `${((100 * totals[0]!) / totals[1]!).toFixed(0)}%`;
    rows.push([`(b) warm throughput, ${clients} client${clients === 1 ? '' : 's'}`, values[0]!, values[1]!, ratio]);
  }
  const latencies = [];
  for (const peer of warmPeers) latencies.push(await headLatency(peer));
  rows.push(['(c) warm manifest HEAD p50', `${latencies[0]!.p50.toFixed(2)} ms`, `${latencies[1]!.p50.toFixed(2)} ms`, '']);
  rows.push(['(c) warm manifest HEAD p99', `${latencies[0]!.p99.toFixed(2)} ms`, `${latencies[1]!.p99.toFixed(2)} ms`, '']);
  for (const peer of warmPeers) await peer.process.stop(3_000);

  const throttle = await startThrottle(upstream.url);
  for (const clients of HERDS) {
    const peers = await coldHerd(rows, throttle.url, upstreamLog, bundle, layer.digest, size, clients, `upstream at ${UPSTREAM_MIB_PER_S} MiB/s`);
    for (const peer of peers) await peer.process.stop(3_000);
  }

  printTable(rows, loadAtStart);
}

function printTable(rows: Row[], loadAtStart: string): void {
  const header: Row = ['measurement', 'seedbed registry-cache', 'distribution proxy (docker-registry 2.8)', 'seedbed / distribution'];
  const widths = [0, 1, 2, 3].map((i) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(`blob: ${BLOB_MIB} MiB, throttled upstream ${UPSTREAM_MIB_PER_S} MiB/s, blob clients: ${CLIENT}, ${HEAD_SAMPLES} HEAD samples, ${new Date().toISOString()}, load average ${loadAtStart} at start, ${loadavg()[0]!.toFixed(2)} at end`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

try {
  await main();
} finally {
  agent.destroy();
  for (const p of processes.reverse()) await p.stop(3_000);
  rmSync(work, { recursive: true, force: true });
}
