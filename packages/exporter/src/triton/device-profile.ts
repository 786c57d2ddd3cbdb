/**
 * The part of a device profile (the repository's `devices/*.json`, or $GC_EDGE_DEVICES) that a
 * Triton configuration needs: which execution providers come first, their device id and TensorRT
 * options (workspace, engine cache), and the precision. The exporter does not import the runtime
 * (which validates whole profiles for gc-serve and gc-bench): it reads the JSON itself and checks
 * each field it uses.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GcError, parseJsonFile, readFailureReason, readRegularFile } from '@gc-edge/core';

const DEVICES_ENV = 'GC_EDGE_DEVICES';
const PROVIDERS = ['tensorrt', 'cuda', 'webgpu', 'cpu'] as const;
const PRECISIONS = ['fp32', 'fp16', 'int8'] as const;

type ProviderOptions = Readonly<Record<string, string | number | boolean>>;

export interface TritonDevice {
  readonly id: string;
  /** Execution providers in priority order, with their options. */
  readonly providers: readonly { readonly name: (typeof PROVIDERS)[number]; readonly options: ProviderOptions }[];
  readonly precision: (typeof PRECISIONS)[number];
}

/** Where the profiles live: $GC_EDGE_DEVICES, else the repository's `devices/` (from src/ and dist/ alike). */
function devicesDir(): string {
  const fromEnv = process.env[DEVICES_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  return path.resolve(__dirname, '../../../../devices');
}

/** A profile by id (`desktop-cuda`) or by path to its JSON; E_DEVICE listing the ids for an unknown one. */
export function loadTritonDevice(idOrPath: string): TritonDevice {
  const dir = devicesDir();
  const isPath = idOrPath.endsWith('.json') || idOrPath.includes('/') || idOrPath.includes(path.sep);
  const file = isPath ? idOrPath : path.join(dir, `${idOrPath}.json`);
  const id = path.basename(file).replace(/\.json$/i, '');
  if (!isPath && !fs.existsSync(file)) {
    const known = listIds(dir);
    throw new GcError('E_DEVICE', `--device '${idOrPath}': no such device profile; use one of ${known.join(', ')}`, {
      hint: `profiles are the JSON files in ${dir} (or a path to one)`,
    });
  }
  let bytes: Uint8Array;
  try {
    bytes = readRegularFile(file);
  } catch (e) {
    throw new GcError('E_DEVICE', `${file}: cannot read the device profile (${readFailureReason(e)})`, { cause: e });
  }
  const json = parseJsonFile(bytes, file, { code: 'E_DEVICE', what: 'a device profile (JSON)', hint: 'pass a devices/*.json profile' });
  return tritonDevice(json, id, file);
}

/** Checks the fields a Triton configuration reads. */
export function tritonDevice(json: unknown, id: string, where: string): TritonDevice {
  const bad = (what: string): GcError =>
    new GcError('E_DEVICE', `${where}: ${what}`, { hint: 'device profiles follow devices/schema.json' });
  if (typeof json !== 'object' || json === null) throw bad('a device profile is a JSON object');
  const o = json as Record<string, unknown>;
  const list = o['executionProviders'];
  if (!Array.isArray(list) || list.length === 0) throw bad('executionProviders must be a non-empty array');
  const providers = list.map((p: unknown, i) => {
    const e = (p ?? {}) as Record<string, unknown>;
    const name = e['name'];
    if (!PROVIDERS.includes(name as (typeof PROVIDERS)[number])) {
      throw bad(`executionProviders[${i}].name '${String(name)}' is not one of ${PROVIDERS.join(', ')}`);
    }
    const options = e['options'] ?? {};
    if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      throw bad(`executionProviders[${i}].options must be an object`);
    }
    return { name: name as (typeof PROVIDERS)[number], options: options as ProviderOptions };
  });
  const precision = o['precision'];
  if (!PRECISIONS.includes(precision as (typeof PRECISIONS)[number])) {
    throw bad(`precision '${String(precision)}' is not one of ${PRECISIONS.join(', ')}`);
  }
  return { id, providers, precision: precision as (typeof PRECISIONS)[number] };
}

function listIds(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json') && f !== 'schema.json')
      .map((f) => f.slice(0, -5))
      .sort();
  } catch {
    return [];
  }
}
