/**
 * Reading the model file every gc-bench command starts from: one function, so `macs` and `latency`
 * fail the same way (E_ARGS, the path, the system's reason, and a hint that fits the reason).
 */
import { GcError, readFailureReason, readRegularFile } from '@gc-edge/core';

const EXPORT_HINT = 'export one with `npx gc-export <subnet.json> -o model.onnx` (or --random-init for a what-if model)';

function hintFor(code: string | undefined, file: string): string {
  switch (code) {
    case 'ENOENT':
      return `check the path (relative paths start at ${process.cwd()}), or ${EXPORT_HINT}`;
    case 'EISDIR':
      return 'that is a folder: pass the .onnx file inside it';
    case 'EACCES':
    case 'EPERM':
      return `no permission to read it (ls -l ${file})`;
    default:
      return `pass the path of a .onnx file; ${EXPORT_HINT}`;
  }
}

/** The bytes of an .onnx file; E_ARGS naming the file, why it cannot be read, and what to do. */
export function readModelFile(file: string): Buffer {
  try {
    return readRegularFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GcError('E_ARGS', `${file}: cannot read the model (${readFailureReason(e)})`, { hint: hintFor(code, file), cause: e });
  }
}
