/**
 * scripts/jetson-engine.sh as a Jetson runs it, with a stand-in `trtexec` on PATH (a shell script
 * that records its arguments, prints the version line the real one prints and writes the engine
 * file): the trtexec flags (fp16, workspace, shapes only for symbolic dims), and the EPContext model
 * it writes beside the model — decoded back — which the runtime then opens on the CPU profile by
 * falling back to the ONNX model, saying why.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeModel } from '@gc-edge/core';
import { exportSubnet, loadSubnetSpec } from '@gc-edge/exporter';
import { createSession, ENGINE_METADATA, loadDeviceProfile } from '@gc-edge/runtime';
import { EXAMPLES, REPO_ROOT } from './support/fixtures';

const FAKE_TRTEXEC = `#!/bin/sh
echo "[I] TensorRT version: 8.5.2"
echo "$*" > "$(dirname "$0")/args"
for a in "$@"; do case $a in --saveEngine=*) echo engine > "\${a#--saveEngine=}";; esac; done
`;

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-jetson-engine-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'trtexec'), FAKE_TRTEXEC, { mode: 0o755 });
  const spec = loadSubnetSpec(path.join(EXAMPLES, 'edges2shapes', 'subnet.json'));
  fs.writeFileSync(path.join(dir, 'static.onnx'), exportSubnet(spec).bytes);
  fs.writeFileSync(path.join(dir, 'dynamic.onnx'), exportSubnet(spec, { dynamic: true }).bytes);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function jetsonEngine(...args: string[]): string {
  return execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'jetson-engine.sh'), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${path.join(dir, 'bin')}:${process.env['PATH']}`, GC_EDGE_GPU_ARCH: '72' },
  });
}

describe('scripts/jetson-engine.sh', () => {
  it('builds an fp16 engine with a bounded workspace and wraps it as an EPContext model recording what it was built with', () => {
    const out = jetsonEngine('static.onnx');
    expect(fs.readFileSync(path.join(dir, 'bin', 'args'), 'utf8').trim()).toBe(
      '--onnx=static.onnx --saveEngine=static.fp16.engine --memPoolSize=workspace:1024M --fp16',
    );
    expect(out).toContain('wrote static_ctx.onnx');
    const m = decodeModel(fs.readFileSync(path.join(dir, 'static_ctx.onnx')));
    expect(m.graph.nodes.map((n) => [n.opType, n.domain])).toEqual([['EPContext', 'com.microsoft']]);
    expect(m.graph.nodes[0]!.attributes['ep_cache_context']).toEqual({ type: 'string', value: 'static.fp16.engine' });
    expect(m.metadata[ENGINE_METADATA.precision]).toBe('fp16');
    expect(m.metadata[ENGINE_METADATA.tensorrtVersion]).toBe('8.5.2');
    expect(m.metadata[ENGINE_METADATA.hardwareArchitecture]).toBe('72');
    expect(m.metadata[ENGINE_METADATA.onnxModel]).toBe('static.onnx');
    expect(m.metadata['gc_edge.contract']).toBe('1');
  });

  it("gives trtexec the shapes of a model with symbolic dims (the contract's default size), and fp32 on request", () => {
    jetsonEngine('dynamic.onnx', '--fp32', '--workspace', '256');
    expect(fs.readFileSync(path.join(dir, 'bin', 'args'), 'utf8').trim()).toBe(
      '--onnx=dynamic.onnx --saveEngine=dynamic.fp32.engine --memPoolSize=workspace:256M --shapes=input:1x3x128x128',
    );
  });

  it('writes a model the runtime opens: on a profile without TensorRT it runs the ONNX model beside it, saying why', async () => {
    jetsonEngine('static.onnx');
    const s = await createSession(path.join(dir, 'static_ctx.onnx'), loadDeviceProfile('cpu'), { profiling: false });
    try {
      expect(s.provider).toBe('cpu');
      expect(s.attempts[0]!.error).toBe(
        'engine static.fp16.engine: the cpu profile has no TensorRT provider, and an engine runs on TensorRT only; running static.onnx instead',
      );
    } finally {
      await s.release();
    }
  });
});
