/** The result of a scenario run, and its JSON and JUnit XML renderings. */
import type { Shoot } from '@seedbed/gardener-api';
import { summarize } from '../scenario/expectations.ts';

export interface StepResult {
  title: string;
  passed: boolean;
  durationMs: number;
  message?: string;
}

export interface ShootRow {
  name: string;
  families: string;
  seed: string;
  operation: string;
  progress: number;
  status: string;
  conditions: string;
}

export interface ScenarioReport {
  name: string;
  description: string;
  cluster: string;
  provider: string;
  passed: boolean;
  startedAt: string;
  durationMs: number;
  steps: StepResult[];
  shoots: ShootRow[];
  facts: Record<string, unknown>;
  error?: string;
}

export function shootRow(shoot: Shoot): ShootRow {
  const op = shoot.status?.lastOperation;
  return {
    name: shoot.metadata.name,
    families: (shoot.spec.networking?.ipFamilies ?? ['IPv4']).join(','),
    seed: shoot.spec.seedName ?? '-',
    operation: op ? `${op.type} ${op.state}` : '-',
    progress: op?.progress ?? 0,
    status: shoot.metadata.labels?.['shoot.gardener.cloud/status'] ?? '-',
    conditions: summarize(shoot).split('; ').slice(1).join('; '),
  };
}

export function readinessTable(rows: ShootRow[]): string {
  const header = ['SHOOT', 'FAMILIES', 'SEED', 'OPERATION', 'PROGRESS', 'STATUS'];
  const data = rows.map((r) => [r.name, r.families, r.seed, r.operation, `${r.progress}%`, r.status]);
  const widths = header.map((h, i) => Math.max(h.length, ...data.map((d) => d[i]!.length)));
  return [header, ...data].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function junitXml(report: ScenarioReport): string {
  const failures = report.steps.filter((s) => !s.passed).length + (report.error && report.steps.every((s) => s.passed) ? 1 : 0);
  const cases = report.steps.map((s) => {
    const body = s.passed ? '' : `<failure message="${xml((s.message ?? 'failed').split('\n')[0]!)}">${xml(s.message ?? '')}</failure>`;
    return `    <testcase classname="scenario.${xml(report.name)}" name="${xml(s.title)}" time="${(s.durationMs / 1000).toFixed(3)}">${body}</testcase>`;
  });
  if (report.error && report.steps.every((s) => s.passed)) {
    cases.push(`    <testcase classname="scenario.${xml(report.name)}" name="landscape" time="0"><failure message="${xml(report.error.split('\n')[0]!)}">${xml(report.error)}</failure></testcase>`);
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="seedbed scenarios" tests="${cases.length}" failures="${failures}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${xml(report.name)}" tests="${cases.length}" failures="${failures}" time="${(report.durationMs / 1000).toFixed(3)}" timestamp="${report.startedAt}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
