/** Writes a file so readers see the old content or the new, never a partial one. */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, data: string | Buffer, tempDir: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(tempDir, `${randomBytes(12).toString('hex')}.partial`);
  await writeFile(temp, data);
  await rename(temp, path);
}
