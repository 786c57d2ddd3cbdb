/** `gc-bench macs` as functions: count a model file, and print the result. */
import { countMacs, readModelForCounting, type MacConvention, type MacCount, type ShapeOverrides } from '@gc-edge/core';
import { readModelFile } from '../model-file';
import { formatMacs, formatParams, markdownTable } from '../report/format';

export function countModelFile(file: string, convention: MacConvention, shapes: ShapeOverrides = {}): MacCount {
  return countMacs(readModelForCounting(readModelFile(file), file), { convention, shapes });
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
