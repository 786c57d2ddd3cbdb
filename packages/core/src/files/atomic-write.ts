/**
 * Writes a file atomically: a temp file beside the target, fsync, rename. Nothing is left on failure,
 * and `removePendingTemps` lets a signal handler clean up a write that is interrupted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GcError } from '../errors';

const pending = new Set<string>();

function tempPathFor(target: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${rand}.tmp`);
}

/** Removes the temp files of writes still in progress (for SIGINT/SIGTERM handlers). */
export function removePendingTemps(): void {
  for (const tmp of pending) fs.rmSync(tmp, { force: true });
  pending.clear();
}

/**
 * Where a write to `target` really lands: through a symlink to its file. Refuses what a rename would
 * destroy rather than write: a folder, a device, a FIFO or a socket.
 */
export function resolveWriteTarget(target: string): string {
  if (target === '') throw new GcError('E_ARGS', 'the output path is empty', { hint: 'pass a file name, e.g. -o model.onnx' });
  let real = path.resolve(target);
  try {
    real = fs.realpathSync(target);
  } catch {
    // does not exist yet (or a dangling link): written as given
  }
  const stat = fs.statSync(real, { throwIfNoEntry: false });
  if (stat && !stat.isFile()) {
    const kind = stat.isDirectory() ? 'a folder' : 'not a regular file';
    throw new GcError('E_OUTPUT', `${target}: is ${kind}; the output must be a file`, { hint: 'pick a file path, e.g. -o model.onnx' });
  }
  const dir = path.dirname(real);
  if (!fs.existsSync(dir)) {
    throw new GcError('E_OUTPUT', `${target}: the folder ${dir} does not exist`, { hint: 'create it first, or pick another output path' });
  }
  return real;
}

/** Writes the complete temp file for `real` (a resolved target); returns its path. */
function writeTemp(target: string, real: string, data: Uint8Array | string): string {
  const tmp = tempPathFor(real);
  pending.add(tmp);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch (e) {
    drop(tmp);
    throw writeError(target, e);
  }
  return tmp;
}

function drop(tmp: string): void {
  fs.rmSync(tmp, { force: true });
  pending.delete(tmp);
}

function writeError(target: string, e: unknown): GcError {
  if (e instanceof GcError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  return new GcError('E_OUTPUT', `${target}: cannot write (${code})`, { hint: 'check the path and permissions', cause: e });
}

function commit(target: string, tmp: string, real: string): void {
  try {
    fs.renameSync(tmp, real);
    pending.delete(tmp);
  } catch (e) {
    drop(tmp);
    throw writeError(target, e);
  }
}

/**
 * Writes `bytes` to `target` via a temp file. `beforeRename` runs after the temp file is complete;
 * if it throws, the temp file is removed and the target is untouched.
 */
export async function writeFileAtomic(target: string, bytes: Uint8Array | string, beforeRename?: () => Promise<void>): Promise<void> {
  const real = resolveWriteTarget(target);
  const tmp = writeTemp(target, real, bytes);
  try {
    if (beforeRename) await beforeRename();
  } catch (e) {
    drop(tmp);
    throw e;
  }
  commit(target, tmp, real);
}

/** The synchronous form, for reports and other small files. */
export function writeFileAtomicSync(target: string, data: Uint8Array | string): void {
  const real = resolveWriteTarget(target);
  commit(target, writeTemp(target, real, data), real);
}
