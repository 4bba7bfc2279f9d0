/**
 * The kubelet serving CSR approver: watches CertificateSigningRequests of
 * the kubernetes.io/kubelet-serving signer and Nodes (informers, no
 * polling), queues every undecided CSR, and has a few workers decide each
 * with `decide()` and write the Approved or Denied condition. A stale cache
 * (409 Conflict) means read the CSR again and decide again; a Node missing
 * from the cache is read live before a CSR is denied for it.
 */
import {
  CertificatesV1Api,
  CoreV1Api,
  type KubeConfig,
  type V1CertificateSigningRequest,
  type V1CertificateSigningRequestCondition,
  type V1Node,
} from '@kubernetes/client-node';
import { ApiError, WorkQueue, systemClock, type Clock } from '@seedbed/core';
import { callApi } from '@seedbed/cluster';
import { KUBELET_SERVING_SIGNER } from '../csr/kubelet-serving.ts';
import { DEFAULT_POLICY, type ApprovalPolicy } from '../decision/approval-policy.ts';
import { decide, isDecided, nodeNameOf, type Decision } from '../decision/decide.ts';
import { ResilientInformer } from '../kube/resilient-informer.ts';
import { ApproverMetrics } from '../metrics/approver-metrics.ts';

/** Parallel decisions; each is one API write, so this mostly bounds requests in flight. */
export const DEFAULT_WORKERS = 32;
export const MAX_CONFLICT_RETRIES = 5;
export const MAX_ERROR_RETRIES = 5;
export const ERROR_BACKOFF_MS = 200;
export const CSR_PATH = '/apis/certificates.k8s.io/v1/certificatesigningrequests';
export const NODE_PATH = '/api/v1/nodes';

export type ApproverEvent =
  | {
      type: 'decided';
      csr: string;
      node?: string;
      decision: Extract<Decision, { action: 'approve' | 'deny' }>;
      /** Watch event that queued the CSR → decision written; the sum of the two parts below. */
      latencyMs: number;
      /** Queued → a worker took it (work-queue wait). */
      waitMs: number;
      /** A worker took it → the write was answered (node lookup, checks, conflicts and the API round trip). */
      workMs: number;
    }
  | { type: 'error'; csr?: string; error: unknown };

export interface CsrApproverOptions {
  kubeConfig: KubeConfig;
  policy?: ApprovalPolicy;
  workers?: number;
  clock?: Clock;
  metrics?: ApproverMetrics;
  onEvent?: (event: ApproverEvent) => void;
}

export class CsrApprover {
  readonly metrics: ApproverMetrics;
  private readonly policy: ApprovalPolicy;
  private readonly clock: Clock;
  private readonly certificates: CertificatesV1Api;
  private readonly core: CoreV1Api;
  private readonly csrs: ResilientInformer<V1CertificateSigningRequest>;
  private readonly nodes: ResilientInformer<V1Node>;
  private readonly queue: WorkQueue;

  constructor(private readonly options: CsrApproverOptions) {
    const { kubeConfig } = options;
    this.policy = options.policy ?? DEFAULT_POLICY;
    this.clock = options.clock ?? systemClock;
    this.metrics = options.metrics ?? new ApproverMetrics();
    // a CSR whose processing failed is retried with backoff, never dropped
    this.queue = new WorkQueue((name, queuedAt) => this.process(name, queuedAt), {
      concurrency: options.workers ?? DEFAULT_WORKERS,
      clock: this.clock,
      baseDelayMs: ERROR_BACKOFF_MS,
      onError: (csr, error) => {
        this.metrics.recordError('process');
        this.options.onEvent?.({ type: 'error', csr, error });
      },
    });
    this.certificates = kubeConfig.makeApiClient(CertificatesV1Api);
    this.core = kubeConfig.makeApiClient(CoreV1Api);
    const fieldSelector = `spec.signerName=${KUBELET_SERVING_SIGNER}`;
    const onError = (kind: string) => (error: unknown) => {
      this.metrics.recordError(kind);
      this.options.onEvent?.({ type: 'error', error });
    };
    this.csrs = new ResilientInformer({
      kubeConfig,
      path: CSR_PATH,
      fieldSelector,
      clock: this.clock,
      list: () => this.certificates.listCertificateSigningRequest({ fieldSelector }),
      onError: onError('csr-watch'),
    });
    this.nodes = new ResilientInformer({ kubeConfig, path: NODE_PATH, clock: this.clock, list: () => this.core.listNode(), onError: onError('node-watch') });
    const enqueue = (csr: V1CertificateSigningRequest) => {
      if (!isDecided(csr) && csr.metadata?.name) this.queue.add(csr.metadata.name);
    };
    this.csrs.on('add', enqueue);
    this.csrs.on('update', enqueue);
  }

  /** Resolves once both caches are filled (the queue's workers take CSRs as they come). */
  async start(): Promise<void> {
    await this.nodes.start();
    await this.csrs.start();
  }

  async stop(): Promise<void> {
    this.queue.stop();
    await Promise.all([this.csrs.stop(), this.nodes.stop()]);
    await this.queue.idle();
  }

  private async process(name: string, queuedAt: number): Promise<void> {
    const takenAt = this.clock.now();
    let csr = this.csrs.get(name);
    let conflicts = 0;
    let errors = 0;
    while (csr) {
      const nodeName = nodeNameOf(csr);
      const node = nodeName === undefined ? undefined : await this.node(nodeName);
      const decision = decide(csr, node, this.policy);
      if (decision.action === 'skip') return;
      try {
        await callApi(`${decision.action} CSR ${name}`, () =>
          this.certificates.replaceCertificateSigningRequestApproval({ name, body: withCondition(csr!, decision) }),
        );
        const writtenAt = this.clock.now();
        const latencyMs = writtenAt - queuedAt;
        this.metrics.recordDecision(decision.action, decision.reason, latencyMs);
        this.options.onEvent?.({ type: 'decided', csr: name, node: nodeName, decision, latencyMs, waitMs: takenAt - queuedAt, workMs: writtenAt - takenAt });
        return;
      } catch (error) {
        const status = error instanceof ApiError ? error.statusCode : undefined;
        if (status === 404) return; // deleted meanwhile
        if (status === 409 && ++conflicts <= MAX_CONFLICT_RETRIES) {
          this.metrics.recordError('conflict');
        } else if (status !== 409 && ++errors <= MAX_ERROR_RETRIES) {
          this.metrics.recordError('api');
          await this.clock.sleep(ERROR_BACKOFF_MS * 2 ** (errors - 1));
        } else {
          throw error;
        }
        csr = await this.read(name);
      }
    }
  }

  private async read(name: string): Promise<V1CertificateSigningRequest | undefined> {
    try {
      return await callApi(`read CSR ${name}`, () => this.certificates.readCertificateSigningRequest({ name }));
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 404) return undefined;
      throw error;
    }
  }

  /** From the cache; a miss is read live (the node may be newer than the cache) before it counts as absent. */
  private async node(name: string): Promise<V1Node | undefined> {
    const cached = this.nodes.get(name);
    if (cached) return cached;
    try {
      return await callApi(`read node ${name}`, () => this.core.readNode({ name }));
    } catch (error) {
      if (error instanceof ApiError && error.statusCode === 404) return undefined;
      throw error;
    }
  }
}

function withCondition(csr: V1CertificateSigningRequest, decision: Extract<Decision, { action: 'approve' | 'deny' }>): V1CertificateSigningRequest {
  const condition: V1CertificateSigningRequestCondition = {
    type: decision.action === 'approve' ? 'Approved' : 'Denied',
    status: 'True',
    reason: decision.reason,
    message: decision.message,
    lastUpdateTime: new Date(),
  };
  return { ...csr, status: { ...csr.status, conditions: [...(csr.status?.conditions ?? []), condition] } };
}
