/**
 * Builds (or finds) the node image in a real engine and checks what kind and
 * kubeadm will look for inside it: every image name `kubeadm config images
 * list` prints for the pinned version (asked of the node's own kubeadm),
 * kind's sandbox image and the images of the manifests kind applies, all in
 * the node's containerd; kind's entrypoint, STOPSIGNAL, /kind/version and the
 * containerd change. A second build must find everything cached.
 *
 * Needs an engine: a running Docker/Podman, or Debian's docker.io (the test
 * then starts seedbed's own dockerd and stops it afterwards). A cold build
 * also needs root, debootstrap, go and gcc, and takes about 25 minutes on 2
 * cores; with warm caches it takes seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProgress } from '@seedbed/core';
import { detectEngine, engineEnv, findDockerd, leaseEngine, type Engine, type EngineLease } from '@seedbed/engine';
import { DockerCli } from '../docker/docker-cli.ts';
import { missingImages } from '../assemble/assemble.ts';
import { kindestNodeImage, resolveNodeImage } from '../resolve/node-image.ts';
import { buildNodeImage, type NodeImageBuildResult } from './node-image-build.ts';

const detected = await detectEngine();
// seedbed's own dockerd needs root
const engineCanExist = detected.engine !== undefined || (Boolean(findDockerd()) && process.getuid?.() === 0);
const BUILD_TIMEOUT_MS = 60 * 60_000;

const missing = engineCanExist ? '' : ` (skipped: no container engine can run here — ${detected.tried.join('; ')}; and no docker.io dockerd as root)`;

describe.skipIf(!engineCanExist)(`node image build${missing}`, () => {
  let engine: Engine;
  let lease: EngineLease | undefined;
  let docker: DockerCli;
  let first: NodeImageBuildResult;
  const containers: string[] = [];
  const inNode = async (script: string) => {
    const name = `seedbed-node-image-test-${process.pid}-${containers.length}`;
    containers.push(name);
    return docker.output(['run', '--rm', '--name', name, '--network', 'none', '--entrypoint', 'sh', first.image, '-c', script]);
  };

  beforeAll(async () => {
    // a lease: a seedbed dockerd a lease starts stops once the last test file holding one (e.g. the kind tests) releases it
    lease = await leaseEngine({ progress: consoleProgress() });
    engine = lease.engine;
    docker = new DockerCli(engineEnv(engine));
    first = await buildNodeImage({ docker, progress: consoleProgress() });
  }, BUILD_TIMEOUT_MS);

  afterAll(async () => {
    await docker?.removeContainers(containers);
    await lease?.release();
  }, 120_000);

  it('is in the engine, and a second build finds it without building', async () => {
    expect(await docker.imageExists(first.image)).toBe(true);
    expect(first.image).toMatch(/^seedbed\/kind-node:v1\.36\.\d+-[0-9a-f]{12}$/);
    const second = await buildNodeImage({ docker });
    expect(second.image).toBe(first.image);
    expect(second.outcome).toBe('present');
    expect(second.durationMs).toBeLessThan(30_000);
  });

  it('holds, in its containerd, every image kubeadm and kind ask for', async () => {
    const version = await inNode('cat /kind/version');
    expect(version).toMatch(/^v1\.36\.\d+$/);
    const kubeadm = (await inNode(`kubeadm config images list --kubernetes-version ${version} 2>/dev/null`)).split('\n').filter(Boolean);
    expect(kubeadm.length).toBeGreaterThanOrEqual(7);
    const kind = await inNode(
      "sed -n 's/^ *sandbox_image *= *\"\\(.*\\)\"/\\1/p' /etc/containerd/config.toml; grep -ho 'image: .*\\|- docker.io/kindest/.*' /kind/manifests/*.yaml | sed 's/^image: //; s/^- //'",
    );
    const expected = [...new Set([...kubeadm, ...kind.split('\n').filter(Boolean)])];
    const listed = (
      await inNode('(containerd >/tmp/containerd.log 2>&1 &); for i in $(seq 1 100); do ctr version >/dev/null 2>&1 && break; sleep 0.1; done; ctr --namespace=k8s.io images list -q')
    ).split('\n');
    expect(missingImages(expected, listed)).toEqual([]);
    // pinned, so the kubelet's image garbage collection never removes them
    const labels = await inNode('(containerd >/tmp/containerd.log 2>&1 &); for i in $(seq 1 100); do ctr version >/dev/null 2>&1 && break; sleep 0.1; done; ctr --namespace=k8s.io images list | grep -c io.cri-containerd.pinned=pinned');
    expect(Number(labels)).toBeGreaterThanOrEqual(expected.length);
  });

  it('boots as kind expects: kind\'s entrypoint, systemd\'s stop signal, the containerd change', async () => {
    const config = JSON.parse(await docker.output(['image', 'inspect', '--format', '{{json .Config}}', first.image])) as { Entrypoint: string[]; StopSignal: string; Env: string[] };
    expect(config.Entrypoint).toEqual(['/usr/local/bin/entrypoint', '/sbin/init']);
    expect(config.StopSignal).toBe('SIGRTMIN+3');
    expect(config.Env).toContain('container=docker');
    expect(await inNode('grep -c "restrict_oom_score_adj = true" /etc/containerd/config.toml')).toBe('1');
    expect(await inNode('readlink /sbin/init; test -x /usr/bin/kubelet && test -x /usr/local/sbin/runc && test -x /opt/cni/bin/ptp && echo binaries')).toBe('/usr/lib/systemd/systemd\nbinaries');
    expect(await inNode('systemctl is-enabled kubelet.service containerd.service')).toBe('enabled\nenabled');
  });

  it('is what the kind provider gets, and comes back from the cache in seconds once removed from the engine', async (ctx) => {
    const hasKindest = await docker.imageExists(kindestNodeImage());
    expect(await resolveNodeImage({ docker })).toEqual(hasKindest ? { image: kindestNodeImage(), source: 'kindest/node' } : { image: first.image, source: 'seedbed' });
    // a cluster running on the image keeps it in use: then the load path cannot be shown here without disturbing it
    if (hasKindest || (await docker.output(['ps', '-a', '-q', '--filter', `ancestor=${first.image}`]))) return ctx.skip();
    await docker.run(['rmi', first.image]);
    const started = Date.now();
    expect(await resolveNodeImage({ docker })).toEqual({ image: first.image, source: 'seedbed (loaded from cache)' });
    expect(Date.now() - started).toBeLessThan(120_000);
    expect(await docker.imageExists(first.image)).toBe(true);
  }, 180_000);
});
