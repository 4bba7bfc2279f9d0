/**
 * Benchmark and test helper: what the API server itself says about the
 * approver's requests — its request-duration histogram for approval writes
 * (`apiserver_request_duration_seconds`, PUT certificatesigningrequests/approval,
 * from /metrics) and the FlowSchema API Priority and Fairness classified a
 * request into (the X-Kubernetes-PF-FlowSchema-UID response header).
 */
import { request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

async function get(kc: KubeConfig, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(path, kc.getCurrentCluster()!.server);
  const options: Parameters<KubeConfig['applyToHTTPSOptions']>[0] = { method: 'GET', hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path: `${url.pathname}${url.search}`, agent: false };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(options as Parameters<typeof request>[0], (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The UID of the FlowSchema the API server put a GET of `path` by this identity into. */
export async function classifiedFlowSchema(kc: KubeConfig, path: string): Promise<string | undefined> {
  const res = await get(kc, path);
  const uid = res.headers['x-kubernetes-pf-flowschema-uid'];
  return Array.isArray(uid) ? uid[0] : uid;
}

/** Cumulative bucket counts by upper bound (seconds), +Inf included. */
export class Histogram {
  constructor(readonly buckets: ReadonlyMap<number, number>) {}

  minus(earlier: Histogram): Histogram {
    return new Histogram(new Map([...this.buckets].map(([le, n]) => [le, n - (earlier.buckets.get(le) ?? 0)])));
  }

  get count(): number {
    return this.buckets.get(Infinity) ?? 0;
  }

  /** The upper bound of the bucket holding the p-th percentile (seconds); what a histogram can say. */
  quantileBound(p: number): number {
    const rank = (p / 100) * this.count;
    for (const [le, n] of [...this.buckets].sort((a, b) => a[0] - b[0])) if (n >= rank) return le;
    return Infinity;
  }
}

/** A histogram from the API server's /metrics, summed over the series whose labels include all of `labels`. */
export async function apiServerHistogram(admin: KubeConfig, metric: string, labels: Record<string, string>): Promise<Histogram> {
  const { body } = await get(admin, '/metrics');
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const buckets = new Map<number, number>();
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${metric}_bucket{`) || !wanted.every((w) => line.includes(w))) continue;
    const match = /le="([^"]+)"\} (\d+)/.exec(line);
    if (!match) continue;
    const le = match[1] === '+Inf' ? Infinity : Number(match[1]);
    buckets.set(le, (buckets.get(le) ?? 0) + Number(match[2]));
  }
  return new Histogram(buckets);
}

/** How long the API server took for PUT certificatesigningrequests/approval, as it measures it. */
export const approvalWriteHistogram = (admin: KubeConfig) =>
  apiServerHistogram(admin, 'apiserver_request_duration_seconds', { resource: 'certificatesigningrequests', subresource: 'approval', verb: 'PUT' });

/** How long requests of a priority level waited in API Priority and Fairness queues before they ran. */
export const flowControlWaitHistogram = (admin: KubeConfig, priorityLevel: string) =>
  apiServerHistogram(admin, 'apiserver_flowcontrol_request_wait_duration_seconds', { priority_level: priorityLevel, execute: 'true' });
