/** gc-bench entry point (bin/gc-bench.js runs `main`). */
import { gcEdgeVersion, runCli } from '@gc-edge/core';
import { accuracyCommand } from './accuracy-command';
import { compareCommand } from './compare-command';
import { devicesCommand } from './devices-command';
import { latencyCommand } from './latency-command';
import { macsCommand } from './macs-command';

export function main(argv: string[]): Promise<number> {
  return runCli(argv, {
    name: 'gc-bench',
    version: gcEdgeVersion(),
    commands: [macsCommand, latencyCommand, accuracyCommand, compareCommand, devicesCommand],
    demandCommand: 'name a command: macs, latency, accuracy, compare or devices',
  });
}
