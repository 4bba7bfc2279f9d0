export {
  KUBELET_SERVING_SIGNER,
  KUBELET_CLIENT_SIGNER,
  KUBELET_SERVING_USAGES,
  KUBELET_SERVING_USAGE_SETS,
  KUBELET_CLIENT_USAGES,
  NODE_USER_PREFIX,
  NODES_GROUP,
  nodeUser,
  servingNames,
  normaliseNames,
  type ServingNames,
} from './csr/kubelet-serving.ts';
export { parseCertificateRequest, type RequestFacts, type ParsedRequest } from './csr/certificate-request.ts';
export { buildCertificateRequest, generateKey, x509IpText, type RequestSpec, type BuiltRequest } from './csr/request-builder.ts';
export { DEFAULT_POLICY, DEFAULT_MAX_EXPIRATION_SECONDS, resolvePolicy, type ApprovalPolicy, type PolicyInput } from './decision/approval-policy.ts';
export { decide, isDecided, nodeNameOf, DENIAL_REASONS, APPROVAL_REASON, type Decision, type DenialReason } from './decision/decide.ts';
export { CsrApprover, DEFAULT_WORKERS, MAX_CONFLICT_RETRIES, type CsrApproverOptions, type ApproverEvent } from './controller/csr-approver.ts';
export { ResilientInformer, type InformerOptions } from './kube/resilient-informer.ts';
export { ApproverMetrics, percentile, METRIC_DECISIONS, METRIC_LATENCY, METRIC_ERRORS, type MetricsSnapshot } from './metrics/approver-metrics.ts';
export { approverRbac, APPROVER_ROLE_NAME } from './rbac/approver-rbac.ts';
export { approverFlowControl, APPROVER_PRIORITY_LEVEL, APPROVER_FLOW_SCHEMA, APPROVER_MATCHING_PRECEDENCE } from './flowcontrol/approver-flow-control.ts';
export { csrApproverCommand } from './cli/csr-approver-command.ts';
