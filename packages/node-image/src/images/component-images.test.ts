import { describe, expect, it } from 'vitest';
import { COMPONENTS, componentRecipes, componentTags, repositoryName, type RequestedImages } from './component-images.ts';

/** The shape of `kubeadm config images list --kubernetes-version v1.36.3` (the integration test compares with the real one). */
const KUBEADM_LIST = [
  'registry.k8s.io/kube-apiserver:v1.36.3',
  'registry.k8s.io/kube-controller-manager:v1.36.3',
  'registry.k8s.io/kube-scheduler:v1.36.3',
  'registry.k8s.io/kube-proxy:v1.36.3',
  'registry.k8s.io/coredns/coredns:v1.14.2',
  'registry.k8s.io/pause:3.10.2',
  'registry.k8s.io/etcd:3.6.8-0',
  '',
];
const requested: RequestedImages = {
  kubeadm: KUBEADM_LIST,
  sandboxImage: 'registry.k8s.io/pause:3.10',
  kindnetdImage: 'docker.io/kindest/kindnetd:v20260820-69b56db7',
  storageProvisionerImage: 'docker.io/kindest/local-path-provisioner:v20260820-69b56db7',
  storageHelperImage: 'docker.io/kindest/local-path-helper:v20260131-7181c60a',
};

describe('component image names', () => {
  it('place every name kubeadm and kind ask for on exactly one component', () => {
    const tags = componentTags(requested);
    expect(tags.get('etcd')).toEqual(['registry.k8s.io/etcd:3.6.8-0']);
    expect(tags.get('coredns')).toEqual(['registry.k8s.io/coredns/coredns:v1.14.2']);
    expect(tags.get('pause')).toEqual(['registry.k8s.io/pause:3.10.2', 'registry.k8s.io/pause:3.10']);
    expect(tags.get('cni-daemon')).toEqual([requested.kindnetdImage]);
    const all = [...tags.values()].flat();
    expect(all.sort()).toEqual([...KUBEADM_LIST.filter(Boolean), requested.sandboxImage, requested.kindnetdImage, requested.storageProvisionerImage, requested.storageHelperImage].sort());
  });

  it('reject an image kubeadm asks for that no component provides, and a component no one names', () => {
    expect(() => componentTags({ ...requested, kubeadm: [...KUBEADM_LIST, 'registry.k8s.io/kube-foo:v1'] })).toThrow(/kube-foo/);
    expect(() => componentTags({ ...requested, kubeadm: KUBEADM_LIST.filter((i) => !i.includes('etcd')) })).toThrow(/no image name requested for: etcd/);
  });

  it('name repositories by their last path segment', () => {
    expect(repositoryName('registry.k8s.io/coredns/coredns:v1.14.2')).toBe('coredns');
    expect(repositoryName('localhost:5000/pause@sha256:abc')).toBe('pause');
  });

  it('have a recipe for every component, with the binary the manifests run', () => {
    const recipes = componentRecipes('seedbed-cni');
    expect(recipes.map((r) => r.component).sort()).toEqual([...COMPONENTS].sort());
    const apiserver = recipes.find((r) => r.component === 'kube-apiserver')!;
    expect(apiserver.files).toEqual([{ from: 'kube-apiserver', to: '/usr/local/bin/kube-apiserver' }]);
    expect(recipes.find((r) => r.component === 'pause')).toMatchObject({ base: 'scratch', entrypoint: ['/pause'] });
    expect(recipes.find((r) => r.component === 'cni-daemon')!.entrypoint).toEqual(['/usr/local/bin/seedbed-cni']);
  });
});
