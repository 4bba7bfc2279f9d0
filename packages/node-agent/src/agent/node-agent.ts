/**
 * A kubelet-like agent for one node:
 *
 *   bootstrap token → client CSR (kube-apiserver-client-kubelet, auto-approved
 *   by kube-controller-manager) → acting as system:node:<name>: watch the own
 *   Node → serving CSR (kubelet-serving) with the node's names → HTTPS on the
 *   node's bindable addresses → renew at a jittered 70–90% of the lifetime,
 *   and at once when the node's addresses change.
 *
 * Certificates persist in certDir (a restart reuses them). Time is injected:
 * `clock` for timeouts and backoff, `rotationClock` for the rotation timer
 * (tests drive rotation with a FakeClock), `wallNow` for certificate
 * validity, `random` for the jitter.
 */
import { KubeConfig, type V1Node } from '@kubernetes/client-node';
import { SeedbedError, describeError, systemClock, type Clock } from '@seedbed/core';
import {
  KUBELET_CLIENT_SIGNER,
  KUBELET_CLIENT_USAGES,
  KUBELET_SERVING_SIGNER,
  KUBELET_SERVING_USAGES,
  NODES_GROUP,
  ResilientInformer,
  buildCertificateRequest,
  nodeUser,
  servingNames,
  type ServingNames,
} from '@seedbed/csr-approver';
import { CoreV1Api } from '@kubernetes/client-node';
import { CLIENT_PAIR_FILE, SERVER_PAIR_FILE, certificateNames, readPair, writePair, type StoredPair } from '../certs/cert-store.ts';
import { rotationDeadline } from '../certs/rotation.ts';
import { requestCertificate } from '../csr/certificate-client.ts';
import { HttpsEndpoint, type ListenResult } from '../serve/https-endpoint.ts';

export const KUBELET_PORT = 10250;
export const RETRY_BACKOFF_MS = 1_000;
export const MAX_RETRY_BACKOFF_MS = 30_000;
/** A client certificate with less than this left is replaced at start. */
const CLIENT_CERT_MIN_REMAINING_MS = 60_000;

export type AgentEvent =
  | { type: 'client-certificate'; source: 'bootstrap' | 'disk'; serialNumber: string }
  | { type: 'serving-certificate'; cause: RenewCause; csrName?: string; serialNumber: string; names: ServingNames; rotationAt: number }
  | { type: 'listening'; result: ListenResult }
  | { type: 'error'; error: unknown };

export type RenewCause = 'initial' | 'rotation' | 'addresses-changed' | 'retry';

export interface NodeAgentOptions {
  nodeName: string;
  /** Used only when there is no valid client certificate in certDir yet. */
  bootstrapKubeConfig: KubeConfig;
  certDir: string;
  /** HTTPS port on the node's addresses; undefined: do not serve. */
  port?: number;
  clock?: Clock;
  rotationClock?: Clock;
  wallNow?: () => number;
  random?: () => number;
  issueTimeoutMs?: number;
  onEvent?: (event: AgentEvent) => void;
}

export class NodeAgent {
  private readonly clock: Clock;
  private readonly rotationClock: Clock;
  private readonly wallNow: () => number;
  private readonly random: () => number;
  private nodeKubeConfig: KubeConfig | undefined;
  private nodeInformer: ResilientInformer<V1Node> | undefined;
  private endpoint: HttpsEndpoint | undefined;
  private serving: (StoredPair & { names: ServingNames }) | undefined;
  private renewing: Promise<void> = Promise.resolve();
  private timer = new AbortController();
  private stopped = false;
  private failures = 0;
  /** Wall-clock epoch ms of the next planned rotation. */
  nextRotationAt: number | undefined;
  private timerDueAt: number | undefined;

  constructor(private readonly options: NodeAgentOptions) {
    this.clock = options.clock ?? systemClock;
    this.rotationClock = options.rotationClock ?? this.clock;
    this.wallNow = options.wallNow ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Time left on the rotation clock until the next planned renewal (rotation or retry). */
  get renewalDueInMs(): number | undefined {
    return this.timerDueAt === undefined ? undefined : this.timerDueAt - this.rotationClock.now();
  }

  get servingCertificate(): StoredPair | undefined {
    return this.serving;
  }

  /** A kubeconfig acting as system:node:<name> (valid after start). */
  get kubeConfig(): KubeConfig {
    if (!this.nodeKubeConfig) throw new SeedbedError('NOT_STARTED', 'the node agent has not bootstrapped yet');
    return this.nodeKubeConfig;
  }

  /** Bootstraps, obtains a serving certificate and starts serving; resolves once all that is done. */
  async start(): Promise<void> {
    const client = await this.clientCertificate();
    this.nodeKubeConfig = nodeKubeConfig(this.options.bootstrapKubeConfig, this.options.nodeName, client);
    const core = this.nodeKubeConfig.makeApiClient(CoreV1Api);
    const fieldSelector = `metadata.name=${this.options.nodeName}`;
    this.nodeInformer = new ResilientInformer<V1Node>({
      kubeConfig: this.nodeKubeConfig,
      path: '/api/v1/nodes',
      fieldSelector,
      clock: this.clock,
      list: () => core.listNode({ fieldSelector }),
      onError: (error) => this.emit({ type: 'error', error }),
    });
    const changed = () => {
      const node = this.node();
      if (node && this.serving && !sameNames(servingNames(node), this.serving.names)) this.renew('addresses-changed');
    };
    this.nodeInformer.on('update', changed);
    this.nodeInformer.on('add', changed);
    await this.nodeInformer.start();
    if (!this.node()) throw new SeedbedError('NODE_NOT_FOUND', `node ${this.options.nodeName} does not exist; register it before starting its agent`);
    if (this.options.port !== undefined) this.endpoint = new HttpsEndpoint(this.options.port);

    const stored = await readPair(this.options.certDir, SERVER_PAIR_FILE);
    const wanted = servingNames(this.node()!);
    if (stored && stored.notAfter > this.wallNow() && sameNames(certificateNames(stored.certPem), wanted)) {
      await this.install({ ...stored, names: wanted }, 'initial');
    } else {
      await this.renewNow('initial');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer.abort();
    await this.nodeInformer?.stop();
    await this.renewing.catch(() => {});
    await this.endpoint?.close();
  }

  /** Queues a renewal (serialised with any running one). */
  renew(cause: RenewCause): Promise<void> {
    this.renewing = this.renewing.then(() => this.renewNow(cause)).catch((error: unknown) => this.emit({ type: 'error', error }));
    return this.renewing;
  }

  private node(): V1Node | undefined {
    return this.nodeInformer?.get(this.options.nodeName);
  }

  private emit(event: AgentEvent): void {
    this.options.onEvent?.(event);
  }

  private async clientCertificate(): Promise<StoredPair> {
    const stored = await readPair(this.options.certDir, CLIENT_PAIR_FILE);
    if (stored && stored.notAfter - this.wallNow() > CLIENT_CERT_MIN_REMAINING_MS) {
      this.emit({ type: 'client-certificate', source: 'disk', serialNumber: stored.serialNumber });
      return stored;
    }
    const { csrPem, keyPem } = await buildCertificateRequest({ commonName: nodeUser(this.options.nodeName), organizations: [NODES_GROUP] });
    const issued = await requestCertificate(this.options.bootstrapKubeConfig, {
      signerName: KUBELET_CLIENT_SIGNER,
      csrPem,
      usages: [...KUBELET_CLIENT_USAGES],
      clock: this.clock,
      timeoutMs: this.options.issueTimeoutMs,
    });
    const pair = await writePair(this.options.certDir, CLIENT_PAIR_FILE, issued.certPem, keyPem);
    this.emit({ type: 'client-certificate', source: 'bootstrap', serialNumber: pair.serialNumber });
    return pair;
  }

  private async renewNow(cause: RenewCause): Promise<void> {
    if (this.stopped) return;
    const node = this.node();
    if (!node) throw new SeedbedError('NODE_NOT_FOUND', `node ${this.options.nodeName} is gone`);
    const names = servingNames(node);
    try {
      const { csrPem, keyPem } = await buildCertificateRequest({
        commonName: nodeUser(this.options.nodeName),
        organizations: [NODES_GROUP],
        dnsNames: names.dnsNames,
        ipAddresses: names.ipAddresses,
      });
      const issued = await requestCertificate(this.kubeConfig, {
        signerName: KUBELET_SERVING_SIGNER,
        csrPem,
        usages: [...KUBELET_SERVING_USAGES],
        clock: this.clock,
        timeoutMs: this.options.issueTimeoutMs,
      });
      if (this.stopped) return;
      const pair = await writePair(this.options.certDir, SERVER_PAIR_FILE, issued.certPem, keyPem);
      this.failures = 0;
      await this.install({ ...pair, names }, cause, issued.csrName);
      // the node may have changed while we waited
      const latest = this.node();
      if (latest && !sameNames(servingNames(latest), names)) await this.renewNow('addresses-changed');
    } catch (error) {
      if (this.stopped) return;
      this.emit({ type: 'error', error });
      if (cause === 'initial' && !this.serving) throw error;
      this.failures++;
      this.schedule(Math.min(RETRY_BACKOFF_MS * 2 ** (this.failures - 1), MAX_RETRY_BACKOFF_MS), 'retry');
    }
  }

  private async install(pair: StoredPair & { names: ServingNames }, cause: RenewCause, csrName?: string): Promise<void> {
    this.serving = pair;
    const rotationAt = rotationDeadline(pair.notBefore, pair.notAfter, this.random());
    this.nextRotationAt = rotationAt;
    this.schedule(Math.max(0, rotationAt - this.wallNow()), 'rotation');
    this.emit({ type: 'serving-certificate', cause, csrName, serialNumber: pair.serialNumber, names: pair.names, rotationAt });
    if (this.endpoint) {
      const result = await this.endpoint.update(pair.names.ipAddresses, pair.certPem, pair.keyPem);
      this.emit({ type: 'listening', result });
    }
  }

  private schedule(delayMs: number, cause: RenewCause): void {
    this.timer.abort();
    const timer = new AbortController();
    this.timer = timer;
    this.timerDueAt = this.rotationClock.now() + delayMs;
    this.rotationClock.sleep(delayMs, timer.signal).then(
      () => void this.renew(cause),
      () => {}, // replaced by a newer schedule, or stopped
    );
  }
}

const sameNames = (a: ServingNames, b: ServingNames) =>
  a.dnsNames.join(',') === b.dnsNames.join(',') && a.ipAddresses.join(',') === b.ipAddresses.join(',');

/** The cluster of the bootstrap kubeconfig, authenticated as the node with its client certificate. */
export function nodeKubeConfig(bootstrap: KubeConfig, nodeName: string, client: StoredPair): KubeConfig {
  const cluster = bootstrap.getCurrentCluster();
  if (!cluster) throw new SeedbedError('NO_CLUSTER', 'the bootstrap kubeconfig has no current cluster');
  const kc = new KubeConfig();
  const user = nodeUser(nodeName);
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, certData: Buffer.from(client.certPem).toString('base64'), keyData: Buffer.from(client.keyPem).toString('base64') }],
    contexts: [{ name: user, cluster: cluster.name, user }],
    currentContext: user,
  });
  return kc;
}

export function describeAgentEvent(nodeName: string, event: AgentEvent): string {
  switch (event.type) {
    case 'client-certificate':
      return `${nodeName}: client certificate ${event.serialNumber} (${event.source})`;
    case 'serving-certificate':
      return `${nodeName}: serving certificate ${event.serialNumber} (${event.cause}${event.csrName ? `, ${event.csrName}` : ''}) for ${[...event.names.dnsNames, ...event.names.ipAddresses].join(', ')}; renews at ${new Date(event.rotationAt).toISOString()}`;
    case 'listening':
      return `${nodeName}: HTTPS on ${event.result.listening.join(', ') || 'no address'}${Object.keys(event.result.unbindable).length ? ` (not bindable here: ${Object.entries(event.result.unbindable).map(([a, why]) => `${a} ${why}`).join(', ')})` : ''}`;
    case 'error':
      return `${nodeName}: ${describeError(event.error)}`;
  }
}


