/**
 * What the kind integration tests run inside a real cluster: a Deployment of
 * the locally built netcheck image (tools/netcheck, loaded with `kind load`)
 * spread over both nodes, a Service of the cluster's families, and commands
 * executed in its pods (fetch another pod, resolve a name through CoreDNS).
 */
import { AppsV1Api, CoreV1Api, type V1Deployment, type V1Node, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { resolveBinaries } from '@seedbed/binaries';
import { Wait, runCommand } from '@seedbed/core';
import { importBinaryImage, type Engine } from '@seedbed/engine';
import type { ClusterConfig } from '../config/kind-config.ts';
import { loadKubeConfig } from '../kube/kube-client.ts';

export const NETCHECK = 'netcheck';
export const NETCHECK_PORT = 8080;
export const NAMESPACE = 'default';

/** seedbed/netcheck:<source hash>, imported into the engine from the static binary. */
export async function netcheckImage(engine: Engine): Promise<string> {
  const binaries = await resolveBinaries({ names: ['netcheck'] });
  return importBinaryImage(engine, { binary: binaries.path('netcheck'), image: `seedbed/netcheck:${binaries.versions.netcheck}`, entrypoint: true });
}

/** `http://IP:PORT/` with IPv6 literals bracketed. */
export function url(ip: string, port = NETCHECK_PORT, host?: string): string {
  return `http://${host ?? (ip.includes(':') ? `[${ip}]` : ip)}:${port}/`;
}

export class KindCluster {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;

  constructor(
    readonly config: ClusterConfig,
    readonly kubeconfig: string,
  ) {
    const kc = loadKubeConfig(kubeconfig);
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
  }

  async nodes(): Promise<V1Node[]> {
    return (await this.core.listNode()).items;
  }

  /** Waits until every kube-system pod is Running (and there are some); returns them. */
  async systemPodsRunning(timeoutMs = 180_000): Promise<V1Pod[]> {
    let last: V1Pod[] = [];
    return new Wait({
      what: `every kube-system pod of ${this.config.name} Running`,
      timeoutMs,
      intervalMs: 1_000,
      component: { name: 'kube-system pods', logTail: () => last.map((p) => `${p.metadata?.name}: ${p.status?.phase} ${p.status?.containerStatuses?.map((c) => JSON.stringify(c.state)).join(' ') ?? ''}`) },
    }).until(async () => {
      last = (await this.core.listNamespacedPod({ namespace: 'kube-system' })).items;
      return last.length > 0 && last.every((p) => p.status?.phase === 'Running') ? last : undefined;
    });
  }

  /** A Deployment of two netcheck pods, one per node (the control plane's taint tolerated), and its NodePort Service. */
  async deployNetcheck(image: string): Promise<{ pods: V1Pod[]; service: V1Service }> {
    const labels = { app: NETCHECK };
    const deployment: V1Deployment = {
      metadata: { name: NETCHECK, labels },
      spec: {
        replicas: this.config.nodes.length,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
            affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' }] } },
            containers: [{ name: NETCHECK, image, imagePullPolicy: 'Never', args: ['serve', `:${NETCHECK_PORT}`], ports: [{ containerPort: NETCHECK_PORT }] }],
          },
        },
      },
    };
    await this.apps.createNamespacedDeployment({ namespace: NAMESPACE, body: deployment });
    const dual = this.config.families.length === 2;
    const service: V1Service = {
      metadata: { name: NETCHECK },
      spec: {
        // NodePort: also reachable from next to the cluster, on the node addresses of the kind network
        type: 'NodePort',
        selector: labels,
        ports: [{ port: NETCHECK_PORT, targetPort: NETCHECK_PORT }],
        ipFamilyPolicy: dual ? 'RequireDualStack' : 'SingleStack',
        ipFamilies: this.config.families.map((f) => (f === 'ipv4' ? 'IPv4' : 'IPv6')),
      },
    };
    const created = await this.core.createNamespacedService({ namespace: NAMESPACE, body: service });
    let last: V1Pod[] = [];
    const pods = await new Wait({
      what: `${this.config.nodes.length} netcheck pods Running and Ready in ${this.config.name}`,
      timeoutMs: 120_000,
      intervalMs: 1_000,
      component: { name: 'netcheck pods', logTail: () => last.map((p) => `${p.metadata?.name} on ${p.spec?.nodeName}: ${p.status?.phase} ${JSON.stringify(p.status?.containerStatuses?.[0]?.state)}`) },
    }).until(async () => {
      last = (await this.core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: `app=${NETCHECK}` })).items;
      const ready = last.filter((p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return ready.length === this.config.nodes.length ? ready : undefined;
    });
    return { pods, service: created };
  }

  /** Runs netcheck in a pod (kubectl exec) and returns its output. */
  async netcheck(pod: V1Pod, args: string[]): Promise<string> {
    const binaries = await resolveBinaries({ names: ['kubectl'] });
    const { stdout } = await runCommand(binaries.path('kubectl'), ['--kubeconfig', this.kubeconfig, 'exec', '-n', NAMESPACE, pod.metadata!.name!, '--', `/${NETCHECK}`, ...args]);
    return stdout.trim();
  }
}
