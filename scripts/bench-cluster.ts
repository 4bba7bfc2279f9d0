#!/usr/bin/env -S npx tsx
/**
 * `npm run bench:cluster`: time to ready (binaries cached) and summed RSS of a
 * local cluster per IP family, side by side with controller-runtime's envtest
 * (etcd + kube-apiserver only, same binaries) and kind where it can run.
 * Targets: under 5 s to ready and under 1 GiB RSS on 2 cores.
 *   BENCH_RUNS=N   runs per row (default 3; the table shows the median)
 */
import { readFileSync, readdirSync, mkdtempSync, symlinkSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { echo } from 'zx';
import { resolveBinaries } from '@seedbed/binaries';
import { KindProvider, LocalProvider, StateStore, loadKindConfig, shippedConfigPath, type ShippedConfig } from '@seedbed/cluster';
import { consoleProgress } from '@seedbed/core';
import { leaseEngine, runDocker, type Engine } from '@seedbed/engine';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const progress = consoleProgress();

const rssKiB = (pid: number, field = 'VmRSS'): number => {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
    return Number(line?.split(/\s+/)[1] ?? 0);
  } catch {
    return 0;
  }
};
const childrenOf = (parent: number): number[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1] === String(parent);
      } catch {
        return false;
      }
    })
    .map(Number);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Row {
  setup: string;
  family: string;
  components: string;
  ready: string;
  rss: string;
}
const rows: Row[] = [];

async function benchLocal(shipped: ShippedConfig): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'seedbed-bench-'));
  const provider = new LocalProvider(new StateStore(root));
  const times: number[] = [];
  const rss: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const config = await loadKindConfig(shippedConfigPath(shipped), `bench-${i}`);
      const started = performance.now();
      await provider.create(config);
      times.push(performance.now() - started);
      const record = new StateStore(root).read(config.name)!;
      rss.push(record.components.reduce((sum, c) => sum + rssKiB(c.pid), 0));
      await provider.delete(config.name);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  rows.push({ setup: 'seedbed local', family: shipped, components: 'etcd, apiserver, KCM, scheduler, kwok + 2 nodes', ready: secs(median(times)), rss: mib(median(rss)) });
  progress.info(`local ${shipped}: ${times.map((t) => secs(t)).join(', ')}`);
}

async function benchEnvtest(): Promise<void> {
  const binaries = await resolveBinaries({ names: ['etcd', 'kube-apiserver', 'kubectl', 'envtest-peer'], progress });
  const assets = mkdtempSync(join(tmpdir(), 'seedbed-envtest-'));
  for (const name of ['etcd', 'kube-apiserver', 'kubectl'] as const) symlinkSync(binaries.path(name), join(assets, name));
  const times: number[] = [];
  const rss: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const child = spawn(binaries.path('envtest-peer'), [], { env: { ...process.env, KUBEBUILDER_ASSETS: assets, ENVTEST_PEER_HOLD: '1s' } });
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.trim());
        });
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('exit', (code) => reject(new Error(`envtest-peer exited ${code}: ${err}`)));
      });
      times.push((JSON.parse(line) as { readyMs: number }).readyMs);
      rss.push(childrenOf(child.pid!).reduce((sum, pid) => sum + rssKiB(pid), 0));
      await new Promise((r) => child.on('exit', r));
    }
  } finally {
    rmSync(assets, { recursive: true, force: true });
  }
  rows.push({ setup: 'envtest (controller-runtime v0.25)', family: 'ipv4', components: 'etcd, apiserver', ready: secs(median(times)), rss: mib(median(rss)) });
}

async function benchKind(shipped: ShippedConfig, engine: Engine): Promise<void> {
  const status = await new KindProvider().available();
  if (!status.ok) {
    rows.push({ setup: 'kind', family: shipped, components: '2 node containers', ready: `not run: ${status.reason.split('\n')[0]!.slice(0, 60)}`, rss: '-' });
    return;
  }
  const provider = new KindProvider();
  const times: number[] = [];
  const memory: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const config = await loadKindConfig(shippedConfigPath(shipped), `bench-kind-${shipped}`);
    const started = performance.now();
    await provider.create(config);
    times.push(performance.now() - started);
    // the node containers' memory as the engine accounts it (docker stats), summed
    const { stdout } = await runDocker(engine, ['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}']);
    memory.push(
      stdout
        .split('\n')
        .filter((l) => l.startsWith(`${config.name}-`))
        .reduce((sum, l) => sum + kibFromDocker(l.split(' ')[1] ?? '0'), 0),
    );
    await provider.delete(config.name);
  }
  rows.push({ setup: 'kind (seedbed node image)', family: shipped, components: '2 node containers (control plane, worker)', ready: secs(median(times)), rss: mib(median(memory)) });
  progress.info(`kind ${shipped}: ${times.map((t) => secs(t)).join(', ')}`);
}

/** docker stats' "512.3MiB" (or KiB/GiB) in KiB. */
function kibFromDocker(text: string): number {
  const match = /^([\d.]+)([KMG]i?B)$/.exec(text);
  if (!match) return 0;
  const factor = { KiB: 1, KB: 1, MiB: 1024, MB: 1024, GiB: 1024 * 1024, GB: 1024 * 1024 }[match[2]!] ?? 0;
  return Number(match[1]) * factor;
}

await resolveBinaries({ progress });
for (const shipped of ['ipv4', 'ipv6', 'dual-stack', 'dual-stack-ipv6-primary'] as const) await benchLocal(shipped);
await benchEnvtest();
// a lease: a dockerd the benchmark starts stops again when it is done
const lease = await leaseEngine({ progress });
try {
  for (const shipped of ['ipv4', 'ipv6', 'dual-stack'] as const) await benchKind(shipped, lease.engine);
} finally {
  await lease.release();
}

const header: Row = { setup: 'setup', family: 'family', components: 'components', ready: `time to ready (median of ${RUNS})`, rss: 'summed RSS' };
const cols = Object.keys(header) as Array<keyof Row>;
const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[header, ...rows].map((r) => r[c].length))])) as Record<keyof Row, number>;
const line = (r: Row) => `| ${cols.map((c) => r[c].padEnd(width[c])).join(' | ')} |`;
echo(line(header));
echo(`|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`);
for (const r of rows) echo(line(r));
echo(`\ntargets: seedbed local under 5 s to ready and under 1 GiB summed RSS (2 cores: ${process.env.BENCH_NOTE ?? 'this machine'})`);
