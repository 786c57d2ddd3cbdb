#!/usr/bin/env node
// Stroke-to-image time of gc-serve's demo page on this machine (build first: npx tsc -b), for both
// trained examples (edges2shapes, labels2scene), over the WebSocket stream and over HTTP generate
// (?transport=http: one request in flight, the latest frame waiting), side by side in one headless
// Chromium against one in-process daemon (cpu profile unless --device):
//  1. latency: a short stroke, then the time from its last pointer event to the answer's image
//     decoded on the page (the page's own figure: encode, send, decode, model, encode, show);
//     rounds alternate the two transports; median of each and the ratio of medians; beside it the
//     median of the daemon's own stages for that frame (preprocess + queue + inference + postprocess);
//  2. FPS while drawing: a 2 s stroke (a pointer event every 16 ms), frames shown per second,
//     alternating, median of the strokes.
//   node scripts/demo-latency.js [--rounds 20] [--strokes 3] [--device cpu]
'use strict';
const { arg } = require('./lib/args');
const { median } = require('./lib/stats');
const { serveExamples, launchChromium, openDemo, idle, stroke } = require('./lib/demo');

const rounds = Number(arg('rounds', 20));
const strokes = Number(arg('strokes', 3));
const TRANSPORTS = [
  ['WebSocket', ''],
  ['HTTP', '&transport=http'],
];

const answers = (page) => page.evaluate(() => Number(globalThis.document.body.dataset.answers));

async function measure(browser, url, model) {
  const pages = [];
  for (const [, query] of TRANSPORTS) pages.push(await openDemo(browser, url, model, { query }));
  const latency = TRANSPORTS.map(() => []);
  const server = TRANSPORTS.map(() => []);
  for (let r = 0; r < rounds; r++) {
    const y = 0.65 + (0.3 * (r % 10)) / 10;
    for (let t = 0; t < pages.length; t++) {
      const page = pages[(r + t) % pages.length]; // alternate which goes first
      const k = (r + t) % pages.length;
      await stroke(page, [0.2, y], [0.5, y], 4);
      await idle(page);
      const d = await page.evaluate(() => ({ ...globalThis.document.body.dataset }));
      latency[k].push(Number(d.latencyMs));
      server[k].push(Number(d.serverMs));
    }
  }
  const fps = TRANSPORTS.map(() => []);
  for (let s = 0; s < strokes; s++) {
    for (let k = 0; k < pages.length; k++) {
      const page = pages[k];
      const before = await answers(page);
      const t0 = performance.now();
      await stroke(page, [0.1, 0.7], [0.9, 0.95], 125, 16);
      const seconds = (performance.now() - t0) / 1000;
      fps[k].push(((await answers(page)) - before) / seconds);
      await idle(page);
    }
  }
  for (const page of pages) await page.close();
  return { latency, server, fps };
}

async function main() {
  const served = await serveExamples(arg('device', 'cpu'));
  const browser = await launchChromium();
  try {
    console.log(`demo stroke-to-image, ${rounds} alternating rounds per transport; FPS over ${strokes} strokes of 2 s`);
    for (const model of ['edges2shapes', 'labels2scene']) {
      const { latency, server, fps } = await measure(browser, served.url, model);
      const med = latency.map(median);
      for (let k = 0; k < TRANSPORTS.length; k++) {
        const sorted = [...latency[k]].sort((a, b) => a - b);
        const p90 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))];
        console.log(
          `${model.padEnd(13)} ${TRANSPORTS[k][0].padEnd(9)} latency median ${med[k].toFixed(1)} ms (p90 ${p90.toFixed(1)}; ` +
            `daemon's stages ${median(server[k]).toFixed(1)}), FPS while drawing ${median(fps[k]).toFixed(1)}`,
        );
      }
      console.log(`${model.padEnd(13)} HTTP / WebSocket latency, ratio of medians: ${(med[1] / med[0]).toFixed(3)}`);
    }
  } finally {
    await browser.close();
    await served.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
