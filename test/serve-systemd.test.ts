/**
 * devices/systemd/gc-serve.service works from a checkout: its ExecStart line, with this repository
 * for /opt/gc-edge, a temporary folder for the models and this Node for /usr/bin/node, starts a
 * daemon that turns ready on a real model and stops with exit 0 on SIGTERM (the unit's KillSignal).
 * Flags are added through GC_SERVE_ARGS as the unit documents (`--port 0`: any free port; `--device
 * cpu`: the same answer on every test machine). The README's build commands must exist too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scaleModel, tempDir, writeModel } from '../packages/runtime/test/serve/helpers';

const ROOT = join(__dirname, '..');
const UNIT = join(ROOT, 'devices/systemd/gc-serve.service');
const README = join(ROOT, 'devices/systemd/README.md');
const INSTALL_ROOT = '/opt/gc-edge';
const MODELS = '/var/lib/gc-serve/models';

/** `Key=value` entries of a unit file, continuation lines (`\` at the end) joined, comments dropped. */
function unitEntries(text: string): [string, string][] {
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  return lines
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith(';') && !l.startsWith('['))
    .map((l) => {
      const eq = l.indexOf('=');
      return [l.slice(0, eq), l.slice(eq + 1).trim()] as [string, string];
    });
}

/** systemd's word splitting of ExecStart (no quotes in our unit), `$VAR` expanded to its words. */
function commandLine(execStart: string, env: Readonly<Record<string, string>>): string[] {
  expect(execStart).not.toMatch(/["']/); // quoting would need systemd's rules; keep the unit plain
  return execStart.split(/\s+/).flatMap((word) => {
    const v = /^\$(\w+)$/.exec(word);
    if (!v) return [word];
    const value = env[v[1]!] ?? '';
    return value.trim() === '' ? [] : value.trim().split(/\s+/);
  });
}

/** The checkout stands in for /opt/gc-edge, this Node for /usr/bin/node, a temp folder for the models. */
function localise(word: string, models: string): string {
  if (word === '/usr/bin/node') return process.execPath;
  if (word === MODELS) return models;
  if (word === INSTALL_ROOT) return ROOT;
  return word.startsWith(`${INSTALL_ROOT}/`) ? join(ROOT, word.slice(INSTALL_ROOT.length + 1)) : word;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

describe('devices/systemd/gc-serve.service', () => {
  const entries = unitEntries(readFileSync(UNIT, 'utf8'));
  const get = (key: string): string[] => entries.filter(([k]) => k === key).map(([, v]) => v);

  it('names only files that exist in the checkout', () => {
    const paths = [...readFileSync(UNIT, 'utf8').matchAll(/\/opt\/gc-edge\/[\w./-]+/g)].map((m) => m[0]);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect([p, existsSync(localise(p, ''))]).toEqual([p, true]);
    expect(get('ExecStart')[0]).toMatch(/^\/usr\/bin\/node \/opt\/gc-edge\/packages\/runtime\/bin\/gc-serve\.js /);
  });

  it('builds with commands the repository has (npm run <script>)', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const docs = `${readFileSync(README, 'utf8')}\n${readFileSync(UNIT, 'utf8')}`;
    const used = [...docs.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    expect(used).toContain('build');
    for (const s of used) expect([s, scripts[s] !== undefined]).toEqual([s, true]);
    expect(docs).not.toMatch(/npx tsc -b/);
  });

  it('starts a daemon that turns ready on a real model and exits 0 on SIGTERM', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeModel(dir, 'identity', scaleModel(1));
      const env: Record<string, string> = { GC_SERVE_ARGS: '--port 0 --device cpu' };
      for (const e of get('Environment')) {
        const eq = e.indexOf('=');
        env[e.slice(0, eq)] = e.slice(eq + 1);
      }
      const [exe, ...args] = commandLine(get('ExecStart')[0]!, env).map((w) => localise(w, dir));
      const cwd = localise(get('WorkingDirectory')[0]!, dir);
      expect(cwd).toBe(ROOT);

      const child = spawn(exe!, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(child);
      let log = '';
      const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let exited = false;
      void exit.then(() => (exited = true));
      const changed = (): Promise<void> => new Promise((resolve) => {
        child.stderr.once('data', () => resolve());
        void exit.then(() => resolve());
      });
      child.stderr.on('data', (d: Buffer) => (log += d.toString()));

      // Wait (bounded by the test timeout) for the address, then poll readiness a bounded number of times.
      while (!/listening on (http:\/\/[^\s]+)/.test(log)) {
        if (exited) throw new Error(`the unit's ExecStart exited before listening:\n${log}`);
        await changed();
      }
      const url = /listening on (http:\/\/[^\s]+)/.exec(log)![1]!;
      let ready = 0;
      for (let i = 0; i < 600 && ready !== 200; i++) {
        if (exited) throw new Error(`the daemon exited before it was ready:\n${log}`);
        ready = await fetch(`${url}/v2/health/ready`).then((r) => r.status, () => 0);
        if (ready !== 200) await new Promise((r) => setTimeout(r, 50));
      }
      expect(ready).toBe(200);
      const answer = await fetch(`${url}/v2/models/identity/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 1, 1], data: [1, 2, 3] }] }),
      });
      expect(answer.status).toBe(200);

      expect(get('KillSignal')).toEqual(['SIGTERM']);
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      cleanup();
    }
  });
});
