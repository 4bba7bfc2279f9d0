/**
 * `seedbed shoot node-config NAME`: the containerd configuration the gardenlet wrote for a shoot's nodes.
 * `seedbed shoot certs NAME`: each node's kubelet serving certificate, read from the shoot's CSRs.
 */
import { CertificatesV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Command } from 'commander';
import { KubeRaw, loadKubeConfig } from '@seedbed/cluster';
import { SeedbedError } from '@seedbed/core';
import { NODE_CONFIG_MAP, certificateStatus, fromCertificateStatus, nodeServingCertificates, type NodeCertificateStatus } from '@seedbed/gardenlet';
import { shootPath, technicalId, type Shoot } from '@seedbed/gardener-api';
import { runningLandscapeKubeconfig } from './landscape-command.ts';

export function shootCommand(): Command {
  const command = new Command('shoot').description('inspect shoots of the running landscape');
  command
    .command('node-config')
    .description("print each node's certs.d/<upstream>/hosts.toml (and /etc/hosts entries) of a shoot with the registry-cache extension")
    .argument('<name>', 'shoot name')
    .option('--project <project>', 'project of the shoot', 'local')
    .option('--node <node>', 'only this node')
    .option('--kubeconfig <file>', 'garden kubeconfig (default: the landscape `seedbed up` runs)')
    .action(async (name: string, options: { project: string; node?: string; kubeconfig?: string }) => {
      const raw = new KubeRaw(loadKubeConfig(options.kubeconfig ?? runningLandscapeKubeconfig()));
      const namespace = technicalId(options.project, name);
      const config = await raw.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${namespace}/configmaps/${NODE_CONFIG_MAP}`).catch(() => {
        throw new SeedbedError('NO_NODE_CONFIG', `shoot ${options.project}/${name} has no node configuration`, { hint: 'it needs the registry-cache extension, and its last operation must have succeeded' });
      });
      const entries = Object.entries(config.data ?? {}).filter(([key]) => !options.node || key.startsWith(`${options.node}_`)).sort();
      for (const [key, content] of entries) {
        const [node, ...rest] = key.split('_');
        const file = rest.join('_') === 'etc_hosts' ? '/etc/hosts' : `/etc/containerd/certs.d/${rest.slice(0, -1).join(':')}/hosts.toml`;
        console.log(`# node ${node}: ${file}\n${content}`);
      }
    });
  command
    .command('certs')
    .description("list each node's kubelet serving certificate of a shoot: serial, SANs, not-after and the CSR that issued it (or why it has none)")
    .argument('<name>', 'shoot name')
    .option('--project <project>', 'project of the shoot', 'local')
    .option('--kubeconfig <file>', 'garden kubeconfig (default: the landscape `seedbed up` runs)')
    .option('--json', 'print JSON instead of a table')
    .action(async (name: string, options: { project: string; kubeconfig?: string; json?: boolean }) => {
      const raw = new KubeRaw(loadKubeConfig(options.kubeconfig ?? runningLandscapeKubeconfig()));
      // the project's <shoot>.kubeconfig Secret, as Gardener hands it out
      const secret = await raw.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/garden-${options.project}/secrets/${name}.kubeconfig`).catch(() => {
        throw new SeedbedError('NO_SHOOT_KUBECONFIG', `shoot ${options.project}/${name} has no kubeconfig Secret ${name}.kubeconfig in garden-${options.project}`, { hint: 'is the shoot created and its control plane up? `kubectl get shoots -A`' });
      });
      const shoot = await raw.get<Shoot>(shootPath(`garden-${options.project}`, name));
      const recorded = (shoot.status as { kubeletServingCertificates?: { enabled?: boolean; reason?: string } } | undefined)?.kubeletServingCertificates;
      if (recorded?.enabled === false) return console.log(`shoot ${options.project}/${name}: kubelet serving certificates are disabled (${recorded.reason ?? 'no reason recorded'})`);
      const shootKc = new KubeConfig();
      shootKc.loadFromString(Buffer.from(secret.data?.kubeconfig ?? '', 'base64').toString('utf8'));
      const nodes = (await shootKc.makeApiClient(CoreV1Api).listNode()).items.map((n) => n.metadata!.name!);
      const csrs = (await shootKc.makeApiClient(CertificatesV1Api).listCertificateSigningRequest()).items;
      // approved CSRs are cleaned up after an hour: what the gardenlet recorded fills in
      const known = fromCertificateStatus((recorded as { nodes?: NodeCertificateStatus[] } | undefined)?.nodes);
      const rows = certificateStatus(nodeServingCertificates(csrs, nodes, known), Date.now());
      if (options.json) return console.log(JSON.stringify(rows, null, 2));
      const table = [['NODE', 'SERIAL', 'SANS', 'NOT-AFTER', 'CSR', 'ROTATIONS'], ...rows.map((r) => [r.name, r.serialNumber ?? '-', r.sans?.join(',') ?? '-', r.notAfter ?? '-', r.csr ?? '-', String(r.rotations)])];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
      for (const r of rows.filter((x) => x.problem)) console.log(`${r.name}: ${r.problem}`);
    });
  return command;
}
