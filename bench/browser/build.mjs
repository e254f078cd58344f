import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { build, defaultClientConditions } from 'vite'
import { CHROMIUM_PATH, launchChromium } from '../../scripts/chromium.mjs'
import { RESULTS_DIR } from '../results.mjs'

/** Where the pages are built; served under ORIGIN by each runner's route. */
export const OUT_DIR = join(RESULTS_DIR, 'browser')
// localhost is a secure context (Web Locks, as on a real site); a route serves it, nothing listens.
export const ORIGIN = 'http://localhost:47123'

/** The bench's pages: what each browser row loads. */
const PAGES = ['index.html', 'memory.html', 'cpu.html']

let built

/**
 * One Vite production build of every page (NODE_ENV=production, minified, React's production
 * build), from the package's source as the other rows read it; built once per process.
 */
export function buildPages() {
  built ??= (async () => {
    // Vite's build sets NODE_ENV=production for the rest of this process (and its children).
    const nodeEnv = process.env.NODE_ENV
    try {
      await build({
        configFile: false,
        root: import.meta.dirname,
        base: './',
        logLevel: 'error',
        resolve: { conditions: ['@avatar-keepalive/source', ...defaultClientConditions] },
        build: {
          outDir: OUT_DIR,
          emptyOutDir: true,
          rollupOptions: { input: PAGES.map((page) => join(import.meta.dirname, page)) },
        },
      })
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV
      else process.env.NODE_ENV = nodeEnv
    }
  })()
  return built
}

/** Serves the built pages to a browser context under ORIGIN (no network). */
export function servePages(context) {
  return context.route(`${ORIGIN}/**`, (route) =>
    route.fulfill({ path: join(OUT_DIR, new URL(route.request().url()).pathname) }),
  )
}

/**
 * Runs one browser row: builds the pages, launches Chromium, hands it to `measure` and closes it
 * after; or says why the row cannot be measured (no Chromium here).
 *
 * @template T
 * @param {(browser: import('playwright-core').Browser) => Promise<T>} measure
 * @returns {Promise<T | { skipped: string }>}
 */
export async function withBrowser(measure) {
  if (!existsSync(CHROMIUM_PATH)) {
    return { skipped: `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)` }
  }
  await buildPages()
  const browser = await launchChromium()
  try {
    return await measure(browser)
  } finally {
    await browser.close()
  }
}
