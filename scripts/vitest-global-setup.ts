/**
 * Runs once around the test suite.
 * Before: resolves the Go-built binaries (building them with progress on a
 * fresh machine, once per machine) so no integration test pays the build time
 * inside its own timeout; tests resolve them again, which then only finds them
 * in the per-user cache. Marks the run (SEEDBED_RUN_ID, inherited by every
 * worker and every process a test starts).
 * After: kills any process still carrying the mark — what a test worker killed
 * on timeout could not clean up — and names it, because it is a leak to fix.
 */
import { resolveBinaries, ALL_BINARIES } from '@seedbed/binaries';
import { consoleProgress, markRun, reapMarked } from '@seedbed/core';

export default async function setup(): Promise<() => Promise<void>> {
  const runId = markRun();
  const teardown = async () => {
    // vitest's own workers carry the mark too; they exit by themselves
    const reaped = await reapMarked(runId, { exclude: (p) => /vitest/.test(p.command) });
    if (reaped.length) console.warn(`test teardown: killed ${reaped.length} process(es) left behind by tests:\n${reaped.map((p) => `  ${p.pid} ${p.command.slice(0, 160)}`).join('\n')}`);
  };
  // unit-only runs (npm run test:unit) need no binaries
  if (process.env.SEEDBED_UNIT_ONLY === '1') return teardown;
  const progress = consoleProgress();
  const binaries = await resolveBinaries({ names: ALL_BINARIES, progress });
  progress.info(`binaries: ${binaries.source} (${binaries.describe()})`);
  return teardown;
}
