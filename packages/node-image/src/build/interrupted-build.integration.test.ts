/**
 * Ctrl-C during a build: the running steps are killed (debootstrap mid-way,
 * with /proc and /sys possibly mounted in its root), nothing half-made stays
 * in the cache, and the next build resumes from the steps that completed.
 * Runs the real step graph on an empty cache of its own and interrupts it as
 * soon as the first artifact (pause) is complete, so it needs no engine and
 * takes seconds; needs root and debootstrap for the rootfs steps it kills.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, FlowError, type Progress } from '@seedbed/core';
import { ArtifactCache } from './artifact-cache.ts';
import { buildNodeImage } from './node-image-build.ts';

const canDebootstrap = process.getuid?.() === 0 && existsSync('/usr/sbin/debootstrap');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every file under `dir`, relative. */
const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();

/** Runs a build that aborts itself once the pause step is done; returns its progress lines and its error. */
async function interruptedBuild(cache: ArtifactCache): Promise<{ lines: string[]; error: unknown }> {
  const controller = new AbortController();
  const lines: string[] = [];
  const progress: Progress = {
    info: (m) => lines.push(m),
    step: (name, state, detail) => {
      lines.push(`${state} ${name}${detail ? ` (${detail})` : ''}`);
      if (state === 'done' && name.startsWith('building pause')) controller.abort(new Error('interrupted by SIGINT'));
    },
  };
  const error = await buildNodeImage({ cache, progress, signal: controller.signal, alwaysRunSteps: true }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { lines, error };
}

describe.skipIf(!canDebootstrap)('an interrupted node image build (needs root and debootstrap)', () => {
  it('leaves only complete artifacts, no mounts, and resumes from them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'seedbed-interrupt-'));
    dirs.push(root);
    const cache = new ArtifactCache(root);

    const first = await interruptedBuild(cache);
    expect(first.error).toBeInstanceOf(FlowError);
    const failures = (first.error as FlowError).failures;
    // the debootstraps running at that moment were killed, not left running or half-written
    expect(failures.map((f) => f.task)).toEqual(expect.arrayContaining(['rootfs-node', 'rootfs-image-base']));
    expect(failures.filter((f) => !(f.error instanceof CancelledError))).toEqual([]);
    expect(files(root)).toEqual([expect.stringMatching(/^pause\/pause-[\d.]+-v1\.36\.\d+$/)]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(root);
    expect(execFileSync('sh', ['-c', `pgrep -f '[d]ebootstrap.*${root}' || true`], { encoding: 'utf8' }).trim()).toBe('');

    const second = await interruptedBuild(cache);
    expect(second.lines).toEqual(expect.arrayContaining([expect.stringMatching(/^done building pause .* — cached$/)]));
    expect(second.lines.filter((l) => /^start building pause/.test(l))).toHaveLength(1);
    expect(files(root)).toEqual(files(root).filter((f) => f.startsWith('pause/')));
  }, 120_000);
});
