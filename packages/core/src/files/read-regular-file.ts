import * as fs from 'node:fs';

/**
 * Reads a file the user named, refusing folders, FIFOs and devices first: reading /dev/zero or a FIFO
 * would never end. Errors keep the errno shape (`code` EISDIR, ENOENT, ... or 'not a regular file')
 * so each caller words its own message.
 */
export function readRegularFile(file: string): Buffer {
  const stat = fs.statSync(file);
  if (!stat.isFile()) {
    const err = new Error(stat.isDirectory() ? 'EISDIR: a folder' : 'not a regular file') as NodeJS.ErrnoException;
    err.code = stat.isDirectory() ? 'EISDIR' : 'not a regular file';
    throw err;
  }
  return fs.readFileSync(file);
}

/** Why a user-named file could not be read, in words for a message: `no such file`, `it is a folder`, ... */
export function readFailureReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return code ?? (e instanceof Error ? e.message : 'unknown error');
}
