/**
 * Requests a certificate the way a kubelet does: create a
 * CertificateSigningRequest (generateName csr-), then watch that one object
 * (field selector metadata.name, from the creation's resourceVersion, so no
 * update is missed) until it carries a certificate — or is Denied or Failed,
 * which ends the wait with the condition's reason.
 */
import { CertificatesV1Api, Watch, type KubeConfig, type V1CertificateSigningRequest } from '@kubernetes/client-node';
import { PermanentError, SeedbedError, TimeoutError, systemClock, type Clock } from '@seedbed/core';
import { callApi } from '@seedbed/cluster';

export const DEFAULT_ISSUE_TIMEOUT_MS = 60_000;
const CSR_PATH = '/apis/certificates.k8s.io/v1/certificatesigningrequests';

export interface CertificateRequestOptions {
  signerName: string;
  csrPem: string;
  usages: string[];
  expirationSeconds?: number;
  timeoutMs?: number;
  clock?: Clock;
  signal?: AbortSignal;
}

export interface IssuedCertificate {
  csrName: string;
  certPem: string;
}

/** Thrown when the CSR is Denied or Failed; `reason` is the condition's. */
export class CertificateRefusedError extends PermanentError {
  constructor(
    readonly csrName: string,
    readonly condition: string,
    readonly reason: string,
    message: string,
  ) {
    super('CSR_REFUSED', `CSR ${csrName} was ${condition.toLowerCase()}: ${reason}: ${message}`);
  }
}

function outcome(csr: V1CertificateSigningRequest): { certPem: string } | CertificateRefusedError | undefined {
  const name = csr.metadata?.name ?? '?';
  const refused = csr.status?.conditions?.find((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status === 'True');
  if (refused) return new CertificateRefusedError(name, refused.type, refused.reason ?? 'Unknown', refused.message ?? '');
  if (csr.status?.certificate) return { certPem: Buffer.from(csr.status.certificate, 'base64').toString('utf8') };
  return undefined;
}

export async function requestCertificate(kubeConfig: KubeConfig, options: CertificateRequestOptions): Promise<IssuedCertificate> {
  const api = kubeConfig.makeApiClient(CertificatesV1Api);
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? DEFAULT_ISSUE_TIMEOUT_MS;
  const created = await callApi(`create CSR for ${options.signerName}`, () =>
    api.createCertificateSigningRequest({
      body: {
        metadata: { generateName: 'csr-' },
        spec: {
          request: Buffer.from(options.csrPem).toString('base64'),
          signerName: options.signerName,
          usages: options.usages,
          ...(options.expirationSeconds ? { expirationSeconds: options.expirationSeconds } : {}),
        },
      },
    }),
  );
  const name = created.metadata!.name!;
  const stop = new AbortController();
  const cancel = () => stop.abort();
  options.signal?.addEventListener('abort', cancel, { once: true });
  const timeout = clock.sleep(timeoutMs, stop.signal).then(
    () => Promise.reject(new TimeoutError({ what: `CSR ${name} (${options.signerName}) to be issued` , timeoutMs })),
    () => new Promise<never>(() => {}),
  );
  try {
    let resourceVersion = created.metadata?.resourceVersion;
    for (;;) {
      const watched = watchOnce(kubeConfig, name, resourceVersion, stop.signal);
      const result = await Promise.race([watched, timeout]);
      if (result.done) return { csrName: name, certPem: result.done.certPem };
      if (options.signal?.aborted) throw new SeedbedError('CANCELLED', `waiting for CSR ${name} was cancelled`);
      // the watch ended (timeout on the server, a restart): read the object and watch again from its version
      const current = await callApi(`read CSR ${name}`, () => api.readCertificateSigningRequest({ name }));
      const now = outcome(current);
      if (now instanceof CertificateRefusedError) throw now;
      if (now) return { csrName: name, certPem: now.certPem };
      resourceVersion = current.metadata?.resourceVersion;
    }
  } finally {
    stop.abort();
    options.signal?.removeEventListener('abort', cancel);
  }
}

/** One watch connection; resolves with the certificate, or `{}` when the connection ends first. */
function watchOnce(kubeConfig: KubeConfig, name: string, resourceVersion: string | undefined, signal: AbortSignal): Promise<{ done?: { certPem: string } }> {
  return new Promise((resolve, reject) => {
    let request: AbortController | undefined;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      request?.abort();
      fn();
    };
    const onAbort = () => finish(() => resolve({}));
    signal.addEventListener('abort', onAbort, { once: true });
    new Watch(kubeConfig)
      .watch(
        CSR_PATH,
        { fieldSelector: `metadata.name=${name}`, ...(resourceVersion ? { resourceVersion } : {}) },
        (phase, object: V1CertificateSigningRequest) => {
          if (phase !== 'ADDED' && phase !== 'MODIFIED') return;
          const result = outcome(object);
          if (result instanceof CertificateRefusedError) finish(() => reject(result));
          else if (result) finish(() => resolve({ done: result }));
        },
        () => finish(() => resolve({})),
      )
      .then(
        (controller) => {
          request = controller;
          if (settled) controller.abort();
        },
        (error: unknown) => finish(() => resolve(error ? {} : {})),
      );
  });
}
