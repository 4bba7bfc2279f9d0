/**
 * Thin helpers over @kubernetes/client-node: load a kubeconfig, and turn the
 * client's exceptions into ApiErrors that carry the HTTP status and reason.
 */
import type { Agent } from 'node:http';
import { KubeConfig, ApiException } from '@kubernetes/client-node';
import { ApiError } from '@seedbed/core';

/** Loads `path`, or without one the default ($KUBECONFIG, ~/.kube/config, in-cluster). */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return reuseConnections(kc);
}

type AgentFactory = (cluster: { server: string; name: string } | null, options: Record<string, unknown>) => Agent;

/**
 * client-node 1.x builds a new HTTPS agent for every request, so every call
 * pays a TCP and TLS handshake. This keeps one keep-alive agent per cluster
 * and user of the kubeconfig (the TLS material is the same for all of them).
 */
export function reuseConnections(kc: KubeConfig): KubeConfig {
  const target = kc as unknown as { createAgent: AgentFactory };
  const create = target.createAgent.bind(kc);
  const agents = new Map<string, Agent>();
  target.createAgent = (cluster, options) => {
    const key = `${cluster?.name ?? ''}|${cluster?.server ?? ''}|${kc.getCurrentUser()?.name ?? ''}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = create(cluster, { ...options, keepAlive: true });
      agents.set(key, agent);
    }
    return agent;
  };
  return kc;
}

/** Runs an API call; failures become ApiError("operation failed: HTTP 409 AlreadyExists: ..."). */
export async function callApi<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiException) {
      const body = typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
      throw new ApiError(operation, error.code, body, { cause: error });
    }
    throw error;
  }
}

export function isStatus(error: unknown, code: number): boolean {
  return error instanceof ApiError && error.statusCode === code;
}
