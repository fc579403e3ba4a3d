import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';
import { defineConfig } from 'vitest/config';

/** `npm run build:single` builds in this mode: one self-contained HTML file (see README, "Offline"). */
const SINGLE = 'single';

/** The icon as a data: URL, so that the single file asks for nothing beside itself. */
function inlineFavicon(): Plugin {
  return {
    name: 'swarmscope:inline-favicon',
    transformIndexHtml(html) {
      const svg = readFileSync(new URL('./public/favicon.svg', import.meta.url));
      return html.replace('href="./favicon.svg"', `href="data:image/svg+xml;base64,${svg.toString('base64')}"`);
    },
  };
}

export default defineConfig(({ mode }) => ({
  base: './',
  build:
    mode === SINGLE
      ? // No source maps (they would be separate files) and no public/ copies: the HTML file is all there is.
        { target: 'es2022', sourcemap: false, outDir: 'dist/single', copyPublicDir: false }
      : { target: 'es2022', sourcemap: true },
  plugins: mode === SINGLE ? [inlineFavicon(), viteSingleFile({ outputFileName: 'swarmscope.html' })] : [],
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
}));
