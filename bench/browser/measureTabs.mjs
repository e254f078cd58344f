import { COLUMNS } from '../results.mjs'
import { ORIGIN, servePages, withBrowser } from './build.mjs'

/** Row 12: tabs of one browser context keeping one session, and their keep-alive interval. */
export const TAB_COUNTS = [1, 2, 5]
export const TABS_INTERVAL = 1_000
const WARM_UP = 2
const MEASURED = 10

/**
 * Keep-alive requests per interval, summed over every tab, when 1, 2 or 5 tabs (pages of one
 * browser context, as tabs of one profile) each mount one consumer of the same session: the cpu
 * page's stub `fetch` counts each tab's own sends. Playwright's launch keeps every page running
 * as if visible, so no tab is throttled.
 *
 * @returns {Promise<{ results: Record<string, Record<number, number>> } | { skipped: string }>}
 */
export async function measureTabs() {
  return withBrowser(async (browser) => {
    const results = {}
    for (const impl of COLUMNS) {
      results[impl] = {}
      for (const tabs of TAB_COUNTS) {
        const context = await browser.newContext()
        await servePages(context)
        try {
          const pages = []
          for (let i = 0; i < tabs; i++) {
            const page = await context.newPage()
            await page.goto(`${ORIGIN}/cpu.html`)
            await page.waitForFunction(() => typeof window.mountSessions === 'function')
            // One session (`session-0`) in every tab.
            await page.evaluate(
              ([name, interval]) => window.mountSessions(name, 1, interval),
              [impl, TABS_INTERVAL],
            )
            pages.push(page)
          }
          const sent = async () =>
            (
              await Promise.all(pages.map((page) => page.evaluate(() => window.keepAlives())))
            ).reduce((sum, count) => sum + count, 0)
          await pages[0].waitForTimeout(WARM_UP * TABS_INTERVAL)
          const before = await sent()
          await pages[0].waitForTimeout(MEASURED * TABS_INTERVAL)
          results[impl][tabs] = ((await sent()) - before) / MEASURED
        } finally {
          await context.close()
        }
      }
    }
    return { results }
  })
}
