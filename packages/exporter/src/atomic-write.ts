/** Writes a file atomically: a temp file beside the target, fsync, rename. Nothing is left on failure. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GcError } from './errors';

export function tempPathFor(target: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${rand}.tmp`);
}

/**
 * Writes `bytes` to `target` via a temp file. `beforeRename` runs after the temp file is complete
 * (e.g. a verification step); if it throws, the temp file is removed and the target is untouched.
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array, beforeRename?: () => Promise<void>): Promise<void> {
  const dir = path.dirname(path.resolve(target));
  if (!fs.existsSync(dir)) {
    throw new GcError('E_OUTPUT', `${target}: the folder ${dir} does not exist`, { hint: 'create it first, or pick another --output' });
  }
  const tmp = tempPathFor(target);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (beforeRename) await beforeRename();
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    if (e instanceof GcError) throw e;
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new GcError('E_OUTPUT', `${target}: cannot write the model (${code})`, { hint: 'check the path and permissions', cause: e });
  }
}
