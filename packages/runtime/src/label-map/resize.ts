/**
 * Nearest-neighbour resizing of id maps as PIL's `Image.resize(size, Image.NEAREST)` does it (the
 * resampling upstream's SPADE loader applies to label and instance maps): output pixel x reads input
 * pixel floor((x + 0.5) * in / out), per axis.
 */
import type { IdMap } from './types';

function sourceIndices(inSize: number, outSize: number): Int32Array {
  const scale = inSize / outSize;
  const idx = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) idx[o] = Math.min(inSize - 1, Math.floor((o + 0.5) * scale));
  return idx;
}

export function resizeIdMapNearest(map: IdMap, width: number, height: number): IdMap {
  if (map.width === width && map.height === height) return map;
  const xs = sourceIndices(map.width, width);
  const ys = sourceIndices(map.height, height);
  const ids = new Int32Array(width * height);
  for (let y = 0; y < height; y++) {
    const src = ys[y]! * map.width;
    const dst = y * width;
    for (let x = 0; x < width; x++) ids[dst + x] = map.ids[src + xs[x]!]!;
  }
  return { width, height, ids };
}
