/**
 * Test helper: close and reopen the gate through which kube-controller-manager
 * approves a node's own client-certificate renewals (the `selfnodeclient`
 * ClusterRoleBinding seedbed creates for TLS bootstrapping), wait until the
 * API server's authorizer agrees, and deny a node's pending client CSR as an
 * operator would — so a rotation fails for real, without stubbing anything.
 */
import { AuthorizationV1Api, CertificatesV1Api, RbacAuthorizationV1Api, type KubeConfig, type V1CertificateSigningRequest } from '@kubernetes/client-node';
import { Wait } from '@seedbed/core';
import { KUBELET_CLIENT_SIGNER, NODES_GROUP, nodeUser } from '@seedbed/csr-approver';
import { bootstrapBindings, ensureBootstrapRbac } from '../bootstrap/bootstrap-token.ts';

const ROTATION_BINDING = bootstrapBindings().find((b) => b.roleRef.name.endsWith(':selfnodeclient'))!.metadata!.name!;

async function mayRenewOwnClientCertificate(admin: KubeConfig, nodeName: string): Promise<boolean> {
  const review = await admin.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
    body: {
      spec: {
        user: nodeUser(nodeName),
        groups: [NODES_GROUP, 'system:authenticated'],
        resourceAttributes: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', subresource: 'selfnodeclient', verb: 'create' },
      },
    },
  });
  return review.status?.allowed === true;
}

export async function closeRotationGate(admin: KubeConfig, nodeName: string): Promise<void> {
  await admin.makeApiClient(RbacAuthorizationV1Api).deleteClusterRoleBinding({ name: ROTATION_BINDING });
  await new Wait({ what: 'the authorizer to stop allowing selfnodeclient', timeoutMs: 10_000, intervalMs: 50 }).until(async () => !(await mayRenewOwnClientCertificate(admin, nodeName)));
}

export async function openRotationGate(admin: KubeConfig, nodeName: string): Promise<void> {
  await ensureBootstrapRbac(admin);
  await new Wait({ what: 'the authorizer to allow selfnodeclient again', timeoutMs: 10_000, intervalMs: 50 }).until(() => mayRenewOwnClientCertificate(admin, nodeName));
}

/** Waits for the node's pending client CSR and denies it; returns its name. */
export async function denyPendingClientCsr(admin: KubeConfig, nodeName: string): Promise<string> {
  const api = admin.makeApiClient(CertificatesV1Api);
  let pending: V1CertificateSigningRequest | undefined;
  await new Wait({ what: `a pending client CSR from ${nodeName}`, timeoutMs: 15_000, intervalMs: 50 }).until(async () => {
    const { items } = await api.listCertificateSigningRequest({ fieldSelector: `spec.signerName=${KUBELET_CLIENT_SIGNER}` });
    pending = items.find((csr) => csr.spec.username === nodeUser(nodeName) && !csr.status?.conditions?.length);
    return pending !== undefined;
  });
  const name = pending!.metadata!.name!;
  const condition = { type: 'Denied', status: 'True', reason: 'OperatorDenied', message: 'denied by the test', lastUpdateTime: new Date() };
  await api.replaceCertificateSigningRequestApproval({ name, body: { ...pending!, status: { conditions: [condition] } } });
  return name;
}
