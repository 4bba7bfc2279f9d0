/**
 * `csr-approver run|rbac`: the approver's command line, a commander Command
 * the seedbed CLI mounts. `run` approves until SIGINT/SIGTERM and can serve
 * Prometheus metrics; `rbac` prints the ClusterRole and binding it needs (and, with --flow-control, its APF objects).
 */
import { createServer, type Server } from 'node:http';
import { Command, InvalidArgumentError } from 'commander';
import { loadKubeConfig } from '@seedbed/cluster';
import { stringify } from 'yaml';
import { describeError, untilInterrupted } from '@seedbed/core';
import { resolvePolicy } from '../decision/approval-policy.ts';
import { CsrApprover, DEFAULT_WORKERS } from '../controller/csr-approver.ts';
import { approverFlowControl } from '../flowcontrol/approver-flow-control.ts';
import { approverRbac } from '../rbac/approver-rbac.ts';

interface RunFlags {
  kubeconfig?: string;
  maxExpirationSeconds?: string;
  allowedPrefix?: string[];
  workers: number;
  metricsListen?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];
const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text);
  if (!match) throw new InvalidArgumentError(`"${text}" is not HOST:PORT (127.0.0.1:9101, [::1]:9101)`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port: Number(match[3]) };
}


export function csrApproverCommand(): Command {
  const command = new Command('csr-approver').description('approve kubelet serving CSRs that match their node; deny forgeries with a reason');
  command
    .command('run')
    .description('watch CSRs and Nodes and decide kubelet serving CSRs until SIGINT/SIGTERM')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)')
    .option('--max-expiration-seconds <n>', 'deny CSRs asking for longer certificates (spec.expirationSeconds); default one year')
    .option('--allowed-prefix <cidr>', 'only approve IP SANs inside these prefixes; repeatable (e.g. 172.18.0.0/16, fc00:f853:ccd:e793::/64)', collect)
    .option('--workers <n>', 'CSRs decided in parallel', positive, DEFAULT_WORKERS)
    .option('--metrics-listen <host:port>', 'serve Prometheus metrics on http://HOST:PORT/metrics')
    .action(async (flags: RunFlags) => {
      let approver: CsrApprover | undefined;
      let server: Server | undefined;
      try {
        const policy = resolvePolicy({ maxExpirationSeconds: flags.maxExpirationSeconds, allowedPrefixes: flags.allowedPrefix }, 'csr-approver flags');
        approver = new CsrApprover({
          kubeConfig: loadKubeConfig(flags.kubeconfig),
          policy,
          workers: flags.workers,
          onEvent: (event) => {
            if (event.type === 'decided') {
              const { decision } = event;
              console.log(`${decision.action === 'approve' ? 'approved' : 'denied'} ${event.csr} (node ${event.node ?? '?'}): ${decision.reason}${decision.action === 'deny' ? ` — ${decision.message}` : ''}`);
            } else console.error(`error${event.csr ? ` on ${event.csr}` : ''}: ${describeError(event.error)}`);
          },
        });
        await approver.start();
        if (flags.metricsListen) {
          const { host, port } = parseListen(flags.metricsListen);
          const metrics = approver.metrics;
          server = createServer((req, res) => {
            if (req.url !== '/metrics') return void res.writeHead(404).end();
            res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.render());
          });
          await new Promise<void>((resolve, reject) => server!.once('error', reject).listen(port, host, resolve));
        }
        console.log('csr-approver running');
      } catch (error) {
        console.error(describeError(error));
        await approver?.stop();
        process.exitCode = 1;
        return;
      }
      await untilInterrupted();
      server?.close();
      await approver.stop();
      console.log('csr-approver stopped');
    });
  command
    .command('rbac')
    .description('print the ClusterRole and ClusterRoleBinding the approver needs (kubectl apply -f -)')
    .option('--user <name>', 'bind to this user')
    .option('--service-account <namespace/name>', 'bind to this service account')
    .option('--flow-control', "also print a FlowSchema and PriorityLevelConfiguration giving the approver's requests seats of their own (API Priority and Fairness)")
    .action((flags: { user?: string; serviceAccount?: string; flowControl?: boolean }) => {
      const [namespace, name] = flags.serviceAccount?.split('/') ?? [];
      if (flags.serviceAccount && !name) throw new InvalidArgumentError('--service-account must be NAMESPACE/NAME');
      const subject = name ? { kind: 'ServiceAccount' as const, name, namespace } : { kind: 'User' as const, name: flags.user ?? 'seedbed:csr-approver' };
      const objects = [...approverRbac(subject), ...(flags.flowControl ? approverFlowControl(subject) : [])];
      process.stdout.write(objects.map((o) => stringify(o)).join('---\n'));
    });
  return command;
}
