/**
 * Runs a scenario: brings a landscape up on the scenario's cluster config,
 * runs its steps in order (a failed step ends the run), writes the JSON and
 * JUnit reports, and always tears everything down — also on Ctrl-C.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadKindConfig, shippedConfigPath, type ClusterProvider } from '@seedbed/cluster';
import { describeError, silentProgress, systemClock, type Progress } from '@seedbed/core';
import { Landscape } from '../landscape.ts';
import { ProgressView } from '../report/progress-view.ts';
import { junitXml, shootRow, type ScenarioReport, type StepResult } from '../report/scenario-report.ts';
import { ShootWatcher } from '../shoot-watcher.ts';
import type { Scenario } from './scenario.ts';

export const DEFAULT_REPORT_DIR = 'reports/scenarios';

export interface RunOptions {
  provider?: ClusterProvider;
  reportDir?: string;
  progress?: Progress;
  /** Live shoot progress (bars on a TTY); off in tests. */
  view?: ProgressView;
  signal?: AbortSignal;
}

export async function runScenario(scenario: Scenario, options: RunOptions = {}): Promise<ScenarioReport> {
  const progress = options.progress ?? silentProgress;
  const clock = systemClock;
  const started = clock.now();
  const report: ScenarioReport = {
    name: scenario.name,
    description: scenario.description,
    cluster: scenario.cluster,
    provider: options.provider?.name ?? 'local',
    passed: false,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    steps: [],
    shoots: [],
    facts: {},
  };
  let landscape: Landscape | undefined;
  let watcher: ShootWatcher | undefined;
  try {
    const config = await loadKindConfig(shippedConfigPath(scenario.cluster), `sb-${scenario.name}`.slice(0, 40).replace(/-+$/, ''));
    landscape = await Landscape.up({
      config,
      provider: options.provider,
      progress,
      gardenlet: {
        ...scenario.gardenlet,
        // a reconcile that failed and was retried is no silent event: the report lists it
        onReconcileError: (_shoot, error, retryInMs) => {
          const errors = (report.facts.reconcileErrors ??= []) as string[];
          errors.push(`${error.message} (retried in ${retryInMs}ms)`);
        },
      },
      seeds: scenario.seeds,
      rollouts: scenario.rollouts,
      onFlowEvent: (shoot, event) => options.view?.onFlowEvent(shoot, event),
      signal: options.signal,
    });
    report.facts.landscapeSeconds = Number(((clock.now() - started) / 1000).toFixed(1));
    watcher = new ShootWatcher(landscape.kubeconfigPath);
    watcher.observe((shoot) => options.view?.onShoot(shoot));
    await watcher.start();
    for (const step of scenario.steps) {
      if (options.signal?.aborted) throw new Error('interrupted');
      const stepStarted = clock.now();
      progress.step(step.title, 'start');
      const result: StepResult = { title: step.title, passed: false, durationMs: 0 };
      report.steps.push(result);
      try {
        await step.run({ landscape, watcher, progress, clock, facts: report.facts });
        result.passed = true;
      } catch (error) {
        result.message = describeError(error);
      }
      result.durationMs = Math.round(clock.now() - stepStarted);
      progress.step(step.title, result.passed ? 'done' : 'failed', `${(result.durationMs / 1000).toFixed(1)}s`);
      if (!result.passed) break;
    }
    report.shoots = (await landscape.shoots()).map(shootRow);
    report.passed = report.steps.length === scenario.steps.length && report.steps.every((s) => s.passed);
  } catch (error) {
    report.error = describeError(error);
  } finally {
    await watcher?.stop();
    const teardown = await landscape?.down().then(() => undefined, (error: unknown) => describeError(error));
    if (teardown) {
      report.error = [report.error, teardown].filter(Boolean).join('\n');
      report.passed = false;
    }
    report.durationMs = Math.round(clock.now() - started);
  }
  if (options.reportDir !== '') {
    const dir = options.reportDir ?? DEFAULT_REPORT_DIR;
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${scenario.name}.json`), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(join(dir, `${scenario.name}.junit.xml`), junitXml(report));
  }
  return report;
}
