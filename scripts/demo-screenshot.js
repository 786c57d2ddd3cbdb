#!/usr/bin/env node
// The README's screenshot of gc-serve's demo page (build first: npx tsc -b): labels2scene served
// on this machine, a car painted on the road, the page as it shows the answer, into
// docs/images/demo.png (or --out file.png).
//   node scripts/demo-screenshot.js [--out docs/images/demo.png]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { arg } = require('./lib/args');
const { root, serveExamples, launchChromium, openDemo, idle, stroke } = require('./lib/demo');

async function main() {
  const out = path.resolve(arg('out', path.join(root, 'docs', 'images', 'demo.png')));
  const served = await serveExamples();
  const browser = await launchChromium();
  try {
    const page = await openDemo(browser, served.url, 'labels2scene', { viewport: { width: 980, height: 760 } });
    await stroke(page, [0.25, 0.8], [0.55, 0.8]); // a car on the road
    await page.selectOption('#cls', '21'); // vegetation
    await stroke(page, [0.15, 0.35], [0.3, 0.5], 6); // a tree over the building
    await page.selectOption('#cls', '26'); // car again, as a person would leave it
    await idle(page);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await page.screenshot({ path: out });
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  } finally {
    await browser.close();
    await served.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
