import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseKindConfig } from '../../config/kind-config.ts';
import { CGROUP_V1_PATCH, renderKindConfig } from './kind-config-file.ts';

const source = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
name: from-file
networking:
  ipFamily: ipv6
  podSubnet: fd00:10:1::/48
  serviceSubnet: fd00:10:2::/112
kubeadmConfigPatches:
  - |
    kind: ClusterConfiguration
    apiServer:
      extraArgs:
        v: "2"
nodes:
  - role: control-plane
  - role: worker
`;

describe('renderKindConfig', () => {
  it('adds failCgroupV1: false after the user’s own patches on a cgroup v1 host, and says why', () => {
    const config = parseKindConfig(source, 'test.yaml', 'renamed');
    const rendered = renderKindConfig(config, { cgroupVersion: '1' });
    const document = parse(rendered.yaml) as Record<string, unknown>;
    expect(document.name).toBe('renamed');
    expect(document.kubeadmConfigPatches).toHaveLength(2);
    expect((document.kubeadmConfigPatches as string[])[1]).toBe(CGROUP_V1_PATCH);
    expect(rendered.patches).toEqual([expect.stringMatching(/failCgroupV1: false.*cgroup v1/)]);
    expect(document.networking).toEqual({ ipFamily: 'ipv6', podSubnet: 'fd00:10:1::/48', serviceSubnet: 'fd00:10:2::/112' });
  });

  it('changes nothing but the name on a cgroup v2 host', () => {
    const config = parseKindConfig(source, 'test.yaml');
    const rendered = renderKindConfig(config, { cgroupVersion: '2' });
    expect(rendered.patches).toEqual([]);
    expect(parse(rendered.yaml)).toEqual({ ...config.raw, name: 'from-file' });
    expect(config.raw.kubeadmConfigPatches).toHaveLength(1); // the parsed config is not modified
  });
});
