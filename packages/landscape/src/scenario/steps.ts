/**
 * The shared steps scenarios are built from. Each step has a title (what a
 * report shows) and runs against the landscape; expectations are steps that
 * fail with what was awaited and the shoot's last status.
 */
import { existsSync } from 'node:fs';
import { SeedbedError, type Clock, type Progress } from '@seedbed/core';
import { isStatusCode, type KubeObject } from '@seedbed/cluster';
import { SHOOT_STATUS_LABEL, projectOfNamespace, shootPath, technicalId, type ConditionStatus, type ShootConditionType } from '@seedbed/gardener-api';
import { OPERATION_ANNOTATION, ShootRuntimeStore, shootTechnicalId } from '@seedbed/gardenlet';
import type { Landscape } from '../landscape.ts';
import type { ShootWatcher } from '../shoot-watcher.ts';
import { summarize, type ShootExpectation } from './expectations.ts';
import { PROJECT_NAMESPACE } from './shoot-manifests.ts';

export interface StepContext {
  landscape: Landscape;
  watcher: ShootWatcher;
  progress: Progress;
  clock: Clock;
  /** Facts a step records for the report (e.g. measured durations). */
  facts: Record<string, unknown>;
}

export interface Step {
  title: string;
  run(ctx: StepContext): Promise<void>;
}

export const createShoot = (manifest: KubeObject): Step => ({
  title: `create shoot ${manifest.metadata.name}`,
  run: async ({ landscape }) => void (await landscape.createShoot(manifest)),
});

export const expectShoot = (name: string, expectation: ShootExpectation): Step => ({
  title: `shoot ${name} ${expectation.describe()}`,
  run: async ({ watcher, facts, clock }) => {
    const started = clock.now();
    try {
      await watcher.waitFor(PROJECT_NAMESPACE, name, expectation.describe(), expectation.timeoutMs, (s) => expectation.check(s), summarize);
    } catch (error) {
      throw new SeedbedError('EXPECTATION_FAILED', `shoot ${name}: ${(error as Error).message}\n  last status: ${summarize(watcher.get(PROJECT_NAMESPACE, name))}`);
    }
    facts[`${name}.seconds`] = Number(((clock.now() - started) / 1000).toFixed(1));
  },
});

export const expectRejected = (manifest: KubeObject, ...messageParts: string[]): Step => ({
  title: `shoot ${manifest.metadata.name} is rejected (${messageParts.join(' … ')})`,
  run: async ({ landscape, facts }) => {
    const error = await landscape.createShoot(manifest).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    if (!error) throw new SeedbedError('EXPECTATION_FAILED', `shoot ${manifest.metadata.name} was accepted`);
    const missing = messageParts.filter((p) => !error.message.includes(p));
    if (missing.length) throw new SeedbedError('EXPECTATION_FAILED', `rejected, but the message lacks ${missing.map((m) => `"${m}"`).join(', ')}: ${error.message}`);
    facts[`${manifest.metadata.name}.rejection`] = error.message;
  },
});

export const deleteShoot = (name: string): Step => ({
  title: `delete shoot ${name}`,
  run: async ({ landscape }) => landscape.deleteShoot(PROJECT_NAMESPACE, name),
});

export const expectShootGone = (name: string, timeoutMs = 60_000): Step => ({
  title: `shoot ${name} is gone with no process or state left`,
  run: async ({ landscape, watcher }) => {
    const before = watcher.get(PROJECT_NAMESPACE, name);
    const id = before ? shootTechnicalId(before) : technicalId(projectOfNamespace(PROJECT_NAMESPACE), name);
    await watcher.waitFor(PROJECT_NAMESPACE, name, 'to be deleted', timeoutMs, (s) => s === undefined, summarize);
    const runtime = new ShootRuntimeStore(`${landscape.directory}/gardenlet`);
    if (existsSync(runtime.dir(id))) throw new SeedbedError('EXPECTATION_FAILED', `state of ${id} is still in ${runtime.dir(id)}`);
    // only "not found" means gone; any other error (a refused connection, a 500) fails the check
    const namespace = await landscape.raw.get<{ status?: { phase?: string } }>(`/api/v1/namespaces/${id}`).catch((error: unknown) => {
      if (isStatusCode(error, 404)) return undefined;
      throw error;
    });
    if (namespace && namespace.status?.phase !== 'Terminating') throw new SeedbedError('EXPECTATION_FAILED', `seed namespace ${id} still exists`);
  },
});

export const expectCondition = (name: string, type: ShootConditionType, status: ConditionStatus, label: string, timeoutMs = 10_000): Step => ({
  title: `shoot ${name} has ${type}=${status} and status ${label}`,
  run: async ({ watcher, facts, clock }) => {
    const started = clock.now();
    await watcher.waitFor(PROJECT_NAMESPACE, name, `${type}=${status}`, timeoutMs, (s) =>
      !!s?.status?.conditions?.some((c) => c.type === type && c.status === status) && s.metadata.labels?.[SHOOT_STATUS_LABEL] === label,
    summarize);
    facts[`${name}.${type}=${status}.ms`] = Math.round(clock.now() - started);
  },
});

/** Kills one control-plane process of a shoot with SIGKILL (fault injection). */
export const killControlPlaneComponent = (name: string, component: string): Step => ({
  title: `kill ${component} of shoot ${name}`,
  run: async ({ landscape, watcher }) => {
    const shoot = watcher.get(PROJECT_NAMESPACE, name);
    if (!shoot) throw new SeedbedError('STEP_FAILED', `shoot ${name} does not exist`);
    const runtime = new ShootRuntimeStore(`${landscape.directory}/gardenlet`);
    const record = runtime.read(shootTechnicalId(shoot))?.components.find((c) => c.name === component);
    if (!record) throw new SeedbedError('STEP_FAILED', `shoot ${name} has no ${component}`);
    process.kill(record.pid, 'SIGKILL');
  },
});

/** Triggers a reconcile (as an annotation change does in Gardener), restarting dead components. */
export const reconcileShoot = (name: string): Step => ({
  title: `reconcile shoot ${name}`,
  run: async ({ landscape }) => {
    await landscape.raw.patch(shootPath(PROJECT_NAMESPACE, name), {
      metadata: { annotations: { [OPERATION_ANNOTATION]: 'reconcile' } },
    });
  },
});

export const restartGardenlet = (): Step => ({
  title: 'restart the gardenlet',
  run: async ({ landscape }) => void (await landscape.restartGardenlet()),
});

/** Records the shoot's control-plane pids and last operation, for expectSameControlPlane. */
export const rememberControlPlane = (name: string): Step => ({
  title: `remember the control plane of shoot ${name}`,
  run: async ({ landscape, watcher, facts }) => {
    const shoot = watcher.get(PROJECT_NAMESPACE, name);
    if (!shoot) throw new SeedbedError('STEP_FAILED', `shoot ${name} does not exist`);
    const record = new ShootRuntimeStore(`${landscape.directory}/gardenlet`).read(shootTechnicalId(shoot));
    facts[`${name}.pids`] = Object.fromEntries((record?.components ?? []).map((c) => [c.name, c.pid]));
    facts[`${name}.lastOperation`] = shoot.status?.lastOperation?.lastUpdateTime;
  },
});

/** Once the gardenlet has nothing left to do, the same processes still run and no new operation happened (nothing was redone). */
export const expectSameControlPlane = (name: string): Step => ({
  title: `shoot ${name} keeps its control plane processes and last operation`,
  run: async ({ landscape, watcher, facts }) => {
    // observable quiescence: every shoot the (restarted) gardenlet listed has been reconciled
    await landscape.gardenlet.idle();
    const shoot = watcher.get(PROJECT_NAMESPACE, name);
    const record = new ShootRuntimeStore(`${landscape.directory}/gardenlet`).read(shootTechnicalId(shoot!));
    const now = Object.fromEntries((record?.components ?? []).map((c) => [c.name, c.pid]));
    if (JSON.stringify(now) !== JSON.stringify(facts[`${name}.pids`])) {
      throw new SeedbedError('EXPECTATION_FAILED', `control plane changed: before ${JSON.stringify(facts[`${name}.pids`])}, now ${JSON.stringify(now)}`);
    }
    if (shoot?.status?.lastOperation?.lastUpdateTime !== facts[`${name}.lastOperation`]) {
      throw new SeedbedError('EXPECTATION_FAILED', `a new operation ran: ${summarize(shoot)}`);
    }
  },
});

/** Waits until the shoot's running operation has reached `percent` (to interrupt it there). */
export const waitForProgress = (name: string, percent: number, timeoutMs = 60_000): Step => ({
  title: `shoot ${name} is at ${percent}% or more of its operation`,
  run: async ({ watcher }) => {
    await watcher.waitFor(PROJECT_NAMESPACE, name, `to reach ${percent}%`, timeoutMs, (s) => (s?.status?.lastOperation?.progress ?? 0) >= percent, summarize);
  },
});

/** Every component remembered (and alive then) still runs as the same process: nothing was restarted. */
export const expectRememberedComponentsKept = (name: string): Step => ({
  title: `shoot ${name} kept every component that was running before`,
  run: async ({ landscape, watcher, facts }) => {
    const shoot = watcher.get(PROJECT_NAMESPACE, name);
    const record = new ShootRuntimeStore(`${landscape.directory}/gardenlet`).read(shootTechnicalId(shoot!));
    const now = Object.fromEntries((record?.components ?? []).map((c) => [c.name, c.pid]));
    const before = (facts[`${name}.pids`] ?? {}) as Record<string, number>;
    if (Object.keys(before).length === 0) throw new SeedbedError('EXPECTATION_FAILED', 'no components were running before');
    const changed = Object.entries(before).filter(([component, pid]) => now[component] !== pid);
    if (changed.length) throw new SeedbedError('EXPECTATION_FAILED', `restarted: ${changed.map(([c, pid]) => `${c} (pid ${pid} → ${now[c] ?? 'none'})`).join(', ')}`);
    facts[`${name}.kept`] = Object.keys(before);
  },
});
