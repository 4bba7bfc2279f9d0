#!/usr/bin/env -S npx tsx
/**
 * `npm run bench:canary`: the rollout controller against 10,000 Shoots on 200
 * Seeds of a real local cluster — API objects only: no control planes, no
 * gardenlets. An injector plays the seeds' gardenlets: when the controller
 * labels a seed with a new version it writes that seed's shoots as reconciled
 * and healthy at it. Per sample, once the canary wave bakes, the injector
 * breaks shoots one by one (a fresh False condition) until the threshold is
 * crossed, and the bench measures the time from that write to the Rollout's
 * Halted status (seen by watch) — target under 1 s on 2 cores; it asserts no
 * non-canary seed was updated after the halt; and it reports the controller's
 * RSS (the controller runs in its own process, scripts/canary-controller.ts).
 *   BENCH_SEEDS=N (200)  BENCH_SHOOTS_PER_SEED=N (50)  BENCH_SAMPLES=N (5)  BENCH_CONCURRENCY=N (48)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, makeInformer, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import { KubeRaw, LocalProvider, StateStore, loadKindConfig, loadKubeConfig, shippedConfigPath, type KubeObject } from '@seedbed/cluster';
import { API_VERSION, GROUP, VERSION, installGardenerApi, installLocalLandscape, seedFor, type Seed } from '@seedbed/gardener-api';
import { CANARY_LABEL, GARDENLET_VERSION_LABEL, ROLLOUT_API_VERSION, ROLLOUT_GROUP, ROLLOUT_PLURAL, ROLLOUT_VERSION, installRolloutApi, rolloutPath, type Rollout } from '@seedbed/rollout';

const SEEDS = Number(process.env.BENCH_SEEDS ?? 200);
const PER_SEED = Number(process.env.BENCH_SHOOTS_PER_SEED ?? 50);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 48);
const CANARY_EVERY = 20; // 5% of the seeds are canaries
const MAX_UNHEALTHY = '2%';
const BAKE_SECONDS = 3;
const NS = 'garden-local';
const SHOOTS = `/apis/${GROUP}/${VERSION}/namespaces/${NS}/shoots`;
const log = (message: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)}s] ${message}`);
const t0 = performance.now();

async function pool<T>(items: T[], run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) await run(items[next++]!);
  }));
}
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const seedName = (i: number) => `seed-${String(i).padStart(3, '0')}`;
const isCanary = (i: number) => i % CANARY_EVERY === 0;

function healthStatus(version: string, healthy: boolean) {
  const now = new Date().toISOString();
  return {
    status: {
      gardener: { id: 'bench', name: 'bench', version },
      observedGeneration: 1,
      lastOperation: { type: 'Reconcile', state: 'Succeeded', progress: 100, description: 'bench', lastUpdateTime: now },
      conditions: ['APIServerAvailable', 'ControlPlaneHealthy', 'EveryNodeReady', 'SystemComponentsHealthy'].map((type) => ({
        type, status: healthy || type !== 'SystemComponentsHealthy' ? 'True' : 'False', reason: 'Bench', message: 'injected', lastTransitionTime: now, lastUpdateTime: now,
      })),
    },
  };
}

const root = mkdtempSync(join(tmpdir(), 'bench-canary-'));
const provider = new LocalProvider(new StateStore(root));
const config = await loadKindConfig(shippedConfigPath('ipv4'), 'bench-canary');
let controllerPid: number | undefined;
const rows: string[][] = [];
const teardown = async () => {
  if (controllerPid) process.kill(controllerPid, 'SIGTERM');
  await provider.delete(config.name).catch(() => {});
  rmSync(root, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void teardown().finally(() => process.exit(130)));
try {
  const cluster = await provider.create(config);
  await installGardenerApi(cluster.kubeconfigPath);
  await installLocalLandscape(cluster.kubeconfigPath, config);
  await installRolloutApi(cluster.kubeconfigPath);
  const kc = loadKubeConfig(cluster.kubeconfigPath);
  const raw = new KubeRaw(kc);
  log(`cluster up; creating ${SEEDS} seeds and ${SEEDS * PER_SEED} shoots (concurrency ${CONCURRENCY})`);

  const seeds = Array.from({ length: SEEDS }, (_, i) => i);
  const createStarted = performance.now();
  const shoots = seeds.flatMap((i) => Array.from({ length: PER_SEED }, (_, j) => ({ seed: seedName(i), name: `s${String(i).padStart(3, '0')}-${String(j).padStart(2, '0')}` })));
  await pool(shoots, (s) => raw.create({
    apiVersion: API_VERSION,
    kind: 'Shoot',
    metadata: { name: s.name, namespace: NS, labels: { 'shoot.gardener.cloud/status': 'healthy' } },
    spec: { seedName: s.seed, region: 'local', provider: { type: 'local', workers: [{ name: 'w', minimum: 1, maximum: 1 }] } },
  } as KubeObject, 'shoots'));
  const createSeconds = (performance.now() - createStarted) / 1000;
  log(`created ${shoots.length} shoots in ${createSeconds.toFixed(1)} s`);
  // seeds after shoots: the shoot admission policy checks each new shoot against every seed, which
  // at 200 seeds makes creating 10,000 shoots take minutes — and admission is not what is measured here
  await pool(seeds, async (i) => {
    const seed = seedFor(config, seedName(i));
    seed.metadata.labels = { fleet: 'bench', [GARDENLET_VERSION_LABEL]: 'v1.0.0', ...(isCanary(i) ? { [CANARY_LABEL]: 'true' } : {}) };
    await raw.apply(seed);
  });
  const bySeed = new Map<string, string[]>();
  for (const s of shoots) bySeed.set(s.seed, [...(bySeed.get(s.seed) ?? []), s.name]);

  // the injector: plays every seed's gardenlet
  const custom = kc.makeApiClient(CustomObjectsApi);
  const seedInformer = makeInformer(kc, `/apis/${GROUP}/${VERSION}/seeds`, () =>
    custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: 'seeds' }) as Promise<KubernetesListObject<KubernetesObject>>);
  const running = new Map<string, string>();
  const seedUpdates: Array<{ seed: string; version: string; at: number }> = [];
  const follow = (object: KubernetesObject) => {
    const seed = object as unknown as Seed;
    const version = seed.metadata.labels?.[GARDENLET_VERSION_LABEL];
    if (!version || running.get(seed.metadata.name) === version) return;
    const first = !running.has(seed.metadata.name);
    running.set(seed.metadata.name, version);
    if (first) return;
    seedUpdates.push({ seed: seed.metadata.name, version, at: performance.now() });
    void pool(bySeed.get(seed.metadata.name) ?? [], (name) => raw.patch(`${SHOOTS}/${name}/status`, healthStatus(version, true)));
  };
  seedInformer.on('add', follow);
  seedInformer.on('update', follow);
  await seedInformer.start();

  const controller = spawn(process.execPath, ['--import', 'tsx', 'scripts/canary-controller.ts', cluster.kubeconfigPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  controllerPid = controller.pid;
  await new Promise<void>((resolve, reject) => {
    controller.stdout.on('data', (d: Buffer) => (d.toString().includes('ready') ? resolve() : undefined));
    controller.on('exit', (code) => reject(new Error(`controller exited with ${code}`)));
  });
  const rssIdle = rssMiB(controller.pid!);
  log(`controller ready (pid ${controller.pid}, RSS ${rssIdle.toFixed(0)} MiB)`);

  const rolloutInformer = makeInformer(kc, rolloutPath(), () =>
    custom.listClusterCustomObject({ group: ROLLOUT_GROUP, version: ROLLOUT_VERSION, plural: ROLLOUT_PLURAL }) as Promise<KubernetesListObject<KubernetesObject>>);
  const waiters: Array<(r: Rollout) => boolean> = [];
  const onRollout = (o: KubernetesObject) => {
    for (const w of [...waiters]) if (w(o as unknown as Rollout)) waiters.splice(waiters.indexOf(w), 1);
  };
  rolloutInformer.on('add', onRollout);
  rolloutInformer.on('update', onRollout);
  await rolloutInformer.start();
  const waitRollout = (name: string, what: string, check: (r: Rollout) => boolean, timeoutMs = 60_000) =>
    new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for rollout ${name} to ${what}`)), timeoutMs);
      const waiter = (r: Rollout) => {
        if (r.metadata.name !== name || !check(r)) return false;
        clearTimeout(timer);
        resolve(performance.now());
        return true;
      };
      const existing = rolloutInformer.list().find((o) => o.metadata?.name === name) as unknown as Rollout | undefined;
      if (!(existing && waiter(existing))) waiters.push(waiter);
    });

  const latencies: number[] = [];
  const evaluated: number[] = [];
  let lateUpdates = 0;
  let rssPeak = rssIdle;
  const canaries = seeds.filter(isCanary).map(seedName);
  for (let k = 0; k < SAMPLES; k++) {
    const name = `bench-${k}`;
    const target = `v2.0.${k}`;
    await raw.create({
      apiVersion: ROLLOUT_API_VERSION, kind: 'Rollout', metadata: { name },
      spec: { targetVersion: target, seedSelector: { matchLabels: { fleet: 'bench' } }, canarySelector: { matchLabels: { [CANARY_LABEL]: 'true' } }, batches: ['10%', '30%'], maxUnhealthy: MAX_UNHEALTHY, bakeSeconds: BAKE_SECONDS, progressDeadlineSeconds: 120 },
    } as unknown as KubeObject, ROLLOUT_PLURAL);
    await waitRollout(name, 'bake its canary wave', (r) => r.status?.observedTarget === target && r.status.reason === 'Baking');
    const status = rolloutInformer.list().find((o) => o.metadata?.name === name) as unknown as Rollout;
    const allowed = status.status!.shoots!.maxUnhealthy;
    evaluated.push(status.status!.shoots!.healthy);
    // break canary shoots one by one; the write that makes it allowed+1 crosses the threshold
    const victims = canaries.flatMap((s) => bySeed.get(s)!).filter((_, i) => i % 7 === k).slice(0, allowed + 1);
    const halted = waitRollout(name, 'halt', (r) => r.status?.phase === 'Halted');
    let crossed = 0;
    for (const victim of victims) {
      await raw.patch(`${SHOOTS}/${victim}/status`, healthStatus(target, false));
      crossed = performance.now();
    }
    const haltedAt = await halted;
    latencies.push(haltedAt - crossed);
    const final = (rolloutInformer.list().find((o) => o.metadata?.name === name) as unknown as Rollout).status!;
    log(`sample ${k}: ${victims.length} broken (maxUnhealthy ${MAX_UNHEALTHY} of ${evaluated[k]} = ${allowed}); Halted ${(haltedAt - crossed).toFixed(0)} ms after the crossing write: ${final.message?.slice(0, 120)}`);
    rssPeak = Math.max(rssPeak, rssMiB(controller.pid!));
    // a bake window later, no non-canary seed may have been touched
    await new Promise((r) => setTimeout(r, (BAKE_SECONDS + 1) * 1000));
    lateUpdates += seedUpdates.filter((u) => u.at >= haltedAt && !canaries.includes(u.seed)).length;
    const nonCanaryAtTarget = [...running].filter(([seed, v]) => v === target && !canaries.includes(seed));
    if (nonCanaryAtTarget.length) throw new Error(`non-canary seeds run ${target}: ${nonCanaryAtTarget.map(([s]) => s).join(', ')}`);
    // clean up for the next sample: abort, delete, heal the victims
    await raw.patch(rolloutPath(name), { metadata: { annotations: { 'rollouts.seedbed.dev/action': 'abort' } } });
    await waitRollout(name, 'abort', (r) => r.status?.phase === 'Aborted');
    await raw.delete(rolloutPath(name));
    await pool(victims, (v) => raw.patch(`${SHOOTS}/${v}/status`, healthStatus(target, true)));
  }
  if (lateUpdates > 0) throw new Error(`${lateUpdates} non-canary seed updates after a halt`);
  rssPeak = Math.max(rssPeak, rssMiB(controller.pid!));
  await rolloutInformer.stop();
  await seedInformer.stop();

  rows.push(['objects', `${SEEDS} seeds (${canaries.length} canary), ${shoots.length} shoots`, '10,000 across 200']);
  rows.push(['create shoots', `${createSeconds.toFixed(1)} s (${(shoots.length / createSeconds).toFixed(0)}/s)`, '']);
  rows.push([`threshold crossed → Halted (${SAMPLES} samples, p50 / max)`, `${pct(latencies, 50).toFixed(0)} ms / ${Math.max(...latencies).toFixed(0)} ms`, 'under 1 s']);
  rows.push(['evaluated canary shoots per sample', `${evaluated[0]} (maxUnhealthy ${MAX_UNHEALTHY} → ${Math.floor((2 * evaluated[0]!) / 100)})`, '']);
  rows.push(['non-canary seeds updated after a halt', String(lateUpdates), '0']);
  rows.push(['controller RSS (after start / peak)', `${rssIdle.toFixed(0)} MiB / ${rssPeak.toFixed(0)} MiB`, '']);
  const width = rows.reduce((w, r) => w.map((x, i) => Math.max(x, r[i]!.length)), [0, 0, 0]);
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(width[i]!)).join(' | ')} |`;
  console.log(['', line(['measure', 'result', 'target']), `|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
  if (Math.max(...latencies) >= 1_000) process.exitCode = 1;
} finally {
  await teardown();
}
