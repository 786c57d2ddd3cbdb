/** Writes a file atomically: a temp file beside the target, fsync, rename. Nothing is left on failure. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GcError } from './errors';

export function tempPathFor(target: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${rand}.tmp`);
}

/** Checks the folder and writes the complete temp file; returns its path. */
function writeTemp(target: string, data: Uint8Array | string): string {
  const dir = path.dirname(path.resolve(target));
  if (!fs.existsSync(dir)) {
    throw new GcError('E_OUTPUT', `${target}: the folder ${dir} does not exist`, { hint: 'create it first, or pick another output path' });
  }
  const tmp = tempPathFor(target);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw writeError(target, e);
  }
  return tmp;
}

function writeError(target: string, e: unknown): GcError {
  if (e instanceof GcError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  return new GcError('E_OUTPUT', `${target}: cannot write (${code})`, { hint: 'check the path and permissions', cause: e });
}

function commit(tmp: string, target: string): void {
  try {
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw writeError(target, e);
  }
}

/**
 * Writes `bytes` to `target` via a temp file. `beforeRename` runs after the temp file is complete
 * (e.g. a verification step); if it throws, the temp file is removed and the target is untouched.
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array | string, beforeRename?: () => Promise<void>): Promise<void> {
  const tmp = writeTemp(target, bytes);
  try {
    if (beforeRename) await beforeRename();
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  commit(tmp, target);
}

/** The synchronous form, for reports and other small files. */
export function writeFileAtomicSync(target: string, data: Uint8Array | string): void {
  commit(writeTemp(target, data), target);
}
