/**
 * kwok configuration: the Stage objects that drive simulated nodes and pods.
 * Nodes become Ready and
 * renew their lease; pods scheduled to a node get IPs from that node's
 * podCIDRs (one per family, as kube-controller-manager allocated them) and
 * run; deleted pods go away. Pods are simulated: no container runs.
 */
import { stringify } from 'yaml';

export const NODE_HEARTBEAT_INTERVAL_MS = 20_000;

// No `addresses` here: seedbed registers nodes with them, and a strategic merge
// patch (merge key: type) would duplicate a dual-stack node's two InternalIPs.
const nodeStatus = `{{ $now := Now }}
conditions:
{{ range NodeConditions }}
- lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $now | Quote }}
  message: {{ .message | Quote }}
  reason: {{ .reason | Quote }}
  status: {{ .status | Quote }}
  type: {{ .type | Quote }}
{{ end }}
allocatable:
{{ with .status.allocatable }}{{ YAML . 1 }}{{ else }}  cpu: "32"
  memory: 256Gi
  pods: "110"{{ end }}
capacity:
{{ with .status.capacity }}{{ YAML . 1 }}{{ else }}  cpu: "32"
  memory: 256Gi
  pods: "110"{{ end }}
nodeInfo:
  architecture: amd64
  operatingSystem: linux
  kubeletVersion: {{ printf "kwok-%s" Version | Quote }}
  kubeProxyVersion: {{ printf "kwok-%s" Version | Quote }}
  containerRuntimeVersion: {{ printf "kwok-%s" Version | Quote }}
  kernelVersion: {{ printf "kwok-%s" Version | Quote }}
phase: Running
`;

// A pod that already has IPs keeps them: a pod re-readied after its node was briefly NotReady, or
// by a kwok restarted on existing data (whose IP pool starts empty), must not get a second IP per
// family (the API server rejects that) or a different one.
const podStatus = `{{ $now := Now }}
conditions:
{{ range list "Initialized" "Ready" "ContainersReady" "PodScheduled" }}
- lastTransitionTime: {{ $now | Quote }}
  status: "True"
  type: {{ . }}
{{ end }}
containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  name: {{ .name | Quote }}
  ready: true
  started: true
  restartCount: 0
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}
{{ if not .status.hostIPs }}
{{ with NodeIPsWith .spec.nodeName }}
hostIP: {{ index . 0 | Quote }}
hostIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
{{ end }}
{{ if not .status.podIPs }}
{{ with PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
podIP: {{ index . 0 | Quote }}
podIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
{{ end }}
phase: Running
startTime: {{ or .status.startTime $now | Quote }}
`;

function stage(name: string, kind: 'Node' | 'Pod', matchExpressions: object[], next: object, delay?: object): object {
  return {
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: { resourceRef: { apiGroup: 'v1', kind }, selector: { matchExpressions }, ...(delay ? { delay } : {}), next },
  };
}

const readyStatus = (type: string) => `.status.conditions.[] | select( .type == "${type}" ) | .status`;

export function kwokStages(): object[] {
  return [
    stage('seedbed-node-initialize', 'Node', [{ key: readyStatus('Ready'), operator: 'NotIn', values: ['True'] }], { statusTemplate: nodeStatus }),
    stage(
      'seedbed-node-heartbeat',
      'Node',
      [
        { key: '.status.phase', operator: 'In', values: ['Running'] },
        { key: readyStatus('Ready'), operator: 'In', values: ['True'] },
      ],
      { statusTemplate: nodeStatus },
      { durationMilliseconds: NODE_HEARTBEAT_INTERVAL_MS, jitterDurationMilliseconds: NODE_HEARTBEAT_INTERVAL_MS + 5_000 },
    ),
    stage(
      'seedbed-pod-ready',
      'Pod',
      // Running pods too: when a node was briefly NotReady, kube-controller-manager marks its pods
      // NotReady; a kubelet would report them ready again, and so does this stage
      [
        { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
        { key: '.status.phase', operator: 'In', values: ['Pending', 'Running'] },
        { key: readyStatus('Ready'), operator: 'NotIn', values: ['True'] },
      ],
      { statusTemplate: podStatus },
    ),
    stage('seedbed-pod-delete', 'Pod', [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }], { delete: true }),
  ];
}

/** The multi-document YAML passed to `kwok --config` (kwok's own options keep their defaults). */
export function renderKwokConfig(): string {
  return kwokStages().map((doc) => stringify(doc)).join('---\n');
}
