import { ORIGIN, servePages, withBrowser } from './build.mjs'

/** Row 10: how many sessions the store holds in each measurement. */
export const STORE_SIZES = [1_000, 10_000]

/**
 * The JS heap a session store takes per session in headless Chromium: on a fresh page, the heap
 * after a full GC (CDP `HeapProfiler.collectGarbage`, `Runtime.getHeapUsage`) with a store of N
 * sessions, each written once, minus the heap before it was made, over N; or why it could not be
 * measured.
 *
 * @returns {Promise<{ bytes: Record<number, number>, released: Record<number, number> } | { skipped: string }>}
 */
export async function measureStoreMemory() {
  return withBrowser(async (browser) => {
    const context = await browser.newContext()
    await servePages(context)
    const bytes = {}
    const released = {}
    for (const count of STORE_SIZES) {
      // A page of its own: nothing left from the previous measurement.
      const page = await context.newPage()
      try {
        await page.goto(`${ORIGIN}/memory.html`)
        await page.waitForFunction(() => typeof window.fillStore === 'function')
        const cdp = await context.newCDPSession(page)
        const heap = async () => {
          await cdp.send('HeapProfiler.collectGarbage')
          await cdp.send('HeapProfiler.collectGarbage')
          return (await cdp.send('Runtime.getHeapUsage')).usedSize
        }
        // Warm-up: the code runs (and is compiled) once before the baseline.
        await page.evaluate(() => {
          window.fillStore(100)
          window.dropStores()
        })
        const before = await heap()
        const held = await page.evaluate((n) => window.fillStore(n), count)
        if (held !== count) throw new Error(`the store holds ${held} sessions, not ${count}`)
        bytes[count] = ((await heap()) - before) / count
        await page.evaluate(() => window.dropStores())
        released[count] = ((await heap()) - before) / count
      } finally {
        await page.close()
      }
    }
    return { bytes, released }
  })
}
