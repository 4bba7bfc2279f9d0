/**
 * The cert component of `local` shoots, in the gardenlet's own process: per
 * shoot one CsrApprover and one NodeAgent per node, each with its own
 * informers on the shoot's API server. In-process because a Node.js process
 * per shoot costs 110–210 MiB RSS and 1–3 s to start (measured: plain node
 * importing @kubernetes/client-node, and `tsx csr-approver run`), far over the
 * per-shoot budget of 60 MiB and 1.5 s; agents and approvers share this
 * process's heap instead.
 *
 * They live as long as the gardenlet: a restarted gardenlet starts them again
 * for the shoots it adopts, and the agents reuse the certificates in their
 * certDir (no new CSR while a certificate is valid and names the node).
 */
import { loadKubeConfig } from '@seedbed/cluster';
import { SeedbedError, createLogger, describeError } from '@seedbed/core';
import { CsrApprover } from '@seedbed/csr-approver';
import { KUBELET_PORT, NodeAgent, describeAgentEvent } from '@seedbed/node-agent';
import type { KubeletCertsRuntime, NodeAgentsSpec } from './kubelet-certs-runtime.ts';

interface ShootCerts {
  approver?: CsrApprover;
  agents: Map<string, NodeAgent>;
  listeners: Set<(running: boolean) => void>;
}

export class InProcessKubeletCerts implements KubeletCertsRuntime {
  private readonly shoots = new Map<string, ShootCerts>();
  private readonly log = createLogger('kubelet-certs');

  /** `port`: where agents serve HTTPS on their nodes' addresses (those that can be bound here). */
  constructor(private readonly options: { port?: number } = {}) {}

  private shoot(id: string): ShootCerts {
    let s = this.shoots.get(id);
    if (!s) this.shoots.set(id, (s = { agents: new Map(), listeners: new Set() }));
    return s;
  }

  async startApprover(id: string, kubeconfig: string): Promise<void> {
    await this.stopApprover(id);
    const s = this.shoot(id);
    const approver = new CsrApprover({
      kubeConfig: loadKubeConfig(kubeconfig),
      workers: 2,
      onEvent: (event) =>
        event.type === 'decided'
          ? this.log.debug('%s: %s %s (node %s): %s', id, event.decision.action, event.csr, event.node ?? '?', event.decision.message)
          : this.log.debug('%s: approver error%s: %s', id, event.csr ? ` on ${event.csr}` : '', describeError(event.error)),
    });
    s.approver = approver;
    try {
      await approver.start();
    } catch (error) {
      s.approver = undefined;
      await approver.stop().catch(() => {}); // already failing: the start error is the one to report
      throw new SeedbedError('APPROVER_START_FAILED', `the kubelet serving CSR approver of ${id} did not start: ${describeError(error)}`);
    }
    for (const l of s.listeners) l(true);
  }

  async stopApprover(id: string): Promise<void> {
    const s = this.shoots.get(id);
    const approver = s?.approver;
    if (!s || !approver) return;
    s.approver = undefined;
    for (const l of s.listeners) l(false);
    await approver.stop();
  }

  approverRunning(id: string): boolean {
    return !!this.shoots.get(id)?.approver;
  }

  watchApprover(id: string, listener: (running: boolean) => void): () => void {
    const s = this.shoot(id);
    s.listeners.add(listener);
    return () => s.listeners.delete(listener);
  }

  async startAgents(id: string, spec: NodeAgentsSpec): Promise<void> {
    await this.stopAgents(id);
    const s = this.shoot(id);
    const bootstrap = loadKubeConfig(spec.bootstrapKubeconfig);
    for (const node of spec.nodes) {
      s.agents.set(
        node,
        new NodeAgent({
          nodeName: node,
          bootstrapKubeConfig: bootstrap,
          certDir: spec.certDir(node),
          port: this.options.port ?? KUBELET_PORT,
          onEvent: (event) => this.log.debug('%s: %s', id, describeAgentEvent(node, event)),
        }),
      );
    }
    const results = await Promise.allSettled([...s.agents.values()].map((agent) => agent.start()));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${spec.nodes[i]}: ${describeError(r.reason).split('\n')[0]}`] : []));
    if (failed.length) {
      await this.stopAgents(id);
      throw new SeedbedError('NODE_AGENTS_FAILED', `node agents of ${id} got no serving certificate: ${failed.join('; ')}`);
    }
  }

  agentsRunning(id: string): boolean {
    return (this.shoots.get(id)?.agents.size ?? 0) > 0;
  }

  async rotate(id: string): Promise<void> {
    const agents = [...(this.shoots.get(id)?.agents ?? [])];
    if (agents.length === 0) throw new SeedbedError('NO_NODE_AGENTS', `shoot ${id} runs no node agents`, { hint: 'its kubelet serving certificates may be disabled, or its last operation has not succeeded' });
    const unchanged: string[] = [];
    await Promise.all(
      agents.map(async ([node, agent]) => {
        const before = agent.servingCertificate?.serialNumber;
        await agent.renew('rotation');
        if (agent.servingCertificate?.serialNumber === before) unchanged.push(node);
      }),
    );
    if (unchanged.length) throw new SeedbedError('ROTATION_FAILED', `nodes of ${id} kept their serving certificate: ${unchanged.join(', ')}`, { hint: 'SEEDBED_DEBUG=kubelet-certs shows the agents’ errors' });
  }

  private async stopAgents(id: string): Promise<void> {
    const s = this.shoots.get(id);
    if (!s) return;
    const agents = [...s.agents.values()];
    s.agents.clear();
    await Promise.all(agents.map((a) => a.stop()));
  }

  async stop(id: string): Promise<void> {
    await Promise.all([this.stopApprover(id), this.stopAgents(id)]);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.shoots.keys()].map((id) => this.stop(id)));
  }
}
