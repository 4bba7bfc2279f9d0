/**
 * The container images preloaded into the node, each tagged with exactly the
 * names kubeadm and kind ask for:
 *   - kubeadm's list (`kubeadm config images list --kubernetes-version …`):
 *     kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy,
 *     etcd (the pinned etcd build under kubeadm's etcd tag), coredns, pause;
 *   - kind's containerd `sandbox_image` (pause again, under kind's tag);
 *   - the images of kind's default manifests: kindnetd (seedbed's CNI daemon
 *     under kindnetd's name, so kind's manifest is used unchanged), the
 *     local-path provisioner and its helper.
 * Each image's recipe says which base it sits on and which binaries it holds.
 */
import { SeedbedError } from '@seedbed/core';

export const COMPONENTS = [
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kube-proxy',
  'etcd',
  'coredns',
  'pause',
  'cni-daemon',
  'local-path-provisioner',
  'local-path-helper',
] as const;
export type Component = (typeof COMPONENTS)[number];

/** The names asked for, from the pinned kubeadm and kind. */
export interface RequestedImages {
  kubeadm: readonly string[];
  sandboxImage: string;
  kindnetdImage: string;
  storageProvisionerImage: string;
  storageHelperImage: string;
}

/** registry.k8s.io/coredns/coredns:v1.14.2 → coredns (the last path segment, without tag or digest). */
export function repositoryName(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  return lastSegment.split(':')[0]!;
}

const KUBEADM_COMPONENTS: Readonly<Record<string, Component>> = {
  'kube-apiserver': 'kube-apiserver',
  'kube-controller-manager': 'kube-controller-manager',
  'kube-scheduler': 'kube-scheduler',
  'kube-proxy': 'kube-proxy',
  etcd: 'etcd',
  coredns: 'coredns',
  pause: 'pause',
};

/** Every component with the names it is tagged with; fails naming every image it cannot place and every component left without a name. */
export function componentTags(requested: RequestedImages): Map<Component, string[]> {
  const tags = new Map<Component, string[]>(COMPONENTS.map((c) => [c, []]));
  const add = (component: Component, image: string) => {
    const list = tags.get(component)!;
    if (!list.includes(image)) list.push(image);
  };
  const unknown: string[] = [];
  for (const image of requested.kubeadm.map((s) => s.trim()).filter(Boolean)) {
    const component = KUBEADM_COMPONENTS[repositoryName(image)];
    if (component) add(component, image);
    else unknown.push(image);
  }
  add('pause', requested.sandboxImage);
  add('cni-daemon', requested.kindnetdImage);
  add('local-path-provisioner', requested.storageProvisionerImage);
  add('local-path-helper', requested.storageHelperImage);
  const missing = COMPONENTS.filter((c) => tags.get(c)!.length === 0);
  if (unknown.length || missing.length) {
    const parts = [
      unknown.length ? `kubeadm asks for images no seedbed component provides: ${unknown.join(', ')}` : '',
      missing.length ? `no image name requested for: ${missing.join(', ')}` : '',
    ].filter(Boolean);
    throw new SeedbedError('IMAGE_NAMES', parts.join('; '), { hint: 'the pinned kubeadm or kind changed its images; update component-images.ts' });
  }
  return tags;
}

/** Where a component image's file comes from: a pinned binary (by its name in @seedbed/binaries) or the pause build. */
export interface ImageFile {
  from: string;
  to: string;
}

export interface ComponentRecipe {
  component: Component;
  /** `image-base` (the small Debian rootfs: shell, iptables, nft, conntrack) or nothing but the files. */
  base: 'image-base' | 'scratch';
  files: readonly ImageFile[];
  entrypoint?: readonly string[];
}

const bin = (name: string, dir = '/usr/local/bin'): ImageFile => ({ from: name, to: `${dir}/${name}` });

/**
 * How each component image is made. Control-plane manifests from kubeadm name
 * the command (`kube-apiserver`, `etcd`), found through PATH; CoreDNS and the
 * CNI daemon are started by their entrypoint, as their upstream images are.
 */
export function componentRecipes(cniDaemonBinary: string): ComponentRecipe[] {
  const onBase = (component: Component, name: string): ComponentRecipe => ({
    component,
    base: 'image-base',
    files: [bin(name)],
    entrypoint: [`/usr/local/bin/${name}`],
  });
  return [
    onBase('kube-apiserver', 'kube-apiserver'),
    onBase('kube-controller-manager', 'kube-controller-manager'),
    onBase('kube-scheduler', 'kube-scheduler'),
    onBase('kube-proxy', 'kube-proxy'),
    onBase('etcd', 'etcd'),
    { component: 'coredns', base: 'image-base', files: [{ from: 'coredns', to: '/coredns' }], entrypoint: ['/coredns'] },
    { component: 'pause', base: 'scratch', files: [{ from: 'pause', to: '/pause' }], entrypoint: ['/pause'] },
    onBase('cni-daemon', cniDaemonBinary),
    onBase('local-path-provisioner', 'local-path-provisioner'),
    // the helper pod runs kind's setup/teardown scripts with /bin/sh, mkdir and rm: the base alone
    { component: 'local-path-helper', base: 'image-base', files: [] },
  ];
}
