import { describe, expect, it } from 'vitest';
import { ValidationError } from '@seedbed/core';
import { loadKindConfig, parseKindConfig } from './kind-config.ts';
import { SHIPPED_CONFIGS, shippedConfigPath } from './kind-configs.ts';

const header = 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n';
const problemsOf = (text: string): string[] => {
  try {
    parseKindConfig(text, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected a ValidationError');
};

describe('kind configs', () => {
  it.each(SHIPPED_CONFIGS)('ships a valid %s config', async (name) => {
    const config = await loadKindConfig(shippedConfigPath(name));
    expect(config.nodes.map((n) => n.role)).toEqual(['control-plane', 'worker']);
    expect(config.podSubnets.length).toBe(config.families.length);
  });

  it('orders families primary first and applies per-family node masks', async () => {
    const v6first = await loadKindConfig(shippedConfigPath('dual-stack-ipv6-primary'));
    expect(v6first.families).toEqual(['ipv6', 'ipv4']);
    expect(v6first.serviceSubnets.map((s) => s.text)).toEqual(['fd00:10:2::/112', '10.2.0.0/16']);
    expect(v6first.nodeMasks).toEqual({ ipv6: 64, ipv4: 24 });
    const dual = await loadKindConfig(shippedConfigPath('dual-stack'));
    expect(dual.families).toEqual(['ipv4', 'ipv6']);
    expect(dual.nodes.map((n) => n.name)).toEqual(['seedbed-control-plane', 'seedbed-worker']);
  });

  it('defaults subnets per family like Gardener local setup', () => {
    const config = parseKindConfig(`${header}networking:\n  ipFamily: ipv6\n`, 't');
    expect(config.podSubnets.map((c) => c.text)).toEqual(['fd00:10:1::/48']);
    expect(config.serviceSubnets.map((c) => c.text)).toEqual(['fd00:10:2::/112']);
    expect(config.name).toBe('seedbed');
  });

  it('reads node masks from kubeadm ClusterConfiguration patches', () => {
    const config = parseKindConfig(
      `${header}networking:\n  ipFamily: ipv6\nkubeadmConfigPatches:\n  - |\n    kind: ClusterConfiguration\n    controllerManager:\n      extraArgs:\n        node-cidr-mask-size-ipv6: "56"\n`,
      't',
    );
    expect(config.nodeMasks).toEqual({ ipv6: 56 });
  });

  it('collects every problem of a contradictory config into one error', () => {
    const problems = problemsOf(
      `${header}nodes:\n  - role: worker\n    imagee: x\nnetworking:\n  ipFamily: ipv6\n  podSubnet: 10.0.0.0/15\n  serviceSubnet: fd00:10:1:5::/112\n  bogus: 1\nfoo: bar\n`,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'foo: unknown field (allowed: kind, apiVersion, name, nodes, networking, featureGates, runtimeConfig, kubeadmConfigPatches, kubeadmConfigPatchesJSON6902, containerdConfigPatches, containerdConfigPatchesJSON6902)',
        expect.stringMatching(/^networking\.bogus: unknown field/),
        'networking.podSubnet: 10.0.0.0/15 is ipv4 but ipFamily is ipv6',
        expect.stringMatching(/^nodes\[0\]\.imagee: unknown field/),
        'nodes: needs at least one control-plane node',
      ]),
    );
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });

  it('rejects overlapping pod and service subnets, oversized service ranges and IPv6 node-mask limits', () => {
    const problems = problemsOf(
      `${header}networking:\n  ipFamily: dual\n  podSubnet: 10.0.0.0/15,fd00:10::/32\n  serviceSubnet: 10.1.0.0/16,fd00:10:2::/64\n`,
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        'networking: podSubnet 10.0.0.0/15 overlaps serviceSubnet 10.1.0.0/16; pick disjoint ranges',
        'networking: podSubnet fd00:10::/32 overlaps serviceSubnet fd00:10:2::/64; pick disjoint ranges',
        expect.stringMatching(/serviceSubnet: fd00:10:2::\/64 is too large.*\/108/),
        expect.stringMatching(/podSubnet: fd00:10::\/32 with node mask \/64 gives 2\^32 node ranges/),
      ]),
    );
  });

  it('rejects dual-stack with two CIDRs of one family, bad CIDRs and YAML syntax errors', () => {
    expect(problemsOf(`${header}networking:\n  ipFamily: dual\n  podSubnet: 10.0.0.0/16,10.4.0.0/16\n`)).toContain(
      'networking.podSubnet: ipFamily dual needs one IPv4 and one IPv6 CIDR, comma-separated (got 10.0.0.0/16,10.4.0.0/16)',
    );
    expect(problemsOf(`${header}networking:\n  podSubnet: 10.0.0.1/16\n`)).toContain(
      'networking.podSubnet: "10.0.0.1/16" has host bits set (did you mean 10.0.0.0/16?)',
    );
    expect(problemsOf(`${header}networking: [\n`)[0]).toMatch(/^line \d+:/);
    expect(problemsOf('kind: Pod\napiVersion: v1\n')).toEqual([
      'kind: must be "Cluster", got "Pod"',
      'apiVersion: must be "kind.x-k8s.io/v1alpha4", got "v1"',
    ]);
  });
});
