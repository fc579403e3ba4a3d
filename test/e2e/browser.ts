// The harness every browser test shares: build the production app once per test file, serve it with
// `vite preview`, and drive Debian's Chromium (never a downloaded one) with SwiftShader WebGL, so the
// Pixi canvas really draws. `canvasPixels` reads the canvas as the user sees it, so a test can tell a
// drawn frame from a blank one.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';
export const root = fileURLToPath(new URL('../..', import.meta.url));
/** Test artifacts (screenshots) go here, inside test/ and ignored by git. */
export const artifactsDir = join(root, 'test', 'artifacts');

declare global {
  interface Window {
    /** A PNG (base64) decoded by the browser into RGBA pixels: installed in every page the tests open. */
    __pngPixels(base64: string): Promise<Uint8ClampedArray>;
  }
}

/**
 * Installed before any page script (a string: Playwright sends it as is). Tests count a screenshot's
 * pixels in the page with the browser's own PNG decoder: decoded in Node, they would need a PNG
 * library, and megabytes of pixels would cross to the test.
 */
const PNG_PIXELS = `window.__pngPixels = async (base64) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + base64;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  return context.getImageData(0, 0, canvas.width, canvas.height).data;
};`;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export interface App {
  page: Page;
  context: BrowserContext;
  /** The served app's base URL (ends with /). */
  url: string;
  /** Uncaught errors, console errors and failed requests seen so far. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function buildApp(outDir: string): Promise<void> {
  // Vitest sets NODE_ENV=test, which would make Vite build for development; test what ships instead.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

export async function launchChromium(viewport = { width: 1280, height: 720 }): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'swarmscope-e2e-profile-'));
  // A persistent context is how Playwright takes a --user-data-dir of our choosing: a fresh one.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    // The app starts in the system's colour scheme; tests that count role colours expect the dark one.
    colorScheme: 'dark',
    args: CHROMIUM_ARGS,
  });
  await context.addInitScript({ content: PNG_PIXELS });
  return {
    context,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Build and serve the app, open `path` (e.g. "?embed=1") in a fresh Chromium and wait until it is ready. */
export async function openApp(path = '', viewport = { width: 1280, height: 720 }): Promise<App> {
  const outDir = mkdtempSync(join(tmpdir(), 'swarmscope-e2e-dist-'));
  await buildApp(outDir);
  const server: PreviewServer = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, open: false } });
  const { port } = server.httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/`;
  const browser = await launchChromium(viewport);
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(url + path);
  await page.evaluate(() => window.__swarmscope.ready);
  return {
    page,
    context: browser.context,
    url,
    pageErrors,
    async close() {
      await browser.close();
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** Wait for Pixi to draw a couple of frames. */
/** Run one of the app's commands (src/app/commands.ts) in the page, as a button or a key would; false if it did not apply. */
export function runCommand(page: Page, id: string, arg?: unknown): Promise<boolean> {
  return page.evaluate(([id, arg]) => window.__swarmscope.command(id as never, arg), [id, arg] as const);
}

export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

export type Rgb = readonly [number, number, number];

/**
 * Screenshot the canvas as the user sees it, decode the PNG in the page, and count pixels: those
 * not near `background` (or, with 'most common', not near the canvas's most common colour, the
 * background whatever the theme), and those near each of `colours`.
 */
export async function canvasPixels(page: Page, background: Rgb | 'most common', colours: Record<string, Rgb> = {}) {
  const png = await page.locator('#stage canvas').screenshot();
  return page.evaluate(
    async ({ base64, background, colours }) => {
      const data = await window.__pngPixels(base64);
      let base: readonly number[];
      if (background === 'most common') {
        const seen = new Map<number, number>();
        for (let i = 0; i < data.length; i += 4) {
          const rgb = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!;
          seen.set(rgb, (seen.get(rgb) ?? 0) + 1);
        }
        const top = [...seen].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
        base = [top >> 16, (top >> 8) & 255, top & 255];
      } else {
        base = background;
      }
      const near = (i: number, [r, g, b]: readonly number[], tolerance: number) =>
        Math.abs(data[i]! - r!) <= tolerance && Math.abs(data[i + 1]! - g!) <= tolerance && Math.abs(data[i + 2]! - b!) <= tolerance;
      const counts: Record<string, number> = Object.fromEntries(Object.keys(colours).map((name) => [name, 0]));
      let notBackground = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (!near(i, base, 8)) notBackground++;
        for (const [name, colour] of Object.entries(colours)) if (near(i, colour, 6)) counts[name]!++;
      }
      return { total: data.length / 4, notBackground, counts };
    },
    { base64: png.toString('base64'), background, colours },
  );
}
