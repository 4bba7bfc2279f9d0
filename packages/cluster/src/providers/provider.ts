/**
 * The cluster provider interface. A provider brings up, lists and tears down
 * clusters from a kind Cluster config; seedbed picks one by ordered detection
 * (see detect.ts), like kind picks docker or podman.
 */
import type { Progress } from '@seedbed/core';
import type { ClusterConfig } from '../config/kind-config.ts';
import type { IpFamily } from '../config/cidr.ts';

export type ProviderName = 'local' | 'kind' | 'existing';

export interface ClusterInfo {
  name: string;
  provider: ProviderName;
  status: 'starting' | 'running' | 'stale';
  families: IpFamily[];
  /** The API server URL, IPv6 literals bracketed. */
  server: string;
  kubeconfigPath: string;
  podSubnets: string[];
  serviceSubnets: string[];
  /** The provider's directory for this cluster (state, logs), where it has one. */
  stateDir?: string;
}

export interface CreateOptions {
  progress?: Progress;
  /** Aborting tears down whatever was started. */
  signal?: AbortSignal;
  /** How long to wait for the cluster to be ready. */
  timeoutMs?: number;
}

/** Whether a provider can run on this machine; when not, why and what to install. */
export type Availability = { ok: true } | { ok: false; reason: string; hint: string };

export interface ClusterProvider {
  readonly name: ProviderName;
  available(): Promise<Availability>;
  /** Brings the cluster up and returns once it is ready; on failure nothing is left running. */
  create(config: ClusterConfig, options?: CreateOptions): Promise<ClusterInfo>;
  /** Tears the cluster down completely; unknown names are an error. */
  delete(name: string): Promise<void>;
  list(): Promise<ClusterInfo[]>;
  info(name: string): Promise<ClusterInfo>;
  /** Path of a kubeconfig with admin access. */
  kubeconfig(name: string): Promise<string>;
}
