/**
 * Integration (slow): every shipped scenario runs on the local provider and
 * must pass; a failure shows each step's message. Reports land in reports/scenarios.
 * One retry, for the timing of real control planes on a loaded 2-core machine;
 * the first failure stays in the log.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario, scenarioNames } from '@seedbed/landscape';

describe('scenarios', { retry: 1 }, () => {
  it.each(scenarioNames())('%s', async (name) => {
    const report = await runScenario(await loadScenario(name), { reportDir: 'reports/scenarios' });
    const summary = [...report.steps.map((s) => `${s.passed ? 'PASS' : 'FAIL'} ${s.title}${s.message ? `: ${s.message}` : ''}`), report.error ?? ''].join('\n');
    expect(report.passed, summary).toBe(true);
    expect(report.error, summary).toBeUndefined();
  }, 300_000);
});
