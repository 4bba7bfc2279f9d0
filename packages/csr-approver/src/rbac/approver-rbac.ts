/**
 * The RBAC the approver needs on any cluster (kind included): read and watch
 * CSRs and Nodes, write the approval subresource, and `approve` for the
 * kubelet-serving signer only.
 */
import type { V1ClusterRole, V1ClusterRoleBinding } from '@kubernetes/client-node';
import { KUBELET_SERVING_SIGNER } from '../csr/kubelet-serving.ts';

export const APPROVER_ROLE_NAME = 'seedbed:csr-approver';

export function approverRbac(subject: { kind: 'User' | 'ServiceAccount' | 'Group'; name: string; namespace?: string }): [V1ClusterRole, V1ClusterRoleBinding] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: APPROVER_ROLE_NAME },
      rules: [
        { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests/approval'], verbs: ['update'] },
        { apiGroups: ['certificates.k8s.io'], resources: ['signers'], resourceNames: [KUBELET_SERVING_SIGNER], verbs: ['approve'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: APPROVER_ROLE_NAME },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: APPROVER_ROLE_NAME },
      subjects: [{ ...subject, ...(subject.kind === 'ServiceAccount' ? {} : { apiGroup: 'rbac.authorization.k8s.io' }) }],
    },
  ];
}
