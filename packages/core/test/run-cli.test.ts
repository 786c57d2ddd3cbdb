/** The shared CLI shell: argument mistakes said in words, help that never splits a flag. */
import type { Argv } from 'yargs';
import { closest, editDistance, runCli, numberOption, type CliDefinition, type GcCommand } from '@gc-edge/core';

async function run(argv: string[], cli: CliDefinition): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((stdout += String(s)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((stderr += String(s)), true));
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += `${a.join(' ')}\n`));
  // yargs exits the process after --help; here it must not
  const exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
  try {
    return { code: await runCli(argv, cli), stdout, stderr };
  } finally {
    exit.mockRestore();
    out.mockRestore();
    err.mockRestore();
    log.mockRestore();
  }
}

const seen: unknown[] = [];
const measure: GcCommand<{ model: string; runs: string }> = {
  command: 'measure <model>',
  describe: 'measure a model',
  builder: (y: Argv) =>
    y
      .positional('model', { type: 'string', demandOption: true })
      .option('runs', numberOption('timed runs', 10)) as Argv<{ model: string; runs: string }>,
  needs: 'the .onnx model to measure',
  examples: [['$0 measure a-model-with-a-long-name.onnx --runs 100 --and-another-long-flag value --more', 'what it does']],
  handler: (args) => void seen.push(args.runs),
};
const count: GcCommand<{ model: string }> = {
  command: 'count <model>',
  describe: 'count',
  builder: (y: Argv) => y as Argv<{ model: string }>,
  handler: () => {},
};
const tool: CliDefinition = { name: 'gc-tool', version: '1.2.3', commands: [measure, count], demandCommand: 'name a command' };

describe('runCli', () => {
  it('suggests the closest command for a misspelt one, and lists them all', async () => {
    const r = await run(['measur', 'm.onnx'], tool);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error[E_ARGS]: unknown command 'measur'; did you mean 'measure'?\n  hint: gc-tool commands: measure, count (gc-tool --help)\n",
    );
    const far = await run(['zzz'], tool);
    expect(far.stderr.split('\n')[0]).toBe("error[E_ARGS]: unknown command 'zzz'");
  });

  it('says what a missing positional names, with the first example as a hint', async () => {
    const r = await run(['measure'], tool);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error[E_ARGS]: gc-tool measure: name the .onnx model to measure\n' +
        '  hint: e.g. gc-tool measure a-model-with-a-long-name.onnx --runs 100 --and-another-long-flag value --more\n',
    );
    expect((await run(['count'], tool)).stderr).toBe(
      'error[E_ARGS]: gc-tool count: name the model\n  hint: run gc-tool count --help for usage\n',
    );
  });

  it('keeps numeric options as typed, and shows them in help without a [string] type', async () => {
    seen.length = 0;
    expect((await run(['measure', 'm.onnx', '--runs', '007'], tool)).code).toBe(0);
    expect(seen).toEqual(['007']);
    const help = await run(['measure', '--help'], tool);
    const runs = help.stdout.split('\n').find((l) => l.includes('--runs'));
    expect(runs).toMatch(/timed runs\s+\[default: 10\]$/);
  });

  it('shows each example on its own line, its description below, so no flag is split', async () => {
    const help = (await run(['measure', '--help'], tool)).stdout.split('\n');
    const at = help.indexOf('Examples:');
    expect(help.slice(at, at + 3)).toEqual([
      'Examples:',
      '  gc-tool measure a-model-with-a-long-name.onnx --runs 100 --and-another-long-flag value --more',
      '      what it does',
    ]);
  });
});

describe('closest', () => {
  it.each([
    ['mac', ['macs', 'latency', 'compare', 'devices'], 'macs'],
    ['latncy', ['macs', 'latency'], 'latency'],
    ['comp', ['macs', 'compare'], 'compare'],
    ['xyz', ['macs', 'latency'], undefined],
  ])('%s among %j is %s', (word, names, expected) => expect(closest(word, names)).toBe(expected));

  it('measures edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
