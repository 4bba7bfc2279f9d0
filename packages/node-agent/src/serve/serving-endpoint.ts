/**
 * Where a node agent serves HTTPS: in this process on addresses of this
 * machine (HttpsEndpoint), or in a child process inside the node's network
 * namespace (NetnsHttpsEndpoint). Either way one call sets the certificate
 * and the addresses, and a renewed certificate is swapped in without a restart.
 */
export interface ListenResult {
  listening: string[];
  /** Address → why it could not be bound. */
  unbindable: Record<string, string>;
}

export interface ServingEndpoint {
  /** Sets the certificate and listens on exactly `addresses` (closing listeners of addresses no longer wanted). */
  update(addresses: readonly string[], cert: string, key: string): Promise<ListenResult>;
  readonly listening: string[];
  close(): Promise<void>;
}
