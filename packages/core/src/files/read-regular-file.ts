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
