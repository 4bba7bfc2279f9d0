/**
 * The two Debian root filesystems a node image is made of, as data: the node
 * itself (what kind's images/base/Dockerfile installs, minus what only
 * rootless or storage e2e tests use) and a small base for the component
 * images that need a shell or iptables (kube-proxy, the CNI daemon, the
 * local-path helper). Both come from debootstrap and the configured Debian
 * mirror; the specs (suite, package lists) are part of the pins, so a changed
 * list means a new image.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEBIAN_SUITE = 'bookworm';
export const MIRROR_ENV = 'SEEDBED_DEBIAN_MIRROR';

export interface RootfsSpec {
  name: 'node' | 'image-base';
  suite: string;
  /** debootstrap --variant */
  variant: 'minbase';
  /** debootstrap --include */
  packages: readonly string[];
}

/**
 * kind's base image installs: systemd; conntrack iptables nftables iproute2 ethtool util-linux mount kmod;
 * libseccomp2 pigz fuse-overlayfs; nfs-common open-iscsi; e2fsprogs; bash ca-certificates curl jq procps.
 * Added: dbus (systemd's bus, which a minbase bootstrap lacks) and socat (port forwarding tools expect it).
 * Left out: fuse-overlayfs (rootless nodes only) and nfs-common/open-iscsi (network storage e2e tests),
 * which pull in rpcbind and iscsid services a local node never uses.
 */
export const NODE_PACKAGES = [
  'systemd', 'dbus',
  'conntrack', 'iptables', 'nftables', 'iproute2', 'ethtool', 'socat', 'util-linux', 'mount', 'kmod',
  'libseccomp2', 'pigz',
  'e2fsprogs',
  'bash', 'ca-certificates', 'curl', 'jq', 'procps',
] as const;

/** What kube-proxy and the CNI daemon call (iptables, ip6tables, nft, conntrack, ip), plus a shell for the local-path helper. */
export const IMAGE_BASE_PACKAGES = ['iptables', 'nftables', 'conntrack', 'iproute2', 'ca-certificates'] as const;

/** The mirror is not part of a spec: it is where the packages come from, not what they are. */
export function rootfsSpecs(): RootfsSpec[] {
  return [
    { name: 'node', suite: DEBIAN_SUITE, variant: 'minbase', packages: [...NODE_PACKAGES] },
    { name: 'image-base', suite: DEBIAN_SUITE, variant: 'minbase', packages: [...IMAGE_BASE_PACKAGES] },
  ];
}

/**
 * The Debian mirror for `suite` from apt's sources (one-line `deb URI SUITE …`
 * or deb822 `URIs:`/`Suites:` stanzas); security and third-party archives are
 * skipped by requiring the suite itself and a Debian-looking path.
 */
export function mirrorFromSources(texts: readonly string[], suite = DEBIAN_SUITE): string | undefined {
  const candidates: string[] = [];
  for (const text of texts) {
    for (const line of text.split('\n')) {
      const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
      if (m && m[2] === suite) candidates.push(m[1]!);
    }
    for (const stanza of text.split(/\n\s*\n/)) {
      const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      if (!field('Types').includes('deb')) continue;
      if (!field('Suites').includes(suite)) continue;
      candidates.push(...field('URIs'));
    }
  }
  return candidates.find((uri) => /\/debian\/?$/.test(uri)) ?? candidates[0];
}

/** The mirror debootstrap uses: $SEEDBED_DEBIAN_MIRROR, else the one apt is configured with. */
export function configuredMirror(env: NodeJS.ProcessEnv = process.env, aptDir = '/etc/apt'): string | undefined {
  if (env[MIRROR_ENV]) return env[MIRROR_ENV];
  const texts: string[] = [];
  const read = (path: string) => {
    try {
      texts.push(readFileSync(path, 'utf8'));
    } catch {
      // an absent sources.list is normal on deb822-only systems
    }
  };
  read(join(aptDir, 'sources.list'));
  try {
    for (const f of readdirSync(join(aptDir, 'sources.list.d')).sort()) if (/\.(list|sources)$/.test(f)) read(join(aptDir, 'sources.list.d', f));
  } catch {
    // no sources.list.d
  }
  return mirrorFromSources(texts);
}
