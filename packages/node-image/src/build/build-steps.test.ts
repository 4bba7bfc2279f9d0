import { describe, expect, it } from 'vitest';
import { Flow, silentProgress } from '@seedbed/core';
import { DockerCli } from '../docker/docker-cli.ts';
import { ArtifactCache } from './artifact-cache.ts';
import { binarySteps, makePlan } from './build-plan.ts';
import { buildSteps, savedImageName } from './build-steps.ts';

const plan = makePlan();
const steps = buildSteps({ plan, cache: new ArtifactCache('/nonexistent'), docker: new DockerCli({}), progress: silentProgress, markCached: () => {}, env: {} });
const byName = new Map(steps.map((s) => [s.name, s]));

describe('node image build steps', () => {
  it('form a valid flow with a title for every step', () => {
    expect(() => new Flow('node image', steps)).not.toThrow();
    for (const step of steps) expect(step.title).toBeTruthy();
    expect(steps.map((s) => s.name)).toEqual(expect.arrayContaining(['sources', 'rootfs-node', 'rootfs-image-base', 'pause', 'images', 'assemble', 'save']));
  });

  it('run the Go builds one after another, every one before the images', () => {
    const builds = plan.binarySteps.map((s) => s.name);
    expect(builds.length).toBeGreaterThanOrEqual(8);
    builds.slice(1).forEach((name, i) => expect(byName.get(name)!.dependencies).toEqual([builds[i]]));
    expect(byName.get(builds[0]!)!.dependencies).toEqual([]);
    expect(byName.get('images')!.dependencies).toEqual(expect.arrayContaining([...builds, 'pause', 'rootfs-image-base', 'sources']));
    expect(byName.get('assemble')!.dependencies).toEqual(expect.arrayContaining(['images', 'rootfs-node']));
    expect(byName.get('save')!.dependencies).toEqual(['assemble']);
  });

  it('let debootstrap run beside the Go builds (no dependency on them)', () => {
    expect(byName.get('rootfs-node')!.dependencies ?? []).toEqual([]);
    expect(byName.get('rootfs-image-base')!.dependencies ?? []).toEqual([]);
  });

  it('build every binary the image carries, titled with its pinned version', () => {
    const built = plan.binarySteps.flatMap((s) => s.binaries);
    for (const name of ['kubelet', 'kubeadm', 'kube-proxy', 'kube-apiserver', 'etcd', 'containerd', 'runc', 'crictl', 'coredns', 'local-path-provisioner', 'ptp']) expect(built).toContain(name);
    const containerd = plan.binarySteps.find((s) => s.binaries.includes('containerd'))!;
    expect(containerd.title).toMatch(/^building containerd v2\.\d+\.\d+ \(containerd, containerd-shim-runc-v2, ctr\)$/);
  });

  it('fail naming binaries no wrapper module builds', () => {
    expect(() => binarySteps(['kubelet', 'no-such' as never], {})).toThrow(/no-such/);
  });

  it('keep the saved image under a file name derived from the tag', () => {
    expect(savedImageName('seedbed/kind-node:v1.36.3-0123456789ab')).toBe('node/seedbed_kind-node_v1.36.3-0123456789ab.tar');
  });
});
