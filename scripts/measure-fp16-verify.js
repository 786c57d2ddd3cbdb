#!/usr/bin/env node
// What gc-export --precision fp16 --verify measures on every golden case (test/fixtures/gan-compression:
// resnet, spade, released; one weights file per case) and every trained example (examples/edges2shapes,
// examples/labels2scene), with float32 and with float16 inputs and outputs: max abs error and PSNR
// against the float64 reference. The fp16 criterion (packages/exporter/src/verify.ts, docs/precision.md)
// was chosen from these figures, with margin.
//   node scripts/measure-fp16-verify.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('./lib/fixtures');

const exporter = require(path.join(root, 'packages', 'exporter', 'dist'));

function rows() {
  const out = [];
  for (const manifest of ['resnet', 'spade', 'released']) {
    const dir = path.join(root, 'test', 'fixtures', 'gan-compression', manifest);
    for (const c of JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8')).cases) {
      const weights = typeof c.weights === 'string' ? c.weights : (c.weights.pth ?? Object.values(c.weights)[0]);
      const json = { architecture: c.architecture, weights, ngf: c.ngf };
      if (c.config !== null) json.config = c.config;
      if (c.semanticChannels !== undefined) {
        const { semanticChannels, cropSize, aspectRatio, numUpsamplingLayers } = c;
        Object.assign(json, { semanticChannels, cropSize, aspectRatio, numUpsamplingLayers });
      } else {
        json.input = { height: 64, width: 64 };
      }
      const spec = exporter.parseSubnetSpec(json, path.join(dir, 'subnet.json'));
      out.push({ name: `${manifest}: ${c.architecture} ${c.config ?? ''} ${weights}`, spec });
    }
  }
  for (const e of ['edges2shapes', 'labels2scene']) {
    out.push({ name: `examples/${e}`, spec: exporter.loadSubnetSpec(path.join(root, 'examples', e, 'subnet.json')) });
  }
  return out;
}

async function main() {
  const worst = { maxAbs: 0, psnrDb: Infinity };
  for (const row of rows()) {
    const figures = [];
    for (const io of ['fp32', 'fp16']) {
      const r = exporter.exportSubnet(row.spec, { precision: 'fp16', io });
      const v = await exporter.verifyModel(r.model, r.bytes, 0, undefined, r.reference);
      figures.push(`io ${io}: max abs ${v.maxAbsError.toExponential(2)}, PSNR ${v.psnrDb.toFixed(1)} dB`);
      worst.maxAbs = Math.max(worst.maxAbs, v.maxAbsError);
      worst.psnrDb = Math.min(worst.psnrDb, v.psnrDb);
    }
    console.log(`${row.name.padEnd(72)} ${figures.join('; ')}`);
  }
  const c = exporter.VERIFY_CRITERIA.fp16;
  const figures = `max abs ${worst.maxAbs.toExponential(2)}, PSNR ${worst.psnrDb.toFixed(1)} dB`;
  console.log(`worst: ${figures}; criterion: ${exporter.describeCriterion(c)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
