#!/usr/bin/env node
// The daemon's image stages, gc-edge's path vs sharp alone, side by side (alternating, medians):
//  - decode: preprocessImage (a plain PNG's header read in JS, then one sharp pipeline) vs a
//    sharp metadata call + the same pipeline (what preprocessImage did before);
//  - encode: encodeOutput to PNG (tensor -> bytes, PNG written on node:zlib) vs tensorToRgb +
//    sharp's PNG encoder at the same zlib level.
// Build first (npx tsc -b). Input: the upstream horse2zebra test image (256x256).
//   node scripts/bench-image-codec.js [--rounds 200] [--png-level 0..9] [--image some.png]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { arg } = require('./lib/args');
const { median } = require('./lib/stats');

const root = path.join(__dirname, '..');
const rounds = Number(arg('rounds', 200));
const level = Number(arg('png-level', 0));
const image = arg('image', path.join(require('./lib/fixtures').images, 'in-horse2zebra-0.png'));

async function main() {
  const runtime = require(path.join(root, 'packages', 'runtime', 'dist'));
  const sharp = require('sharp');
  const bytes = fs.readFileSync(image);

  const meta = await sharp(bytes).metadata();
  const size = { width: meta.width, height: meta.height };
  const { tensor } = await runtime.preprocessImage(bytes, size);

  const sharpDecode = async () => {
    await sharp(bytes, { limitInputPixels: false }).metadata();
    const { data, info } = await sharp(bytes, { failOn: 'warning' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return runtime.rgbToTensor({ data, width: info.width, height: info.height });
  };
  const sharpEncode = async () => {
    const rgb = runtime.tensorToRgb(tensor);
    return sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } }).png({ compressionLevel: level }).toBuffer();
  };
  const cases = {
    'decode: gc-edge': () => runtime.preprocessImage(bytes, size),
    'decode: sharp metadata + pipeline': sharpDecode,
    'encode: gc-edge PNG': () => runtime.encodeOutput(tensor, { pngCompressionLevel: level }),
    'encode: sharp PNG': sharpEncode,
  };
  const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let r = 0; r < rounds + 20; r++) {
    const keys = Object.keys(cases);
    if (r % 2) keys.reverse();
    for (const k of keys) {
      const t0 = performance.now();
      await cases[k]();
      if (r >= 20) times[k].push(performance.now() - t0);
    }
  }
  console.log(`${path.basename(image)} ${size.width}x${size.height}, PNG level ${level}, ${rounds} alternating rounds after 20 warm-up`);
  for (const [k, t] of Object.entries(times)) console.log(`  ${k.padEnd(36)} median ${median(t).toFixed(3)} ms`);
  const ratio = (a, b) => (median(times[a]) / median(times[b])).toFixed(3);
  console.log(`  decode ratio gc-edge / sharp = ${ratio('decode: gc-edge', 'decode: sharp metadata + pipeline')}`);
  console.log(`  encode ratio gc-edge / sharp = ${ratio('encode: gc-edge PNG', 'encode: sharp PNG')}`);
  const ours = (await runtime.encodeOutput(tensor, { pngCompressionLevel: level })).data.length;
  console.log(`  PNG bytes: gc-edge ${ours}, sharp ${(await sharpEncode()).length}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
