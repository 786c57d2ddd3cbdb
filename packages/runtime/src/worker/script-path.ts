/**
 * Where the compiled worker script (`thread-script.ts`) is. Workers run plain JavaScript, so the
 * script is always `packages/runtime/dist/worker/thread-script.js`: from the compiled package
 * `__dirname` is `dist/worker`; from the TypeScript sources (ts-jest) it is `src/worker`, mapped to dist.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GcError } from '@gc-edge/core';

/** The worker script under `packageRoot` (default: this package); E_WORKER_SCRIPT if it is not built. */
export function workerScriptPath(packageRoot = path.resolve(__dirname, '..', '..')): string {
  const script = path.join(packageRoot, 'dist', 'worker', 'thread-script.js');
  if (!fs.existsSync(script)) {
    throw new GcError('E_WORKER_SCRIPT', `worker script ${script} is missing (the runtime package is not built)`, {
      hint: 'run `npx tsc -b` in the repository root (`npm test` does it before jest)',
    });
  }
  return script;
}
