/**
 * The Debian packages the tests need (the registry-cache tests' distribution,
 * skopeo, containerd and runc; iproute2 for the node-agent's namespaces; the
 * pinned Node's libatomic1), asked of dpkg.
 */
import { CommandError, runCommand } from '@seedbed/core';
import { fail, ok, type Check, type DoctorContext } from './check.ts';

export const TEST_PACKAGES = ['docker-registry', 'skopeo', 'containerd', 'runc', 'iproute2', 'libatomic1'] as const;

async function installed(ctx: DoctorContext, pkg: string): Promise<boolean> {
  try {
    const { stdout } = await runCommand('dpkg-query', ['-W', '-f', '${Status}', pkg], { env: ctx.env });
    return stdout.includes('install ok installed');
  } catch (error) {
    // dpkg-query exits 1 for a package it does not know
    if (error instanceof CommandError && error.exitCode !== null) return false;
    throw error;
  }
}

export async function checkDebianPackages(ctx: DoctorContext) {
  const missing: string[] = [];
  try {
    for (const pkg of ctx.debianPackages) if (!(await installed(ctx, pkg))) missing.push(pkg);
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    return fail('dpkg-query cannot run: not a Debian-based system', `install the equivalents of ${ctx.debianPackages.join(', ')}`);
  }
  if (missing.length) return fail(`missing ${missing.join(', ')}`, `apt-get install ${missing.join(' ')}`);
  return ok(`installed: ${ctx.debianPackages.join(', ')}`);
}

export const debianPackagesCheck: Check = { name: 'Debian packages for the tests', quick: false, run: checkDebianPackages };
