/**
 * A kubelet-like agent for one node:
 *
 *   bootstrap token → client CSR (kube-apiserver-client-kubelet, auto-approved
 *   by kube-controller-manager) → acting as system:node:<name>: watch the own
 *   Node → serving CSR (kubelet-serving) with the node's names → HTTPS on the
 *   node's bindable addresses (or inside the node's network namespace) →
 *   renew at a jittered 70–90% of the lifetime, and at once when the node's
 *   addresses change. The client certificate rotates the same way
 *   (ClientCredentials); the agent then watches its Node with the new one.
 *
 * Certificates persist in certDir (a restart reuses them). Time is injected:
 * `clock` for timeouts and backoff, `rotationClock` for the rotation timer
 * (tests drive rotation with a FakeClock), `wallNow` for certificate
 * validity, `random` for the jitter.
 */
import { CoreV1Api, type KubeConfig, type V1Node } from '@kubernetes/client-node';
import { SeedbedError, describeError, systemClock, type Clock } from '@seedbed/core';
import {
  KUBELET_SERVING_SIGNER,
  KUBELET_SERVING_USAGES,
  NODES_GROUP,
  ResilientInformer,
  buildCertificateRequest,
  nodeUser,
  servingNames,
  type ServingNames,
} from '@seedbed/csr-approver';
import { SERVER_PAIR_FILE, certificateNames, readPair, writePair, type StoredPair } from '../certs/cert-store.ts';
import { RenewalTimer } from '../certs/renewal-timer.ts';
import { rotationDeadline } from '../certs/rotation.ts';
import { requestCertificate } from '../csr/certificate-client.ts';
import { HttpsEndpoint } from '../serve/https-endpoint.ts';
import { NetnsHttpsEndpoint } from '../serve/netns-https-endpoint.ts';
import type { ListenResult, ServingEndpoint } from '../serve/serving-endpoint.ts';
import { ClientCredentials, type ClientCertificateEvent } from './client-credentials.ts';

export const KUBELET_PORT = 10250;
export const RETRY_BACKOFF_MS = 1_000;
export const MAX_RETRY_BACKOFF_MS = 30_000;
export type AgentEvent =
  | ClientCertificateEvent
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
  /** Serve inside this network namespace (`ip netns`), where the node's addresses are, instead of in this process. */
  netns?: string;
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
  readonly client: ClientCredentials;
  private nodeInformer: ResilientInformer<V1Node> | undefined;
  private endpoint: ServingEndpoint | undefined;
  private serving: (StoredPair & { names: ServingNames }) | undefined;
  private renewing: Promise<void> = Promise.resolve();
  private readonly timer: RenewalTimer;
  private stopped = false;
  private failures = 0;
  /** Wall-clock epoch ms of the next planned serving certificate rotation. */
  nextRotationAt: number | undefined;

  constructor(private readonly options: NodeAgentOptions) {
    this.clock = options.clock ?? systemClock;
    this.rotationClock = options.rotationClock ?? this.clock;
    this.wallNow = options.wallNow ?? Date.now;
    this.random = options.random ?? Math.random;
    this.timer = new RenewalTimer(this.rotationClock);
    this.client = new ClientCredentials({
      nodeName: options.nodeName,
      bootstrapKubeConfig: options.bootstrapKubeConfig,
      certDir: options.certDir,
      clock: this.clock,
      rotationClock: this.rotationClock,
      wallNow: this.wallNow,
      random: this.random,
      issueTimeoutMs: options.issueTimeoutMs,
      onEvent: (event) => this.emit(event),
      onRotated: (kubeConfig) => this.watchNode(kubeConfig),
    });
  }

  /** Time left on the rotation clock until the next planned serving renewal (rotation or retry). */
  get renewalDueInMs(): number | undefined {
    return this.timer.dueInMs;
  }

  get servingCertificate(): StoredPair | undefined {
    return this.serving;
  }

  /** A kubeconfig acting as system:node:<name> (valid after start). */
  get kubeConfig(): KubeConfig {
    return this.client.kubeConfig;
  }

  /** Bootstraps, obtains a serving certificate and starts serving; resolves once all that is done. */
  async start(): Promise<void> {
    await this.client.load();
    await this.watchNode(this.client.kubeConfig);
    if (!this.node()) throw new SeedbedError('NODE_NOT_FOUND', `node ${this.options.nodeName} does not exist; register it before starting its agent`);
    const { port, netns } = this.options;
    if (port !== undefined) this.endpoint = netns ? new NetnsHttpsEndpoint(netns, port) : new HttpsEndpoint(port);

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
    this.timer.stop();
    await this.client.stop();
    await this.nodeInformer?.stop();
    await this.renewing.catch(() => {}); // only waits for a running renewal: its failure was reported when it happened
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

  /**
   * Watches the own Node with `kubeConfig`; a previous watch (of an older
   * client certificate) is closed once the new cache is filled, as the
   * kubelet closes its connections after a client certificate rotation.
   */
  private async watchNode(kubeConfig: KubeConfig): Promise<void> {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const fieldSelector = `metadata.name=${this.options.nodeName}`;
    const informer = new ResilientInformer<V1Node>({
      kubeConfig,
      path: '/api/v1/nodes',
      fieldSelector,
      clock: this.clock,
      list: () => core.listNode({ fieldSelector }),
      onError: (error) => this.emit({ type: 'error', error }),
    });
    const changed = () => {
      const node = this.node();
      if (node && this.serving && !sameNames(servingNames(node), this.serving.names)) void this.renew('addresses-changed');
    };
    informer.on('update', changed);
    informer.on('add', changed);
    await informer.start();
    const previous = this.nodeInformer;
    this.nodeInformer = informer;
    if (this.stopped) await informer.stop();
    await previous?.stop();
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
      this.timer.schedule(Math.min(RETRY_BACKOFF_MS * 2 ** (this.failures - 1), MAX_RETRY_BACKOFF_MS), () => void this.renew('retry'));
    }
  }

  private async install(pair: StoredPair & { names: ServingNames }, cause: RenewCause, csrName?: string): Promise<void> {
    this.serving = pair;
    const rotationAt = rotationDeadline(pair.notBefore, pair.notAfter, this.random());
    this.nextRotationAt = rotationAt;
    this.timer.schedule(Math.max(0, rotationAt - this.wallNow()), () => void this.renew('rotation'));
    this.emit({ type: 'serving-certificate', cause, csrName, serialNumber: pair.serialNumber, names: pair.names, rotationAt });
    if (this.endpoint) {
      const result = await this.endpoint.update(pair.names.ipAddresses, pair.certPem, pair.keyPem);
      this.emit({ type: 'listening', result });
    }
  }
}

const sameNames = (a: ServingNames, b: ServingNames) =>
  a.dnsNames.join(',') === b.dnsNames.join(',') && a.ipAddresses.join(',') === b.ipAddresses.join(',');

export function describeAgentEvent(nodeName: string, event: AgentEvent): string {
  switch (event.type) {
    case 'client-certificate':
      return `${nodeName}: client certificate ${event.serialNumber} (${event.source}${event.csrName ? `, ${event.csrName}` : ''}); rotates at ${new Date(event.rotationAt).toISOString()}`;
    case 'client-rotation-failed':
      return `${nodeName}: client certificate rotation failed, keeping the current one, retrying in ${Math.round(event.retryInMs / 1000)} s: ${describeError(event.error)}`;
    case 'serving-certificate':
      return `${nodeName}: serving certificate ${event.serialNumber} (${event.cause}${event.csrName ? `, ${event.csrName}` : ''}) for ${[...event.names.dnsNames, ...event.names.ipAddresses].join(', ')}; renews at ${new Date(event.rotationAt).toISOString()}`;
    case 'listening':
      return `${nodeName}: HTTPS on ${event.result.listening.join(', ') || 'no address'}${Object.keys(event.result.unbindable).length ? ` (not bindable here: ${Object.entries(event.result.unbindable).map(([a, why]) => `${a} ${why}`).join(', ')})` : ''}`;
    case 'error':
      return `${nodeName}: ${describeError(event.error)}`;
  }
}


