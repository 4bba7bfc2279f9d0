/**
 * Finds a working container runtime (Docker, or Podman's Docker socket) the
 * way testcontainers does: DOCKER_HOST, ~/.testcontainers.properties, the
 * default sockets, in order. Loaded lazily: most commands never need it.
 */
export interface RuntimeStatus {
  ok: boolean;
  detail: string;
}

export async function detectContainerRuntime(): Promise<RuntimeStatus> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    return { ok: true, detail: `${client.info.containerRuntime.host} (server ${client.info.containerRuntime.serverVersion})` };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Whether an image exists in the local image store (images cannot be pulled here). */
export async function hasImage(reference: string): Promise<boolean> {
  try {
    const { getContainerRuntimeClient, ImageName } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    return await client.image.exists(ImageName.fromString(reference));
  } catch {
    return false;
  }
}
