/**
 * Bootstrap tokens as kubeadm makes them: a `bootstrap-token-<id>` Secret in
 * kube-system (authenticating `system:bootstrap:<id>` in group
 * system:bootstrappers), and the RBAC that lets bootstrappers create CSRs,
 * lets kube-controller-manager's csrapproving controller auto-approve their
 * node client certificates, and lets nodes renew them.
 */
import { randomInt } from 'node:crypto';
import { AuthenticationV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api, type V1ClusterRoleBinding } from '@kubernetes/client-node';
import { ApiError, SeedbedError, Wait } from '@seedbed/core';
import { callApi } from '@seedbed/cluster';

export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';
export const BOOTSTRAP_EXTRA_GROUP = 'system:bootstrappers:seedbed:default-node-token';
export const DEFAULT_TOKEN_TTL_MS = 24 * 3600_000;
const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** How long kube-apiserver may take to see a new token Secret (its authenticator reads Secrets from an informer). */
export const TOKEN_ACCEPTED_TIMEOUT_MS = 30_000;

export interface BootstrapToken {
  id: string;
  secret: string;
  /** `<id>.<secret>`, what a kubelet presents as bearer token. */
  token: string;
  expires: Date;
}

const randomString = (length: number) => Array.from({ length }, () => TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)]).join('');

/** The ClusterRoleBindings kubeadm creates for TLS bootstrapping (idempotent). */
export function bootstrapBindings(): V1ClusterRoleBinding[] {
  const binding = (name: string, role: string, group: string): V1ClusterRoleBinding => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
  });
  return [
    binding('seedbed:kubelet-bootstrap', 'system:node-bootstrapper', BOOTSTRAPPERS_GROUP),
    binding('seedbed:node-autoapprove-bootstrap', 'system:certificates.k8s.io:certificatesigningrequests:nodeclient', BOOTSTRAPPERS_GROUP),
    binding('seedbed:node-autoapprove-certificate-rotation', 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', 'system:nodes'),
  ];
}

export async function ensureBootstrapRbac(admin: KubeConfig): Promise<void> {
  const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
  for (const body of bootstrapBindings()) {
    try {
      await callApi(`create ClusterRoleBinding ${body.metadata?.name}`, () => rbac.createClusterRoleBinding({ body }));
    } catch (error) {
      if (!(error instanceof ApiError && error.statusCode === 409)) throw error;
    }
  }
}

/**
 * Creates the token Secret (and ensures the RBAC) and returns once kube-apiserver accepts the
 * token: its authenticator reads Secrets through an informer, so a token used at once can get a
 * 401 on a loaded machine. `now` is wall-clock epoch ms.
 */
export async function createBootstrapToken(admin: KubeConfig, options: { ttlMs?: number; now?: number } = {}): Promise<BootstrapToken> {
  await ensureBootstrapRbac(admin);
  const id = randomString(6);
  const secret = randomString(16);
  const expires = new Date((options.now ?? Date.now()) + (options.ttlMs ?? DEFAULT_TOKEN_TTL_MS));
  await callApi(`create bootstrap token ${id}`, () =>
    admin.makeApiClient(CoreV1Api).createNamespacedSecret({
      namespace: 'kube-system',
      body: {
        metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
        type: 'bootstrap.kubernetes.io/token',
        stringData: {
          description: 'seedbed node-agent TLS bootstrap',
          'token-id': id,
          'token-secret': secret,
          expiration: expires.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          'usage-bootstrap-authentication': 'true',
          'auth-extra-groups': BOOTSTRAP_EXTRA_GROUP,
        },
      },
    }),
  );
  const token: BootstrapToken = { id, secret, token: `${id}.${secret}`, expires };
  const auth = bootstrapKubeConfig(admin, token).makeApiClient(AuthenticationV1Api);
  await new Wait({ what: `kube-apiserver to accept bootstrap token ${id}`, timeoutMs: TOKEN_ACCEPTED_TIMEOUT_MS }).until(async () => {
    // a 401 (not yet seen) throws, which keeps the wait going and is named if it times out
    await callApi(`self-subject review as system:bootstrap:${id}`, () => auth.createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } }));
    return true;
  });
  return token;
}

/** A kubeconfig for the same cluster as `admin`, authenticating with the token (a kubelet's --bootstrap-kubeconfig). */
export function bootstrapKubeConfig(admin: KubeConfig, token: BootstrapToken): KubeConfig {
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new SeedbedError('NO_CLUSTER', 'the admin kubeconfig has no current cluster');
  const kc = new KubeConfig();
  const user = `system:bootstrap:${token.id}`;
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token: token.token }],
    contexts: [{ name: 'bootstrap', cluster: cluster.name, user }],
    currentContext: 'bootstrap',
  });
  return kc;
}
