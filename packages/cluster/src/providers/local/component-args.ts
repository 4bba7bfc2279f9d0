/**
 * Command lines of the control-plane components, derived from the cluster
 * config alone (pure functions, unit-tested per family). Everything binds to
 * the loopback address of the primary family; IPv6 URLs are bracketed.
 */
import { join } from 'node:path';
import { hostPort } from '@seedbed/core';
import type { IpFamily } from '../../config/cidr.ts';
import type { ClusterConfig } from '../../config/kind-config.ts';
import type { ClusterPki } from './cluster-pki.ts';

export const LOOPBACK: Record<IpFamily, string> = { ipv4: '127.0.0.1', ipv6: '::1' };
export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** Seconds kube-controller-manager waits for a node heartbeat before marking it NotReady. */
export const NODE_MONITOR_GRACE_SECONDS = 40;
/** API request rate kube-controller-manager may use (client-go default: 20). */
export const CONTROLLER_MANAGER_QPS = 200;
/** The annotation kwok selects its nodes by. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
}

export interface Layout {
  stateDir: string;
  pki: ClusterPki;
  kubeconfigs: { admin: string; controllerManager: string; scheduler: string; kwok: string };
  kwokConfig: string;
}

export interface ComponentCommand {
  name: 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';
  args: string[];
}

export function primaryHost(config: ClusterConfig): string {
  return LOOPBACK[config.families[0]!];
}

export function apiserverUrl(config: ClusterConfig, ports: Ports): string {
  return `https://${hostPort(primaryHost(config), ports.apiserver)}`;
}

export function etcdUrl(config: ClusterConfig, port: number): string {
  return `http://${hostPort(primaryHost(config), port)}`;
}

export function etcdArgs(config: ClusterConfig, ports: Ports, layout: Layout): ComponentCommand {
  const client = etcdUrl(config, ports.etcdClient);
  const peer = etcdUrl(config, ports.etcdPeer);
  return {
    name: 'etcd',
    args: [
      `--name=${config.name}`,
      `--data-dir=${join(layout.stateDir, 'etcd')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=${config.name}=${peer}`,
      // a throwaway development cluster: trade durability for speed
      '--unsafe-no-fsync=true',
      '--quota-backend-bytes=2147483648',
      '--log-level=warn',
    ],
  };
}

export function apiserverArgs(config: ClusterConfig, ports: Ports, layout: Layout): ComponentCommand {
  const host = primaryHost(config);
  const { pki } = layout;
  const gates = Object.entries(config.featureGates).map(([k, v]) => `${k}=${v}`);
  return {
    name: 'kube-apiserver',
    args: [
      `--etcd-servers=${etcdUrl(config, ports.etcdClient)}`,
      `--bind-address=${host}`,
      `--advertise-address=${host}`,
      `--secure-port=${ports.apiserver}`,
      `--service-cluster-ip-range=${config.serviceSubnets.map((s) => s.text).join(',')}`,
      `--tls-cert-file=${pki.apiserver.cert}`,
      `--tls-private-key-file=${pki.apiserver.key}`,
      `--client-ca-file=${pki.caCert}`,
      `--kubelet-client-certificate=${pki.apiserverKubeletClient.cert}`,
      `--kubelet-client-key=${pki.apiserverKubeletClient.key}`,
      `--kubelet-certificate-authority=${pki.kubeletServingCa.cert}`,
      `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
      `--service-account-key-file=${pki.serviceAccountPub}`,
      `--service-account-signing-key-file=${pki.serviceAccountKey}`,
      '--authorization-mode=Node,RBAC',
      '--enable-admission-plugins=NodeRestriction',
      '--enable-bootstrap-token-auth=true',
      '--allow-privileged=true',
      '--profiling=false',
      '--v=1',
      ...(gates.length ? [`--feature-gates=${gates.join(',')}`] : []),
    ],
  };
}

export function controllerManagerArgs(config: ClusterConfig, ports: Ports, layout: Layout): ComponentCommand {
  const { pki } = layout;
  const masks = config.families.map((f) => `--node-cidr-mask-size-${f}=${config.nodeMasks[f]}`);
  return {
    name: 'kube-controller-manager',
    args: [
      `--kubeconfig=${layout.kubeconfigs.controllerManager}`,
      `--authentication-kubeconfig=${layout.kubeconfigs.controllerManager}`,
      `--authorization-kubeconfig=${layout.kubeconfigs.controllerManager}`,
      `--bind-address=${primaryHost(config)}`,
      `--secure-port=${ports.controllerManager}`,
      `--cert-dir=${join(layout.stateDir, 'kube-controller-manager')}`,
      `--cluster-name=${config.name}`,
      '--leader-elect=false',
      '--controllers=*,bootstrapsigner,tokencleaner',
      '--use-service-account-credentials=false',
      `--service-account-private-key-file=${pki.serviceAccountKey}`,
      `--root-ca-file=${pki.caCert}`,
      // per-signer CAs (kube-controller-manager refuses --cluster-signing-{cert,key}-file next to these):
      // kubelet serving certificates get their own CA, every other signer the cluster CA
      ...signerFlags(pki),
      ...(config.signingDuration ? [`--cluster-signing-duration=${config.signingDuration}`] : []),
      '--allocate-node-cidrs=true',
      `--cluster-cidr=${config.podSubnets.map((s) => s.text).join(',')}`,
      `--service-cluster-ip-range=${config.serviceSubnets.map((s) => s.text).join(',')}`,
      ...masks,
      `--node-monitor-grace-period=${NODE_MONITOR_GRACE_SECONDS}s`,
      // client-go's default of 20 QPS throttles CSR signing and node IPAM on a busy dev cluster
      `--kube-api-qps=${CONTROLLER_MANAGER_QPS}`,
      `--kube-api-burst=${CONTROLLER_MANAGER_QPS * 2}`,
      '--v=1',
    ],
  };
}

/** The kube-controller-manager signers and the CA each signs with. */
export const CSR_SIGNERS = ['kubelet-serving', 'kubelet-client', 'kube-apiserver-client', 'legacy-unknown'] as const;

function signerFlags(pki: ClusterPki): string[] {
  return CSR_SIGNERS.flatMap((signer) => {
    const ca = signer === 'kubelet-serving' ? pki.kubeletServingCa : { cert: pki.caCert, key: pki.caKey };
    return [`--cluster-signing-${signer}-cert-file=${ca.cert}`, `--cluster-signing-${signer}-key-file=${ca.key}`];
  });
}

export function schedulerArgs(config: ClusterConfig, ports: Ports, layout: Layout): ComponentCommand {
  return {
    name: 'kube-scheduler',
    args: [
      `--kubeconfig=${layout.kubeconfigs.scheduler}`,
      `--authentication-kubeconfig=${layout.kubeconfigs.scheduler}`,
      `--authorization-kubeconfig=${layout.kubeconfigs.scheduler}`,
      `--bind-address=${primaryHost(config)}`,
      `--secure-port=${ports.scheduler}`,
      '--leader-elect=false',
      '--v=1',
    ],
  };
}

export function kwokArgs(_config: ClusterConfig, _ports: Ports, layout: Layout): ComponentCommand {
  return {
    name: 'kwok',
    args: [
      `--kubeconfig=${layout.kubeconfigs.kwok}`,
      `--config=${layout.kwokConfig}`,
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      '--manage-all-nodes=false',
      '--node-lease-duration-seconds=40',
      // no kubelet endpoint server: nothing on this machine should reach simulated nodes
      '--server-address=',
    ],
  };
}
