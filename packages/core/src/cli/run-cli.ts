/**
 * The shell every gc-edge command line shares: yargs set-up, one-line errors with a stable code
 * (stack only with --debug), exit codes 0 ok / 1 error / 2 bad arguments / 3 an accuracy gate failed,
 * help with examples that never wrap a flag, and argument mistakes said in words: a misspelt command
 * gets the closest one, a missing positional says what to name.
 */
import yargs, { type Argv, type CommandModule } from 'yargs';
import { formatError, GcError } from '../errors';
import { closest } from './closest';

/** A yargs command plus what the shell needs to say about it. */
export interface GcCommandInfo {
  /** What the positional names, for "name the ..." when it is missing, e.g. `the .onnx model to measure`. */
  readonly needs?: string;
  /** [command line with $0, what it does]: shown under the help, the first one in hints. */
  readonly examples?: ReadonlyArray<readonly [string, string]>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GcCommand<T = any> = CommandModule<object, T> & GcCommandInfo;

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

/**
 * A numeric option, taken as the text typed so a bad value can be quoted back (`--port 'abc'`), and
 * shown in help without a misleading `[string]` (runCli turns yargs' number parsing off).
 */
export const numberOption = (describe: string, fallback?: number) =>
  ({ requiresArg: true, coerce: lastValue, describe, ...(fallback !== undefined ? { default: fallback } : {}) }) as const;

/** The command word of a yargs command string (`latency <model>` -> `latency`; `$0 [x]` -> undefined). */
function commandWord(command: Pick<CommandModule, 'command'>): string | undefined {
  const word = String(command.command ?? '').split(' ')[0];
  return word === undefined || word === '' || word === '$0' ? undefined : word;
}

/** Examples under the help, each command on its own line and its description below it. */
function examplesEpilogue(examples: ReadonlyArray<readonly [string, string]>): string {
  return `Examples:\n${examples.map(([line, what]) => `  ${line}\n      ${what}`).join('\n')}`;
}

function withExamples(command: CommandModule & GcCommandInfo): CommandModule {
  const { examples } = command;
  const { builder } = command;
  if (!examples?.length) return command;
  return {
    ...command,
    builder: (y: Argv) => {
      const built = typeof builder === 'function' ? builder(y) : y.options(builder ?? {});
      return (built as Argv).epilogue(examplesEpilogue(examples));
    },
  };
}

/** Refuses a misspelt sub-command before yargs reports it as unknown arguments. */
function checkCommandName(argv: readonly string[], cli: CliDefinition): void {
  if (!cli.demandCommand) return;
  const first = argv.find((a) => !a.startsWith('-'));
  const names = cli.commands.map((c) => commandWord(c)).filter((n): n is string => n !== undefined);
  if (first === undefined || names.includes(first)) return;
  const guess = closest(first, names);
  throw new GcError('E_ARGS', `unknown command '${first}'${guess ? `; did you mean '${guess}'?` : ''}`, {
    hint: `${cli.name} commands: ${names.join(', ')} (${cli.name} --help)`,
  });
}

/** yargs' "Not enough non-option arguments" in words: which command, and what to name. */
function missingPositional(argv: readonly string[], cli: CliDefinition): GcError {
  const first = argv.find((a) => !a.startsWith('-'));
  const commands: ReadonlyArray<CommandModule & GcCommandInfo> = cli.commands;
  const command = commands.find((c) => commandWord(c) === first) ?? commands.find((c) => commandWord(c) === undefined);
  const where = [cli.name, command ? commandWord(command) : undefined].filter(Boolean).join(' ');
  const wanted = /<([^>.]+)(\.\.)?>/.exec(String(command?.command ?? ''));
  const what = command?.needs ?? (wanted ? `the ${wanted[1]}` : 'what to work on');
  const example = command?.examples?.[0]?.[0]?.replace('$0', cli.name);
  return new GcError('E_ARGS', `${where}: name ${what}`, { hint: example ? `e.g. ${example}` : `run ${where} --help for usage` });
}

export async function runCli(argv: string[], cli: CliDefinition): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    if (!argv.includes('--help') && !argv.includes('--version')) checkCommandName(argv, cli);
    let y = yargs(argv).scriptName(cli.name).parserConfiguration({ 'parse-numbers': false, 'parse-positional-numbers': false });
    for (const command of cli.commands) y = y.command(withExamples(command));
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
        if (msg?.startsWith('Not enough non-option arguments')) throw missingPositional(argv, cli);
        const message = (msg ?? err?.message ?? 'bad arguments').replace(/\s*\n\s*/g, ' ');
        throw new GcError('E_ARGS', message, { hint: `run ${cli.name} --help for usage` });
      })
      .parseAsync();
    return 0;
  } catch (e) {
    process.stderr.write(`${formatError(e, debug)}\n`);
    return exitStatus(e);
  }
}

/** The process exit status for an error: 2 bad arguments, 3 an accuracy gate failed (E_ACCURACY), else 1. */
export function exitStatus(e: unknown): number {
  if (!(e instanceof GcError)) return 1;
  return e.code === 'E_ARGS' ? 2 : e.code === 'E_ACCURACY' ? 3 : 1;
}
