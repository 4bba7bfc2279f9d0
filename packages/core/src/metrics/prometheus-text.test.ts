import { describe, expect, it } from 'vitest';
import { formatLabels, renderPrometheus } from './prometheus-text.ts';

describe('renderPrometheus', () => {
  it('writes HELP, TYPE and samples, escaping label values and sorting label names', () => {
    const text = renderPrometheus([
      { name: 'x_total', type: 'counter', help: 'Things.\nMore.', samples: [{ labels: { reason: 'a "quoted"\\path\nline', kind: 'k' }, value: 2 }] },
      { name: 'lat', type: 'histogram', help: 'Latency.', samples: [{ suffix: '_bucket', labels: { le: '+Inf' }, value: 1 }, { suffix: '_count', value: 1 }] },
    ]);
    expect(text).toBe(
      [
        '# HELP x_total Things.\\nMore.',
        '# TYPE x_total counter',
        'x_total{kind="k",reason="a \\"quoted\\"\\\\path\\nline"} 2',
        '# HELP lat Latency.',
        '# TYPE lat histogram',
        'lat_bucket{le="+Inf"} 1',
        'lat_count 1',
        '',
      ].join('\n'),
    );
    expect(formatLabels({})).toBe('');
  });
});
