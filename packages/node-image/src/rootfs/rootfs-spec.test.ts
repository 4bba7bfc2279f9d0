import { describe, expect, it } from 'vitest';
import { MIRROR_ENV, configuredMirror, mirrorFromSources, rootfsSpecs } from './rootfs-spec.ts';

describe('Debian mirror', () => {
  it('comes from a deb822 stanza of the suite, not the security or a third-party archive', () => {
    const debian = 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\n';
    const thirdParty = 'deb https://packages.cloud.google.com/apt cloud-sdk-bookworm main\n';
    expect(mirrorFromSources([thirdParty, debian])).toBe('http://deb.debian.org/debian');
  });

  it('comes from a one-line entry with options', () => {
    expect(mirrorFromSources(['# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main\n'])).toBe('http://mirror.example/debian');
    expect(mirrorFromSources(['deb http://deb.debian.org/debian trixie main'])).toBeUndefined();
  });

  it('is overridden by the environment', () => {
    expect(configuredMirror({ [MIRROR_ENV]: 'http://other/debian' }, '/nonexistent')).toBe('http://other/debian');
    expect(configuredMirror({}, '/nonexistent')).toBeUndefined();
  });

  it('is not part of the specs, which name kind\'s node packages', () => {
    const [node, base] = rootfsSpecs();
    expect(node!.packages).toEqual(expect.arrayContaining(['systemd', 'iptables', 'nftables', 'conntrack', 'ethtool', 'socat', 'mount']));
    expect(base!.packages).toEqual(expect.arrayContaining(['iptables', 'conntrack']));
    expect(JSON.stringify(node)).not.toContain('http');
  });
});
