/** Headless Debian Chromium through playwright-core, for checking HTML reports render. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env['GC_EDGE_CHROMIUM'] ?? '/usr/bin/chromium';
const HAS_CHROMIUM = fs.existsSync(CHROMIUM);
if (!HAS_CHROMIUM && process.env['CI']) throw new Error(`${CHROMIUM} is required in CI (apt-get install chromium)`);
if (!HAS_CHROMIUM) {
  console.warn(
    `skipping the headless-Chromium checks of the HTML reports: no ${CHROMIUM} (apt-get install chromium, or set GC_EDGE_CHROMIUM)`,
  );
}

/**
 * Runs `check` against a fresh headless Chromium and closes it after. Where no Chromium is installed
 * (outside CI), the check is skipped with the warning above: the rest of the calling test still runs.
 */
export async function withChromium(check: (browser: BrowserContext) => Promise<void>): Promise<void> {
  if (!HAS_CHROMIUM) return;
  const { browser, close } = await launchChromium();
  try {
    await check(browser);
  } finally {
    await close();
  }
}

/** A fresh profile folder each time (playwright passes it as --user-data-dir). */
async function launchChromium(): Promise<{ browser: BrowserContext; close: () => Promise<void> }> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface ChartCheck {
  readonly ids: string[];
  /** Per canvas: how many pixels are not fully transparent. */
  readonly painted: Record<string, number>;
  readonly types: Record<string, string>;
  readonly errors: string[];
  readonly requests: string[];
}

/** Opens `file`, waits for the charts, and reports what was drawn (and any page errors / network use). */
export async function inspectCharts(browser: BrowserContext, file: string): Promise<ChartCheck> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) requests.push(r.url());
  });
  await page.goto(`file://${path.resolve(file)}`);
  await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 20000 });
  // runs in the page (a string, so this file needs no DOM typings)
  const result = await page.evaluate<Pick<ChartCheck, 'ids' | 'painted' | 'types'>>(`(() => {
    const painted = {};
    const types = {};
    for (const [id, chart] of Object.entries(window.gcCharts)) {
      const canvas = document.getElementById(id);
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
      painted[id] = n;
      types[id] = chart.config.type;
    }
    return { ids: Object.keys(window.gcCharts), painted, types };
  })()`);
  await page.close();
  return { ...result, errors, requests };
}

/** Opens `file`, waits for the charts, and returns what `expression` (run in the page) evaluates to. */
export async function evaluateInPage<T>(browser: BrowserContext, file: string, expression: string): Promise<T> {
  const page = await browser.newPage();
  try {
    await page.goto(`file://${path.resolve(file)}`);
    await page.waitForSelector('body[data-charts-ready="true"]', { timeout: 20000 });
    return await page.evaluate<T>(expression);
  } finally {
    await page.close();
  }
}
