/**
 * The host's capability bounding set against what `docker run --privileged`
 * asks for. Docker 20.10 asks for every capability up to
 * /proc/sys/kernel/cap_last_cap; runc then fails with "unable to apply caps:
 * operation not permitted" where the bounding set lacks one (this project's
 * machines lack CAP_SYS_RESOURCE: CapBnd 000001fffeffffff).
 */
import { readFileSync } from 'node:fs';

/** Linux capabilities by number (linux/capability.h); the Go runtime in tools/capdrop-runc has the same table. */
export const CAPABILITY_NAMES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID',
  'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK',
  'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE',
  'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

export interface HostCapabilities {
  /** CapBnd of this process (hex in /proc/self/status). */
  bounding: bigint;
  /** The highest capability number the kernel knows. */
  lastCap: number;
  /** Capabilities a privileged container asks for that the bounding set lacks. */
  missing: string[];
}

/** Parses CapBnd out of a /proc/<pid>/status text. */
export function parseBoundingSet(status: string): bigint {
  const match = /^CapBnd:\s*([0-9a-f]+)$/im.exec(status);
  if (!match?.[1]) throw new Error('no CapBnd line in the process status');
  return BigInt(`0x${match[1]}`);
}

/** The capabilities 0..lastCap that the bounding set lacks, by name. */
export function missingCapabilities(bounding: bigint, lastCap: number): string[] {
  const missing: string[] = [];
  for (let bit = 0; bit <= lastCap; bit++) {
    if ((bounding & (1n << BigInt(bit))) === 0n) missing.push(CAPABILITY_NAMES[bit] ?? `capability ${bit}`);
  }
  return missing;
}

export function hostCapabilities(
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): HostCapabilities {
  const bounding = parseBoundingSet(read('/proc/self/status'));
  const lastCap = Number(read('/proc/sys/kernel/cap_last_cap').trim());
  return { bounding, lastCap, missing: missingCapabilities(bounding, lastCap) };
}
