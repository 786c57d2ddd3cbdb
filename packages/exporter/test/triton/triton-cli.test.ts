/**
 * `gc-export --triton <repo> --kserve <file.yaml>`: the real gc-export launcher on the trained
 * edges2shapes example. The repository entry holds the exported model byte for byte and a config
 * that parses as Triton's ModelConfig; a second export replaces the entry whole; a failing flag
 * writes nothing at all; the KServe manifests (Triton runtime and gc-serve container) are checked
 * field by field against a schema written from KServe's docs (test/fixtures/kserve/), which refuses
 * a misspelt field and a name that is not DNS-1123.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { type JsonSchema, validateJson } from '../../../runtime/src/devices/json-schema';
import { EXAMPLES, FIXTURES } from '../../../../test/support/fixtures';
import { gcExport, tempDir } from '../cli/helpers';
import { hasPythonProtobuf, parseModelConfig } from './model-config-schema';

const SUBNET = path.join(EXAMPLES, 'edges2shapes', 'subnet.json');
const SCHEMA_FILE = path.join(FIXTURES, 'kserve', 'inferenceservice.schema.json');

/** The schema with its `#/definitions/x` references put in place (the validator has no $ref). */
function kserveSchema(): JsonSchema {
  const raw = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as { definitions: Record<string, unknown> };
  const inline = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(inline);
    if (typeof v !== 'object' || v === null) return v;
    const ref = (v as { $ref?: string }).$ref;
    if (ref !== undefined) return inline(raw.definitions[ref.replace('#/definitions/', '')]);
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'definitions' && k !== '$comment').map(([k, x]) => [k, inline(x)]));
  };
  return inline(raw) as JsonSchema;
}

const schema = kserveSchema();
const issues = (doc: unknown): string[] => validateJson(doc, schema).map((i) => `${i.path} ${i.message}`);

describe('gc-export --triton / --kserve', () => {
  it('writes the model, its Triton repository entry (the same bytes, a config Triton parses) and a KServe manifest for Triton', () => {
    const dir = tempDir();
    const r = gcExport([SUBNET, '-o', 'edges2shapes.onnx', '--triton', 'models', '--kserve', 'isvc.yaml', '--storage-uri', 's3://bucket/models'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}triton {3}models\/edges2shapes\/\{config\.pbtxt,1\/model\.onnx\} \(device desktop-cuda, TensorRT FP16\)$/m);
    expect(r.stdout).toMatch(/^ {2}kserve {3}isvc\.yaml \(InferenceService 'edges2shapes', triton, s3:\/\/bucket\/models\)$/m);
    const model = fs.readFileSync(path.join(dir, 'edges2shapes.onnx'));
    expect(Buffer.compare(fs.readFileSync(path.join(dir, 'models', 'edges2shapes', '1', 'model.onnx')), model)).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'models'))).toEqual(['edges2shapes']);
    expect(fs.readdirSync(path.join(dir, 'models', 'edges2shapes')).sort()).toEqual(['1', 'config.pbtxt']);
    expect(fs.readdirSync(dir).sort()).toEqual(['edges2shapes.onnx', 'isvc.yaml', 'models']); // no staging left behind
    if (hasPythonProtobuf) {
      const c = parseModelConfig(fs.readFileSync(path.join(dir, 'models', 'edges2shapes', 'config.pbtxt'), 'utf8'));
      expect(c.ok && c.config['name']).toBe('edges2shapes');
    }

    const doc = parse(fs.readFileSync(path.join(dir, 'isvc.yaml'), 'utf8')) as Record<string, unknown>;
    expect(issues(doc)).toEqual([]);
    expect(doc).toMatchObject({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'edges2shapes' },
      spec: {
        predictor: {
          model: { modelFormat: { name: 'triton' }, protocolVersion: 'v2', storageUri: 's3://bucket/models', resources: { limits: { 'nvidia.com/gpu': '1' } } },
        },
      },
    });
  });

  it("writes a KServe manifest for gc-serve's container: the model under /mnt/models, the profile, readiness probe", () => {
    const dir = tempDir();
    const args = [SUBNET, '-o', 'e2s_v2.onnx', '--dynamic', '--device', 'cpu', '--kserve', 'gc.yaml', '--kserve-runtime', 'gc-serve'];
    const r = gcExport([...args, '--image', 'registry.local/gc-serve:0.1.0', '--quiet'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = parse(fs.readFileSync(path.join(dir, 'gc.yaml'), 'utf8')) as Record<string, unknown>;
    expect(issues(doc)).toEqual([]);
    expect(doc).toMatchObject({
      metadata: { name: 'e2s-v2' },
      spec: {
        predictor: {
          containers: [
            {
              name: 'kserve-container',
              image: 'registry.local/gc-serve:0.1.0',
              args: ['/mnt/models/e2s_v2.onnx', '--host', '0.0.0.0', '--port', '8080', '--device', 'cpu'],
              env: [{ name: 'STORAGE_URI', value: 'pvc://gc-edge-models/models' }],
              readinessProbe: { httpGet: { path: '/v2/health/ready', port: 8080 } },
            },
          ],
        },
      },
    });
  });

  it('the KServe schema check fails on a misspelt field, a bad name, a predictor with two ways to serve, and an unquoted GPU count', () => {
    const dir = tempDir();
    expect(gcExport([SUBNET, '-o', 'm.onnx', '--kserve', 'isvc.yaml', '--quiet'], dir).status).toBe(0);
    const good = parse(fs.readFileSync(path.join(dir, 'isvc.yaml'), 'utf8')) as {
      metadata: { name: string };
      spec: { predictor: Record<string, unknown> & { model: Record<string, unknown> } };
    };
    expect(issues(good)).toEqual([]);
    const variant = (edit: (d: typeof good) => void): string[] => {
      const d = structuredClone(good);
      edit(d);
      return issues(d);
    };
    expect(
      variant((d) => {
        d.spec.predictor.model['storageURI'] = d.spec.predictor.model['storageUri'];
        delete d.spec.predictor.model['storageUri'];
      }).join('\n'),
    ).toMatch(/spec\.predictor\.model\.storageURI is not a known field/);
    expect(variant((d) => (d.metadata.name = 'Edges_2_Shapes')).join('\n')).toMatch(/metadata\.name must match/);
    expect(variant((d) => (d.spec.predictor['containers'] = [{ name: 'c', image: 'x' }])).join('\n')).toMatch(/exactly one of 3 forms: 2 of them hold/);
    expect(variant((d) => (d.spec.predictor.model['resources'] = { limits: { 'nvidia.com/gpu': 1 } })).join('\n')).toMatch(
      /limits\.nvidia\.com\/gpu must be string, got integer/,
    );
  });

  it('a second export replaces the repository entry whole', () => {
    const dir = tempDir();
    expect(gcExport([SUBNET, '-o', 'e2s.onnx', '--triton', 'models', '--quiet'], dir).status).toBe(0);
    const stale = path.join(dir, 'models', 'e2s', '2');
    fs.mkdirSync(stale); // a leftover of the old entry
    expect(gcExport([SUBNET, '-o', 'e2s.onnx', '--dynamic', '--triton', 'models', '--device', 'cpu', '--quiet'], dir).status).toBe(0);
    expect(fs.existsSync(stale)).toBe(false);
    const config = fs.readFileSync(path.join(dir, 'models', 'e2s', 'config.pbtxt'), 'utf8');
    expect(config).toMatch(/^max_batch_size: 8$/m);
    expect(config).toMatch(/^ {4}kind: KIND_CPU$/m);
    expect(fs.readdirSync(dir).sort()).toEqual(['e2s.onnx', 'models']);
  });

  it('writes nothing at all when a serving flag is wrong (unknown profile, bad --max-batch or runtime, a bad Kubernetes name)', () => {
    const dir = tempDir();
    const cases: [string[], RegExp][] = [
      [['--triton', 'models', '--device', 'jetson-tx9'], /error\[E_DEVICE\]: --device 'jetson-tx9': no such device profile; use one of cpu, desktop-cuda, jetson/],
      [['--triton', 'models', '--max-batch', '0'], /error\[E_ARGS\]: --max-batch '0': expected a whole number >= 1/],
      [['--kserve', 'x.yaml', '--kserve-runtime', 'torchserve'], /error\[E_ARGS\]: --kserve-runtime 'torchserve': use one of triton, gc-serve/],
    ];
    for (const [flags, error] of cases) {
      const r = gcExport([SUBNET, '-o', 'm.onnx', ...flags], dir);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(error);
      expect(fs.readdirSync(dir)).toEqual([]);
    }
    const bad = gcExport([SUBNET, '-o', 'Gen_.onnx', '--kserve', 'x.yaml'], dir);
    expect(bad.stderr).toMatch(/error\[E_ARGS\]: --kserve: 'gen-' \(from model 'Gen_'\) is not a Kubernetes name/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
