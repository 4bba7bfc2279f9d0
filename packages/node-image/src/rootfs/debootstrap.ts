/**
 * Builds a Debian root filesystem with debootstrap (root, the configured
 * mirror) and packs it as one tar: the node's rootfs or the component images'
 * base layer. For the node it then repeats the clean-up of kind's base image
 * Dockerfile (no services enabled by default, no kmsg in journald,
 * /sbin/init → systemd, /etc/kubernetes/manifests).
 */
import { CancelledError, SeedbedError, commandExists, runCommand } from '@seedbed/core';
import { removeTree } from '../fs/mounts.ts';
import type { RootfsSpec } from './rootfs-spec.ts';

/** kind's images/base/Dockerfile, the RUN after clean-install, on a root directory instead of `/`. */
const NODE_CLEANUP = `
find lib/systemd/system/sysinit.target.wants/ -name systemd-tmpfiles-setup.service -delete
rm -f lib/systemd/system/multi-user.target.wants/* etc/systemd/system/*.wants/* lib/systemd/system/local-fs.target.wants/*
rm -f lib/systemd/system/sockets.target.wants/*udev* lib/systemd/system/sockets.target.wants/*initctl* lib/systemd/system/basic.target.wants/*
echo "ReadKMsg=no" >> etc/systemd/journald.conf
ln -sf /usr/lib/systemd/systemd sbin/init
mkdir -p etc/kubernetes/manifests
`;

/** kind's clean-install removes these after installing packages. */
const CLEAN_INSTALL = `
rm -rf var/cache/apt/archives/*.deb var/cache/debconf/* var/lib/apt/lists/* var/log/* tmp/* var/tmp/* usr/share/doc/* usr/share/doc-base/* usr/share/man/* usr/share/local/*
`;

export class RootfsError extends SeedbedError {}

/** Checks what debootstrap needs, so a missing prerequisite fails before minutes of work. */
export async function checkDebootstrap(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new RootfsError('NEEDS_ROOT', 'building the node image rootfs with debootstrap needs root', {
      hint: 'run `seedbed node-image build` as root (sudo), or load a prebuilt image: docker load -i kind-node.tar',
    });
  }
  if (!(await commandExists('debootstrap'))) {
    throw new RootfsError('DEBOOTSTRAP_MISSING', 'debootstrap is not installed', { hint: 'apt-get install debootstrap' });
  }
}

export interface RootfsBuildOptions {
  signal?: AbortSignal;
  /** Called with each line debootstrap prints (I: Retrieving …). */
  onLine?: (line: string) => void;
}

/** debootstrap `spec` from `mirror` into `<tarPath>-root`, clean it, pack it into `tarPath`, remove the directory. */
export async function buildRootfsTar(spec: RootfsSpec, mirror: string, tarPath: string, options: RootfsBuildOptions = {}): Promise<void> {
  await checkDebootstrap();
  const root = `${tarPath}-root`;
  await removeTree(root);
  const onOutput = (chunk: string) => chunk.split('\n').filter(Boolean).forEach((l) => options.onLine?.(l));
  try {
    await runCommand(
      'debootstrap',
      [`--variant=${spec.variant}`, `--include=${spec.packages.join(',')}`, spec.suite, root, mirror],
      { signal: options.signal, onOutput },
    ).catch((error: unknown) => {
      if (error instanceof CancelledError) throw error;
      throw new RootfsError('DEBOOTSTRAP_FAILED', `debootstrap of the ${spec.name} rootfs (${spec.suite} from ${mirror}) failed`, {
        cause: error,
        hint: `check that the mirror answers (set SEEDBED_DEBIAN_MIRROR to another one) and see ${root}/debootstrap/debootstrap.log while it exists`,
      });
    });
    const script = `set -e\ncd "$1"\n${spec.name === 'node' ? NODE_CLEANUP : ''}${CLEAN_INSTALL}`;
    await runCommand('sh', ['-c', script, 'sh', root], { signal: options.signal });
    // device nodes, /proc and /sys are the runtime's to provide
    await runCommand('tar', ['--numeric-owner', '--exclude=./dev/*', '--exclude=./proc/*', '--exclude=./sys/*', '-C', root, '-cf', tarPath, '.'], {
      signal: options.signal,
    });
  } finally {
    await removeTree(root);
  }
}
