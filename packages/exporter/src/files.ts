import * as fs from 'node:fs';

/** Refuses folders, FIFOs and devices before reading: reading /dev/zero or a FIFO would never end. */
export function requireRegularFile(file: string): void {
  const stat = fs.statSync(file);
  if (!stat.isFile()) {
    const err = new Error(stat.isDirectory() ? 'EISDIR: a folder' : 'not a regular file') as NodeJS.ErrnoException;
    err.code = stat.isDirectory() ? 'EISDIR' : 'not a regular file';
    throw err;
  }
}
