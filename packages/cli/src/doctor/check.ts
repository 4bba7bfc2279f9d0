/**
 * A doctor check: one prerequisite, looked at without changing anything, that
 * answers ✓ with what it found or ✗ with what is wrong and the fix. Checks
 * take everything they look at from a DoctorContext, so tests run them for
 * real against conditions they set up (a PATH without go, a network namespace
 * without IPv6 loopback, an engine socket that does not exist).
 */
import type { BinaryName } from '@seedbed/binaries';
import type { EnginePaths } from '@seedbed/engine';

export interface CheckResult {
  ok: boolean;
  /** What was found (✓) or what is wrong (✗). */
  detail: string;
  /** How to fix it; every ✗ has one. */
  fix?: string;
}

export interface Check {
  name: string;
  /** Runs in a second or so, so `npm start` runs it before anything else. */
  quick: boolean;
  run(ctx: DoctorContext): Promise<CheckResult>;
}

export interface DoctorContext {
  /** The environment looked at: PATH (go), SEEDBED_BIN_DIR / SEEDBED_CACHE_DIR, DOCKER_HOST. */
  env: NodeJS.ProcessEnv;
  /** The repository root (package.json, node_modules). */
  projectRoot: string;
  /** The runtime this process runs on. */
  runtime: { version: string; execPath: string; platform: string; arch: string };
  /** A command prefix every probe process runs under (default none; tests give a network or mount namespace). */
  wrap: readonly string[];
  /** The binaries the run needs (which decides whether go is needed). */
  binaries: readonly BinaryName[];
  /** Loopback ports a run needs at once, per family. */
  ports: number;
  /** Where the kernel's ephemeral port range is read. */
  portRangeFile: string;
  /** Debian packages the tests need. */
  debianPackages: readonly string[];
  /** Where seedbed's own dockerd would live, and where dockerd is looked for. */
  engine: { paths?: EnginePaths; dockerdCandidates?: readonly string[] };
}

export const ok = (detail: string): CheckResult => ({ ok: true, detail });
export const fail = (detail: string, fix: string): CheckResult => ({ ok: false, detail, fix });
