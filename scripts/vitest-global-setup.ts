/**
 * Runs once before the test suite: resolves the Go-built binaries (building
 * them with progress on a fresh machine, once per machine) so no integration
 * test pays the build time inside its own timeout. Tests resolve them again,
 * which then only finds them in the per-user cache.
 */
import { resolveBinaries, ALL_BINARIES } from '@seedbed/binaries';
import { consoleProgress } from '@seedbed/core';

export default async function setup(): Promise<void> {
  // unit-only runs (npm run test:unit) need no binaries
  if (process.env.SEEDBED_UNIT_ONLY === '1') return;
  const progress = consoleProgress();
  const binaries = await resolveBinaries({ names: ALL_BINARIES, progress });
  progress.info(`binaries: ${binaries.source} (${binaries.describe()})`);
}
