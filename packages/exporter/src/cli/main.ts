/** gc-export entry point (bin/gc-export.js runs `main`). */
import { gcEdgeVersion } from '../version';
import { exportCommand } from './export-command';
import { runCli } from './run-cli';

export function main(argv: string[]): Promise<number> {
  return runCli(argv, { name: 'gc-export', version: gcEdgeVersion(), commands: [exportCommand] });
}
