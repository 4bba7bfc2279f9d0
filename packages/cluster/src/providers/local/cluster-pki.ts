/**
 * The throwaway PKI of a local cluster: one CA signing serving and client
 * certificates (kube-controller-manager also signs CSRs with it, except
 * kubelet serving certificates, which get a CA of their own), plus the
 * service-account signing key. SANs cover every address the cluster is
 * reached by: both loopbacks, the in-cluster service names and the first
 * ClusterIP of every service subnet (IPv6 included).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CertificateAuthority, generateSigningKey, type CertificateRequest } from '@seedbed/pki';
import { nthAddress } from '../../config/cidr.ts';
import type { ClusterConfig } from '../../config/kind-config.ts';

export interface CertPaths {
  cert: string;
  key: string;
}

export interface ClusterPki {
  caCert: string;
  caKey: string;
  /** The dedicated CA kube-controller-manager signs kubernetes.io/kubelet-serving CSRs with. */
  kubeletServingCa: CertPaths;
  apiserver: CertPaths;
  /** kube-apiserver's client certificate towards kubelets (kwok). */
  apiserverKubeletClient: CertPaths;
  admin: CertPaths;
  controllerManager: CertPaths;
  scheduler: CertPaths;
  kwok: CertPaths;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

export const SERVICE_DNS_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];

/** Everything kube-apiserver's serving certificate must name. */
export function apiserverSans(config: ClusterConfig): { dnsNames: string[]; ipAddresses: string[] } {
  return {
    dnsNames: ['localhost', ...SERVICE_DNS_NAMES],
    ipAddresses: ['127.0.0.1', '::1', ...config.serviceSubnets.map((s) => nthAddress(s, 1))],
  };
}

/** Where createClusterPki puts each file in `dir` (so a PKI restored from elsewhere is found the same way). */
export function pkiPaths(dir: string): ClusterPki {
  const pair = (name: string): CertPaths => ({ cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) });
  return {
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    kubeletServingCa: pair('kubelet-serving-ca'),
    apiserver: pair('apiserver'),
    apiserverKubeletClient: pair('apiserver-kubelet-client'),
    admin: pair('admin'),
    controllerManager: pair('controller-manager'),
    scheduler: pair('scheduler'),
    kwok: pair('kwok'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPub: join(dir, 'sa.pub'),
  };
}

export async function createClusterPki(config: ClusterConfig, dir: string): Promise<ClusterPki> {
  const ca = await CertificateAuthority.create(`seedbed-${config.name}-ca`);
  const write = async (name: string, content: string, mode = 0o600) => {
    const path = join(dir, name);
    await writeFile(path, content, { mode });
    return path;
  };
  const issue = async (name: string, request: CertificateRequest): Promise<CertPaths> => {
    const pair = await ca.issue(request);
    return { cert: await write(`${name}.crt`, pair.certPem, 0o644), key: await write(`${name}.key`, pair.keyPem) };
  };
  const kubeletServingCa = await CertificateAuthority.create(`seedbed-${config.name}-kubelet-serving-ca`);
  const [apiserver, apiserverKubeletClient, admin, controllerManager, scheduler, kwok, sa] = await Promise.all([
    issue('apiserver', { commonName: 'kube-apiserver', ...apiserverSans(config), usages: ['server'] }),
    issue('apiserver-kubelet-client', { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'], usages: ['client'] }),
    issue('admin', { commonName: 'kubernetes-admin', organizations: ['system:masters'], usages: ['client'] }),
    issue('controller-manager', { commonName: 'system:kube-controller-manager', organizations: ['system:masters'], usages: ['client'] }),
    issue('scheduler', { commonName: 'system:kube-scheduler', usages: ['client'] }),
    // kwok acts for every simulated node's kubelet: nodes, leases and pod status of all nodes
    issue('kwok', { commonName: 'seedbed:kwok', organizations: ['system:masters'], usages: ['client'] }),
    generateSigningKey(),
  ]);
  return {
    caCert: await write('ca.crt', ca.certPem, 0o644),
    caKey: await write('ca.key', ca.keyPair.keyPem),
    kubeletServingCa: {
      cert: await write('kubelet-serving-ca.crt', kubeletServingCa.certPem, 0o644),
      key: await write('kubelet-serving-ca.key', kubeletServingCa.keyPair.keyPem),
    },
    apiserver,
    apiserverKubeletClient,
    admin,
    controllerManager,
    scheduler,
    kwok,
    serviceAccountKey: await write('sa.key', sa.privatePem),
    serviceAccountPub: await write('sa.pub', sa.publicPem, 0o644),
  };
}
