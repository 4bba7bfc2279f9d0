import { describe, expect, it } from 'vitest';
import { parseKindConfig } from '../../config/kind-config.ts';
import type { ClusterPki } from './cluster-pki.ts';
import { apiserverArgs, apiserverUrl, controllerManagerArgs, etcdArgs, type Layout, type Ports } from './component-args.ts';

const ports: Ports = { etcdClient: 2379, etcdPeer: 2380, apiserver: 6443, controllerManager: 10257, scheduler: 10259 };
const paths = { cert: 'c', key: 'k' };
const pki = { caCert: 'ca.crt', caKey: 'ca.key', kubeletServingCa: { cert: 'ks.crt', key: 'ks.key' }, apiserver: paths, apiserverKubeletClient: paths, admin: paths, controllerManager: paths, scheduler: paths, kwok: paths, serviceAccountKey: 'sa.key', serviceAccountPub: 'sa.pub' } as ClusterPki;
const layout: Layout = { stateDir: '/s', pki, kwokConfig: '/s/kwok.yaml', kubeconfigs: { admin: 'a', controllerManager: 'cm', scheduler: 's', kwok: 'k' } };
const config = (family: string, pods: string, services: string) =>
  parseKindConfig(`kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  ipFamily: ${family}\n  podSubnet: ${pods}\n  serviceSubnet: ${services}\n`, 't');
const flag = (args: string[], name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');

describe('component flags per family', () => {
  it('IPv6-only binds and advertises ::1 with bracketed URLs everywhere', () => {
    const c = config('ipv6', 'fd00:10:1::/48', 'fd00:10:2::/112');
    const api = apiserverArgs(c, ports, layout).args;
    expect(flag(api, 'bind-address')).toBe('::1');
    expect(flag(api, 'advertise-address')).toBe('::1');
    expect(flag(api, 'etcd-servers')).toBe('http://[::1]:2379');
    expect(flag(api, 'service-cluster-ip-range')).toBe('fd00:10:2::/112');
    expect(apiserverUrl(c, ports)).toBe('https://[::1]:6443');
    expect(flag(etcdArgs(c, ports, layout).args, 'listen-client-urls')).toBe('http://[::1]:2379');
    const kcm = controllerManagerArgs(c, ports, layout).args;
    expect(flag(kcm, 'cluster-cidr')).toBe('fd00:10:1::/48');
    expect(flag(kcm, 'node-cidr-mask-size-ipv6')).toBe('64');
    expect(flag(kcm, 'node-cidr-mask-size-ipv4')).toBeUndefined();
  });

  it('dual-stack keeps the primary family first in every range and binds to its loopback', () => {
    const c = config('dual', 'fd00:10:1::/48,10.0.0.0/15', 'fd00:10:2::/112,10.2.0.0/16');
    const api = apiserverArgs(c, ports, layout).args;
    expect(flag(api, 'advertise-address')).toBe('::1');
    expect(flag(api, 'service-cluster-ip-range')).toBe('fd00:10:2::/112,10.2.0.0/16');
    const kcm = controllerManagerArgs(c, ports, layout).args;
    expect(flag(kcm, 'cluster-cidr')).toBe('fd00:10:1::/48,10.0.0.0/15');
    expect(flag(kcm, 'node-cidr-mask-size-ipv4')).toBe('24');
    expect(flag(kcm, 'node-cidr-mask-size-ipv6')).toBe('64');
    expect(kcm).toContain('--allocate-node-cidrs=true');
    expect(flag(kcm, 'cluster-signing-cert-file')).toBeUndefined();
    expect(flag(kcm, 'cluster-signing-kubelet-serving-cert-file')).toBe('ks.crt');
    expect(flag(kcm, 'cluster-signing-kubelet-serving-key-file')).toBe('ks.key');
    for (const signer of ['kubelet-client', 'kube-apiserver-client', 'legacy-unknown']) {
      expect(flag(kcm, `cluster-signing-${signer}-cert-file`)).toBe('ca.crt');
      expect(flag(kcm, `cluster-signing-${signer}-key-file`)).toBe('ca.key');
    }
    expect(flag(kcm, 'cluster-signing-duration')).toBeUndefined();
  });

  it('IPv4 uses 127.0.0.1 and enables RBAC + Node authorization', () => {
    const c = config('ipv4', '10.0.0.0/15', '10.2.0.0/16');
    const api = apiserverArgs(c, ports, layout).args;
    expect(flag(api, 'bind-address')).toBe('127.0.0.1');
    expect(flag(api, 'authorization-mode')).toBe('Node,RBAC');
    expect(flag(api, 'enable-admission-plugins')).toBe('NodeRestriction');
    expect(apiserverUrl(c, ports)).toBe('https://127.0.0.1:6443');
  });
});
