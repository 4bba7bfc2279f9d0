/**
 * API Priority and Fairness for the approver, as an operator would deploy
 * it (flowcontrol.apiserver.k8s.io/v1): a PriorityLevelConfiguration of its
 * own, with seats it does not lend, and a FlowSchema that puts every request
 * of the approver's identity there — ahead of `system-nodes` (precedence
 * 500), so a burst of node CSR creations cannot queue the approver behind
 * it. Without this an ordinary user lands in `global-default`, the smallest
 * of the default priority levels.
 */
import type { V1FlowSchema, V1PriorityLevelConfiguration } from '@kubernetes/client-node';
import { APPROVER_ROLE_NAME } from '../rbac/approver-rbac.ts';

export const APPROVER_PRIORITY_LEVEL = 'seedbed-csr-approver';
export const APPROVER_FLOW_SCHEMA = 'seedbed-csr-approver';
/** Ahead of the built-in system-nodes (500) and global-default (9900). */
export const APPROVER_MATCHING_PRECEDENCE = 450;
/** Like the built-in workload-high: 40 shares of the server's concurrency. */
export const APPROVER_CONCURRENCY_SHARES = 40;

export function approverFlowControl(subject: { kind: 'User' | 'ServiceAccount' | 'Group'; name: string; namespace?: string }): [V1PriorityLevelConfiguration, V1FlowSchema] {
  const flowSubject =
    subject.kind === 'User'
      ? { kind: 'User', user: { name: subject.name } }
      : subject.kind === 'Group'
        ? { kind: 'Group', group: { name: subject.name } }
        : { kind: 'ServiceAccount', serviceAccount: { name: subject.name, namespace: subject.namespace ?? 'default' } };
  return [
    {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
      kind: 'PriorityLevelConfiguration',
      metadata: { name: APPROVER_PRIORITY_LEVEL, labels: { 'app.kubernetes.io/name': APPROVER_ROLE_NAME.replace(':', '-') } },
      spec: {
        type: 'Limited',
        limited: {
          nominalConcurrencyShares: APPROVER_CONCURRENCY_SHARES,
          lendablePercent: 0,
          limitResponse: { type: 'Queue', queuing: { queues: 1, handSize: 1, queueLengthLimit: 200 } },
        },
      },
    },
    {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
      kind: 'FlowSchema',
      metadata: { name: APPROVER_FLOW_SCHEMA, labels: { 'app.kubernetes.io/name': APPROVER_ROLE_NAME.replace(':', '-') } },
      spec: {
        priorityLevelConfiguration: { name: APPROVER_PRIORITY_LEVEL },
        matchingPrecedence: APPROVER_MATCHING_PRECEDENCE,
        distinguisherMethod: { type: 'ByUser' },
        rules: [
          {
            subjects: [flowSubject],
            resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*'] }],
          },
        ],
      },
    },
  ];
}
