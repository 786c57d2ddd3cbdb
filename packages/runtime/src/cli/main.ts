#!/usr/bin/env node
/** gc-serve entry point: parse arguments, run the daemon, print errors as one line (+ hint). */
import yargs from 'yargs';
import { GcError, formatError } from '@gc-edge/exporter';
import { SERVER_VERSION } from '../serve/version';
import { serveCommand } from './serve-command';

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await yargs(argv)
      .scriptName('gc-serve')
      .command(serveCommand)
      .version(SERVER_VERSION)
      .strict()
      .wrap(Math.min(110, process.stdout.columns || 110))
      .fail((msg, err) => {
        if (err) throw err;
        throw new GcError('E_ARGS', msg.replace(/\s*\n\s*/g, ' '), { hint: 'run gc-serve --help for usage' });
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
