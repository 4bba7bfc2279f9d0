/**
 * A scenario: the cluster it runs on, gardenlet settings, and a chain of
 * steps, written as a sentence of shared verbs:
 *
 *   scenario('create-ipv6-shoot', 'an IPv6-only shoot reaches 100%')
 *     .onCluster('dual-stack')
 *     .createShoot(ipv6Shoot('v6'))
 *     .expectShoot('v6', reaches(100).withAllConditionsTrue().within(60_000))
 */
import type { KubeObject } from '@seedbed/cluster';
import type { ShippedConfig } from '@seedbed/cluster';
import type { ConditionStatus, ShootConditionType } from '@seedbed/gardener-api';
import type { GardenletOptions } from '@seedbed/gardenlet';
import type { ShootExpectation } from './expectations.ts';
import type { RolloutSpec } from '@seedbed/rollout';
import type { SeedSpec } from '../landscape.ts';
import * as kubeletCerts from './kubelet-cert-steps.ts';
import * as registryCache from './registry-cache-steps.ts';
import * as rolloutSteps from './rollout-steps.ts';
import type { RolloutExpectation } from './rollout-steps.ts';
import * as steps from './steps.ts';
import type { Step } from './steps.ts';

export type GardenletSettings = Partial<Pick<GardenletOptions, 'retries' | 'retryBaseMs' | 'nodesTimeoutMs' | 'componentTimeoutMs' | 'version'>>;

export class Scenario {
  readonly name: string;
  readonly description: string;
  cluster: ShippedConfig = 'dual-stack';
  gardenlet: GardenletSettings = {};
  /** Seeds registered besides `local`, each with its own gardenlet. */
  seeds: SeedSpec[] = [];
  /** Whether the landscape runs the Rollout API and controller (set by startRollout). */
  rollouts = false;
  readonly steps: Step[] = [];

  constructor(name: string, description: string) {
    this.name = name;
    this.description = description;
  }

  onCluster(config: ShippedConfig): this {
    this.cluster = config;
    return this;
  }

  withGardenlet(settings: GardenletSettings): this {
    this.gardenlet = { ...this.gardenlet, ...settings };
    return this;
  }

  withSeeds(seeds: SeedSpec[]): this {
    this.seeds = [...this.seeds, ...seeds];
    return this;
  }

  startRollout(name: string, spec: RolloutSpec): this {
    this.rollouts = true;
    return this.step(rolloutSteps.startRollout(name, spec));
  }

  updateRollout(name: string, spec: Partial<RolloutSpec>): this {
    return this.step(rolloutSteps.updateRollout(name, spec));
  }

  rollBackRollout(name: string): this {
    return this.step(rolloutSteps.rollBackRollout(name));
  }

  expectRollout(name: string, expectation: RolloutExpectation): this {
    return this.step(rolloutSteps.expectRollout(name, expectation));
  }

  /** Every start of a gardenlet at `version` so far was on one of `seeds`. */
  expectVersionOnlyOn(version: string, seeds: string[]): this {
    return this.step(rolloutSteps.expectVersionOnlyOn(version, seeds));
  }

  /** The gardenlets of `seeds` run `version` now. */
  expectGardenlets(version: string, seeds: string[]): this {
    return this.step(rolloutSteps.expectGardenlets(version, seeds));
  }

  step(step: Step): this {
    this.steps.push(step);
    return this;
  }

  createShoot(manifest: KubeObject): this {
    return this.step(steps.createShoot(manifest));
  }

  expectShoot(name: string, expectation: ShootExpectation): this {
    return this.step(steps.expectShoot(name, expectation));
  }

  expectRejected(manifest: KubeObject, ...messageParts: string[]): this {
    return this.step(steps.expectRejected(manifest, ...messageParts));
  }

  deleteShoot(name: string): this {
    return this.step(steps.deleteShoot(name));
  }

  expectShootGone(name: string, timeoutMs?: number): this {
    return this.step(steps.expectShootGone(name, timeoutMs));
  }

  killControlPlaneComponent(name: string, component: string): this {
    return this.step(steps.killControlPlaneComponent(name, component));
  }

  expectCondition(name: string, type: ShootConditionType, status: ConditionStatus, label: string, timeoutMs?: number): this {
    return this.step(steps.expectCondition(name, type, status, label, timeoutMs));
  }

  reconcileShoot(name: string): this {
    return this.step(steps.reconcileShoot(name));
  }

  restartGardenlet(): this {
    return this.step(steps.restartGardenlet());
  }

  startUpstreamRegistry(): this {
    return this.step(registryCache.startUpstreamRegistry());
  }

  createShootWithRegistryCache(manifest: KubeObject): this {
    return this.step(registryCache.createShootWithRegistryCache(manifest));
  }

  pullTwiceThroughCache(name: string): this {
    return this.step(registryCache.pullTwiceThroughCache(name));
  }

  removeRegistryCacheExtension(name: string): this {
    return this.step(registryCache.removeRegistryCacheExtension(name));
  }

  expectNoMirrors(name: string, timeoutMs?: number): this {
    return this.step(registryCache.expectNoMirrors(name, timeoutMs));
  }

  expectKubeletServingCertificates(name: string): this {
    return this.step(kubeletCerts.expectKubeletServingCertificates(name));
  }

  rotateKubeletServingCertificates(name: string, timeoutMs?: number): this {
    return this.step(kubeletCerts.rotateKubeletServingCertificates(name, timeoutMs));
  }

  expectNewKubeletServingSerials(name: string): this {
    return this.step(kubeletCerts.expectNewSerials(name));
  }

  expectForgedCsrsDenied(name: string): this {
    return this.step(kubeletCerts.expectForgedCsrsDenied(name));
  }

  stopCsrApprover(name: string): this {
    return this.step(kubeletCerts.stopCsrApprover(name));
  }

  waitForProgress(name: string, percent: number): this {
    return this.step(steps.waitForProgress(name, percent));
  }

  expectRememberedComponentsKept(name: string): this {
    return this.step(steps.expectRememberedComponentsKept(name));
  }

  rememberControlPlane(name: string): this {
    return this.step(steps.rememberControlPlane(name));
  }

  expectSameControlPlane(name: string): this {
    return this.step(steps.expectSameControlPlane(name));
  }
}

export function scenario(name: string, description: string): Scenario {
  return new Scenario(name, description);
}
