/**
 * The node's client certificate, as the kubelet's client certificate
 * manager (RotateKubeletClientCertificate) keeps it: taken from disk when
 * still valid, else TLS-bootstrapped with the bootstrap token; then rotated
 * at a jittered 70–90% of its lifetime. A rotation authenticates with the
 * *current* certificate (so kube-controller-manager approves it as
 * `selfnodeclient`), waits for issuance, replaces key and certificate on
 * disk in one rename, and only then switches the API client over. A failed
 * rotation is retried with exponential backoff and never touches the
 * working credentials.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { SeedbedError, type Clock } from '@seedbed/core';
import { KUBELET_CLIENT_SIGNER, KUBELET_CLIENT_USAGES, NODES_GROUP, buildCertificateRequest, nodeUser } from '@seedbed/csr-approver';
import { CLIENT_PAIR_FILE, readPair, writePair, type StoredPair } from '../certs/cert-store.ts';
import { RenewalTimer } from '../certs/renewal-timer.ts';
import { rotationDeadline } from '../certs/rotation.ts';
import { requestCertificate } from '../csr/certificate-client.ts';

/** A client certificate on disk with less than this left is replaced by bootstrapping at start. */
export const CLIENT_CERT_MIN_REMAINING_MS = 60_000;
export const CLIENT_RETRY_BACKOFF_MS = 1_000;
export const CLIENT_MAX_RETRY_BACKOFF_MS = 5 * 60_000;

export type ClientCertificateEvent =
  | { type: 'client-certificate'; source: 'bootstrap' | 'disk' | 'rotation'; serialNumber: string; csrName?: string; rotationAt: number }
  | { type: 'client-rotation-failed'; error: unknown; retryInMs: number };

export interface ClientCredentialsOptions {
  nodeName: string;
  bootstrapKubeConfig: KubeConfig;
  certDir: string;
  clock: Clock;
  rotationClock: Clock;
  wallNow: () => number;
  random: () => number;
  issueTimeoutMs?: number;
  onEvent: (event: ClientCertificateEvent) => void;
  /** Called with the kubeconfig of a rotated certificate before it becomes `kubeConfig`. */
  onRotated: (kubeConfig: KubeConfig) => Promise<void>;
}

export class ClientCredentials {
  private current: { pair: StoredPair; kubeConfig: KubeConfig } | undefined;
  private readonly timer: RenewalTimer;
  private rotating: Promise<void> = Promise.resolve();
  private failures = 0;
  private stopped = false;
  /** Wall-clock epoch ms of the next planned rotation. */
  nextRotationAt: number | undefined;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.timer = new RenewalTimer(options.rotationClock);
  }

  get pair(): StoredPair {
    return this.started().pair;
  }

  /** Acting as system:node:<name> with the current certificate. */
  get kubeConfig(): KubeConfig {
    return this.started().kubeConfig;
  }

  /** Time left on the rotation clock until the next attempt (rotation or retry). */
  get rotationDueInMs(): number | undefined {
    return this.timer.dueInMs;
  }

  /** From disk, or by TLS bootstrap; schedules the first rotation. */
  async load(): Promise<void> {
    const { certDir, wallNow } = this.options;
    let pair = await readPair(certDir, CLIENT_PAIR_FILE);
    let source: 'disk' | 'bootstrap' = 'disk';
    let csrName: string | undefined;
    if (!pair || pair.notAfter - wallNow() <= CLIENT_CERT_MIN_REMAINING_MS) {
      ({ pair, csrName } = await this.request(this.options.bootstrapKubeConfig));
      source = 'bootstrap';
    }
    this.install(pair, source, csrName);
  }

  /** Rotates now (serialised with a running rotation); failures are reported and retried, never thrown. */
  rotate(): Promise<void> {
    this.rotating = this.rotating.then(() => this.rotateNow());
    return this.rotating;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer.stop();
    await this.rotating;
  }

  private async rotateNow(): Promise<void> {
    if (this.stopped) return;
    try {
      // like the kubelet: a certificate that expired (rotation kept failing, or the node was off) cannot
      // authenticate a renewal, so the node bootstraps again with its bootstrap credentials
      const expired = this.started().pair.notAfter <= this.options.wallNow();
      const { pair, csrName } = await this.request(expired ? this.options.bootstrapKubeConfig : this.kubeConfig);
      if (this.stopped) return;
      const kubeConfig = nodeKubeConfig(this.options.bootstrapKubeConfig, this.options.nodeName, pair);
      await this.options.onRotated(kubeConfig);
      this.failures = 0;
      this.install(pair, expired ? 'bootstrap' : 'rotation', csrName, kubeConfig);
    } catch (error) {
      if (this.stopped) return;
      this.failures++;
      const retryInMs = Math.min(CLIENT_RETRY_BACKOFF_MS * 2 ** (this.failures - 1), CLIENT_MAX_RETRY_BACKOFF_MS);
      this.options.onEvent({ type: 'client-rotation-failed', error, retryInMs });
      this.timer.schedule(retryInMs, () => void this.rotate());
    }
  }

  /** A new key and CSR, issued and written to disk (in one rename) — the current pair stays in use until then. */
  private async request(as: KubeConfig): Promise<{ pair: StoredPair; csrName: string }> {
    const { nodeName, certDir, clock, issueTimeoutMs } = this.options;
    const { csrPem, keyPem } = await buildCertificateRequest({ commonName: nodeUser(nodeName), organizations: [NODES_GROUP] });
    const issued = await requestCertificate(as, { signerName: KUBELET_CLIENT_SIGNER, csrPem, usages: [...KUBELET_CLIENT_USAGES], clock, timeoutMs: issueTimeoutMs });
    if (this.stopped) throw new SeedbedError('CANCELLED', 'the node agent stopped');
    return { pair: await writePair(certDir, CLIENT_PAIR_FILE, issued.certPem, keyPem), csrName: issued.csrName };
  }

  private install(pair: StoredPair, source: 'bootstrap' | 'disk' | 'rotation', csrName?: string, kubeConfig?: KubeConfig): void {
    this.current = { pair, kubeConfig: kubeConfig ?? nodeKubeConfig(this.options.bootstrapKubeConfig, this.options.nodeName, pair) };
    const rotationAt = rotationDeadline(pair.notBefore, pair.notAfter, this.options.random());
    this.nextRotationAt = rotationAt;
    this.timer.schedule(Math.max(0, rotationAt - this.options.wallNow()), () => void this.rotate());
    this.options.onEvent({ type: 'client-certificate', source, serialNumber: pair.serialNumber, csrName, rotationAt });
  }

  private started(): { pair: StoredPair; kubeConfig: KubeConfig } {
    if (!this.current) throw new SeedbedError('NOT_STARTED', 'the node agent has not bootstrapped yet');
    return this.current;
  }
}

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
