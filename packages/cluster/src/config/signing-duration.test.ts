import { describe, expect, it } from 'vitest';
import { ValidationError } from '@seedbed/core';
import type { ClusterPki } from '../providers/local/cluster-pki.ts';
import { controllerManagerArgs, type Layout } from '../providers/local/component-args.ts';
import { parseKindConfig } from './kind-config.ts';

const header = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n';
const withPatch = (patch: string) => `${header}kubeadmConfigPatches:\n  - |\n${patch.split('\n').map((l) => `    ${l}`).join('\n')}\n`;
const v1beta3 = (value: string) => withPatch(`kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n    cluster-signing-duration: ${value}`);
const problemsOf = (text: string): string[] => {
  try {
    parseKindConfig(text, 't');
  } catch (error) {
    if (error instanceof ValidationError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
};

describe('cluster-signing-duration from kubeadm ClusterConfiguration patches', () => {
  it('is unset by default', () => {
    expect(parseKindConfig(header, 't').signingDuration).toBeUndefined();
  });

  it('reads v1beta3 maps and v1beta4 name/value lists', () => {
    expect(parseKindConfig(v1beta3('"24h"'), 't').signingDuration).toBe('24h');
    const v1beta4 = withPatch('kind: ClusterConfiguration\ncontrollerManager:\n  extraArgs:\n    - name: cluster-signing-duration\n      value: 1h30m');
    expect(parseKindConfig(v1beta4, 't').signingDuration).toBe('1h30m');
  });

  it('rejects what kube-controller-manager would: not a Go duration, shorter than 10m', () => {
    const path = 'kubeadmConfigPatches[0].controllerManager.extraArgs.cluster-signing-duration';
    expect(problemsOf(v1beta3('"1 day"'))).toEqual([expect.stringContaining(`${path}: "1 day" is not a duration`)]);
    expect(problemsOf(v1beta3('"9m59s"'))).toEqual([`${path}: 9m59s is shorter than 10m; kube-controller-manager issues certificates for at least 10 minutes`]);
    expect(problemsOf(v1beta3('600'))).toEqual([`${path}: must be a Go duration string such as "24h" or "8760h"`]);
    expect(problemsOf(v1beta3('"10m"'))).toEqual([]);
  });

  it('reaches kube-controller-manager as --cluster-signing-duration', () => {
    const config = parseKindConfig(v1beta3('"48h"'), 't');
    const pki = { caCert: 'ca.crt', caKey: 'ca.key', kubeletServingCa: { cert: 'ks.crt', key: 'ks.key' }, serviceAccountKey: 'sa.key' } as ClusterPki;
    const layout = { stateDir: '/s', pki, kwokConfig: '', kubeconfigs: { admin: 'a', controllerManager: 'cm', scheduler: 's', kwok: 'k' } } as Layout;
    const ports = { etcdClient: 1, etcdPeer: 2, apiserver: 3, controllerManager: 4, scheduler: 5 };
    expect(controllerManagerArgs(config, ports, layout).args).toContain('--cluster-signing-duration=48h');
  });
});
