/**
 * The one Prometheus text exposition writer: families with HELP and TYPE,
 * then their samples; label values escaped (backslash, double quote,
 * newline), label names sorted so a label set renders one way.
 */

export type MetricLabels = Record<string, string>;

export interface MetricSample {
  /** Appended to the family name: `_bucket`, `_sum`, `_count` of a histogram. */
  suffix?: string;
  labels?: MetricLabels;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  samples: MetricSample[];
}

const escapeValue = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** `{a="x",b="y"}` with names sorted; empty for no labels. */
export function formatLabels(labels: MetricLabels = {}): string {
  const names = Object.keys(labels).sort();
  return names.length ? `{${names.map((n) => `${n}="${escapeValue(labels[n] ?? '')}"`).join(',')}}` : '';
}

export function renderPrometheus(families: readonly MetricFamily[]): string {
  const lines = families.flatMap((f) => [
    `# HELP ${f.name} ${escapeHelp(f.help)}`,
    `# TYPE ${f.name} ${f.type}`,
    ...f.samples.map((s) => `${f.name}${s.suffix ?? ''}${formatLabels(s.labels)} ${s.value}`),
  ]);
  return `${lines.join('\n')}\n`;
}
