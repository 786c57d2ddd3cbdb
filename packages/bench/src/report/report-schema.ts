/** JSON Schema of LatencyReport files, and the validator `compare` runs on every file it reads. */
import * as fs from 'node:fs';
import { GcError } from '@gc-edge/core';
import { validateJson, type JsonSchema } from '@gc-edge/runtime';
import { LATENCY_REPORT_SCHEMA, type LatencyReport } from './types';

const num: JsonSchema = { type: 'number' };
const nonNeg: JsonSchema = { type: 'number', minimum: 0 };
const str: JsonSchema = { type: 'string' };
const strOrNull: JsonSchema = { type: ['string', 'null'] };
const dims: JsonSchema = { type: 'array', items: { type: 'integer', minimum: 1 } };

function obj(properties: Record<string, JsonSchema>, optional: readonly string[] = []): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties).filter((k) => !optional.includes(k)) };
}

const stats = obj({ min: nonNeg, p50: nonNeg, p90: nonNeg, p95: nonNeg, p99: nonNeg, max: nonNeg, mean: nonNeg, std: nonNeg });

export const REPORT_JSON_SCHEMA: JsonSchema = obj({
  schema: { enum: [LATENCY_REPORT_SCHEMA] },
  createdAt: str,
  tool: obj({ name: str, version: str }),
  model: obj({
    path: str,
    name: str,
    sha256: str,
    bytes: nonNeg,
    macs: { type: ['number', 'null'], minimum: 0 },
    macsPerImage: { type: ['number', 'null'], minimum: 0 },
    params: { type: ['number', 'null'], minimum: 0 },
    macsConvention: { enum: ['paper', 'exact'] },
    inputShape: dims,
    architecture: strOrNull,
    config: strOrNull,
  }, ['macsPerImage']),
  device: obj({
    profile: str,
    profileName: str,
    detectedBy: strOrNull,
    cpu: obj({ model: str, logicalCores: nonNeg, arch: str }),
    gpu: strOrNull,
    os: obj({ platform: str, release: str, distro: str }, ['distro']),
    node: str,
    onnxruntime: str,
  }),
  session: obj({
    executionProviders: { type: 'array', items: obj({ provider: str, ok: { type: 'boolean' }, error: str }, ['error']) },
    provider: str,
    placement: obj(
      {
        byProvider: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
        summary: str,
        nodes: { type: 'array', items: obj({ name: str, opType: str, provider: str }) },
        kernels: { type: 'integer', minimum: 0 },
        graphNodes: { type: ['integer', 'null'], minimum: 0 },
      },
      ['nodes', 'kernels', 'graphNodes'],
    ),
    createMs: nonNeg,
    firstRunMs: nonNeg,
  }),
  settings: obj({
    batch: { type: 'integer', minimum: 1 },
    inputShape: dims,
    threads: obj(
      {
        intraOp: { type: 'integer', minimum: 0 },
        interOp: { type: 'integer', minimum: 0 },
        requested: obj({ intraOp: { type: 'integer', minimum: 0 }, interOp: { type: 'integer', minimum: 0 } }),
        note: str,
      },
      ['requested', 'note'],
    ),
    precision: str,
    graphOptimizationLevel: str,
    warmupRuns: nonNeg,
    warmupSeconds: nonNeg,
    minIterations: nonNeg,
    minDurationS: nonNeg,
    iterations: { type: 'integer', minimum: 1 },
    durationS: nonNeg,
    cvThreshold: nonNeg,
    endToEnd: { type: 'boolean' },
  }),
  latencyMs: stats,
  fps: nonNeg,
  stable: { type: 'boolean' },
  cv: nonNeg,
  samplesMs: { type: 'array', items: nonNeg },
  endToEnd: {
    type: ['object', 'null'],
    properties: {
      image: str,
      iterations: nonNeg,
      stagesMs: obj({ decode: stats, preprocess: stats, inference: stats, postprocess: stats, encode: stats }),
      totalMs: stats,
      fps: nonNeg,
    },
    required: ['image', 'iterations', 'stagesMs', 'totalMs', 'fps'],
  },
  reference: { type: 'array', items: obj({ model: str, source: str, fps: num, latencyMs: num }, ['fps', 'latencyMs']) },
  warnings: { type: 'array', items: str },
});

/** Checks parsed JSON is a LatencyReport; errors name the file and the field. */
export function validateReport(json: unknown, file: string): LatencyReport {
  const version = (json as { schema?: unknown } | null)?.schema;
  if (typeof json === 'object' && json !== null && typeof version === 'string' && version !== LATENCY_REPORT_SCHEMA) {
    throw new GcError('E_REPORT', `${file}: report schema "${version}" is not one gc-bench reads (expected "${LATENCY_REPORT_SCHEMA}")`, {
      hint: 'rerun gc-bench latency --json with this version of gc-edge',
    });
  }
  const issues = validateJson(json, REPORT_JSON_SCHEMA);
  if (issues.length > 0) {
    const first = issues[0]!;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    throw new GcError('E_REPORT', `${file}: ${first.path} ${first.message}${more}`, {
      hint: 'pass report files written by gc-bench latency --json',
    });
  }
  return json as LatencyReport;
}

/** The first bytes of a file, escaped (`\n`, `\xNN`) so a binary file cannot garble the terminal. */
export function escapedPreview(bytes: Uint8Array, max = 24): string {
  let out = '';
  for (const b of bytes.subarray(0, max)) {
    if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x5c) out += '\\\\';
    else if (b === 0x22) out += '\\"';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `"${out}${bytes.length > max ? '...' : ''}"`;
}

function looksBinary(bytes: Uint8Array): boolean {
  if (bytes.subarray(0, 4096).includes(0)) return true;
  return !isUtf8(bytes);
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function readReport(file: string): LatencyReport {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new GcError('E_REPORT', `${file}: cannot read the report (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { cause: e });
  }
  const hint = 'pass report files written by gc-bench latency --json';
  if (looksBinary(bytes)) {
    throw new GcError('E_REPORT', `${file}: a binary file, not a JSON report (it starts ${escapedPreview(bytes)})`, { hint });
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    // V8's message quotes the text it choked on, raw: say where instead, with an escaped preview
    const at = /position (\d+)/.exec((e as Error).message);
    const where = at ? ` at character ${at[1]}` : '';
    throw new GcError('E_REPORT', `${file}: not valid JSON${where} (it starts ${escapedPreview(bytes)})`, { hint, cause: e });
  }
  return validateReport(json, file);
}
