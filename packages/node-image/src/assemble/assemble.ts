/**
 * Assembles the node image in the engine, by hand, the way `kind build
 * node-image` does (which cannot run offline: it fetches images): import the
 * node rootfs, run it with `sleep`, copy seedbed's overlay in, enable kind's
 * units, start containerd inside, `ctr images import` every component image
 * with the label kind pins them with, stop containerd, `docker commit` with
 * kind's entrypoint, then a one-line `docker build` for STOPSIGNAL (Docker
 * 20.10's `--change` rejects it). The build container is removed whatever
 * happens, and the intermediate tags are dropped.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { SeedbedError, Wait, isAlive, type Clock } from '@seedbed/core';
import type { DockerCli } from '../docker/docker-cli.ts';

/** kind's containerd import (pkg/build/nodeimage/imageimporter.go), from a file instead of stdin. */
export const CTR_IMPORT_ARGS = ['--namespace=k8s.io', 'images', 'import', '--label=io.cri-containerd.pinned=pinned', '--all-platforms', '--no-unpack', '--digests'];
/** Marks build containers, so one left by a killed build can be found and removed. */
export const BUILD_LABEL = 'seedbed.dev/node-image-build';
const CONTAINERD_READY_MS = 30_000;

export interface AssembleInput {
  docker: DockerCli;
  /** The final tag, seedbed/kind-node:<version>-<hash>. */
  tag: string;
  /** The node rootfs tar and the tag it is imported under (kept while its hash is current). */
  rootfsTar: string;
  rootfsImage: string;
  /** Directory laid out as the node's `/` (see writeNodeOverlay). */
  overlayDir: string;
  /** `docker save` archives to import into the node's containerd. */
  imageArchives: readonly string[];
  /** Every image name kubeadm and kind expect; the import is checked against it. */
  expectedImages: readonly string[];
  signal?: AbortSignal;
  clock?: Clock;
  onInfo?: (line: string) => void;
}

export class AssembleError extends SeedbedError {}

/** Image names in the node's containerd that are missing from `expected` (normalized as containerd stores them). */
export function missingImages(expected: readonly string[], listed: readonly string[]): string[] {
  const have = new Set(listed.map(normalizeReference));
  return expected.filter((image) => !have.has(normalizeReference(image)));
}

/** `kindest/x:1` → `docker.io/kindest/x:1`; `busybox` → `docker.io/library/busybox:latest`, as containerd names images. */
export function normalizeReference(image: string): string {
  let name = image.trim();
  const firstSegment = name.split('/')[0]!;
  const hasRegistry = name.includes('/') && (firstSegment.includes('.') || firstSegment.includes(':') || firstSegment === 'localhost');
  if (!hasRegistry) name = `docker.io/${name.includes('/') ? '' : 'library/'}${name}`;
  if (!/[:@][^/]*$/.test(name)) name = `${name}:latest`;
  return name;
}

export async function assembleNodeImage(input: AssembleInput): Promise<void> {
  const { docker, signal } = input;
  const info = input.onInfo ?? (() => {});
  await removeStaleBuildContainers(docker);
  if (!(await docker.imageExists(input.rootfsImage, signal))) {
    info(`   importing the node rootfs as ${input.rootfsImage}`);
    await docker.run(['import', input.rootfsTar, input.rootfsImage], { signal });
  }
  const name = `seedbed-node-image-build-${process.pid}`;
  const committed = `${input.tag}-unsealed`;
  const context = await mkdtemp(join(tmpdir(), 'seedbed-node-image-'));
  await docker.removeContainers([name]);
  try {
    // no network: the build needs none, and it must not depend on the engine's bridge
    await docker.run(
      ['run', '-d', '--name', name, '--label', `${BUILD_LABEL}=${process.pid}`, '--network', 'none', '--entrypoint', 'sleep', '--security-opt', 'seccomp=unconfined', input.rootfsImage, 'infinity'],
      { signal },
    );
    const exec = (script: string) => docker.run(['exec', name, 'sh', '-c', script], { signal });
    info('   copying kind\'s files and the pinned binaries in');
    await docker.run(['cp', `${input.overlayDir}/.`, `${name}:/`], { signal });
    await exec('chmod 755 /kind /kind/bin && systemctl enable kubelet.service containerd.service undo-mount-hacks.service && systemctl mask systemd-binfmt.service');

    info('   starting containerd in the build container');
    await exec('nohup containerd > /var/log/containerd-build.log 2>&1 &');
    await new Wait({
      what: 'containerd in the node image build container',
      timeoutMs: CONTAINERD_READY_MS,
      intervalMs: 250,
      clock: input.clock,
      signal,
      component: { name: 'containerd', logTail: async () => (await exec('tail -n 20 /var/log/containerd-build.log')).stdout.split('\n') },
    }).until(async () => {
      await exec('test -S /run/containerd/containerd.sock && ctr version >/dev/null');
      return true;
    });
    for (const archive of input.imageArchives) {
      const inside = `/tmp/${basename(archive)}`;
      await docker.run(['cp', archive, `${name}:${inside}`], { signal });
      await docker.run(['exec', name, 'ctr', ...CTR_IMPORT_ARGS, inside], { signal });
      await exec(`rm -f '${inside}'`);
    }
    const listed = (await docker.run(['exec', name, 'ctr', '--namespace=k8s.io', 'images', 'list', '-q'], { signal })).stdout.split('\n').filter(Boolean);
    const missing = missingImages(input.expectedImages, listed);
    if (missing.length) throw new AssembleError('IMAGES_MISSING', `after the import the node's containerd lacks: ${missing.join(', ')}`);
    info(`   ${input.imageArchives.length} image archives imported (${input.expectedImages.length} names)`);
    // stop containerd and leave no trace of the build run in the image; `sleep` as pid 1 never reaps it, so an
    // exited containerd stays a zombie (state Z): wait until no containerd is left in another state
    const running = `ps -C containerd -o stat= | grep -qv '^Z'`;
    await exec(`pkill containerd; for i in $(seq 1 100); do ${running} || break; sleep 0.1; done; ! ${running}`);
    await exec('rm -rf /run/containerd /var/log/containerd-build.log /tmp/* /var/tmp/*');

    await docker.run(['commit', '--change', 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]', '--change', 'ENV container=docker', name, committed], { signal });
    await writeFile(join(context, 'Dockerfile'), `FROM ${committed}\nSTOPSIGNAL SIGRTMIN+3\n`);
    await docker.run(['build', '-q', '-t', input.tag, context], { signal });
  } finally {
    await docker.removeContainers([name]);
    await docker.run(['rmi', committed]).catch(() => {
      // absent when the build failed before the commit
    });
    await rm(context, { recursive: true, force: true });
  }
}

/** Removes build containers left by builds that were killed (their pid is gone). */
async function removeStaleBuildContainers(docker: DockerCli): Promise<void> {
  const lines = (await docker.output(['ps', '-a', '--filter', `label=${BUILD_LABEL}`, '--format', `{{.ID}} {{.Label "${BUILD_LABEL}"}}`])).split('\n').filter(Boolean);
  const stale = lines
    .map((l) => l.split(' '))
    .filter(([, pid]) => !isAlive(Number(pid)))
    .map(([id]) => id!);
  await docker.removeContainers(stale);
}
