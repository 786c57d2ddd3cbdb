/**
 * The shell every gc-edge command line shares: yargs set-up, one-line errors with a stable code
 * (stack only with --debug), exit codes 0 ok / 1 error / 2 bad arguments.
 */
import yargs, { type CommandModule } from 'yargs';
import { formatError, GcError } from '../errors';

export interface CliDefinition {
  /** The command's name, e.g. `gc-bench`. */
  readonly name: string;
  readonly version: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly commands: ReadonlyArray<CommandModule<object, any>>;
  /** When the CLI has sub-commands: the message shown if none is named. */
  readonly demandCommand?: string;
}

/** A repeated single-valued option takes its last value (-o a -o b means b), as most command lines do. */
export const lastValue = (v: unknown): unknown => (Array.isArray(v) ? v[v.length - 1] : v);

export async function runCli(argv: string[], cli: CliDefinition): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    let y = yargs(argv).scriptName(cli.name);
    for (const command of cli.commands) y = y.command(command);
    if (cli.demandCommand) y = y.demandCommand(1, cli.demandCommand);
    await y
      .version(cli.version)
      .strict()
      .wrap(Math.min(110, process.stdout.columns || 110))
      .fail((msg, err) => {
        // Our own errors (also from option coercion, which yargs re-wraps) keep their code; yargs'
        // validation errors become E_ARGS; anything else is a bug and keeps its stack.
        const cause = (err as { cause?: unknown } | undefined)?.cause;
        if (err instanceof GcError) throw err;
        if (cause instanceof GcError) throw cause;
        if (err && err.name !== 'YError') throw err;
        const message = (msg ?? err?.message ?? 'bad arguments').replace(/\s*\n\s*/g, ' ');
        throw new GcError('E_ARGS', message, { hint: `run ${cli.name} --help for usage` });
      })
      .parseAsync();
    return 0;
  } catch (e) {
    process.stderr.write(`${formatError(e, debug)}\n`);
    return e instanceof GcError && e.code === 'E_ARGS' ? 2 : 1;
  }
}
