import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { CHROMIUM_PATH, launchChromium } from '../../scripts/chromium.mjs'
import { build, defaultClientConditions } from 'vite'
import { COLUMNS, RESULTS_DIR } from '../results.mjs'

const ORIGIN = 'http://bench.invalid'
const OUT_DIR = join(RESULTS_DIR, 'browser')
// Ours sends at mount: a few page loads give a stable median. The references wait a full
// interval, so one load each, side by side.
const RUNS_OURS = 9
const TIMEOUT = 15_000
// Idle time between the page's load and the mount.
const SETTLE = 200

/**
 * Real-clock time from mount to the first keep-alive `fetch` in headless Chromium, per
 * implementation, in ms; or why it could not be measured.
 *
 * @returns {Promise<{ ms: Record<string, number>, runsOurs: number, rangeOurs: number[] } | { skipped: string }>}
 */
export async function measureFirstRequest() {
  if (!existsSync(CHROMIUM_PATH)) {
    return { skipped: `no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium)` }
  }
  // Vite's build sets NODE_ENV=production for the rest of this process (and its children).
  const nodeEnv = process.env.NODE_ENV
  await build({
    configFile: false,
    root: import.meta.dirname,
    base: './',
    logLevel: 'error',
    resolve: { conditions: ['@avatar-keepalive/source', ...defaultClientConditions] },
    build: { outDir: OUT_DIR, emptyOutDir: true },
  })
  if (nodeEnv === undefined) delete process.env.NODE_ENV
  else process.env.NODE_ENV = nodeEnv
  const browser = await launchChromium()
  try {
    const context = await browser.newContext()
    await context.route(`${ORIGIN}/**`, (route) =>
      route.fulfill({ path: join(OUT_DIR, new URL(route.request().url()).pathname) }),
    )
    const firstRequest = async (impl) => {
      const page = await context.newPage()
      try {
        await page.goto(`${ORIGIN}/index.html`)
        await page.waitForTimeout(SETTLE)
        await page.evaluate((name) => window.mountConsumer(name), impl)
        const timing = await page.waitForFunction(
          () => {
            const { mountedAt, firstFetchAt } = window.firstRequestTiming ?? {}
            return mountedAt != null && firstFetchAt != null && [firstFetchAt - mountedAt]
          },
          undefined,
          { timeout: TIMEOUT, polling: 50 },
        )
        const [ms] = await timing.jsonValue()
        return ms
      } finally {
        await page.close()
      }
    }
    await firstRequest('ours') // warm-up: the first load also compiles the bundle
    const ours = []
    for (let run = 0; run < RUNS_OURS; run++) ours.push(await firstRequest('ours'))
    ours.sort((a, b) => a - b)
    const [vendor, naive] = await Promise.all(COLUMNS.filter((c) => c !== 'ours').map(firstRequest))
    return {
      ms: { ours: ours[RUNS_OURS >> 1], 'vendor-interval': vendor, 'naive-hook': naive },
      runsOurs: RUNS_OURS,
      rangeOurs: [ours[0], ours.at(-1)],
    }
  } finally {
    await browser.close()
  }
}
