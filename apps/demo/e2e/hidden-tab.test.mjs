// A hidden tab (and, in Chromium, a frozen page) in each engine, with the keep-alives counted where
// they arrive: one Node mock server, which the page reaches through Settings → Real endpoint.
// Chromium is started by hand (Playwright's own launch switches background throttling off, so it
// could never show a problem); Firefox and WebKit throttle hidden pages whatever drives them. The
// engines run at the same time (most of this test is waiting), each on its own session.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startMockApiServer } from '../../../scripts/mockApiServer.mjs'
import { ENGINES, launch } from './browsers.mjs'
import { connect, figure, gaps, openStory, serveDemo, skipStep, sleep } from './harness.mjs'

// Chrome throttles a hidden page's chained timers to once a minute only after a while, on
// minute-aligned wake-ups; 210 s hidden shows at least one full minute-long gap of the control.
const HIDDEN_FOR = Number(process.env.HIDDEN_FOR ?? 210_000)
const INTERVAL = 10_000
const sessionOf = (engine) => [`hidden-${engine}`, `token-hidden-${engine}`]

let demo
let server

before(async () => {
  demo = await serveDemo()
  server = await startMockApiServer({
    sessions: Object.fromEntries(ENGINES.map(sessionOf)),
    idleTimeout: 30_000,
  })
})
after(async () => {
  await demo?.close()
  await server?.close()
})

describe('a hidden tab', { concurrency: true }, () => {
  for (const engine of ENGINES) {
    test(`${engine}: keeps pinging every 10 s while hidden; a frozen page pings at once on resume`, async (t) => {
      const [sessionId, token] = sessionOf(engine)
      const arrivals = (from = -Infinity) =>
        server.api.requests
          .filter(
            (entry) =>
              entry.sessionId === sessionId && entry.endpoint === 'keep-alive' && entry.at >= from,
          )
          .map((entry) => entry.at)
      const browser = await launch(engine, { throttled: true })
      try {
        const context = await browser.defaultContext()
        const page = await context.newPage()
        await openStory(page, demo.url, 'hook-healthy', `interval=${INTERVAL}`)
        server.api.addSession(sessionId, token)
        await connect(page, server, sessionId, token)
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
        // Chromium and Firefox: a new tab in front; WebKit: the window minimized.
        await page.hide()
        assert.equal(await page.visibility(), 'hidden')
        const hiddenAt = Date.now()
        await sleep(HIDDEN_FOR)

        const control = await page.evaluate(() => window.__control)
        const controlGap = Math.max(...gaps(control.filter((at) => at >= hiddenAt - 1000)))
        const sent = arrivals()
        const lastBefore = sent.filter((at) => at < hiddenAt).at(-1)
        const hiddenPings = [lastBefore, ...sent.filter((at) => at >= hiddenAt)]
        const pingGap = Math.max(...gaps(hiddenPings), Date.now() - hiddenPings.at(-1))
        figure(
          t,
          engine,
          'hidden.largestGapMs',
          { hiddenS: HIDDEN_FOR / 1000, keepAlives: hiddenPings.length - 1, largestGapMs: pingGap },
          `hidden ${HIDDEN_FOR / 1000} s, interval 10 s: ${hiddenPings.length - 1} keep-alives at ` +
            `the mock, largest gap ${pingGap} ms`,
        )
        figure(
          t,
          engine,
          'hidden.controlGapMs',
          controlGap,
          `largest gap of the control (a chained 1 s timer) while hidden: ${controlGap} ms`,
        )
        // How long the browser held all of the page's timers at once: the control, due every
        // second, came this much later than a hidden page's 1 s clamp and a second's slack.
        const held = engine === 'chromium' ? 0 : Math.max(0, controlGap - 2_000)
        if (engine === 'chromium') {
          assert.ok(
            controlGap >= 50_000,
            `inconclusive: the control timer was not throttled (largest gap ${controlGap} ms), so ` +
              'this browser does not show what a hidden tab does to timers',
          )
        } else {
          // Firefox runs a hidden page's timers at most about once a second, and WebKit's minimized
          // window about the same: neither throttles chained timers to once a minute, so the
          // control only shows that the page was throttled at all (gaps of about 1 s, not 1 ms).
          // On a busy machine Firefox also spends a background page's budget for timers and then
          // holds every timer of the page for seconds (8.5 s once in CI): no keep-alive can go out
          // while the page does not run, so the limit grows by that hold, and by nothing else.
          t.diagnostic(
            `${engine}: no minute-long throttling to show here (Chromium's intensive throttling); ` +
              `the keep-alive gaps are asserted all the same (the page's timers held for ${held} ms)`,
          )
        }
        assert.ok(
          pingGap <= 11_000 + held,
          `largest gap between keep-alives while hidden: ${pingGap} ms (the page held ${held} ms)`,
        )
        assert.ok(
          hiddenPings.length - 1 >= HIDDEN_FOR / INTERVAL - 1,
          `${hiddenPings.length - 1} keep-alives in ${HIDDEN_FOR / 1000} s hidden`,
        )

        if (!browser.can.freeze) {
          skipStep(
            t,
            engine,
            'freeze the hidden page for 25 s, then resume it',
            browser.can.freezeReason,
          )
          return
        }
        // Freeze the hidden page past one interval, then resume it.
        await page.freeze()
        const frozenAt = Date.now()
        await sleep(25_000)
        const duringFreeze = arrivals(frozenAt).length
        // Timed from the command: the page may ping before the driver's answer is back.
        const resumedAt = Date.now()
        await page.resume()
        await sleep(3_000)
        const afterResume = arrivals(resumedAt)
        const latency = afterResume[0] - resumedAt
        t.diagnostic(`${engine}: keep-alives while frozen 25 s: ${duringFreeze}`)
        t.diagnostic(
          `${engine}: first keep-alive ${latency} ms after resume; ${afterResume.length} within 3 s`,
        )
        assert.equal(duringFreeze, 0, 'a frozen page runs nothing')
        assert.equal(afterResume.length, 1, 'exactly one keep-alive right after resume')
        assert.ok(latency <= 1_000, `resume → keep-alive took ${latency} ms`)
      } finally {
        await browser.close()
      }
    })
  }
})
