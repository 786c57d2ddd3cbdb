/**
 * The files onnxruntime profiling writes: `<prefix>_<date>.json`, opened when the session starts
 * (so a failed creation attempt leaves one too) and filled by endProfiling.
 *
 * They live in one temp folder per thread that profiles (`fs.mkdtempSync`, `gc-edge-profile-*` in
 * the OS temp folder), never loose in the temp folder itself: the folder is removed when its last
 * user releases it and when the thread or process exits, so a session that ends without
 * endProfiling (a crashed or terminated worker) leaves nothing behind for long. Worker threads get
 * a sub-folder of the main thread's (see worker/thread-handle.ts), removed when they exit.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GcError } from '@gc-edge/core';

let folder: string | undefined;
let users = 0;
let exitHook = false;

/**
 * This thread's trace folder, created on first use; each call counts one user until
 * {@link releaseTraceDir}. Removed with everything in it when the last user releases it, and at exit.
 */
export function acquireTraceDir(): string {
  if (!folder) {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-edge-profile-'));
    if (!exitHook) {
      exitHook = true;
      process.once('exit', removeFolder);
    }
  }
  users++;
  return folder;
}

/** One user of {@link acquireTraceDir} is done; the last one removes the folder. */
export function releaseTraceDir(): void {
  if (users === 0) return;
  if (--users === 0) removeFolder();
}

/** The current trace folder of this thread, if one exists (tests check it stays empty). */
export function currentTraceDir(): string | undefined {
  return folder;
}

function removeFolder(): void {
  if (!folder) return;
  fs.rmSync(folder, { recursive: true, force: true });
  folder = undefined;
}

/**
 * Reads and deletes the trace onnxruntime wrote for `prefix` (it names the file
 * `<prefix>_<date>.json`; the stock binding's endProfiling does not return the name). The files
 * are removed as soon as they are read, parsed or not.
 */
export function takeTrace(prefix: string, where: string): unknown {
  const dir = path.dirname(prefix);
  const files = tracesOf(prefix).sort();
  const latest = files.at(-1);
  if (latest === undefined) {
    throw new GcError('E_SESSION', `${where}: onnxruntime wrote no profiling trace at ${prefix}_*.json`, {
      hint: 'the profile folder must be writable',
    });
  }
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, latest), 'utf8');
  } finally {
    for (const f of files) fs.rmSync(path.join(dir, f), { force: true });
  }
  return JSON.parse(text);
}

function tracesOf(prefix: string): string[] {
  const base = path.basename(prefix) + '_';
  try {
    return fs.readdirSync(path.dirname(prefix)).filter((f) => f.startsWith(base) && f.endsWith('.json'));
  } catch {
    return [];
  }
}

/** Deletes every trace written for `prefix` (a failed session attempt writes one as it is destroyed). */
export function removeTraces(prefix: string): void {
  for (const f of tracesOf(prefix)) fs.rmSync(path.join(path.dirname(prefix), f), { force: true });
}
