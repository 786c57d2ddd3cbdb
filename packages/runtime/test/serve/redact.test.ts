/**
 * Load errors as clients read them (serve/redact.ts): the model file's base name, no absolute paths,
 * no onnxruntime C++ source locations or signatures; the daemon's log keeps the whole message. A
 * real daemon reloading files onnxruntime refuses.
 */
import { writeFileSync } from 'node:fs';
import { clientMessage } from '../../src/serve/redact';
import { type Running, errorOf, scaleModel, startServer, tempDir, writeModel } from './helpers';

/** A model onnxruntime refuses with a C++ signature in its message: IR version 99 (the first field of ModelProto). */
function futureIrModel(): Uint8Array {
  const bytes = Uint8Array.from(scaleModel(1));
  expect([bytes[0], bytes[1]]).toEqual([0x08, 7]); // ir_version = 7, as encodeModel writes it
  bytes[1] = 99;
  return bytes;
}

/** What a client must never see: the temp folder, any absolute path, C++ frames. */
function expectNothingInternal(text: string, dir: string): void {
  expect(text).not.toContain(dir);
  expect(text).not.toMatch(/onnxruntime::|onnxruntime_src|\.cc:\d+|PathString/);
  expect(text).not.toMatch(/(^|[\s'"(:])\/(tmp|home|opt|usr|var)\//);
}

describe('load errors as clients see them', () => {
  it('strips onnxruntime C++ frames and folders from the messages onnxruntime gives (real messages)', () => {
    const ir =
      'Load model from /srv/models/m.onnx failed:/onnxruntime_src/onnxruntime/core/graph/model.cc:202 onnxruntime::Model::Model(' +
      'onnx::ModelProto&&, const onnxruntime::PathString&, const onnxruntime::IOnnxRuntimeOpSchemaRegistryList*, ' +
      'const onnxruntime::logging::Logger&, const onnxruntime::ModelOptions&) Unsupported model IR version: 99, max supported IR version: 13\n';
    expect(clientMessage(ir)).toBe('Load model from m.onnx failed: Unsupported model IR version: 99, max supported IR version: 13');
    expect(clientMessage("model 'g' (/srv/models/g.onnx): Load model from /srv/models/g.onnx failed:Protobuf parsing failed.")).toBe(
      "model 'g' (g.onnx): Load model from g.onnx failed:Protobuf parsing failed.",
    );
    expect(clientMessage('in /home/me/My Models/x.onnx', ['/home/me/My Models/x.onnx'])).toBe('in x.onnx');
    // what is not a file system path stays
    expect(clientMessage('see http://127.0.0.1:8080/v2/health/ready and [::1]:80, 10:30')).toBe(
      'see http://127.0.0.1:8080/v2/health/ready and [::1]:80, 10:30',
    );
  });

  describe('a daemon whose model files onnxruntime refuses', () => {
    let d: Running;
    let dir: string;
    let cleanup: () => void;
    const lines: string[] = [];
    beforeAll(async () => {
      ({ dir, cleanup } = tempDir());
      writeModel(dir, 'good', scaleModel(1));
      writeModel(dir, 'broken', futureIrModel());
      d = await startServer({ target: dir, workers: 1, log: (l) => lines.push(l) });
    });
    afterAll(async () => {
      await d?.stop();
      cleanup?.();
    });

    it('a failed reload answers 500 with the code and a message without paths or C++ frames; the log has it whole', async () => {
      writeModel(dir, 'good', futureIrModel());
      const r = await fetch(`${d.url}/v2/repository/models/good/load`, { method: 'POST' });
      expect(r.status).toBe(500);
      const e = await errorOf(r);
      expect(e.message).toMatch(/good\.onnx.*Unsupported model IR version: 99/);
      expectNothingInternal(e.message, dir);
      expect(lines.join('\n')).toContain(`${dir}/good.onnx`);
      expect(lines.join('\n')).toMatch(/onnxruntime::Model::Model/);

      type Meta = { state: string; lastReloadError: { code: string; message: string } };
      const meta = (await (await fetch(`${d.url}/v2/models/good`)).json()) as Meta;
      expect(meta.state).toBe('ready'); // the old model keeps serving
      expect(meta.lastReloadError.code).toBe(e.code);
      expect(meta.lastReloadError.message).toMatch(/Unsupported model IR version: 99/);
      expectNothingInternal(meta.lastReloadError.message, dir);
    });

    it('readiness, model readiness and requests to a model that failed at start give reasons without paths or C++ frames', async () => {
      const answers = await Promise.all([
        fetch(`${d.url}/v2/health/ready`),
        fetch(`${d.url}/v2/models/broken/ready`),
        fetch(`${d.url}/v2/models/broken`),
        fetch(`${d.url}/v2/models/broken/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      ]);
      for (const r of answers) {
        expect(r.status).toBe(503);
        const e = await errorOf(r);
        expect(e.message).toMatch(/broken.*Unsupported model IR version: 99/);
        expectNothingInternal(e.message, dir);
      }
    });

    it('keeps giving the file base name for a model that failed to load', async () => {
      writeFileSync(`${dir}/broken.onnx`, 'garbage');
      const r = await fetch(`${d.url}/v2/repository/models/broken/load`, { method: 'POST' });
      const e = await errorOf(r);
      expect(e.message).toContain('broken.onnx');
      expectNothingInternal(e.message, dir);
    });
  });
});
