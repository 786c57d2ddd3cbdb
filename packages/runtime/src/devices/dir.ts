/** Where the device profiles live: $GC_EDGE_DEVICES, else the repository's `devices/` folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const DEVICES_ENV = 'GC_EDGE_DEVICES';

export function devicesDir(): string {
  const fromEnv = process.env[DEVICES_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  // src/devices and dist/devices sit at the same depth: packages/runtime/{src,dist}/devices
  const candidates = [path.resolve(__dirname, '../../../../devices'), path.resolve(__dirname, '../../devices')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'schema.json'))) ?? candidates[0]!;
}
