import { COLUMNS } from '../results.mjs'
import { ORIGIN, servePages, withBrowser } from './build.mjs'

/** Row 11: sessions per page, each with one consumer, and their keep-alive interval. */
export const CPU_SESSIONS = 100
export const CPU_INTERVAL = 1_000
const WARM_UP = 2
/** Intervals measured, one reading each: the row gives their median. */
export const CPU_INTERVALS = 6
const IDLE = 2_000

/** Ours without cross-tab coordination, measured for the notes. */
const VARIANTS = [...COLUMNS, 'ours-alone', 'ours-on-timers']

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Main-thread time per keep-alive in headless Chromium, per implementation: a Vite production
 * build, CPU_SESSIONS consumers (one session each) mounted at once with a stub `fetch`, all
 * keeping alive every CPU_INTERVAL ms on the real clock. CDP `Performance.getMetrics`, on thread
 * time (`timeDomain: 'threadTicks'`): TaskDuration (every task the renderer's main thread ran) and
 * ScriptDuration (the JavaScript in them), read in the middle of every interval after WARM_UP;
 * each interval's difference, divided by the keep-alives sent in it; the median of CPU_INTERVALS.
 * The page idle (before the mount) is measured too: its main thread's time is subtracted.
 *
 * @returns {Promise<{ results: Record<string, { task: number, script: number, perInterval: number }>, idleTask: number } | { skipped: string }>}
 *   µs per keep-alive; `idleTask`: µs per interval of the idle page
 */
export async function measureKeepAliveCpu() {
  return withBrowser(async (browser) => {
    const results = {}
    const idle = []
    const measure = async (impl) => {
      // A context each: its own renderer process.
      const context = await browser.newContext()
      await servePages(context)
      const page = await context.newPage()
      try {
        await page.goto(`${ORIGIN}/cpu.html`)
        await page.waitForFunction(() => typeof window.mountSessions === 'function')
        const cdp = await context.newCDPSession(page)
        await cdp.send('Performance.enable', { timeDomain: 'threadTicks' })
        const read = async () => {
          const { metrics } = await cdp.send('Performance.getMetrics')
          const get = (name) => metrics.find((metric) => metric.name === name)?.value ?? 0
          const sent = await page.evaluate(() => window.keepAlives())
          return { task: get('TaskDuration') * 1e6, script: get('ScriptDuration') * 1e6, sent }
        }
        const idleStart = await read()
        await page.waitForTimeout(IDLE)
        const idlePerInterval = (((await read()).task - idleStart.task) * CPU_INTERVAL) / IDLE
        idle.push(idlePerInterval)
        await page.evaluate(
          ([name, count, interval]) => window.mountSessions(name, count, interval),
          [impl, CPU_SESSIONS, CPU_INTERVAL],
        )
        // Readings fall between two rounds of keep-alives (they are due on the whole interval).
        await page.waitForTimeout(WARM_UP * CPU_INTERVAL + CPU_INTERVAL / 2)
        const readings = [await read()]
        const started = performance.now()
        for (let i = 1; i <= CPU_INTERVALS; i++) {
          await page.waitForTimeout(started + i * CPU_INTERVAL - performance.now())
          readings.push(await read())
        }
        const task = []
        const script = []
        let sent = 0
        for (let i = 1; i < readings.length; i++) {
          const [a, b] = [readings[i - 1], readings[i]]
          const count = b.sent - a.sent
          sent += count
          if (count === 0) continue
          task.push((b.task - a.task - idlePerInterval) / count)
          script.push((b.script - a.script) / count)
        }
        if (sent === 0) throw new Error(`${impl}: no keep-alive sent`)
        results[impl] = {
          task: median(task),
          script: median(script),
          perInterval: sent / CPU_INTERVALS / CPU_SESSIONS,
        }
      } finally {
        await context.close()
      }
    }
    // One at a time: side by side, the renderers compete for the cores and the figures scatter.
    for (const impl of VARIANTS) await measure(impl)
    return { results, idleTask: median(idle) }
  })
}
