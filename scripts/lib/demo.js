'use strict';
// Shared by scripts/demo-screenshot.js and scripts/demo-latency.js: the two trained examples
// (edges2shapes, labels2scene) exported by gc-export into a temp folder and served by an in-process
// gc-serve (build first: npx tsc -b), and headless Debian Chromium (playwright-core) on its demo page.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const CHROMIUM = process.env.GC_EDGE_CHROMIUM ?? '/usr/bin/chromium';

/** Exports both examples and serves them on 127.0.0.1 (a free port); resolves with { url, close }. */
async function serveExamples(device = 'cpu') {
  const runtime = require(path.join(root, 'packages', 'runtime', 'dist'));
  const exporter = require(path.join(root, 'packages', 'exporter', 'dist'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-demo-'));
  for (const name of ['edges2shapes', 'labels2scene']) {
    const spec = exporter.loadSubnetSpec(path.join(root, 'examples', name, 'subnet.json'));
    fs.writeFileSync(path.join(dir, `${name}.onnx`), exporter.exportSubnet(spec).bytes);
  }
  const server = runtime.createServer({ target: dir, profile: runtime.loadDeviceProfile(device), port: 0, log: () => undefined });
  const url = await server.listen();
  const failures = await server.loadModels();
  if (failures.length > 0) throw failures[0].error;
  return {
    url,
    close: async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launchChromium() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/** Opens the demo on `model` and waits until its first frame is shown. */
async function openDemo(browser, url, model, { query = '', viewport = { width: 1000, height: 820 } } = {}) {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  await page.goto(`${url}/?model=${model}${query}`);
  await page.waitForSelector('body[data-ready="true"]');
  await idle(page);
  return page;
}

/** Until every change has been sent and the last frame sent is the one shown (a function: the page's CSP forbids eval). */
function idle(page) {
  return page.waitForFunction(() => {
    const d = globalThis.document.body.dataset;
    return d.unsent === 'false' && d.idle === 'true';
  });
}

/** A stroke across the pad, in fractions of its size, `steps` mouse moves `stepMs` apart. */
async function stroke(page, from, to, steps = 12, stepMs = 0) {
  const box = await page.locator('#pad').boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(from));
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(...at([from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps]));
    if (stepMs > 0) await page.waitForTimeout(stepMs);
  }
  await page.mouse.up();
}

module.exports = { root, serveExamples, launchChromium, openDemo, idle, stroke };
