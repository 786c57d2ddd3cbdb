#!/usr/bin/env node
/** gc-bench entry point: parse arguments, run the command, print errors as one line (+ hint). */
import yargs from 'yargs';
import { formatError, GcError } from '@gc-edge/exporter';
import { benchVersion } from '../version';
import { compareCommand } from './compare-command';
import { devicesCommand } from './devices-command';
import { latencyCommand } from './latency-command';
import { macsCommand } from './macs-command';

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await yargs(argv)
      .scriptName('gc-bench')
      .command(macsCommand)
      .command(latencyCommand)
      .command(compareCommand)
      .command(devicesCommand)
      .demandCommand(1, 'name a command: macs, latency, compare or devices')
      .version(benchVersion())
      .strict()
      .wrap(Math.min(110, process.stdout.columns || 110))
      .fail((msg, err) => {
        if (err) throw err;
        throw new GcError('E_ARGS', msg, { hint: 'run gc-bench --help for usage' });
      })
      .parseAsync();
    return 0;
  } catch (e) {
    process.stderr.write(`${formatError(e, debug)}\n`);
    return e instanceof GcError && e.code === 'E_ARGS' ? 2 : 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
