/** Free bytes on the filesystem holding `dir` (statfs), injectable for tests. */
import { statfs } from 'node:fs/promises';

export type FreeSpaceProbe = () => Promise<number>;

export function statfsProbe(dir: string): FreeSpaceProbe {
  return async () => {
    const stats = await statfs(dir);
    return stats.bavail * stats.bsize;
  };
}
