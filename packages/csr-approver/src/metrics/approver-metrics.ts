/**
 * The approver's metrics: decisions by outcome and reason, API errors, and
 * decision latency (from the watch event that queued a CSR to the approval
 * or denial being written) as a histogram. Rendered in the Prometheus text
 * exposition format, or read as a snapshot with percentiles.
 */
import { renderPrometheus } from '@seedbed/core';

export const METRIC_DECISIONS = 'seedbed_csr_approver_decisions_total';
export const METRIC_ERRORS = 'seedbed_csr_approver_errors_total';
export const METRIC_LATENCY = 'seedbed_csr_approver_decision_duration_seconds';
/** Histogram buckets in seconds. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Latencies kept for exact percentiles in snapshots (oldest dropped beyond). */
export const LATENCY_SAMPLES = 100_000;

export interface MetricsSnapshot {
  approved: number;
  denied: Record<string, number>;
  errors: Record<string, number>;
  latencyMs: { count: number; p50: number; p99: number; max: number };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export class ApproverMetrics {
  private approved = 0;
  private readonly denied = new Map<string, number>();
  private readonly errors = new Map<string, number>();
  private readonly buckets = LATENCY_BUCKETS.map(() => 0);
  private latencySum = 0;
  private latencyCount = 0;
  private samples: number[] = [];

  recordDecision(action: 'approve' | 'deny', reason: string, latencyMs: number): void {
    if (action === 'approve') this.approved++;
    else this.denied.set(reason, (this.denied.get(reason) ?? 0) + 1);
    const seconds = latencyMs / 1000;
    LATENCY_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.buckets[i]!++;
    });
    this.latencySum += seconds;
    this.latencyCount++;
    this.samples.push(latencyMs);
    if (this.samples.length > LATENCY_SAMPLES) this.samples = this.samples.slice(-LATENCY_SAMPLES);
  }

  recordError(kind: string): void {
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
  }

  snapshot(): MetricsSnapshot {
    const sorted = [...this.samples].sort((a, b) => a - b);
    return {
      approved: this.approved,
      denied: Object.fromEntries(this.denied),
      errors: Object.fromEntries(this.errors),
      latencyMs: { count: this.latencyCount, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? 0 },
    };
  }

  render(): string {
    return renderPrometheus([
      {
        name: METRIC_DECISIONS,
        type: 'counter',
        help: 'Kubelet serving CSRs decided, by decision and reason.',
        samples: [
          { labels: { decision: 'approved', reason: 'SeedbedKubeletServingApproved' }, value: this.approved },
          ...[...this.denied].map(([reason, value]) => ({ labels: { decision: 'denied', reason }, value })),
        ],
      },
      { name: METRIC_ERRORS, type: 'counter', help: 'Failed API calls and informer restarts, by kind.', samples: [...this.errors].map(([kind, value]) => ({ labels: { kind }, value })) },
      {
        name: METRIC_LATENCY,
        type: 'histogram',
        help: 'Time from the watch event that queued a CSR to its decision being written.',
        samples: [
          ...LATENCY_BUCKETS.map((le, i) => ({ suffix: '_bucket', labels: { le: String(le) }, value: this.buckets[i]! })),
          { suffix: '_bucket', labels: { le: '+Inf' }, value: this.latencyCount },
          { suffix: '_sum', value: this.latencySum },
          { suffix: '_count', value: this.latencyCount },
        ],
      },
    ]);
  }
}
