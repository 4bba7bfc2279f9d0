export { NodeAgent, describeAgentEvent, KUBELET_PORT, type NodeAgentOptions, type AgentEvent, type RenewCause } from './agent/node-agent.ts';
export {
  createBootstrapToken,
  ensureBootstrapRbac,
  bootstrapBindings,
  bootstrapKubeConfig,
  BOOTSTRAPPERS_GROUP,
  BOOTSTRAP_EXTRA_GROUP,
  DEFAULT_TOKEN_TTL_MS,
  type BootstrapToken,
} from './bootstrap/bootstrap-token.ts';
export { requestCertificate, CertificateRefusedError, DEFAULT_ISSUE_TIMEOUT_MS, type CertificateRequestOptions, type IssuedCertificate } from './csr/certificate-client.ts';
export { rotationDeadline, rotationDelay, ROTATION_MIN_FRACTION, ROTATION_MAX_FRACTION } from './certs/rotation.ts';
export { readPair, writePair, certificateNames, describePair, SERVER_PAIR_FILE, CLIENT_PAIR_FILE, type StoredPair } from './certs/cert-store.ts';
export { HttpsEndpoint } from './serve/https-endpoint.ts';
export type { ListenResult, ServingEndpoint } from './serve/serving-endpoint.ts';
export { nodeAgentCommand } from './cli/node-agent-command.ts';
export { ClientCredentials, nodeKubeConfig, CLIENT_RETRY_BACKOFF_MS, CLIENT_MAX_RETRY_BACKOFF_MS, type ClientCertificateEvent } from './agent/client-credentials.ts';
export { NetnsHttpsEndpoint } from './serve/netns-https-endpoint.ts';
export { RenewalTimer } from './certs/renewal-timer.ts';
