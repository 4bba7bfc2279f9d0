#!/usr/bin/env -S npx tsx
/**
 * `npm run bench:kubelet-certs`: what the cert component (CSR
 * approver + a node agent per node, issue 13) costs per shoot. One landscape;
 * IPv6-only shoots with one worker are created one at a time, alternating
 * with the component on and off (`seedbed.dev/kubelet-serving-certificates:
 * disabled`), each kept running:
 *   - time from create to 100% with all conditions True, on vs off (median);
 *   - the durations of the component's flow tasks;
 *   - this process's RSS growth per shoot (the gardenlet runs here, and with
 *     it the in-process approvers and agents), on vs off, after a GC.
 * Targets (issue 13): under 1.5 s and under 60 MiB more per shoot.
 *   BENCH_SAMPLES=N  shoots per variant (default 3)
 * `NODE_OPTIONS=--expose-gc npm run bench:kubelet-certs` takes the RSS figures after a GC.
 */
import { echo } from 'zx';
import { loadKindConfig, shippedConfigPath } from '@seedbed/cluster';
import { consoleProgress } from '@seedbed/core';
import { KUBELET_SERVING_ANNOTATION } from '@seedbed/gardenlet';
import { Landscape, PROJECT_NAMESPACE, ShootWatcher, ipv6Shoot, reaches } from '@seedbed/landscape';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 3);
const CERT_TASKS = ['start-csr-approver', 'create-bootstrap-token', 'start-node-agents'];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rssMiB = () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 2 ** 20;
};

const taskMs: Record<string, number[]> = {};
/** Per shoot: when each task succeeded (performance.now()). */
const doneAt = new Map<string, Map<string, number>>();
/**
 * What the component adds to the critical path of a shoot: wait-system-components (the last task) waits for
 * start-node-agents besides wait-nodes-ready and deploy-coredns; the part of start-node-agents ending after both.
 * Measured within one shoot, so independent of how busy the machine was for the shoot before.
 */
const criticalPathMs: number[] = [];
const config = await loadKindConfig(shippedConfigPath('dual-stack'), 'bench-kubelet-certs');
const landscape = await Landscape.up({
  config,
  progress: consoleProgress(),
  onFlowEvent: (shoot, event) => {
    if (event.type !== 'task-succeeded') return;
    if (CERT_TASKS.includes(event.task)) (taskMs[event.task] ??= []).push(event.durationMs);
    const tasks = doneAt.get(shoot) ?? new Map<string, number>();
    doneAt.set(shoot, tasks.set(event.task, performance.now()));
    const agents = tasks.get('start-node-agents');
    const others = Math.max(tasks.get('wait-nodes-ready') ?? NaN, tasks.get('deploy-coredns') ?? NaN);
    if (event.task === 'wait-system-components' && agents !== undefined) criticalPathMs.push(Math.max(0, agents - others));
  },
});
const results: Record<'on' | 'off', { seconds: number[]; succeeded: number[]; rss: number[] }> = { on: { seconds: [], succeeded: [], rss: [] }, off: { seconds: [], succeeded: [], rss: [] } };
try {
  const watcher = new ShootWatcher(landscape.kubeconfigPath);
  await watcher.start();
  for (let i = 0; i < SAMPLES; i++) {
    for (const variant of i % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
      const name = `${variant}-${i}`;
      const before = rssMiB();
      const started = performance.now();
      await landscape.createShoot(ipv6Shoot(name, variant === 'off' ? { annotations: { [KUBELET_SERVING_ANNOTATION]: 'disabled' } } : {}));
      // the operation at 100% (flow done), then all conditions True (health observed)
      await watcher.waitFor(PROJECT_NAMESPACE, name, 'succeeded', 120_000, (s) => reaches(100).check(s));
      results[variant].succeeded.push((performance.now() - started) / 1000);
      const expectation = reaches(100).withAllConditionsTrue();
      await watcher.waitFor(PROJECT_NAMESPACE, name, 'healthy', 120_000, (s) => expectation.check(s));
      results[variant].seconds.push((performance.now() - started) / 1000);
      // let informers settle before reading memory
      await new Promise((r) => setTimeout(r, 2_000));
      results[variant].rss.push(rssMiB() - before);
      echo(`${name}: operation Succeeded after ${results[variant].succeeded.at(-1)!.toFixed(2)} s, all conditions True after ${results[variant].seconds.at(-1)!.toFixed(2)} s, RSS +${results[variant].rss.at(-1)!.toFixed(1)} MiB`);
    }
  }
  await watcher.stop();
} finally {
  await landscape.down();
}
const on = results.on;
const off = results.off;
echo('\n| measure | on | off | difference | target |\n|---|---|---|---|---|');
echo(`| time to operation Succeeded at 100% (median of ${SAMPLES}) | ${median(on.succeeded).toFixed(2)} s | ${median(off.succeeded).toFixed(2)} s | ${(median(on.succeeded) - median(off.succeeded)).toFixed(2)} s | - |`);
echo(`| time to 100% with all conditions True (median of ${SAMPLES}) | ${median(on.seconds).toFixed(2)} s | ${median(off.seconds).toFixed(2)} s | ${(median(on.seconds) - median(off.seconds)).toFixed(2)} s | under 1.5 s |`);
echo(`| RSS growth of the gardenlet process per shoot (median) | ${median(on.rss).toFixed(1)} MiB | ${median(off.rss).toFixed(1)} MiB | ${(median(on.rss) - median(off.rss)).toFixed(1)} MiB | under 60 MiB |`);
echo(`| critical path added per shoot: start-node-agents ending after wait-nodes-ready and deploy-coredns (median, max of ${criticalPathMs.length}) | ${median(criticalPathMs).toFixed(0)} ms, ${Math.max(...criticalPathMs).toFixed(0)} ms | - | - | under 1.5 s |`);
for (const [task, durations] of Object.entries(taskMs)) echo(`| task ${task} (median) | ${median(durations).toFixed(0)} ms | - | - | - |`);
