/**
 * Numeric command-line options, parsed from the text the user typed so errors can quote it
 * (`--min-iterations 'ten': expected an integer >= 1`), never `NaN`. The options are declared as
 * strings in yargs (a `number` option turns `ten` into NaN before we see it).
 */
import { GcError } from '@gc-edge/core';

export interface NumberRule {
  /** Whole numbers only. */
  readonly integer?: boolean;
  /** Smallest allowed value (inclusive). */
  readonly min?: number;
  /** Said after the error, e.g. how to get a quick run. */
  readonly hint?: string;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Parses `raw` (what followed `--flag`); undefined stays undefined (option not given). */
export function parseNumberArg(flag: string, raw: unknown, rule: NumberRule = {}): number | undefined {
  if (raw === undefined) return undefined;
  const typed = typeof raw === 'string' ? raw : JSON.stringify(raw); // a number when yargs gave the default
  const text = typed.trim();
  const kind = `${rule.integer ? 'an integer' : 'a number'}${rule.min !== undefined ? ` >= ${rule.min}` : ''}`;
  const fail = (): never => {
    throw new GcError('E_ARGS', `--${flag} '${typed}': expected ${kind}`, rule.hint ? { hint: rule.hint } : {});
  };
  if (!NUMBER.test(text)) return fail();
  const n = Number(text);
  if (!Number.isFinite(n) || (rule.integer && !Number.isSafeInteger(n)) || (rule.min !== undefined && n < rule.min)) return fail();
  return n;
}
