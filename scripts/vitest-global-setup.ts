/**
 * Runs once around the test suite.
 * Before: resolves the Go-built binaries (building them with progress on a
 * fresh machine, once per machine) so no integration test pays the build time
 * inside its own timeout; tests resolve them again, which then only finds them
 * in the per-user cache. Then prepares the kind node image the same way.
 * Marks the run (SEEDBED_RUN_ID, inherited by every
 * worker and every process a test starts).
 * Points TMPDIR of the run (workers and every process they start) at a
 * directory of its own.
 * After: kills any process still carrying the mark — what a test worker killed
 * on timeout could not clean up — and names it, because it is a leak to fix;
 * then names what tests left in the run's TMPDIR (also a leak to fix) and
 * removes it, so a run never leaves temp dirs behind.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBinaries, ALL_BINARIES } from '@seedbed/binaries';
import { consoleProgress, markRun, reapMarked, RUN_ID_ENV, type Progress } from '@seedbed/core';
import { detectEngine, engineCanExist, engineEnv, leaseEngine } from '@seedbed/engine';
import { resolveNodeImage } from '@seedbed/node-image';

/** Tool caches that live in TMPDIR by design (tsx's compile cache). */
const TOOL_CACHES = /^tsx-\d+$/;
const RUN_TMP_ENV = 'SEEDBED_TEST_TMPDIR';

export default async function setup(): Promise<() => Promise<void>> {
  // vitest runs this once per project: the first call marks the run and creates its TMPDIR, the
  // others keep both (a nested TMPDIR makes unix socket paths too long), and only the first call's
  // teardown removes the TMPDIR
  const ownsTmp = process.env[RUN_TMP_ENV] === undefined;
  const runId = ownsTmp ? markRun() : process.env[RUN_ID_ENV]!;
  const runTmp = process.env[RUN_TMP_ENV] ?? mkdtempSync(join(tmpdir(), 'seedbed-test-run-'));
  process.env[RUN_TMP_ENV] = runTmp;
  process.env.TMPDIR = runTmp;
  const teardown = async () => {
    // vitest's own workers carry the mark too; they exit by themselves
    const reaped = await reapMarked(runId, { exclude: (p) => /vitest/.test(p.command) });
    if (reaped.length) console.warn(`test teardown: killed ${reaped.length} process(es) left behind by tests:\n${reaped.map((p) => `  ${p.pid} ${p.command.slice(0, 160)}`).join('\n')}`);
    if (!ownsTmp) return;
    const left = readdirSync(runTmp).filter((name) => !TOOL_CACHES.test(name));
    if (left.length) console.warn(`test teardown: removed ${left.length} temp entr${left.length === 1 ? 'y' : 'ies'} left behind by tests: ${left.join(', ')}`);
    try {
      rmSync(runTmp, { recursive: true, force: true });
    } catch (error) {
      console.warn(`test teardown: could not remove ${runTmp}: ${(error as Error).message}`);
    }
  };
  // unit-only runs (npm run test:unit) need no binaries
  if (process.env.SEEDBED_UNIT_ONLY === '1') return teardown;
  const progress = consoleProgress();
  const binaries = await resolveBinaries({ names: ALL_BINARIES, progress });
  progress.info(`binaries: ${binaries.source} (${binaries.describe()})`);
  if (ownsTmp) await prepareKindNodeImage(progress);
  return teardown;
}

/**
 * The kind tests' node image: found, loaded from the cache, or (on a fresh
 * machine, about 25 minutes) built here, outside any test's timeout. Where no
 * engine can exist the kind tests skip, naming what is missing.
 */
async function prepareKindNodeImage(progress: Progress): Promise<void> {
  const detected = await detectEngine();
  if (!engineCanExist(detected)) {
    progress.info(`kind node image: not prepared, no container engine can run here (${detected.tried.join('; ')})`);
    return;
  }
  // a lease: a dockerd it starts stops again on release; the kind tests take their own
  const lease = await leaseEngine({ progress });
  try {
    const choice = await resolveNodeImage({ env: engineEnv(lease.engine), build: true, progress });
    progress.info(`kind node image: ${choice.image} (${choice.source})`);
  } finally {
    await lease.release();
  }
}
