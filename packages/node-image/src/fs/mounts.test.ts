import { describe, expect, it } from 'vitest';
import { mountsUnder } from './mounts.ts';

const MOUNTINFO = [
  '22 1 0:21 / / rw,relatime - ext4 /dev/vda rw',
  '40 22 0:5 / /cache/rootfs.tar.tmp-1-root/proc rw - proc proc rw',
  '41 22 0:6 / /cache/rootfs.tar.tmp-1-root/sys rw - sysfs sysfs rw',
  '42 41 0:7 / /cache/rootfs.tar.tmp-1-root/sys/fs/cgroup rw - cgroup2 cgroup rw',
  '43 22 0:8 / /cache/rootfs.tar.tmp-1-rootother rw - tmpfs tmpfs rw',
  '44 22 0:9 / /cache/with\\040space rw - tmpfs tmpfs rw',
].join('\n');

describe('mountsUnder', () => {
  it('lists mounts inside a directory, deepest first, and not those of a sibling with the same prefix', () => {
    expect(mountsUnder('/cache/rootfs.tar.tmp-1-root', MOUNTINFO)).toEqual([
      '/cache/rootfs.tar.tmp-1-root/sys/fs/cgroup',
      '/cache/rootfs.tar.tmp-1-root/proc',
      '/cache/rootfs.tar.tmp-1-root/sys',
    ]);
    expect(mountsUnder('/cache/with space', MOUNTINFO)).toEqual(['/cache/with space']);
    expect(mountsUnder('/elsewhere', MOUNTINFO)).toEqual([]);
  });
});
