import { SeedbedError } from '@seedbed/core';

/** The cache has no room for a blob (disk full or quota reached); the request is passed through instead. */
export class DiskFullError extends SeedbedError {
  constructor(message: string, cause?: unknown) {
    super('DISK_FULL', message, { cause, hint: 'free space on the storage volume or lower maxStorageBytes' });
  }
}

export function isNoSpace(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
