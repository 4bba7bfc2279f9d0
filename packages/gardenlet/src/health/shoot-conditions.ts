/**
 * Shoot health as Gardener reports it: four conditions computed from what the
 * watches last saw, and the `shoot.gardener.cloud/status` label derived from
 * the conditions and the last operation. Pure functions, unit-tested.
 */
import type { Condition, ConditionStatus, LastOperation, ShootConditionType } from '@seedbed/gardener-api';
import { servingProblem, type NodeServingCertificates } from '../kubelet-certs/serving-certificates.ts';

export type ShootStatusLabel = 'healthy' | 'progressing' | 'unhealthy' | 'unknown';

export interface HealthObservation {
  /** undefined until the first list against the shoot API server finished or failed. */
  apiserverReachable?: boolean;
  apiserverError?: string;
  /** Control-plane component → running. */
  components: Record<string, boolean>;
  /** undefined until nodes were listed once. */
  nodes?: Array<{ name: string; ready: boolean }>;
  expectedNodes: number;
  /** undefined until system components were listed once. */
  systemComponents?: Array<{ name: string; desired: number; available: number }>;
  /**
   * The cert component: off (and why), or on with its approver's state and
   * each node's serving certificate (nodes undefined until CSRs were listed).
   */
  kubeletServing?: { enabled: false; why: string } | { enabled: true; approverRunning: boolean; nodes?: NodeServingCertificates[] };
}

/** `immediate`: no progressing threshold (a stopped approver is known at once, not a component still starting). */
type Verdict = { status: ConditionStatus; reason: string; message: string; immediate?: boolean };

/**
 * No ObservabilityComponentsHealthy: seedbed deploys no observability components (no Prometheus, Plutono or
 * Vali), and a condition that nothing could turn False would report health that was never checked.
 */
function verdicts(o: HealthObservation, now: number): Record<ShootConditionType, Verdict> {
  const apiserver: Verdict =
    o.apiserverReachable === undefined
      ? { status: 'Unknown', reason: 'HealthNotYetChecked', message: 'the API server has not been checked yet' }
      : o.apiserverReachable && o.components['kube-apiserver'] !== false
        ? { status: 'True', reason: 'HealthzRequestSucceeded', message: 'API server /healthz endpoint responded with success status code.' }
        : { status: 'False', reason: 'HealthzRequestFailed', message: `API server is not reachable: ${o.components['kube-apiserver'] === false ? 'the kube-apiserver process is not running' : (o.apiserverError ?? 'request failed')}` };
  const down = Object.entries(o.components).filter(([, up]) => !up).map(([name]) => name);
  const controlPlane: Verdict = down.length
    ? { status: 'False', reason: 'DeploymentUnhealthy', message: `control plane components not running: ${down.join(', ')}` }
    : { status: 'True', reason: 'ControlPlaneRunning', message: 'All control plane components are healthy.' };
  const notReady = (o.nodes ?? []).filter((n) => !n.ready).map((n) => n.name);
  // a node without an issued, unexpired serving certificate is not counted as ready
  const serving = o.kubeletServing?.enabled ? o.kubeletServing.nodes : undefined;
  const uncertified = (serving ?? []).flatMap((n) => {
    const problem = servingProblem(n, now);
    return problem ? [`${n.node} (${problem})`] : [];
  });
  const servingNote = o.kubeletServing && !o.kubeletServing.enabled ? ` Kubelet serving certificates are disabled: ${o.kubeletServing.why}.` : '';
  const nodes: Verdict =
    !o.apiserverReachable
      ? { status: 'Unknown', reason: 'NodesNotObservable', message: 'nodes cannot be observed while the API server is unavailable' }
      : o.nodes === undefined || (o.kubeletServing?.enabled && serving === undefined)
        ? { status: 'Unknown', reason: 'NodesNotObservable', message: `${o.nodes === undefined ? 'nodes' : 'kubelet serving CSRs'} have not been listed yet` }
      : o.nodes.length < o.expectedNodes
        ? { status: 'False', reason: 'MissingNodes', message: `${o.nodes.length} of ${o.expectedNodes} nodes registered` }
        : notReady.length || uncertified.length
          ? { status: 'False', reason: 'NodesUnhealthy', message: [notReady.length ? `nodes not Ready: ${notReady.join(', ')}` : '', uncertified.length ? `nodes without a valid kubelet serving certificate: ${uncertified.join('; ')}` : ''].filter(Boolean).join('; ') }
          : { status: 'True', reason: 'EveryNodeReady', message: `All ${o.nodes.length} nodes are ready.${servingNote}` };
  const lagging = (o.systemComponents ?? []).filter((c) => c.available < c.desired);
  const system: Verdict =
    !o.apiserverReachable || o.systemComponents === undefined
      ? { status: 'Unknown', reason: 'SystemComponentsNotObservable', message: 'system components cannot be observed yet' }
      : o.systemComponents.length === 0
        ? { status: 'False', reason: 'SystemComponentsMissing', message: 'no system components are deployed' }
        : o.kubeletServing?.enabled && !o.kubeletServing.approverRunning
          ? { status: 'False', reason: 'ApproverNotRunning', message: 'the kubelet serving CSR approver is not running: no kubelet serving certificate can be issued or rotated', immediate: true }
        : lagging.length
          ? { status: 'False', reason: 'DeploymentUnhealthy', message: lagging.map((c) => `${c.name}: ${c.available}/${c.desired} available`).join(', ') }
          : { status: 'True', reason: 'SystemComponentsRunning', message: 'All system components are healthy.' };
  return {
    APIServerAvailable: apiserver,
    ControlPlaneHealthy: controlPlane,
    EveryNodeReady: nodes,
    SystemComponentsHealthy: system,
  };
}

/**
 * Like Gardener's care controller, a condition that turns False is first
 * reported as Progressing for a threshold, so a component that is briefly
 * unavailable (system components while a reconcile restarts the control
 * plane) is not called unhealthy. Only system components get one: API server,
 * control plane and node conditions must flip at once.
 */
export const PROGRESSING_THRESHOLDS_MS: Partial<Record<ShootConditionType, number>> = { SystemComponentsHealthy: 5_000 };

/**
 * Conditions a fresh monitor cannot judge yet (its first list is still
 * running). Gardener's care controller carries conditions over from one check
 * to the next; seedbed starts a new monitor after every reconcile, so until it
 * has observed a condition the shoot keeps what it had — instead of flashing
 * Unknown, and instead of a component that is briefly lagging right after the
 * reconcile going Unknown → False without the progressing threshold.
 */
function notYetObserved(o: HealthObservation): Set<ShootConditionType> {
  const pending = new Set<ShootConditionType>();
  if (o.apiserverReachable === undefined) pending.add('APIServerAvailable');
  const servingUnlisted = o.kubeletServing?.enabled && o.kubeletServing.nodes === undefined;
  if ((o.nodes === undefined || servingUnlisted) && o.apiserverReachable !== false) pending.add('EveryNodeReady');
  if (o.systemComponents === undefined && o.apiserverReachable !== false) pending.add('SystemComponentsHealthy');
  return pending;
}

/** Whether the monitor has judged every condition at least once (its first lists are in). */
export function fullyObserved(o: HealthObservation): boolean {
  return notYetObserved(o).size === 0;
}

/** New conditions; lastTransitionTime only moves when a status changes. */
export function computeConditions(o: HealthObservation, previous: Condition[] = [], now = new Date()): Condition[] {
  const stamp = now.toISOString();
  const pending = notYetObserved(o);
  return Object.entries(verdicts(o, now.getTime())).map(([type, { immediate, ...verdict }]) => {
    const before = previous.find((c) => c.type === type);
    if (before && pending.has(type as ShootConditionType)) return before;
    const threshold = PROGRESSING_THRESHOLDS_MS[type as ShootConditionType];
    let v = verdict;
    if (verdict.status === 'False' && !immediate && threshold !== undefined && (before?.status === 'True' || before?.status === 'Progressing')) {
      const since = before.status === 'Progressing' ? Date.parse(before.lastTransitionTime) : now.getTime();
      if (now.getTime() - since < threshold) v = { ...verdict, status: 'Progressing' };
    }
    const changed = !before || before.status !== v.status;
    return { type, ...v, lastTransitionTime: changed ? stamp : before.lastTransitionTime, lastUpdateTime: changed || before.message !== v.message ? stamp : before.lastUpdateTime };
  });
}

const SEVERITY: Record<ShootStatusLabel, number> = { healthy: 0, progressing: 1, unknown: 2, unhealthy: 3 };

/** Gardener's shoot status: the worst of the conditions and the last operation. */
export function computeStatusLabel(conditions: Condition[], lastOperation?: LastOperation): ShootStatusLabel {
  let worst: ShootStatusLabel = 'healthy';
  const raise = (s: ShootStatusLabel) => {
    if (SEVERITY[s] > SEVERITY[worst]) worst = s;
  };
  if (!lastOperation || (lastOperation.state === 'Processing' && lastOperation.type !== 'Reconcile')) raise('progressing');
  if (lastOperation?.state === 'Error' || lastOperation?.state === 'Failed') raise('unhealthy');
  for (const c of conditions) {
    if (c.status === 'False') raise('unhealthy');
    else if (c.status === 'Unknown') raise('unknown');
    else if (c.status === 'Progressing') raise('progressing');
  }
  return worst;
}

/** When a Progressing condition will turn False if nothing changes (ms from now), for a re-check timer. */
export function nextThresholdExpiry(conditions: Condition[], now = new Date()): number | undefined {
  const due = conditions
    .filter((c) => c.status === 'Progressing' && PROGRESSING_THRESHOLDS_MS[c.type as ShootConditionType] !== undefined)
    .map((c) => Date.parse(c.lastTransitionTime) + PROGRESSING_THRESHOLDS_MS[c.type as ShootConditionType]! - now.getTime());
  return due.length ? Math.max(0, Math.min(...due)) : undefined;
}
