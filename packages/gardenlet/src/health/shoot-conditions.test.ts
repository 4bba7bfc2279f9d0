import { describe, expect, it } from 'vitest';
import type { LastOperation } from '@seedbed/gardener-api';
import { computeConditions, computeStatusLabel, fullyObserved, nextThresholdExpiry, type HealthObservation } from './shoot-conditions.ts';

const healthy: HealthObservation = {
  apiserverReachable: true,
  components: { etcd: true, 'kube-apiserver': true, 'kube-controller-manager': true, 'kube-scheduler': true },
  nodes: [{ name: 'a', ready: true }],
  expectedNodes: 1,
  systemComponents: [{ name: 'coredns', desired: 2, available: 2 }],
};
const op = (state: LastOperation['state'], type: LastOperation['type'] = 'Create'): LastOperation => ({ type, state, progress: 100, description: '', lastUpdateTime: '' });
const status = (o: HealthObservation) => Object.fromEntries(computeConditions(o).map((c) => [c.type, c.status]));

describe('shoot conditions', () => {
  it('is healthy when everything runs and the last operation succeeded', () => {
    const conditions = computeConditions(healthy);
    expect(conditions.map((c) => [c.type, c.status])).toEqual([
      ['APIServerAvailable', 'True'],
      ['ControlPlaneHealthy', 'True'],
      ['EveryNodeReady', 'True'],
      ['SystemComponentsHealthy', 'True'],
    ]);
    expect(computeStatusLabel(conditions, op('Succeeded'))).toBe('healthy');
  });

  it('flips APIServerAvailable and ControlPlaneHealthy when kube-apiserver dies, and nodes become Unknown', () => {
    const o = { ...healthy, apiserverReachable: false, apiserverError: 'connect ECONNREFUSED', components: { ...healthy.components, 'kube-apiserver': false } };
    expect(status(o)).toMatchObject({ APIServerAvailable: 'False', ControlPlaneHealthy: 'False', EveryNodeReady: 'Unknown' });
    expect(computeStatusLabel(computeConditions(o), op('Succeeded'))).toBe('unhealthy');
  });

  it('reports missing and NotReady nodes by name', () => {
    const missing = computeConditions({ ...healthy, expectedNodes: 2 }).find((c) => c.type === 'EveryNodeReady')!;
    expect(missing).toMatchObject({ status: 'False', reason: 'MissingNodes', message: '1 of 2 nodes registered' });
    const notReady = computeConditions({ ...healthy, nodes: [{ name: 'a', ready: false }] }).find((c) => c.type === 'EveryNodeReady')!;
    expect(notReady.message).toBe('nodes not Ready: a');
  });

  it('is unknown before the first observation and progressing during creation', () => {
    const fresh = computeConditions({ components: {}, nodes: [], expectedNodes: 1 });
    expect(computeStatusLabel(fresh, op('Processing'))).toBe('unknown');
    expect(computeStatusLabel(computeConditions(healthy), op('Processing'))).toBe('progressing');
    expect(computeStatusLabel(computeConditions(healthy), op('Processing', 'Reconcile'))).toBe('healthy');
    expect(computeStatusLabel(computeConditions(healthy), op('Error'))).toBe('unhealthy');
  });

  it('reports briefly unavailable system components as Progressing before False, like Gardener\'s thresholds', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const healthyNow = computeConditions(healthy, [], t0);
    const lagging = { ...healthy, systemComponents: [{ name: 'coredns', desired: 2, available: 0 }] };
    const soon = computeConditions(lagging, healthyNow, new Date(t0.getTime() + 1_000));
    expect(soon.find((c) => c.type === 'SystemComponentsHealthy')!.status).toBe('Progressing');
    expect(computeStatusLabel(soon, op('Succeeded'))).toBe('progressing');
    expect(nextThresholdExpiry(soon, new Date(t0.getTime() + 2_000))).toBe(4_000);
    const later = computeConditions(lagging, soon, new Date(t0.getTime() + 7_000));
    expect(later.find((c) => c.type === 'SystemComponentsHealthy')!.status).toBe('False');
    // other conditions flip at once
    const down = computeConditions({ ...healthy, apiserverReachable: false }, healthyNow, new Date(t0.getTime() + 1));
    expect(down.find((c) => c.type === 'APIServerAvailable')!.status).toBe('False');
  });

  it('keeps the previous conditions until a new monitor has observed them, so a reconcile does not reset the shoot to Unknown', () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const before = computeConditions(healthy, [], t0);
    const fresh = computeConditions({ components: healthy.components, expectedNodes: 1 }, before, new Date(t0.getTime() + 1_000));
    expect(fresh).toEqual(before);
    // system components listed, nodes not yet (one informer is faster than the other): the nodes keep
    // their old state instead of counting as "0 of 1 registered"
    const half = computeConditions({ ...healthy, nodes: undefined }, before, new Date(t0.getTime() + 2_000));
    expect(half.find((c) => c.type === 'EveryNodeReady')).toEqual(before.find((c) => c.type === 'EveryNodeReady'));
    const other = computeConditions({ ...healthy, systemComponents: undefined, nodes: [] }, before, new Date(t0.getTime() + 2_000));
    expect(other.find((c) => c.type === 'EveryNodeReady')!.status).toBe('False');
    expect(other.find((c) => c.type === 'SystemComponentsHealthy')).toEqual(before.find((c) => c.type === 'SystemComponentsHealthy'));
    expect(status({ ...healthy, nodes: undefined }).EveryNodeReady).toBe('Unknown');
    // and a component lagging at the first observation after the reconcile is Progressing, not False
    const lagging = computeConditions({ ...healthy, systemComponents: [{ name: 'coredns', desired: 2, available: 0 }] }, fresh, new Date(t0.getTime() + 3_000));
    expect(lagging.find((c) => c.type === 'SystemComponentsHealthy')!.status).toBe('Progressing');
    // an unreachable API server is an observation, not a lack of one
    expect(status({ ...healthy, apiserverReachable: false, systemComponents: undefined })).toMatchObject({ APIServerAvailable: 'False', SystemComponentsHealthy: 'Unknown' });
  });

  it('moves lastTransitionTime only when a status changes', () => {
    const first = computeConditions(healthy, [], new Date('2026-01-01T00:00:00Z'));
    const same = computeConditions(healthy, first, new Date('2026-01-01T00:01:00Z'));
    expect(same[0]!.lastTransitionTime).toBe('2026-01-01T00:00:00.000Z');
    const changed = computeConditions({ ...healthy, apiserverReachable: false }, first, new Date('2026-01-01T00:02:00Z'));
    expect(changed[0]!.lastTransitionTime).toBe('2026-01-01T00:02:00.000Z');
  });
});

describe('kubelet serving certificates in the conditions', () => {
  const now = new Date('2026-12-01T10:00:00Z');
  const cert = (notAfter: string) => ({ csr: 'csr-a', serialNumber: 'AB', notAfter, sans: ['a'] });
  type ServingNodes = NonNullable<Extract<HealthObservation['kubeletServing'], { enabled: true }>['nodes']>;
  const withServing = (nodes: ServingNodes, approverRunning = true): HealthObservation => ({
    ...healthy,
    kubeletServing: { enabled: true, approverRunning, nodes },
  });
  const nodeCondition = (o: HealthObservation) => computeConditions(o, [], now).find((c) => c.type === 'EveryNodeReady')!;

  it('counts a node with a valid certificate as ready', () => {
    expect(nodeCondition(withServing([{ node: 'a', current: cert('2026-12-02T00:00:00Z'), issued: 1 }]))).toMatchObject({ status: 'True', reason: 'EveryNodeReady' });
  });

  it('names the node and why: no CSR, denied with the reason, expired', () => {
    expect(nodeCondition(withServing([{ node: 'a', issued: 0 }])).message).toBe('nodes without a valid kubelet serving certificate: a (no kubelet-serving CSR)');
    expect(nodeCondition(withServing([{ node: 'a', issued: 0, latest: { csr: 'csr-d', state: 'Denied', reason: 'IpSanMismatch', message: 'wrong IP' } }])).message).toBe(
      'nodes without a valid kubelet serving certificate: a (CSR csr-d was denied (IpSanMismatch): wrong IP)',
    );
    expect(nodeCondition(withServing([{ node: 'a', current: cert('2026-12-01T09:00:00.000Z'), issued: 1 }]))).toMatchObject({
      status: 'False',
      message: 'nodes without a valid kubelet serving certificate: a (serving certificate AB expired at 2026-12-01T09:00:00.000Z)',
    });
  });

  it('is not judged before the CSRs were listed, and says when the component is disabled', () => {
    expect(nodeCondition({ ...healthy, kubeletServing: { enabled: true, approverRunning: true } })).toMatchObject({ status: 'Unknown' });
    expect(nodeCondition({ ...healthy, kubeletServing: { enabled: false, why: 'spec.kubernetes.kubelet.serverTLSBootstrap is false' } }).message).toBe(
      'All 1 nodes are ready. Kubelet serving certificates are disabled: spec.kubernetes.kubelet.serverTLSBootstrap is false.',
    );
  });

  it('turns SystemComponentsHealthy False at once (no progressing threshold) when the approver stops', () => {
    const before = computeConditions(withServing([{ node: 'a', current: cert('2026-12-02T00:00:00Z'), issued: 1 }]), [], now);
    const after = computeConditions(withServing([{ node: 'a', current: cert('2026-12-02T00:00:00Z'), issued: 1 }], false), before, now);
    expect(after.find((c) => c.type === 'SystemComponentsHealthy')).toMatchObject({ status: 'False', reason: 'ApproverNotRunning' });
  });

  it('is fully observed only once every condition was judged (a fresh shoot shows no Unknown flash)', () => {
    expect(fullyObserved({ components: healthy.components, expectedNodes: 1 })).toBe(false);
    expect(fullyObserved({ ...healthy, nodes: undefined })).toBe(false);
    expect(fullyObserved(healthy)).toBe(true);
    // an unreachable API server is a verdict too: nodes and system components cannot be observed then
    expect(fullyObserved({ components: healthy.components, expectedNodes: 1, apiserverReachable: false })).toBe(true);
  });
});
