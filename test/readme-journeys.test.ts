/**
 * Every ```sh block of the project's Markdown runs as written, the way a new user meets it: in a
 * folder of their own with the shipped examples, through `npx` (resolved from this checkout's
 * node_modules), in the order the page gives. Blocks that show a synopsis or output are fenced
 * ```text and are not run.
 *
 * What the walker adds to a command, and only this: `gc-serve` runs in the background on a free port
 * (the page's 127.0.0.1:8080 becomes that port) until its block ends, as a person runs it in a second
 * terminal, started as the bin npx would resolve (`node_modules/.bin/gc-serve`, so SIGTERM reaches
 * the daemon and its exit code is its own); `curl` gets `-sS --fail-with-body` so an error status fails
 * the step. `npm ci`, `npm test` and `npx tsc -b` are what built this checkout and are not run again.
 * Pages listed in NOT_HERE need what no test machine has; they say why.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from './support/fixtures';

interface Block {
  readonly doc: string;
  readonly line: number;
  readonly commands: readonly string[];
}

/** Markdown files with commands: the READMEs and docs, not the vendored fixtures or dependencies. */
function markdownFiles(dir = REPO_ROOT): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.git', 'dist', 'fixtures'].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...markdownFiles(full));
    else if (entry.name.endsWith('.md')) out.push(full);
  }
  return out.sort();
}

/** The ```sh blocks of a page: continuation lines joined, comments and blank lines dropped. */
function shellBlocks(doc: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```sh') continue;
    const start = i + 1;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i]?.trim() !== '```'; i++) body.push(lines[i] ?? '');
    const commands: string[] = [];
    let pending = '';
    for (const raw of body) {
      const line = raw.replace(/\s+#\s.*$/, '').replace(/^#.*$/, '');
      if (line.trimEnd().endsWith('\\')) {
        pending += `${line.trimEnd().slice(0, -1)} `;
        continue;
      }
      const command = `${pending}${line}`.trim().replace(/\s+/g, ' ');
      pending = '';
      if (command !== '') commands.push(command);
    }
    blocks.push({ doc: path.relative(REPO_ROOT, doc), line: start, commands });
  }
  return blocks;
}

/** Pages whose commands need more than a test machine has, and what checks them instead. */
const NOT_HERE: Readonly<Record<string, string>> = {
  [path.join('devices', 'systemd', 'README.md')]: 'root and systemd on a device; the unit itself: test/serve-systemd.test.ts',
};

const BUILT_BY_INSTALL = [/^npm ci\b/, /^npm test\b/, /^npx tsc -b$/];
const RUNNABLE = /^(npx gc-(export|serve|bench)|curl) /;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A user's folder: the shipped examples (copied: exports are written beside them) and the tools. */
function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-readme-'));
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  fs.copyFileSync(path.join(REPO_ROOT, '.npmrc'), path.join(dir, '.npmrc'));
  fs.cpSync(path.join(REPO_ROOT, 'examples'), path.join(dir, 'examples'), { recursive: true });
  return dir;
}

interface Daemon {
  readonly child: ChildProcess;
  readonly stderr: () => string;
}

async function startDaemon(command: string, cwd: string, port: number): Promise<Daemon> {
  const bin = command.replace(/^npx /, './node_modules/.bin/');
  const child = spawn('bash', ['-c', `exec ${bin} --port ${port}`], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout?.on('data', () => {});
  const deadline = Date.now() + 120_000;
  while (!/^gc-serve: ready$/m.test(err)) {
    if (child.exitCode !== null) throw new Error(`'${command}' exited with ${child.exitCode} before it was ready:\n${err}`);
    if (Date.now() > deadline) throw new Error(`'${command}' was not ready within 120 s:\n${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, stderr: () => err };
}

async function stopDaemon(d: Daemon): Promise<number | null> {
  if (d.child.exitCode !== null) return d.child.exitCode;
  const exited = new Promise<number | null>((resolve) => d.child.once('exit', (code) => resolve(code)));
  d.child.kill('SIGTERM');
  return exited;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const blocks = markdownFiles()
  .flatMap((f) => shellBlocks(f, fs.readFileSync(f, 'utf8')))
  .filter((b) => NOT_HERE[b.doc] === undefined);
const timings: string[] = [];
afterAll(() => {
  if (timings.length) console.log(`README journeys on this machine:\n${timings.join('\n')}`);
});

describe('the command blocks of the docs', () => {
  it('finds the journeys the README promises, and nothing it cannot run', () => {
    const docs = new Set(blocks.map((b) => b.doc));
    expect(docs).toContain('README.md');
    expect(docs).toContain(path.join('packages', 'runtime', 'src', 'serve', 'README.md'));
    const all = blocks.flatMap((b) => b.commands.map((c) => `${b.doc}:${b.line}: ${c}`));
    const unknown = all.filter((c) => {
      const command = c.slice(c.indexOf(': ') + 2);
      return !RUNNABLE.test(command) && !BUILT_BY_INSTALL.some((re) => re.test(command));
    });
    expect(unknown).toEqual([]);
  });

  it.each(blocks.map((b) => [`${b.doc}:${b.line}`, b] as const))('runs %s as written', async (_where, block) => {
    const cwd = workspace();
    let daemon: Daemon | undefined;
    let port = 0;
    try {
      for (const command of block.commands) {
        if (BUILT_BY_INSTALL.some((re) => re.test(command))) continue;
        const t0 = Date.now();
        if (command.startsWith('npx gc-serve ')) {
          if (daemon) await stopDaemon(daemon);
          port = await freePort();
          daemon = await startDaemon(command, cwd, port);
          timings.push(`  ${((Date.now() - t0) / 1000).toFixed(1)} s  ${block.doc}: ${command} (until ready)`);
          continue;
        }
        const line = command.replace(/127\.0\.0\.1:8080/g, `127.0.0.1:${port}`).replace(/^curl /, 'curl -sS --fail-with-body ');
        const r = spawnSync('bash', ['-c', line], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        timings.push(`  ${((Date.now() - t0) / 1000).toFixed(1)} s  ${block.doc}: ${command}`);
        if (r.status !== 0) {
          const said = daemon ? `\ngc-serve said:\n${daemon.stderr()}` : '';
          throw new Error(`${block.doc}:${block.line}: '${command}' exited ${r.status}\n${r.stderr}${said}`);
        }
        const out = / -o (\S+)/.exec(command)?.[1];
        if (out !== undefined) {
          const file = path.join(cwd, out);
          expect(fs.existsSync(file)).toBe(true);
          if (out.endsWith('.png')) expect(fs.readFileSync(file).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
        }
      }
    } finally {
      if (daemon) expect(await stopDaemon(daemon)).toBe(0);
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  }, 600_000);
});
