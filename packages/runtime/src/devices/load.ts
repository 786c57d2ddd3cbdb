/**
 * Device profiles: one JSON per target in the repo's `devices/` folder (override with the
 * GC_EDGE_DEVICES environment variable), validated against `devices/schema.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GcError } from '@gc-edge/core';
import { detectDevice } from './detect';
import { DEVICES_ENV, devicesDir } from './dir';
import { validateJson, type JsonSchema } from './json-schema';
import type { DeviceProfile } from './profile';

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new GcError('E_DEVICE', `${file}: cannot read the ${what} (${code})`, { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new GcError('E_DEVICE', `${file}: the ${what} is not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

let schemaCache: { dir: string; schema: JsonSchema } | undefined;

function schemaFor(dir: string): JsonSchema {
  if (schemaCache?.dir !== dir) {
    schemaCache = { dir, schema: readJson(path.join(dir, 'schema.json'), 'device profile schema') as JsonSchema };
  }
  return schemaCache.schema;
}

/** Validates parsed JSON as a device profile (against `schema.json` in `dir`); `id` names it. */
export function parseDeviceProfile(json: unknown, id: string, where: string, dir = devicesDir()): DeviceProfile {
  const issues = validateJson(json, schemaFor(dir));
  if (issues.length > 0) {
    const first = issues[0]!;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more: ${issues.slice(1, 4).map((i) => i.path).join(', ')})` : '';
    throw new GcError('E_DEVICE', `${where}: ${first.path} ${first.message}${more}`, {
      hint: `device profiles follow ${path.join(dir, 'schema.json')}`,
    });
  }
  const { $schema: _ignored, ...rest } = json as Record<string, unknown>;
  return { ...(rest as Omit<DeviceProfile, 'id'>), id };
}

/** Ids of the profiles in the devices folder (file names without .json), sorted. */
export function deviceProfileIds(dir = devicesDir()): string[] {
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch (e) {
    throw new GcError('E_DEVICE', `${dir}: cannot list the device profiles (${(e as NodeJS.ErrnoException).code ?? String(e)})`, {
      hint: `set ${DEVICES_ENV} to the folder that holds the profile JSON files`,
      cause: e,
    });
  }
  return files
    .filter((f) => f.endsWith('.json') && f !== 'schema.json')
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

/** Every profile in the devices folder, validated. */
export function listDeviceProfiles(dir = devicesDir()): DeviceProfile[] {
  return deviceProfileIds(dir).map((id) => loadDeviceProfile(id, dir));
}

/**
 * A profile by id (`jetson-nano`), by path to a JSON file, or `auto` (detected). Unknown ids ->
 * E_DEVICE listing the known ones.
 */
export function loadDeviceProfile(idOrPath: string, dir = devicesDir()): DeviceProfile {
  if (idOrPath === 'auto') return loadDeviceProfile(detectDevice({ dir }).id, dir);
  const looksLikePath = idOrPath.endsWith('.json') || idOrPath.includes('/') || idOrPath.includes(path.sep);
  if (looksLikePath) {
    const file = path.resolve(idOrPath);
    return parseDeviceProfile(readJson(file, 'device profile'), path.basename(file, '.json'), file, dir);
  }
  const ids = deviceProfileIds(dir);
  if (!ids.includes(idOrPath)) {
    throw new GcError('E_DEVICE', `unknown device profile "${idOrPath}". Should be one of: auto, ${ids.join(', ')}`, {
      hint: `or pass the path of a profile JSON file (profiles live in ${dir})`,
    });
  }
  const file = path.join(dir, `${idOrPath}.json`);
  return parseDeviceProfile(readJson(file, 'device profile'), idOrPath, file, dir);
}
