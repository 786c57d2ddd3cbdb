/**
 * The files onnxruntime profiling writes: `<prefix>_<date>.json`, opened when the session starts
 * (so a failed creation attempt leaves one too) and filled by endProfiling.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GcError } from '@gc-edge/exporter';

/**
 * Reads and deletes the trace onnxruntime wrote for `prefix` (it names the file
 * `<prefix>_<date>.json`; the stock binding's endProfiling does not return the name).
 */
export function takeTrace(prefix: string, where: string): unknown {
  const dir = path.dirname(prefix);
  const files = tracesOf(prefix);
  if (files.length === 0) {
    throw new GcError('E_SESSION', `${where}: onnxruntime wrote no profiling trace at ${prefix}_*.json`, {
      hint: 'the profile folder must be writable',
    });
  }
  try {
    const full = path.join(dir, files.sort().at(-1)!);
    return JSON.parse(fs.readFileSync(full, 'utf8'));
  } finally {
    for (const f of files) fs.rmSync(path.join(dir, f), { force: true });
  }
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
