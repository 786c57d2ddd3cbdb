/**
 * The instance-edge channel: where the id map changes between 4-neighbours.
 * `upstream` is `SPADEModel.get_edges`: for every horizontally or vertically adjacent pair with
 * different ids, both pixels are 1. `forward` marks only the second pixel of the pair (right / below);
 * see `EdgeRule` in types.ts for why it exists.
 */
import type { EdgeRule, IdMap } from './types';

/** 0/1 per pixel, row-major, for `map` under `rule`. */
export function instanceEdges(map: IdMap, rule: EdgeRule): Uint8Array {
  const { width: w, height: h, ids } = map;
  const edge = new Uint8Array(w * h);
  const both = rule === 'upstream';
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      if (x + 1 < w && ids[i] !== ids[i + 1]) {
        edge[i + 1] = 1;
        if (both) edge[i] = 1;
      }
      if (y + 1 < h && ids[i] !== ids[i + w]) {
        edge[i + w] = 1;
        if (both) edge[i] = 1;
      }
    }
  }
  return edge;
}
