/** JSON Schema of LatencyReport files, and the validator `compare` runs on every file it reads. */
import * as fs from 'node:fs';
import { GcError, parseJsonFile, ROLES } from '@gc-edge/core';
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
    family: strOrNull,
    role: { enum: [...ROLES, null] },
  }, ['macsPerImage', 'family', 'role']),
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
    timeBudgetS: { type: ['number', 'null'], minimum: 0 },
    stoppedBy: { enum: ['minimums', 'max-iterations', 'time-budget'] },
    iterations: { type: 'integer', minimum: 1 },
    durationS: nonNeg,
    cvThreshold: nonNeg,
    endToEnd: { type: 'boolean' },
  }, ['timeBudgetS', 'stoppedBy']),
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

export function readReport(file: string): LatencyReport {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new GcError('E_REPORT', `${file}: cannot read the report (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { cause: e });
  }
  const json = parseJsonFile(bytes, file, {
    code: 'E_REPORT',
    what: 'a JSON report',
    hint: 'pass report files written by gc-bench latency --json',
  });
  return validateReport(json, file);
}
