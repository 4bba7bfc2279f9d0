/**
 * debootstrap mounts /proc and /sys inside the root it builds and unmounts
 * them when it finishes; a build killed midway leaves them mounted. Removing
 * such a directory must unmount first, or `rm -rf` walks into the host's
 * /proc and /sys.
 */
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { runCommand } from '@seedbed/core';

/** Mount points at or under `dir`, deepest first (from /proc/self/mountinfo's escaped paths). */
export function mountsUnder(dir: string, mountinfo = readMountinfo()): string[] {
  const root = resolve(dir);
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => Boolean(p))
    .map((p) => p.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8))))
    .filter((p) => p === root || p.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
}

function readMountinfo(): string {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    // not Linux: nothing can be mounted by debootstrap
    return '';
  }
}

/** Unmounts (lazily) everything under `dir`, then removes it. */
export async function removeTree(dir: string): Promise<void> {
  for (const mount of mountsUnder(dir)) await runCommand('umount', ['-l', mount]);
  if (mountsUnder(dir).length) throw new Error(`${dir} still has mounts under it; not removing it`);
  await rm(dir, { recursive: true, force: true });
}
