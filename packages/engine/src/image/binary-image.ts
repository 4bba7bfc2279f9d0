/**
 * Images made locally from one static binary: `docker import` of a tar holding
 * only /<name>, nothing pulled. The privileged probe and the kind tests' image
 * are made this way. Present already: nothing to do.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { runCommand } from '@seedbed/core';
import { runDocker, type Engine } from '../engine.ts';

export interface BinaryImage {
  /** The static binary to put at /<its name>. */
  binary: string;
  /** The image reference to tag, e.g. seedbed/netcheck:src-1234. */
  image: string;
  /** Set the image's ENTRYPOINT to the binary. */
  entrypoint?: boolean;
}

export async function imageExists(engine: Engine, image: string): Promise<boolean> {
  return runDocker(engine, ['image', 'inspect', '--format', '{{.Id}}', image]).then(
    () => true,
    () => false, // "No such image"; an engine that is down fails the import that follows, with its own message
  );
}

export async function importBinaryImage(engine: Engine, spec: BinaryImage): Promise<string> {
  if (await imageExists(engine, spec.image)) return spec.image;
  const name = basename(spec.binary);
  const dir = await mkdtemp(join(tmpdir(), 'seedbed-image-'));
  try {
    await copyFile(spec.binary, join(dir, name));
    await runCommand('tar', ['-C', dir, '-cf', join(dir, 'image.tar'), name]);
    const change = spec.entrypoint ? ['--change', `ENTRYPOINT ["/${name}"]`] : [];
    await runDocker(engine, ['import', ...change, join(dir, 'image.tar'), spec.image]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return spec.image;
}
