/**
 * The parts of Gardener's core.gardener.cloud/v1beta1 types seedbed reads and
 * writes. Everything else in a manifest is preserved by the CRDs unchanged.
 */
export const GROUP = 'core.gardener.cloud';
export const VERSION = 'v1beta1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export type IpFamilyName = 'IPv4' | 'IPv6';
export type ConditionStatus = 'True' | 'False' | 'Unknown' | 'Progressing';
export type LastOperationType = 'Create' | 'Reconcile' | 'Delete';
export type LastOperationState = 'Processing' | 'Succeeded' | 'Error' | 'Failed';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
}

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  lastUpdateTime: string;
}

export interface LastOperation {
  type: LastOperationType;
  state: LastOperationState;
  progress: number;
  description: string;
  lastUpdateTime: string;
}

export interface LastError {
  description: string;
  taskID?: string;
  codes?: string[];
  lastUpdateTime: string;
}

export interface ShootNetworking {
  type?: string;
  ipFamilies?: IpFamilyName[];
  pods?: string;
  services?: string;
  nodes?: string;
}

export interface Worker {
  name: string;
  minimum: number;
  maximum: number;
}

export interface Shoot {
  apiVersion: typeof API_VERSION;
  kind: 'Shoot';
  metadata: ObjectMeta;
  spec: {
    cloudProfileName?: string;
    cloudProfile?: { name: string; kind?: string };
    seedName?: string;
    region?: string;
    networking?: ShootNetworking;
    provider: { type: string; workers?: Worker[] };
    kubernetes?: { version?: string };
    extensions?: Array<{ type: string; providerConfig?: unknown; disabled?: boolean }>;
    hibernation?: { enabled?: boolean };
  };
  status?: {
    conditions?: Condition[];
    constraints?: Condition[];
    lastOperation?: LastOperation;
    lastErrors?: LastError[];
    technicalID?: string;
    observedGeneration?: number;
    gardener?: { id: string; name: string; version: string };
    seedName?: string;
    advertisedAddresses?: Array<{ name: string; url: string }>;
  };
}

/** Each network lists one CIDR per family, comma-separated, in ipFamilies order (see seed-networks.ts). */
export interface SeedNetworks {
  ipFamilies?: IpFamilyName[];
  nodes?: string;
  pods: string;
  services: string;
  shootDefaults?: { pods?: string; services?: string };
}

export interface Seed {
  apiVersion: typeof API_VERSION;
  kind: 'Seed';
  metadata: ObjectMeta;
  spec: { provider: { type: string; region: string }; networks: SeedNetworks; settings?: Record<string, unknown> };
  status?: { conditions?: Condition[]; gardener?: { version: string } };
}

/** The seed namespace of a shoot's control plane, as Gardener names it. */
export function technicalId(project: string, shoot: string): string {
  return `shoot--${project}--${shoot}`;
}

/** Gardener projects live in namespaces named garden-<project> (garden itself for project garden). */
export function projectOfNamespace(namespace: string): string {
  return namespace === 'garden' ? 'garden' : namespace.replace(/^garden-/, '');
}

export const SHOOT_STATUS_LABEL = 'shoot.gardener.cloud/status';
export const SHOOT_FINALIZER = 'gardener';
/** The conditions seedbed reports: Gardener's, without ObservabilityComponentsHealthy (no observability components run). */
export const CONDITION_TYPES = [
  'APIServerAvailable',
  'ControlPlaneHealthy',
  'EveryNodeReady',
  'SystemComponentsHealthy',
] as const;
export type ShootConditionType = (typeof CONDITION_TYPES)[number];
