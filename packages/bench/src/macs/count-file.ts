/** `gc-bench macs` as functions: count a model file, and print the result. */
import {
  countMacs,
  type MacConvention,
  type MacCount,
  readContract,
  readModelForCounting,
  type ShapeOverrides,
} from '@gc-edge/core';
import { withModelSizes } from '../contract-shapes';
import { readModelFile } from '../model-file';
import { formatMacs, formatParams, markdownTable } from '../report/format';

/** Symbolic dims `shapes` leaves open are counted at the model contract's sizes (contract-shapes.ts). */
export function countModelFile(file: string, convention: MacConvention, shapes: ShapeOverrides = {}): MacCount {
  const model = readModelForCounting(readModelFile(file), file);
  return countMacs(model, { convention, shapes: withModelSizes(model, readContract(model, file), shapes) });
}

/** `--json` output: exactly {macs, params, convention[, layers]}. */
export function macsJson(c: MacCount, perLayer: boolean): string {
  const out = perLayer
    ? { macs: c.macs, params: c.params, convention: c.convention, layers: c.layers }
    : { macs: c.macs, params: c.params, convention: c.convention };
  return `${JSON.stringify(out)}\n`;
}

export function macsText(file: string, c: MacCount, perLayer: boolean): string {
  const lines = [
    `${file}: ${formatMacs(c.macs)} MACs (${c.macs.toLocaleString('en-US')}), ${formatParams(c.params)} params (${c.params.toLocaleString('en-US')}), ${c.convention} convention`,
  ];
  if (perLayer) {
    const rows = c.layers
      .filter((l) => l.macs > 0 || l.params > 0)
      .map((l) => [l.name, l.opType, l.outputShape.join('x'), l.macs.toLocaleString('en-US'), l.params.toLocaleString('en-US')]);
    lines.push('', markdownTable(['layer', 'op', 'output', 'MACs', 'params'], rows, ['l', 'l', 'l', 'r', 'r']));
  }
  return `${lines.join('\n')}\n`;
}
