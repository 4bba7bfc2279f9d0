/** Test helper: a containerd daemon with its own root, state and socket in a temp dir (no CRI). */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagedProcess, runCommand, Wait } from '@seedbed/core';

export interface ContainerdDaemon {
  address: string;
  dir: string;
  ctr(args: string[], options?: { hostsFile?: string }): Promise<string>;
  stop(): Promise<void>;
}

export async function startContainerd(): Promise<ContainerdDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'rc-containerd-'));
  const address = join(dir, 'containerd.sock');
  writeFileSync(
    join(dir, 'config.toml'),
    [
      'version = 2',
      `root = "${join(dir, 'root')}"`,
      `state = "${join(dir, 'state')}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]',
      '[grpc]',
      `  address = "${address}"`,
      '[ttrpc]',
      `  address = "${join(dir, 'ttrpc.sock')}"`,
      '',
    ].join('\n'),
  );
  const process = new ManagedProcess({ name: 'containerd', command: 'containerd', args: ['--config', join(dir, 'config.toml')], logFile: join(dir, 'containerd.log') }).start();
  const stop = async () => {
    await process.stop(3_000);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Wait({ what: 'containerd socket', timeoutMs: 20_000, intervalMs: 50, component: { name: 'containerd', logTail: () => process.logTail() } }).until(async () => {
      if (process.exit) throw new Error('containerd exited');
      if (!existsSync(address)) return false;
      await runCommand('ctr', ['--address', address, 'version']);
      return true;
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    address,
    dir,
    async ctr(args, options = {}) {
      const command = ['ctr', '--address', address, ...args];
      if (!options.hostsFile) return (await runCommand(command[0]!, command.slice(1))).stdout;
      // a private mount namespace gives ctr its own /etc/hosts (names for IPv6 literals) without touching the host's
      const script = 'mount --bind "$1" /etc/hosts && shift && exec "$@"';
      return (await runCommand('unshare', ['-m', 'sh', '-c', script, 'sh', options.hostsFile, ...command])).stdout;
    },
    stop,
  };
}
