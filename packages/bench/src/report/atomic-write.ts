/** Writes report files atomically (temp file beside the target, then rename): never a half file. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GcError } from '@gc-edge/exporter';

export function writeTextAtomic(target: string, text: string): void {
  const dir = path.dirname(path.resolve(target));
  if (!fs.existsSync(dir)) throw new GcError('E_OUTPUT', `${target}: the folder ${dir} does not exist`, { hint: 'create it first' });
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      fs.writeSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new GcError('E_OUTPUT', `${target}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      hint: 'check the path and permissions',
      cause: e,
    });
  }
}
