import { describe, expect, it } from 'vitest';
import { FakeClock } from '@seedbed/core';
import { ok, fail, type Check } from './check.ts';
import { defaultContext } from './checks.ts';
import { formatOutcome, runChecks } from './doctor.ts';

const check = (name: string, run: Check['run']): Check => ({ name, quick: true, run });

describe('runChecks', () => {
  it('runs every check in order, a throwing one as ✗ with its error, and times each', async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    const outcomes = await runChecks(
      [
        check('first', async () => ok('fine')),
        check('second', async () => {
          await clock.advance(1500);
          return fail('broken', 'mend it');
        }),
        check('third', async () => {
          throw new Error('boom');
        }),
      ],
      defaultContext(),
      { clock, onResult: (o) => seen.push(o.name) },
    );
    expect(seen).toEqual(['first', 'second', 'third']);
    expect(outcomes.map((o) => formatOutcome(o))).toEqual([
      ' ✓ first: fine',
      ' ✗ second: broken (1.5s)\n     fix: mend it',
      ' ✗ third: the check failed: boom\n     fix: run with SEEDBED_DEBUG=1 and report it',
    ]);
  });
});
