/**
 * The SPADE generator's forward, shared by the compressed GauGAN (SubMobileSPADEGenerator) and the
 * teacher (SPADEGenerator); they differ in widths (the layout) and SPADE heads (the context). For n = 5
 * ('normal') or 6 ('more') upsamplings:
 *   fc(seg at the latent grid) -> head_0 -> up -> G_middle_0 -> [up, 'more' only] -> G_middle_1
 *   -> up -> up_0 -> up -> up_1 -> up -> up_2 -> up -> up_3 -> LeakyReLU 0.2 -> conv_img -> tanh
 * Every SPADE norm sees the label map nearest-resized to its stage (one Resize per stage, shared).
 */
import { GcError } from '@gc-edge/core';
import { conv, leakyRelu, resizeNearest, tanh } from '../../ops';
import { KERNEL, type SpadeLayout } from './layout';
import type { SpadeGrid, UpsamplingMode } from './options';
import { kernel, SPADE_LEAKY_SLOPE, spadeResBlock, type SpadeEmitContext } from './spade-block';

/** Whether a 2x upsampling runs before `block`: before every block but head_0, and before G_middle_1 only with 'more'. */
function upsamplesBefore(block: string, mode: UpsamplingMode): boolean {
  if (block === 'head_0') return false;
  if (block === 'G_middle_1') return mode === 'more';
  return true;
}

/** Emits the generator from the label map `input`; returns the tanh output's value name. `name` prefixes internal errors. */
export function emitSpadeGenerator(
  ctx: SpadeEmitContext,
  layout: SpadeLayout,
  mode: UpsamplingMode,
  grid: SpadeGrid,
  input: string,
  outChannels: number,
  name: string,
): string {
  const { g, w } = ctx;
  // The label map at stage s (s upsamplings done) is the input downsampled by 2^(n - s). Scales
  // (exact powers of two) rather than sizes keep this valid for --dynamic inputs; nearest with
  // 'asymmetric' + 'floor' picks pixel (i * 2^(n-s), j * 2^(n-s)) as F.interpolate(mode='nearest').
  const segmaps = new Map<number, string>();
  const segAt = (stage: number): string => {
    const factor = 2 ** (grid.upsamplings - stage);
    if (factor === 1) return input;
    let seg = segmaps.get(factor);
    if (!seg) {
      seg = resizeNearest(g, `segmap.down${factor}`, input, { scales: [1 / factor, 1 / factor] });
      segmaps.set(factor, seg);
    }
    return seg;
  };

  let stage = 0;
  let x = conv(
    g,
    'fc',
    segAt(stage),
    kernel(w, 'fc', layout.fcChannels, ctx.semanticChannels, KERNEL),
    w.take('fc.bias', [layout.fcChannels]),
    { pads: 1 },
  );
  for (const block of layout.blocks) {
    if (upsamplesBefore(block.name, mode)) {
      stage++;
      x = resizeNearest(g, `${block.name}.up`, x, { scales: [2, 2] });
    }
    x = spadeResBlock(ctx, block, x, segAt(stage));
  }
  if (stage !== grid.upsamplings) throw new GcError('E_INTERNAL', `${name}: ${stage} upsamplings emitted, expected ${grid.upsamplings}`);
  const act = leakyRelu(g, 'conv_img.actvn', x, SPADE_LEAKY_SLOPE);
  // upstream hard-codes RGB (3); conv_img's shape is checked against the declared output channels
  const img = conv(
    g,
    'conv_img',
    act,
    kernel(w, 'conv_img', outChannels, layout.finalChannels, KERNEL),
    w.take('conv_img.bias', [outChannels]),
    { pads: 1 },
  );
  return tanh(g, 'tanh', img);
}
