/** `gc-bench devices`: the device profiles, and what `--device auto` picks here. */
import type { Argv } from 'yargs';
import type { GcCommand } from '@gc-edge/core';
import { detectDevice, devicesDir, listDeviceProfiles } from '@gc-edge/runtime';

export const devicesCommand: GcCommand<{ json: boolean; debug: boolean }> = {
  command: 'devices',
  describe: 'List the device profiles and the one --device auto picks on this machine',
  builder: (y: Argv) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'print the profiles as JSON' })
      .option('debug', { type: 'boolean', default: false, describe: 'print stack traces with errors' }),
  handler: (args) => {
    const profiles = listDeviceProfiles();
    const auto = detectDevice();
    if (args.json) {
      process.stdout.write(`${JSON.stringify({ dir: devicesDir(), auto, profiles }, null, 2)}\n`);
      return;
    }
    const w = Math.max(...profiles.map((p) => p.id.length));
    const lines = profiles.map(
      (p) =>
        `  ${p.id.padEnd(w)}  ${p.name} [${p.executionProviders.map((e) => e.name).join(' > ')}]${p.id === auto.id ? '  <- auto' : ''}`,
    );
    process.stdout.write(`device profiles in ${devicesDir()}:\n${lines.join('\n')}\nauto: ${auto.id} (${auto.reason})\n`);
  },
};
