/** subnet.json -> a validated SubnetSpec. Names are a contract other tools depend on. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GcError, parseJsonFile, readFailureReason, readRegularFile } from '@gc-edge/core';
import { ARCHITECTURES, architectureNames, resolveArchitecture } from '../architectures/registry';
import { parseConfig } from './config';
import { preview } from './preview';
import type { InputSpec, SubnetSpec } from './spec';

export const COMMON_FIELDS = ['architecture', 'config', 'weights', 'ngf', 'input', 'output'] as const;
const INPUT_FIELDS = ['batch', 'channels', 'height', 'width'] as const;
/** Bounds that keep shapes, MAC counts and ONNX dims far from overflow. */
const MAX_INPUT: Readonly<Record<keyof InputSpec, number>> = { batch: 4096, channels: 4096, height: 16384, width: 16384 };

interface ParseOptions {
  /** With --random-init the weights file is not needed (and not read). */
  readonly weightsOptional?: boolean;
}

const EXAMPLE = 'examples/cyclegan-horse2zebra/subnet.json';

/** Reads and validates a subnet.json file. */
export function loadSubnetSpec(file: string, options: ParseOptions = {}): SubnetSpec {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file);
  } catch (e) {
    throw new GcError('E_SUBNET_JSON', `${file}: cannot read the subnet description (${readFailureReason(e)})`, {
      hint: readHint(file, e),
      cause: e,
    });
  }
  const json = parseJsonFile(bytes, file, {
    code: 'E_SUBNET_JSON',
    what: 'a subnet.json',
    hint: `gc-export takes a subnet.json (architecture, config, weights, input); see ${EXAMPLE}`,
    formatHint: (format) =>
      format === 'pth-zip' || format === 'pth-legacy' || format === 'safetensors'
        ? `gc-export takes a subnet.json that names the weights: write one with "weights": "${path.basename(file)}" ` +
          `beside it (see ${EXAMPLE} and docs/exporter.md), then run gc-export on that file`
        : `gc-export exports models from their weights: name a subnet.json (see ${EXAMPLE}); to translate an image, serve the ` +
          'exported model with gc-serve',
  });
  return parseSubnetSpec(json, file, options);
}

function readHint(file: string, e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `check the path; see ${EXAMPLE} for the format`;
  if (code === 'EISDIR') {
    const inside = path.join(file, 'subnet.json');
    return fs.existsSync(inside) ? `name the file inside it: gc-export ${inside}` : 'name the subnet.json file, not its folder';
  }
  return undefined;
}

/** Validates an already-parsed subnet.json object; `source` is its path (weights resolve next to it). */
export function parseSubnetSpec(json: unknown, source: string, options: ParseOptions = {}): SubnetSpec {
  const fail = (what: string, hint?: string): GcError => new GcError('E_SUBNET_JSON', `${source}: ${what}`, { hint });
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw fail('must be a JSON object');
  const obj = json as Record<string, unknown>;

  if (typeof obj['architecture'] !== 'string') {
    throw fail('"architecture" is required and must be a string', `one of: ${architectureNames().join(', ')}`);
  }
  const { architecture: arch, namedForm } = resolveArchitecture(obj['architecture'], source);

  const known = [...COMMON_FIELDS, ...arch.extraFields];
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      throw fail(`unknown field "${key}" for ${arch.name}`, `known fields: ${known.join(', ')}`);
    }
  }

  let config: number[] | null = null;
  if (arch.configLengths.length === 0) {
    if (obj['config'] !== undefined && obj['config'] !== null) {
      throw new GcError('E_CONFIG', `${source}: ${arch.name} takes no "config" (it is the full generator)`, {
        hint: `remove "config", or pick an architecture that takes one: ${ARCHITECTURES.filter((a) => a.configLengths.length > 0).map((a) => a.name).join(', ')}`,
      });
    }
  } else {
    if (obj['config'] === undefined || obj['config'] === null) {
      throw new GcError('E_CONFIG', `${source}: "config" is required for ${arch.name}`, {
        hint: `give ${arch.configLengths.join(' or ')} channel counts, e.g. "${arch.exampleConfig}"`,
      });
    }
    config = parseConfig(obj['config'], source);
    if (!arch.configLengths.includes(config.length)) {
      throw new GcError(
        'E_CONFIG',
        `${source}: ${arch.name} takes a config of ${arch.configLengths.join(' or ')} entries, got ${config.length} (${config.join('_')})`,
        { hint: 'copy the config string exactly as upstream search printed it' },
      );
    }
  }

  let weights: string | null = null;
  if (obj['weights'] !== undefined) {
    if (typeof obj['weights'] !== 'string' || obj['weights'] === '') throw fail('"weights" must be a path string');
    weights = path.resolve(path.dirname(path.resolve(source)), obj['weights']);
  } else if (!options.weightsOptional) {
    throw fail(
      '"weights" is required',
      'point it at the supernet or sub-network .pth or .safetensors (relative to this file), or use --random-init',
    );
  }

  let ngf: number | undefined;
  if (obj['ngf'] !== undefined) {
    if (!isPositiveInt(obj['ngf']) || obj['ngf'] > 4096) {
      throw fail(`"ngf" must be a positive integer (at most 4096), got ${preview(obj['ngf'])}`);
    }
    ngf = obj['ngf'];
  }

  const given = parseInput(obj['input'], fail);
  let outputChannels = 3;
  if (obj['output'] !== undefined) {
    const out = obj['output'];
    if (typeof out !== 'object' || out === null || Array.isArray(out)) throw fail('"output" must be an object like {"channels": 3}');
    for (const key of Object.keys(out)) if (key !== 'channels') throw fail(`unknown field "output.${key}"`, 'known fields: channels');
    const ch = (out as Record<string, unknown>)['channels'];
    if (ch !== undefined) {
      if (!isPositiveInt(ch) || ch > 4096) throw fail(`"output.channels" must be a positive integer (at most 4096), got ${preview(ch)}`);
      outputChannels = ch;
    }
  }

  const extras: Record<string, unknown> = {};
  for (const key of arch.extraFields) if (obj[key] !== undefined) extras[key] = obj[key];

  const draft: SubnetSpec = {
    source,
    architecture: arch.name,
    namedForm,
    config,
    weights,
    ngf,
    input: { batch: 1, channels: 3, height: 256, width: 256 },
    output: { channels: outputChannels },
    extras,
  };
  const input = arch.resolveInput(draft, given);
  return { ...draft, input };
}

function parseInput(value: unknown, fail: (what: string, hint?: string) => GcError): Partial<InputSpec> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail('"input" must be an object like {"batch": 1, "channels": 3, "height": 256, "width": 256}');
  }
  const out: { -readonly [K in keyof InputSpec]?: number } = {};
  for (const [key, v] of Object.entries(value)) {
    if (!(INPUT_FIELDS as readonly string[]).includes(key)) {
      throw fail(`unknown field "input.${key}"`, `known fields: ${INPUT_FIELDS.join(', ')}`);
    }
    if (!isPositiveInt(v)) throw fail(`"input.${key}" must be a positive integer, got ${preview(v)}`);
    if (v > MAX_INPUT[key as keyof InputSpec]) {
      throw fail(
        `"input.${key}" is ${v}, over the largest supported ${MAX_INPUT[key as keyof InputSpec]}`,
        'export at the size the model will run at',
      );
    }
    out[key as keyof InputSpec] = v;
  }
  return out;
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}
