/**
 * onnxruntime's own log stays off stderr (gc-edge reports the same failures as errors) unless
 * GC_EDGE_ORT_LOG_LEVEL asks for it. onnxruntime writes from native code, so the sessions run in a
 * child process (the compiled dist, as workers do; `npm test` builds it first) and its real stderr
 * is read.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ortLogLevel } from '@gc-edge/core';
import { GPU_FIRST, reshapeModel } from '../support/session-fixtures';

const DIST = path.resolve(__dirname, '../../dist/session/create-session.js');

/**
 * In a child: a failed load with profiling on (onnxruntime logs "Could not write a profile because
 * no model was loaded"), falling back past GPU providers, then a kernel error in `run` ("Non-zero
 * status code returned while running Reshape node"). Every failure is caught, as gc-serve does.
 */
const SCRIPT = `
const fs = require('node:fs');
const { createSession } = require(process.env.DIST);
const profile = JSON.parse(process.env.PROFILE);
(async () => {
  await createSession(Buffer.from('not an onnx model'), profile, { name: 'junk' }).catch(() => undefined);
  const s = await createSession(fs.readFileSync(process.env.MODEL), profile, { name: 'reshape' });
  await s.run({ input: { data: new Float32Array(12), dims: [1, 3, 2, 2] } }).catch(() => undefined);
  await s.release();
  process.stdout.write('done');
})();
`;

function runChild(extraEnv: Record<string, string>): { stdout: string; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-edge-ort-log-'));
  try {
    const model = path.join(dir, 'reshape.onnx');
    fs.writeFileSync(model, reshapeModel());
    const env: NodeJS.ProcessEnv = { ...process.env, DIST, MODEL: model, PROFILE: JSON.stringify(GPU_FIRST), ...extraEnv };
    if (!('GC_EDGE_ORT_LOG_LEVEL' in extraEnv)) delete env['GC_EDGE_ORT_LOG_LEVEL'];
    const r = spawnSync(process.execPath, ['-e', SCRIPT], { env, encoding: 'utf8' });
    return { stdout: r.stdout, stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('onnxruntime log', () => {
  it('prints nothing of onnxruntime on a failed load, a provider fallback or an inference error by default', () => {
    const { stdout, stderr } = runChild({});
    expect(stdout).toBe('done');
    expect(stderr).not.toMatch(/onnxruntime|EndProfiling|Non-zero status code/);
  });

  it('prints onnxruntime errors again when GC_EDGE_ORT_LOG_LEVEL=error', () => {
    const { stdout, stderr } = runChild({ GC_EDGE_ORT_LOG_LEVEL: 'error' });
    expect(stdout).toBe('done');
    expect(stderr).toMatch(/Non-zero status code returned while running Reshape node/);
  });

  it('maps GC_EDGE_ORT_LOG_LEVEL to one level for the process logger and every session', () => {
    expect(ortLogLevel({})).toEqual({ level: 'fatal', severity: 4 });
    expect(ortLogLevel({ GC_EDGE_ORT_LOG_LEVEL: 'warning' })).toEqual({ level: 'warning', severity: 2 });
    expect(() => ortLogLevel({ GC_EDGE_ORT_LOG_LEVEL: 'loud' })).toThrow(
      expect.objectContaining({
        code: 'E_ARGS',
        message: 'GC_EDGE_ORT_LOG_LEVEL: unknown level "loud". Should be one of: verbose, info, warning, error, fatal',
      }),
    );
  });
});
