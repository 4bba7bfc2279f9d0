/**
 * Whether the engine can run privileged containers (kind's nodes are), found
 * by running one: an image made locally with `docker import` from a tar
 * holding one static binary (seedbed's capdrop-runc, which prints its
 * version), so nothing is pulled.
 */
import { resolveBinaries } from '@seedbed/binaries';
import { CommandError, SeedbedError, type Progress } from '@seedbed/core';
import { importBinaryImage } from '../image/binary-image.ts';
import { missingCapabilities, hostCapabilities } from '../capabilities/host-capabilities.ts';
import { runDocker, type Engine } from '../engine.ts';
import { CAPDROP_RUNTIME } from '../dockerd/owned-dockerd.ts';

export interface PrivilegedResult {
  ok: boolean;
  detail: string;
  hint?: string;
}

const CAPS_ERROR = /unable to apply caps|apply caps: operation not permitted/;

async function probeImage(engine: Engine, progress?: Progress): Promise<string> {
  const binaries = await resolveBinaries({ names: ['capdrop-runc'], progress });
  return importBinaryImage(engine, { binary: binaries.path('capdrop-runc'), image: `seedbed/privileged-probe:${binaries.versions['capdrop-runc'] ?? 'local'}` });
}

/** What to tell a user whose own engine fails privileged containers for lack of capabilities. */
export function capabilityHint(engine: Engine, missing: readonly string[]): string {
  if (engine.owned) return `seedbed's dockerd should have registered its capability-dropping runtime (${engine.capDropReason}); run \`seedbed engine down && seedbed engine up\``;
  return (
    `this host's capability bounding set lacks ${missing.join(', ') || 'capabilities'} that --privileged asks for. seedbed never reconfigures a Docker it did not start; ` +
    `either register seedbed's capability-dropping runtime in it yourself (\`seedbed engine status\` prints its path; dockerd --add-runtime ${CAPDROP_RUNTIME}=PATH --default-runtime ${CAPDROP_RUNTIME}, ` +
    `or "runtimes"/"default-runtime" in /etc/docker/daemon.json), or stop it and let seedbed start its own dockerd (\`seedbed engine up\`)`
  );
}

export async function canRunPrivileged(engine: Engine, options: { progress?: Progress } = {}): Promise<PrivilegedResult> {
  const image = await probeImage(engine, options.progress);
  try {
    const { stdout } = await runDocker(engine, ['run', '--rm', '--privileged', '--network', 'none', image, '/capdrop-runc', 'version']);
    return { ok: stdout.includes('capdrop-runc'), detail: `a privileged container ran on ${engine.dockerHost}: ${stdout.trim()}` };
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    const caps = hostCapabilities();
    if (CAPS_ERROR.test(error.stderr)) {
      const missing = missingCapabilities(caps.bounding, caps.lastCap);
      return { ok: false, detail: `privileged containers fail on ${engine.dockerHost}: ${error.stderr.trim()}`, hint: capabilityHint(engine, missing) };
    }
    return { ok: false, detail: `privileged containers fail on ${engine.dockerHost}: ${error.stderr.trim()}` };
  }
}

/** Throws ENGINE_NOT_PRIVILEGED with the cause and the fix unless privileged containers run. */
export async function requirePrivileged(engine: Engine, options: { progress?: Progress } = {}): Promise<void> {
  const result = await canRunPrivileged(engine, options);
  if (!result.ok) throw new SeedbedError('ENGINE_NOT_PRIVILEGED', result.detail, { hint: result.hint });
}
