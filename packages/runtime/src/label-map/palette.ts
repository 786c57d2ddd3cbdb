/**
 * Colour palettes for RGB label images: parsing a palette JSON file, and the colour -> id lookup.
 *
 * A palette file is JSON, either `{"name": "...", "entries": [...]}` or just the entries array; each
 * entry `{"id": 7, "name": "road", "color": [128, 64, 128]}` (name optional). `#rrggbb` strings are
 * accepted for `color` too.
 */
import * as fs from 'node:fs';
import { GcError } from '@gc-edge/core';
import type { LabelPalette, PaletteEntry } from './types';

/** 0xRRGGBB */
export function packRgb(r: number, g: number, b: number): number {
  return (r << 16) | (g << 8) | b;
}

export function rgbHex(packed: number): string {
  return `#${packed.toString(16).padStart(6, '0')}`;
}

/**
 * colour -> class id. The first entry with a non-negative id wins a shared colour; a colour only
 * negative-id entries have maps to their (negative) id, which the decoder reports as unusable.
 */
export function paletteLookup(palette: LabelPalette): Map<number, number> {
  const byColor = new Map<number, number>();
  for (const e of palette.entries) {
    const key = packRgb(...e.color);
    const prev = byColor.get(key);
    if (prev === undefined || (prev < 0 && e.id >= 0)) byColor.set(key, e.id);
  }
  return byColor;
}

function fail(where: string, what: string): GcError {
  return new GcError('E_LABEL_MAP', `${where}: ${what}`, {
    hint: 'a palette is JSON: [{"id": 7, "name": "road", "color": [128, 64, 128]}, ...] or {"name": ..., "entries": [...]}',
  });
}

function parseColor(v: unknown, at: string, where: string): [number, number, number] {
  if (typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v)) {
    const n = parseInt(v.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  if (Array.isArray(v) && v.length === 3 && v.every((c) => Number.isInteger(c) && c >= 0 && c <= 255)) {
    return [v[0] as number, v[1] as number, v[2] as number];
  }
  throw fail(where, `${at}.color is ${JSON.stringify(v)}; expected [r, g, b] with integers 0..255 or "#rrggbb"`);
}

/** Validates a parsed palette JSON value. `where` names its source in errors. */
export function parsePalette(json: unknown, where: string): LabelPalette {
  let name = where;
  let list: unknown = json;
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const obj = json as Record<string, unknown>;
    for (const key of Object.keys(obj)) {
      if (key !== 'name' && key !== 'entries') throw fail(where, `unknown field "${key}" (known: name, entries)`);
    }
    if (obj['name'] !== undefined) {
      if (typeof obj['name'] !== 'string') throw fail(where, '"name" must be a string');
      name = obj['name'];
    }
    list = obj['entries'];
  }
  if (!Array.isArray(list) || list.length === 0) throw fail(where, 'expected a non-empty list of entries');
  const entries: PaletteEntry[] = list.map((raw, i) => {
    const at = `entries[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail(where, `${at} must be an object`);
    const e = raw as Record<string, unknown>;
    for (const key of Object.keys(e)) {
      if (key !== 'id' && key !== 'name' && key !== 'color') throw fail(where, `${at}: unknown field "${key}" (known: id, name, color)`);
    }
    if (typeof e['id'] !== 'number' || !Number.isInteger(e['id']) || e['id'] < -1 || e['id'] > 255) {
      throw fail(where, `${at}.id is ${JSON.stringify(e['id'])}; expected an integer class id 0..255 (or -1: no id)`);
    }
    if (e['name'] !== undefined && typeof e['name'] !== 'string') throw fail(where, `${at}.name must be a string`);
    const entry: PaletteEntry = { id: e['id'], color: parseColor(e['color'], at, where) };
    return typeof e['name'] === 'string' ? { ...entry, name: e['name'] } : entry;
  });
  return { name, entries };
}

/** Reads and validates a palette JSON file. */
export function loadPalette(file: string): LabelPalette {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new GcError('E_LABEL_MAP', `${file}: cannot read the palette (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      cause: e,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw fail(file, `not valid JSON (${(e as Error).message})`);
  }
  return parsePalette(json, file);
}
