/**
 * Where a shoot's cert component runs: its kubelet serving CSR approver
 * (Gardener runs it in the seed, in gardener-resource-manager) and one node
 * agent per simulated node (the kubelet's TLS bootstrap, serving CSR and
 * rotation). The gardenlet's flow starts them, its health monitor follows the
 * approver, and a reconcile or delete stops them.
 *
 * Implementations: InProcessKubeletCerts (provider `local`, in the gardenlet's
 * process); on kind the approver becomes a pod in the seed and the agents are
 * the real kubelets — a second implementation of this interface.
 */

export interface NodeAgentsSpec {
  /** The shoot's node names. */
  nodes: readonly string[];
  /** A kubeconfig file with the shoot's bootstrap token (used while a node has no valid client certificate). */
  bootstrapKubeconfig: string;
  /** Where one node keeps its client and serving certificates. */
  certDir: (node: string) => string;
}

export interface KubeletCertsRuntime {
  /** Starts the shoot's approver against its API server (replacing one already running); resolves once it watches. */
  startApprover(technicalId: string, kubeconfig: string): Promise<void>;
  stopApprover(technicalId: string): Promise<void>;
  approverRunning(technicalId: string): boolean;
  /** Hears every start and stop of the shoot's approver; returns the unsubscribe. */
  watchApprover(technicalId: string, listener: (running: boolean) => void): () => void;
  /** Starts one agent per node (replacing running ones); resolves once every node serves with an issued certificate. */
  startAgents(technicalId: string, spec: NodeAgentsSpec): Promise<void>;
  /** Whether the shoot's agents run. */
  agentsRunning(technicalId: string): boolean;
  /** Every node of the shoot requests a new serving certificate now; resolves once each has it. */
  rotate(technicalId: string): Promise<void>;
  /** Stops the shoot's approver and agents. */
  stop(technicalId: string): Promise<void>;
  stopAll(): Promise<void>;
}
