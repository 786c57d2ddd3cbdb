import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | undefined;

/** The gc-edge version (the exporter package's), read once from package.json (works from src/ and dist/). */
export function gcEdgeVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    cached = pkg.version;
  }
  return cached;
}
