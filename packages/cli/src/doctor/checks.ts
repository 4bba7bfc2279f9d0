/**
 * Every doctor check in the order they are shown, and the context they look
 * at on this machine. The quick ones run before `npm start` does anything.
 */
import { fileURLToPath } from 'node:url';
import { ALL_BINARIES } from '@seedbed/binaries';
import type { Check, DoctorContext } from './check.ts';
import { runtimeCheck } from './runtime-check.ts';
import { goCheck } from './go-check.ts';
import { ipv6Check, portsCheck } from './loopback-checks.ts';
import { diskCheck } from './disk-check.ts';
import { binariesCheck } from './binaries-check.ts';
import { engineCheck } from './engine-check.ts';
import { TEST_PACKAGES, debianPackagesCheck } from './debian-packages-check.ts';

export const CHECKS: readonly Check[] = [runtimeCheck, goCheck, ipv6Check, portsCheck, diskCheck, binariesCheck, engineCheck, debianPackagesCheck];

/** Loopback ports the mixed landscape holds at once (control plane, three shoots, caches), with room to spare. */
export const RUN_PORTS = 40;

export const PROJECT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export function defaultContext(overrides: Partial<DoctorContext> = {}): DoctorContext {
  return {
    env: process.env,
    projectRoot: PROJECT_ROOT,
    runtime: { version: process.version, execPath: process.execPath, platform: process.platform, arch: process.arch },
    wrap: [],
    binaries: ALL_BINARIES,
    ports: RUN_PORTS,
    portRangeFile: '/proc/sys/net/ipv4/ip_local_port_range',
    debianPackages: TEST_PACKAGES,
    engine: {},
    ...overrides,
  };
}
