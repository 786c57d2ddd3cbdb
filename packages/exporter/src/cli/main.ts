/** gc-export entry point (bin/gc-export.js runs `main`). */
import { gcEdgeVersion, runCli } from '@gc-edge/core';
import { exportCommand } from './export-command';

export function main(argv: string[]): Promise<number> {
  return runCli(argv, { name: 'gc-export', version: gcEdgeVersion(), commands: [exportCommand] });
}
