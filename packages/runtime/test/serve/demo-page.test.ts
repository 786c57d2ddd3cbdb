/**
 * The demo page in headless Chromium on a real daemon serving the two trained examples: painting
 * "car" on the road of labels2scene's scene turns the generated image dark red there, and the image
 * shown is, pixel for pixel, what POST /generate answers for the label map the page saves; a sketch
 * on edges2shapes likewise, and a loaded label PNG; the keyboard paints and the page fits a phone;
 * frames painted while the model is busy are skipped (two inferences for a whole stroke, counted in
 * /metrics), and the page ends on the latest frame.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { withChromium } from '../../../bench/test/browser';
import { Gate, type Running, metricValue, startServer, tempDir } from './helpers';
import { exportExamples } from './example-models';
import { EXAMPLES } from '../../../../test/support/fixtures';

const SIZE = 128; // both examples take 128x128

async function openDemo(browser: BrowserContext, url: string, model: string): Promise<Page> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('close', () => expect(errors).toEqual([])); // no script error, no failed load
  await page.goto(`${url}/?model=${model}`);
  await page.waitForSelector('body[data-ready="true"]');
  await idle(page);
  return page;
}

/** The page's `<body data-*>`. Predicates run in the page are functions: its CSP forbids evaluating strings there. */
type InPage = { document: { body: { dataset: Record<string, string | undefined> } } };

/** Waits until every change has been sent and the last frame sent is the one shown. */
async function idle(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const d = (globalThis as unknown as InPage).document.body.dataset;
    return d['unsent'] === 'false' && d['idle'] === 'true';
  });
}

async function allSent(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as InPage).document.body.dataset['unsent'] === 'false');
}

/** A stroke across the pad, in fractions of its size. */
async function stroke(page: Page, from: [number, number], to: [number, number], steps = 12): Promise<void> {
  const box = (await page.locator('#pad').boundingBox())!;
  const at = ([x, y]: [number, number]): [number, number] => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(from));
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(...at([from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps]));
  }
  await page.mouse.up();
}

/** The generated image on show, RGBA. */
async function shownPixels(page: Page): Promise<Buffer> {
  const data = await page.evaluate<number[]>(`(() => {
    const img = document.getElementById('out');
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    return Array.from(g.getImageData(0, 0, c.width, c.height).data);
  })()`);
  return Buffer.from(data);
}

/** The pad's input as the page saves it (the Save button's download). */
async function savedInput(page: Page): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  return readFileSync(await download.path());
}

async function generated(url: string, model: string, body: Buffer): Promise<Buffer> {
  const r = await fetch(`${url}/v1/models/${model}/generate`, { method: 'POST', body, headers: { 'content-type': 'image/png' } });
  expect(r.status).toBe(200);
  return sharp(Buffer.from(await r.arrayBuffer())).ensureAlpha().raw().toBuffer();
}

function rgbAt(rgba: Buffer, x: number, y: number): [number, number, number] {
  const i = (y * SIZE + x) * 4;
  return [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!];
}

const inferences = async (url: string, model: string): Promise<number> =>
  metricValue(await (await fetch(`${url}/metrics`)).text(), 'gc_serve_stage_duration_seconds_count', { model, stage: 'inference' }) ?? 0;

describe('the demo page in Chromium', () => {
  const tmp = tempDir();
  const gate = new Gate();
  let srv: Running;

  beforeAll(async () => {
    gate.open = true;
    srv = await startServer({ target: exportExamples(tmp.dir), createPool: gate.createPool });
  }, 120_000);

  afterAll(async () => {
    await srv?.stop();
    tmp.cleanup();
  });

  it('paints a car on the road of labels2scene and shows what /generate answers for the saved label map', async () => {
    await withChromium(async (browser) => {
      const page = await openDemo(browser, srv.url, 'labels2scene');
      const before = await shownPixels(page);
      const [x, y] = [SIZE / 2, Math.round(SIZE * 0.8)];
      const [r0, g0, b0] = rgbAt(before, x, y);
      expect(Math.max(Math.abs(r0 - g0), Math.abs(r0 - b0))).toBeLessThan(20); // grey road
      expect(await page.inputValue('#cls')).toBe('26'); // car

      await stroke(page, [0.3, 0.8], [0.7, 0.8]);
      await idle(page);
      const after = await shownPixels(page);
      expect(after.equals(before)).toBe(false);
      const [r, g, b] = rgbAt(after, x, y);
      expect(r - Math.max(g, b)).toBeGreaterThan(40); // the dark red of the toy's cars

      const labels = await savedInput(page);
      expect(await sharp(labels).metadata()).toMatchObject({ width: SIZE, height: SIZE, channels: 1, depth: 'uchar' }); // class ids
      const ids = await sharp(labels).toColourspace('b-w').raw().toBuffer();
      expect(ids[y * SIZE + x]).toBe(26);
      expect(after.equals(await generated(srv.url, 'labels2scene', labels))).toBe(true);
      await page.close();
    });
  }, 120_000);

  it("loads labels2scene's example label PNG (class ids) and shows what /generate answers for that file", async () => {
    await withChromium(async (browser) => {
      const page = await openDemo(browser, srv.url, 'labels2scene');
      const file = join(EXAMPLES, 'labels2scene', 'labels-1.png');
      // The page reads the file asynchronously: wait for the frame it sends, not for the idle state before it.
      const sentBefore = await page.evaluate(() => Number((globalThis as unknown as InPage).document.body.dataset['sent']));
      await page.setInputFiles('#load-label', file);
      await page.waitForFunction((b) => Number((globalThis as unknown as InPage).document.body.dataset['sent']) > b, sentBefore);
      await idle(page);
      expect((await shownPixels(page)).equals(await generated(srv.url, 'labels2scene', readFileSync(file)))).toBe(true);
      // saved again as the same class ids
      const ids = async (png: Buffer): Promise<Buffer> => sharp(png).toColourspace('b-w').raw().toBuffer();
      expect((await ids(await savedInput(page))).equals(await ids(readFileSync(file)))).toBe(true);
      await page.close();
    });
  }, 120_000);

  it('sketches a square for edges2shapes and shows what /generate answers for the saved sketch', async () => {
    await withChromium(async (browser) => {
      const page = await openDemo(browser, srv.url, 'edges2shapes');
      const before = await shownPixels(page);
      const corners: [number, number][] = [[0.3, 0.3], [0.7, 0.3], [0.7, 0.7], [0.3, 0.7], [0.3, 0.3]];
      for (let i = 0; i < 4; i++) await stroke(page, corners[i]!, corners[i + 1]!, 6);
      await idle(page);
      const after = await shownPixels(page);
      expect(after.equals(before)).toBe(false);
      expect(after.equals(await generated(srv.url, 'edges2shapes', await savedInput(page)))).toBe(true);
      await page.close();
    });
  }, 120_000);

  it('paints from the keyboard and fits a phone (360 px) without scrolling sideways', async () => {
    await withChromium(async (browser) => {
      for (const model of ['labels2scene', 'edges2shapes']) {
        const page = await openDemo(browser, srv.url, model);
        await page.setViewportSize({ width: 360, height: 800 });
        expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
        const before = await shownPixels(page);
        await page.focus('#pad');
        for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'ArrowDown', 'p', 'ArrowRight', 'ArrowRight', 'ArrowDown']) {
          await page.keyboard.press(key);
        }
        await idle(page);
        expect((await shownPixels(page)).equals(before)).toBe(false);
        await page.close();
      }
    });
  }, 120_000);

  it('skips the frames painted while the model is busy and ends on the latest one', async () => {
    await withChromium(async (browser) => {
      const page = await openDemo(browser, srv.url, 'labels2scene');
      const count = async (what: string): Promise<number> => Number(await page.evaluate<string>(what));
      const sent0 = await count('document.body.dataset.sent');
      const dropped0 = await count('document.getElementById("dropped").textContent');
      const runs0 = await inferences(srv.url, 'labels2scene');
      gate.open = false;
      try {
        await stroke(page, [0.1, 0.9], [0.9, 0.9], 30);
        await gate.waitHeld(1);
        await allSent(page);
      } finally {
        gate.release(true);
      }
      await idle(page);
      const sent = (await count('document.body.dataset.sent')) - sent0;
      expect(sent).toBeGreaterThan(3);
      expect((await inferences(srv.url, 'labels2scene')) - runs0).toBe(2); // the first frame, then the latest
      expect((await count('document.getElementById("dropped").textContent')) - dropped0).toBe(sent - 2);
      expect(await count('document.body.dataset.shown')).toBe(sent0 + sent);
      await page.close();
    });
  }, 120_000);
});
