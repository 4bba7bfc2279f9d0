/**
 * The shoot flow's tasks for the cert component:
 *
 *   start-kube-apiserver ─┬─ start-csr-approver ───────┐
 *                         ├─ create-bootstrap-token ───┼─ start-node-agents
 *   register-nodes, start-kube-controller-manager ─────┘
 *
 * kube-controller-manager signs kubelet-serving CSRs with the shoot's own
 * kubelet-serving CA and kube-apiserver verifies kubelets against it (both
 * in the launcher's component arguments). start-node-agents ends once every
 * node serves with an issued certificate. A shoot that turned the component
 * off gets one task recording that in its status instead.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KubeRaw, loadKubeConfig, type ClusterConfig } from '@seedbed/cluster';
import type { Task } from '@seedbed/core';
import { shootPath, type Shoot } from '@seedbed/gardener-api';
import { bootstrapKubeConfig, createBootstrapToken } from '@seedbed/node-agent';
import type { KubeletServingSetting } from './kubelet-certs-config.ts';
import type { KubeletCertsRuntime, NodeAgentsSpec } from './kubelet-certs-runtime.ts';

export const NODE_AGENTS_TASK = 'start-node-agents';
/** Bootstrap tokens outlive the flow by far; nodes use them only until they hold a client certificate. */
export const BOOTSTRAP_TOKEN_TTL_MS = 3_600_000;

export interface KubeletCertsTaskOptions {
  shoot: Shoot;
  setting: KubeletServingSetting;
  config: ClusterConfig;
  /** The shoot's runtime directory. */
  dir: string;
  technicalId: string;
  seedRaw: KubeRaw;
  certs: KubeletCertsRuntime;
  /** The shoot's admin kubeconfig file (valid once its API server runs). */
  adminKubeconfig: () => string;
}

/** Where the agents of a shoot find their bootstrap kubeconfig and keep their certificates (also for a gardenlet adopting the shoot). */
export function nodeAgentsSpec(dir: string, config: ClusterConfig): NodeAgentsSpec {
  return {
    nodes: config.nodes.map((n) => n.name),
    bootstrapKubeconfig: join(dir, 'kubelet', 'bootstrap-kubeconfig'),
    certDir: (node) => join(dir, 'kubelet', node),
  };
}

export function kubeletCertsTasks(options: KubeletCertsTaskOptions): Task[] {
  const { shoot, setting, technicalId, certs } = options;
  const spec = nodeAgentsSpec(options.dir, options.config);
  if (!setting.enabled) {
    return [
      {
        name: 'record-kubelet-serving-disabled',
        dependencies: ['deploy-namespace'],
        run: async () => {
          await options.seedRaw.patch(`${shootPath(shoot.metadata.namespace!, shoot.metadata.name)}/status`, {
            status: { kubeletServingCertificates: { enabled: false, reason: setting.why, nodes: null } },
          });
        },
      },
    ];
  }
  return [
    {
      name: 'start-csr-approver',
      dependencies: ['start-kube-apiserver'],
      run: () => certs.startApprover(technicalId, options.adminKubeconfig()),
    },
    {
      name: 'create-bootstrap-token',
      dependencies: ['start-kube-apiserver'],
      run: async () => {
        const admin = loadKubeConfig(options.adminKubeconfig());
        const token = await createBootstrapToken(admin, { ttlMs: BOOTSTRAP_TOKEN_TTL_MS });
        await mkdir(join(options.dir, 'kubelet'), { recursive: true, mode: 0o700 });
        await writeFile(spec.bootstrapKubeconfig, bootstrapKubeConfig(admin, token).exportConfig(), { mode: 0o600 });
      },
    },
    {
      name: NODE_AGENTS_TASK,
      dependencies: ['create-bootstrap-token', 'start-csr-approver', 'register-nodes', 'start-kube-controller-manager'],
      run: () => certs.startAgents(technicalId, spec),
    },
  ];
}
