import { COLUMNS } from '../results.mjs'
import { ORIGIN, servePages, withBrowser } from './build.mjs'

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
  return withBrowser(async (browser) => {
    const context = await browser.newContext()
    await servePages(context)
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
  })
}
