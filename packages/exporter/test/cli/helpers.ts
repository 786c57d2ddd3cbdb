import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RESNET_FIXTURES } from '../../../../test/support/fixtures';

export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
export const RESNET = RESNET_FIXTURES;
const CLI = path.join(REPO, 'packages', 'exporter', 'bin', 'gc-export.js');
const BUILT = path.join(REPO, 'packages', 'exporter', 'dist', 'cli', 'main.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real gc-export launcher on the compiled CLI (the test command builds dist/ first). */
export function gcExport(args: string[], cwd = REPO): CliResult {
  if (!fs.existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build (npm test does)`);
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed when the test file ends. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-export-test-'));
  made.push(dir);
  return dir;
}

/** Writes a subnet.json into `dir` and returns its path. */
export function writeSubnet(dir: string, json: unknown, name = 'subnet.json'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json, null, 2));
  return file;
}
