import { describe, expect, it } from 'vitest';
import { METRIC_NAMES, Metrics } from './metrics.ts';

describe('Metrics', () => {
  it('renders every family, with labels, in the Prometheus text format', () => {
    const metrics = new Metrics();
    metrics.inc(METRIC_NAMES.hits, { kind: 'blob' });
    metrics.inc(METRIC_NAMES.hits, { kind: 'blob' });
    metrics.inc(METRIC_NAMES.bytesServed, { source: 'upstream' }, 1024);
    metrics.inc(METRIC_NAMES.upstreamErrors, { upstream: 'docker.io', reason: 'say "hi"' });
    const text = metrics.render();
    expect(text).toContain('# TYPE registry_cache_hits_total counter');
    expect(text).toContain('registry_cache_hits_total{kind="blob"} 2');
    expect(text).toContain('registry_cache_bytes_served_total{source="upstream"} 1024');
    expect(text).toContain('registry_cache_upstream_errors_total{reason="say \\"hi\\"",upstream="docker.io"} 1');
    expect(text).toContain('registry_cache_fills_in_flight 0');
    expect(text).toContain('registry_cache_disk_full_passthrough_total 0');
    expect(metrics.total(METRIC_NAMES.hits)).toBe(2);
  });
});
