import { describe, expect, it } from 'vitest';
import { ApproverMetrics, percentile } from './approver-metrics.ts';

describe('ApproverMetrics', () => {
  it('counts decisions by reason and reports latency percentiles', () => {
    const m = new ApproverMetrics();
    for (let i = 1; i <= 100; i++) m.recordDecision(i % 10 === 0 ? 'deny' : 'approve', i % 20 === 0 ? 'DnsSanMismatch' : 'IpSanMismatch', i);
    m.recordError('conflict');
    const s = m.snapshot();
    expect(s.approved).toBe(90);
    expect(s.denied).toEqual({ IpSanMismatch: 5, DnsSanMismatch: 5 });
    expect(s.errors).toEqual({ conflict: 1 });
    expect(s.latencyMs).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
  });

  it('renders Prometheus text with cumulative buckets', () => {
    const m = new ApproverMetrics();
    m.recordDecision('approve', 'x', 3);
    m.recordDecision('deny', 'NodeNotFound', 40);
    const text = m.render();
    expect(text).toContain('seedbed_csr_approver_decisions_total{decision="approved",reason="SeedbedKubeletServingApproved"} 1');
    expect(text).toContain('seedbed_csr_approver_decisions_total{decision="denied",reason="NodeNotFound"} 1');
    expect(text).toContain('seedbed_csr_approver_decision_duration_seconds_bucket{le="0.001"} 0');
    expect(text).toContain('seedbed_csr_approver_decision_duration_seconds_bucket{le="0.005"} 1');
    expect(text).toContain('seedbed_csr_approver_decision_duration_seconds_bucket{le="0.05"} 2');
    expect(text).toContain('seedbed_csr_approver_decision_duration_seconds_bucket{le="+Inf"} 2');
    expect(text).toContain('seedbed_csr_approver_decision_duration_seconds_count 2');
  });

  it('percentile uses nearest rank', () => {
    expect(percentile([], 50)).toBe(0);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 99)).toBe(4);
  });
});
