/** Test helpers other packages' tests and scenarios use (`@seedbed/csr-approver/testing`). */
export { identityKubeConfig } from './cluster-identity.ts';
