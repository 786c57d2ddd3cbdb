#!/usr/bin/env node
// Draws the street-scene label map shipped with examples/gaugan-cityscapes (512x256, the Cityscapes
// GauGAN input size) from a few rectangles of Cityscapes classes, and writes it twice:
//   label-ids.png    8-bit greyscale class ids (the format of Cityscapes *_labelIds.png)
//   label-color.png  the same map in Cityscapes' palette colours (what a person draws / looks at)
//   node scripts/make-gaugan-label-map.js [out-dir]
// The runtime's tests regenerate the layout with `labelLayout()` and compare with the committed files.
'use strict';
const path = require('node:path');

const WIDTH = 512;
const HEIGHT = 256;

// Cityscapes ids (cityscapesScripts labels.py) and colours, for the classes drawn here.
const CLASSES = {
  sky: { id: 23, color: [70, 130, 180] },
  building: { id: 11, color: [70, 70, 70] },
  vegetation: { id: 21, color: [107, 142, 35] },
  sidewalk: { id: 8, color: [244, 35, 232] },
  road: { id: 7, color: [128, 64, 128] },
  pole: { id: 17, color: [153, 153, 153] },
  'traffic sign': { id: 20, color: [220, 220, 0] },
  car: { id: 26, color: [0, 0, 142] },
  person: { id: 24, color: [220, 20, 60] },
};

// Painted in order, later rectangles on top: [class, x0, y0, x1, y1) in pixels.
const RECTS = [
  ['sky', 0, 0, 512, 256],
  ['building', 0, 30, 170, 150],
  ['building', 360, 10, 512, 150],
  ['vegetation', 170, 70, 260, 150],
  ['sidewalk', 0, 140, 512, 170],
  ['road', 0, 170, 512, 256],
  ['pole', 300, 60, 304, 170],
  ['traffic sign', 292, 48, 312, 64],
  ['person', 40, 120, 52, 168],
  ['car', 90, 160, 220, 215],
  ['car', 330, 175, 470, 236],
];

/** Class ids, row-major, WIDTH x HEIGHT. */
function labelLayout() {
  const ids = new Uint8Array(WIDTH * HEIGHT);
  for (const [name, x0, y0, x1, y1] of RECTS) {
    const { id } = CLASSES[name];
    for (let y = y0; y < y1; y++) ids.fill(id, y * WIDTH + x0, y * WIDTH + x1);
  }
  return { width: WIDTH, height: HEIGHT, ids };
}

function colorLayout() {
  const { ids } = labelLayout();
  const byId = new Map(Object.values(CLASSES).map((c) => [c.id, c.color]));
  const rgb = new Uint8Array(ids.length * 3);
  ids.forEach((id, i) => rgb.set(byId.get(id), i * 3));
  return { width: WIDTH, height: HEIGHT, rgb };
}

async function main() {
  const sharp = require('sharp');
  const out = process.argv[2] ?? path.join(__dirname, '..', 'examples', 'gaugan-cityscapes');
  const { ids } = labelLayout();
  await sharp(Buffer.from(ids), { raw: { width: WIDTH, height: HEIGHT, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 9 })
    .toFile(path.join(out, 'label-ids.png'));
  const { rgb } = colorLayout();
  await sharp(Buffer.from(rgb), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .png({ compressionLevel: 9, palette: false })
    .toFile(path.join(out, 'label-color.png'));
  console.log(`wrote ${path.join(out, 'label-ids.png')} and label-color.png (${WIDTH}x${HEIGHT})`);
}

module.exports = { labelLayout, colorLayout, WIDTH, HEIGHT };

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
