/** Upstream's config string (`16_16_32_16_32_32_16_16`) or an array of ints -> channel widths. */
import { GcError } from '@gc-edge/core';
import { preview } from './preview';

export function parseConfig(value: unknown, where: string): number[] {
  let entries: unknown[];
  if (typeof value === 'string') {
    if (value.trim() === '') throw configError(where, 'is empty');
    entries = value.split('_').map((s) => (/^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s) : s));
  } else if (Array.isArray(value)) {
    entries = value;
  } else {
    throw configError(where, `must be a string like "16_16_32_16_32_32_16_16" or an array of integers, got ${describe(value)}`);
  }
  return entries.map((e, i) => {
    if (typeof e !== 'number' || !Number.isInteger(e) || e <= 0 || e > 65536) {
      throw configError(where, `entry ${i} is ${preview(e)}; every entry must be a positive integer channel count`);
    }
    return e;
  });
}

export function formatConfig(config: readonly number[]): string {
  return config.join('_');
}

function configError(where: string, what: string): GcError {
  return new GcError('E_CONFIG', `${where}: "config" ${what}`, {
    hint: 'use the channel configuration upstream\'s search printed: positive integers joined by "_"',
  });
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}
