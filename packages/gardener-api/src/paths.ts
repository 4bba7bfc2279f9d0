/** The API paths of the Gardener resources seedbed reads and writes: their one home. */
import { GROUP, VERSION } from './types.ts';

const BASE = `/apis/${GROUP}/${VERSION}`;

/** Every Shoot of every project (list and watch). */
export const SHOOTS_PATH = `${BASE}/shoots`;
/** Every Seed (list and watch). */
export const SEEDS_PATH = `${BASE}/seeds`;

export function shootPath(namespace: string, name: string): string {
  return `${BASE}/namespaces/${namespace}/shoots/${name}`;
}

export function seedPath(name: string): string {
  return `${SEEDS_PATH}/${name}`;
}
