/**
 * Runs doctor checks one after the other and renders each as ✓/✗ with its
 * fix. A check that throws is a ✗ too: its error is the detail.
 */
import { describeError, formatDuration, systemClock, type Clock } from '@seedbed/core';
import type { Check, CheckResult, DoctorContext } from './check.ts';

export interface CheckOutcome extends CheckResult {
  name: string;
  durationMs: number;
}

export async function runChecks(
  checks: readonly Check[],
  ctx: DoctorContext,
  options: { clock?: Clock; onResult?: (outcome: CheckOutcome) => void } = {},
): Promise<CheckOutcome[]> {
  const clock = options.clock ?? systemClock;
  const outcomes: CheckOutcome[] = [];
  for (const check of checks) {
    const started = clock.now();
    const result = await check.run(ctx).catch(
      (error: unknown): CheckResult => ({ ok: false, detail: `the check failed: ${describeError(error)}`, fix: 'run with SEEDBED_DEBUG=1 and report it' }),
    );
    const outcome = { name: check.name, ...result, durationMs: clock.now() - started };
    outcomes.push(outcome);
    options.onResult?.(outcome);
  }
  return outcomes;
}

export function formatOutcome(outcome: CheckOutcome): string {
  const head = ` ${outcome.ok ? '✓' : '✗'} ${outcome.name}: ${outcome.detail}`;
  const timing = outcome.durationMs >= 1000 ? ` (${formatDuration(outcome.durationMs)})` : '';
  return outcome.fix && !outcome.ok ? `${head}${timing}\n     fix: ${outcome.fix}` : `${head}${timing}`;
}
