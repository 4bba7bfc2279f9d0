/** Real peers for tests elsewhere in the workspace (scenarios): containerd, distribution, OCI layouts, skopeo. */
export { startContainerd, type ContainerdDaemon } from './containerd-daemon.ts';
export { startDistribution, type DistributionRegistry } from './distribution-registry.ts';
export { buildOciImage, type BuiltImage } from './oci-layout.ts';
export { pushLayout } from './skopeo.ts';
