// A hidden tab and a frozen page, in a Chromium that throttles them as a real one does
// (Playwright's own launch switches background throttling off, so it could never show a problem).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  gaps,
  launchRealChromium,
  openStory,
  recordKeepAlives,
  serveDemo,
  sleep,
} from './harness.mjs'

// Chrome throttles a hidden page's chained timers to once a minute only after a while, on
// minute-aligned wake-ups; 210 s hidden shows at least one full minute-long gap of the control.
const HIDDEN_FOR = 210_000
let demo
let chromium

before(async () => {
  demo = await serveDemo()
  chromium = await launchRealChromium()
})
after(async () => {
  await chromium?.close()
  await demo?.close()
})

test('a hidden tab keeps pinging every 10 s; a frozen page pings at once on resume', async (t) => {
  const page = chromium.context.pages()[0] ?? (await chromium.context.newPage())
  const sent = recordKeepAlives(page)
  await openStory(page, demo.url, 'hook-healthy')
  await page.waitForSelector('[role="status"][data-state="alive"]')

  // The control: a plain chained 1 s timer on the same page's main thread.
  await page.evaluate(() => {
    window.__control = []
    const tick = () => {
      window.__control.push(Date.now())
      setTimeout(tick, 1000)
    }
    tick()
  })
  const other = await chromium.context.newPage()
  assert.equal(await page.evaluate(() => document.visibilityState), 'hidden')
  const hiddenAt = Date.now()
  await sleep(HIDDEN_FOR)

  const control = await page.evaluate(() => window.__control.filter((at) => at >= 0))
  const controlGap = Math.max(...gaps(control.filter((at) => at >= hiddenAt - 1000)))
  const lastBefore = sent.filter((at) => at < hiddenAt).at(-1)
  const hiddenPings = [lastBefore, ...sent.filter((at) => at >= hiddenAt)]
  const pingGap = Math.max(...gaps(hiddenPings), Date.now() - hiddenPings.at(-1))
  t.diagnostic(`hidden ${HIDDEN_FOR / 1000} s: ${hiddenPings.length - 1} keep-alives`)
  t.diagnostic(`largest gap between keep-alives while hidden: ${pingGap} ms`)
  t.diagnostic(`largest gap of the control timer while hidden: ${controlGap} ms`)
  assert.ok(
    controlGap >= 50_000,
    `inconclusive: the control timer was not throttled (largest gap ${controlGap} ms), so this ` +
      'browser does not show what a hidden tab does to timers',
  )
  assert.ok(pingGap <= 11_000, `largest gap between keep-alives while hidden: ${pingGap} ms`)
  assert.ok(hiddenPings.length - 1 >= 20)

  // Freeze the hidden page past one interval, then resume it.
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Page.setWebLifecycleState', { state: 'frozen' })
  const frozenAt = Date.now()
  await sleep(25_000)
  const duringFreeze = sent.filter((at) => at > frozenAt).length
  await cdp.send('Page.setWebLifecycleState', { state: 'active' })
  const resumedAt = Date.now()
  await sleep(3_000)
  const afterResume = sent.filter((at) => at >= resumedAt)
  const latency = afterResume[0] - resumedAt
  t.diagnostic(`keep-alives while frozen 25 s: ${duringFreeze}`)
  t.diagnostic(`first keep-alive ${latency} ms after resume; ${afterResume.length} within 3 s`)
  assert.equal(duringFreeze, 0, 'a frozen page runs nothing')
  assert.equal(afterResume.length, 1, 'exactly one keep-alive right after resume')
  assert.ok(latency <= 1_000, `resume → keep-alive took ${latency} ms`)
  await other.close()
})
