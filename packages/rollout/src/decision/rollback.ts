/**
 * Rollback: the `rollback` action aborts a rollout and returns every seed it
 * updated to the version label the seed had before the rollout first changed
 * it (recorded in status.previousVersions; "" means the seed had no label and
 * gets none again, so its gardenlet runs the landscape's default version).
 * Seeds deleted since are skipped.
 */
import type { RolloutStatus } from '../api/types.ts';

export interface SeedVersionUpdate {
  seed: string;
  /** The version label to set; null removes it. */
  version: string | null;
}

/** Notes a seed's version before the rollout changes it; only the first one counts (a new target keeps the original). */
export function recordPreviousVersion(status: RolloutStatus, seed: string, label: string | undefined): void {
  status.previousVersions ??= {};
  if (!(seed in status.previousVersions)) status.previousVersions[seed] = label ?? '';
}

/** The label updates still needed to restore the recorded versions of the seeds that still exist. */
export function rollbackUpdates(status: RolloutStatus, labelOf: ReadonlyMap<string, string | undefined>): SeedVersionUpdate[] {
  const updates: SeedVersionUpdate[] = [];
  for (const [seed, previous] of Object.entries(status.previousVersions ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (!labelOf.has(seed)) continue;
    const label = labelOf.get(seed) ?? '';
    if (label === previous) continue;
    updates.push({ seed, version: previous === '' ? null : previous });
  }
  return updates;
}
