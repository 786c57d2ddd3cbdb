#!/usr/bin/env node
/** gc-export entry point: parse arguments, run the command, print errors as one line (+ hint). */
import yargs from 'yargs';
import { formatError, GcError } from '../errors';
import { gcEdgeVersion } from '../version';
import { exportCommand } from './export-command';

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    await yargs(argv)
      .scriptName('gc-export')
      .command(exportCommand)
      .version(gcEdgeVersion())
      .strict()
      .wrap(Math.min(110, process.stdout.columns || 110))
      .fail((msg, err) => {
        // Our own errors (also from option coercion, which yargs re-wraps) keep their code; yargs'
        // validation errors become E_ARGS; anything else is a bug and keeps its stack.
        const cause = (err as { cause?: unknown } | undefined)?.cause;
        if (err instanceof GcError) throw err;
        if (cause instanceof GcError) throw cause;
        if (err && err.name !== 'YError') throw err;
        throw new GcError('E_ARGS', msg ?? err?.message ?? 'bad arguments', { hint: 'run gc-export --help for usage' });
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
