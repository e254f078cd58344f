// Every story in each browser engine: what a user sees (badge text and data-state, the Requests
// panel), plus real offline/online where the engine's driver can emulate it. Requests are counted
// in the demo's own Requests panel and in the browser's Resource Timing record of the page, the
// same two witnesses in each engine. Screenshots go to e2e/screenshots/<engine>/.
import assert from 'node:assert/strict'
import { after, before, describe } from 'node:test'
import { ENGINES, launch } from './browsers.mjs'
import {
  figure,
  keepAliveStarts,
  openStory,
  requestCount,
  retryingTest,
  screenshot,
  serveDemo,
  sleep,
  testid,
  until,
} from './harness.mjs'

const STATUSES = [
  'idle',
  'connecting',
  'alive',
  'degraded',
  'offline',
  'expired',
  'not-found',
  'unauthorized',
  'error',
  'stopped',
]
const BADGE = '[data-testid="session-card"] [role="status"]'

let demo

before(async () => {
  demo = await serveDemo()
})
after(async () => {
  await demo?.close()
})

const badgeState = (page) => page.attr(BADGE, 'data-state')

/** The keep-alives the page has started, once the browser has recorded `count` of them. */
async function startsOnceRecorded(page, count) {
  await until(async () => (await keepAliveStarts(page)).length >= count, {
    timeout: 1_000,
    message: `fewer than ${count} keep-alives in the page's resource timing`,
  }).catch(() => {})
  return keepAliveStarts(page)
}

for (const engine of ENGINES) {
  describe(engine, () => {
    let browser

    before(async () => {
      browser = await launch(engine)
    })
    after(async () => {
      await browser?.close()
    })
    // A browser lost mid-test (a WebKit page crash): a new one, and the test runs again, once.
    async function restart() {
      await browser?.close().catch(() => {})
      browser = await launch(engine)
    }
    const test = retryingTest(restart)

    /** A fresh profile (Chromium and Firefox: a browser context; WebKit: a new session). */
    async function newPage() {
      const context = await browser.newContext()
      const page = await context.newPage()
      return { context, page }
    }

    describe('every story', () => {
      test('the sidebar lists the stories, and each one renders without an error', async (t) => {
        figure(t, engine, 'version', browser.version, `browser: ${browser.version}`)
        const { context, page } = await newPage()
        await openStory(page, demo.url, 'hook-healthy')
        const ids = await page.evaluate(() =>
          [...document.querySelectorAll('[data-testid^="story-link-"]')].map((a) =>
            a.dataset.testid.replace('story-link-', ''),
          ),
        )
        assert.deepEqual(ids, [
          'badge-all-statuses',
          'hook-healthy',
          'hook-many-consumers',
          'hook-mount-toggle',
          'scenario-session-expires',
          'scenario-token-expires',
          'scenario-flaky-server',
          'scenario-slow-server',
          'scenario-offline',
          'scenario-two-tabs',
          'scenario-unattended-tab',
        ])
        for (const id of ids) {
          await page.click(testid(`story-link-${id}`))
          await page.waitForSelector(`[data-testid="canvas"][data-story="${id}"]`)
          await sleep(id === 'badge-all-statuses' ? 500 : 4_500)
          assert.equal(await page.count(testid('story-error')), 0, `${id} shows an error`)
          assert.ok((await page.count('[role="status"]')) > 0, `${id} shows a status badge`)
          await screenshot(page, id)
        }
        assert.deepEqual(await page.errors(), [])
        await context.close()
      })
    })

    describe('stories, one by one', () => {
      test('Badge / All statuses: every status in light and dark, labelled', async () => {
        const { context, page } = await newPage()
        await openStory(page, demo.url, 'badge-all-statuses')
        for (const scheme of ['light', 'dark']) {
          const states = await page.evaluate(
            (s) =>
              [...document.querySelectorAll(`${s} [role="status"]`)].map((b) => b.dataset.state),
            testid(`badges-${scheme}`),
          )
          assert.deepEqual([...new Set(states)].sort(), [...STATUSES].sort(), scheme)
        }
        assert.match(await page.text(`${testid('badges-light')} [data-state="alive"]`), /^Live/)
        // In a column narrower than its label, the badge wraps inside the column (a long
        // translation, 200% text); a short label stays on one line beside its dot. (A word longer
        // than what the dot leaves of the line goes to the next line, and breaks only if it is
        // longer than the line.)
        const fit = await page.evaluate((s) => {
          const badge = document.querySelector(`${s} [data-state="degraded"]`)
          const lines = (el) =>
            Math.round(
              el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight),
            )
          const short = lines(badge.querySelector('[data-part="label"]'))
          const column = document.createElement('div')
          column.style.width = '160px'
          const long = column.appendChild(badge.cloneNode(true))
          long.querySelector('[data-part="label"]').textContent =
            'Connexion perdue, reconnexion en cours…'
          document.body.appendChild(column)
          const [b, c] = [long, column].map((el) => el.getBoundingClientRect())
          const [dot, label] = ['dot', 'label'].map((p) =>
            long.querySelector(`[data-part="${p}"]`).getBoundingClientRect(),
          )
          const result = {
            short,
            overflow: Math.round(b.right - c.right),
            dotBesideLabel: dot.top < label.bottom && dot.right <= label.left,
            wrapped: lines(long.querySelector('[data-part="label"]')),
          }
          column.remove()
          return result
        }, testid('badges-light'))
        assert.equal(fit.short, 1, 'a short label on one line')
        assert.ok(fit.overflow <= 0, `the long badge overflows its column by ${fit.overflow} px`)
        assert.ok(fit.wrapped >= 2 && fit.dotBesideLabel, JSON.stringify(fit))
        // With the last ping beside it, in that column, the last ping takes a line of its own and
        // the label keeps its word whole (it had the width the last ping left: 7 lines in
        // Chromium, 13 in Firefox at 170 px); the dot pulses 5 s at most (WCAG 2.2.2).
        const beside = await page.evaluate((s) => {
          const column = document.createElement('div')
          column.style.width = '160px'
          const badge = column.appendChild(
            document.querySelector(`${s} [data-state="degraded"]`).cloneNode(true),
          )
          const ping = badge.appendChild(document.createElement('span'))
          ping.dataset.part = 'last-ping'
          ping.textContent = 'last ping 12 s ago'
          document.body.appendChild(column)
          const label = badge.querySelector('[data-part="label"]')
          const lines = Math.round(
            label.getBoundingClientRect().height / parseFloat(getComputedStyle(label).lineHeight),
          )
          const pulse = badge.querySelector('[data-part="dot"]').getAnimations()
          column.remove()
          return { lines, pulses: pulse.map((a) => a.effect.getComputedTiming().endTime) }
        }, testid('badges-light'))
        assert.equal(beside.lines, 1, JSON.stringify(beside))
        assert.equal(beside.pulses.length, 1, JSON.stringify(beside))
        assert.ok(beside.pulses[0] <= 5_000, JSON.stringify(beside))
        // In an app's flex row, a word longer than the room left breaks rather than overflowing;
        // and the dot pulses again as connecting, its pulses over, turns degraded.
        const row = await page.evaluate((s) => {
          const box = document.createElement('div')
          box.style.cssText = 'display: flex; gap: 8px; width: 160px'
          box.appendChild(document.createElement('b')).textContent = 'Avatar'
          const badge = box.appendChild(
            document.querySelector(`${s} [data-state="connecting"]`).cloneNode(true),
          )
          badge.querySelector('[data-part="label"]').textContent = 'Wiederverbindungsversuch…'
          document.body.appendChild(box)
          const overflow = Math.round(
            badge.getBoundingClientRect().right - box.getBoundingClientRect().right,
          )
          const dot = badge.querySelector('[data-part="dot"]')
          for (const animation of dot.getAnimations()) animation.finish()
          const after = dot.getAnimations().filter((a) => a.playState === 'running').length
          badge.dataset.state = 'degraded'
          const again = dot.getAnimations().filter((a) => a.playState === 'running').length
          box.remove()
          return { overflow, after, again }
        }, testid('badges-light'))
        assert.deepEqual(row, { overflow: row.overflow, after: 0, again: 1 })
        assert.ok(row.overflow <= 0, JSON.stringify(row))
        await context.close()
      })

      test('Hook / Healthy session: a ping at mount, then one per interval', async (t) => {
        const { context, page } = await newPage()
        await openStory(page, demo.url, 'hook-healthy', 'interval=2000')
        await page.waitForSelector(`${BADGE}[data-state="alive"]`)
        // Read half an interval after the fourth is due, a whole second from either edge (a read
        // 300 ms after it raced a keep-alive that a busy machine showed late).
        const [first] = await startsOnceRecorded(page, 1)
        await sleep(first + 7_000 - Date.now())
        assert.equal(await page.text(testid('hook-status')), 'alive')
        const count = await requestCount(page)
        assert.ok(count >= 4 && count <= 5, `4 or 5 keep-alives in 7 s, got ${count}`)
        const starts = await startsOnceRecorded(page, count)
        assert.equal(starts.length, count, "the panel shows what the browser's record says it sent")
        const navigatedAt = await page.evaluate(() => performance.timeOrigin)
        figure(
          t,
          engine,
          'page.firstKeepAliveMs',
          Math.round(starts[0] - navigatedAt),
          `navigation → first keep-alive (in-browser mock, after its service worker started): ` +
            `${Math.round(starts[0] - navigatedAt)} ms`,
        )
        assert.match(await page.text(BADGE), /^Live/)
        await context.close()
      })

      test('Hook / Many consumers: 60 consumers, still one request per interval', async () => {
        const { context, page } = await newPage()
        await openStory(page, demo.url, 'hook-many-consumers')
        await page.waitForSelector('[data-testid="hook-user"][data-status="alive"]')
        await sleep(7_000)
        assert.equal(await page.count('[data-testid="hook-user"][data-status="alive"]'), 10)
        assert.equal(await page.count(`${testid('badge-wall')} [data-state="alive"]`), 50)
        const count = await requestCount(page)
        assert.ok(count >= 4 && count <= 5, `one per 2 s interval over ~7 s, got ${count}`)
        // A sliding window as long as the interval: a keep-alive a little late or early makes it
        // read 0 or 2 for a moment.
        await page.waitFor(
          () =>
            document.querySelector('[data-testid="requests-last-interval"]')?.textContent === '1',
          { timeout: 3_000, message: 'not one keep-alive in the last interval' },
        )
        await context.close()
      })

      test('Hook / Mount and unmount: both unmounted → stopped and silent; remount pings at once', async () => {
        const { context, page } = await newPage()
        await openStory(page, demo.url, 'hook-mount-toggle')
        await page.waitForSelector('[role="status"][data-state="alive"]')
        await page.click(testid('toggle-A'))
        await page.click(testid('toggle-B'))
        await page.waitForSelector('[role="status"][data-state="stopped"]')
        const stoppedAt = (await startsOnceRecorded(page, 1)).length
        await sleep(7_000)
        assert.equal(
          (await keepAliveStarts(page)).length,
          stoppedAt,
          'no keep-alive while nobody is mounted',
        )
        const before = Date.now()
        await page.click(testid('toggle-A'))
        await page.waitForSelector('[role="status"][data-state="alive"]')
        const starts = await startsOnceRecorded(page, stoppedAt + 1)
        assert.equal(starts.length, stoppedAt + 1)
        assert.ok(
          starts.at(-1) - before < 1_000,
          `remount → keep-alive ${starts.at(-1) - before} ms`,
        )
        await context.close()
      })

      test('Scenarios / Session expires: 410 after 3 pings, then nothing', async () => {
        const { context, page } = await newPage()
        await openStory(page, demo.url, 'scenario-session-expires')
        await page.waitForSelector('[role="status"][data-state="expired"]', { timeout: 15_000 })
        assert.match(await page.text('[role="status"]'), /Session ended/)
        const count = await requestCount(page)
        assert.equal(await page.count('[data-testid="request-row"][data-status="410"]'), 1)
        await sleep(6_000)
        assert.equal(await requestCount(page), count, 'no request after the 410')
        assert.equal(await page.count(testid('timeline-stop')), 1)
        await context.close()
      })

      test('Scenarios / Token expires: 401 pauses; rotating the token recovers', async () => {
        const { context, page } = await newPage()
        await openStory(page, demo.url, 'scenario-token-expires')
        await page.waitForSelector('[role="status"][data-state="unauthorized"]', {
          timeout: 15_000,
        })
        const count = await requestCount(page)
        await sleep(5_000)
        assert.equal(await requestCount(page), count, 'paused while the token is refused')
        await page.click(testid('rotate-token'))
        await page.waitForSelector(`${BADGE}[data-state="alive"]`)
        assert.equal(await requestCount(page), count + 1, 'one request at once with the new token')
        await context.close()
      })

      test('Scenarios / Flaky server: degraded and back to alive', async () => {
        const { context, page } = await newPage()
        await openStory(page, demo.url, 'scenario-flaky-server', 'failureRate=0.5&seed=3')
        const seen = new Set()
        for (let i = 0; i < 60 && seen.size < 2; i++) {
          const state = await badgeState(page)
          if (state === 'alive' || state === 'degraded') seen.add(state)
          await sleep(250)
        }
        assert.deepEqual([...seen].sort(), ['alive', 'degraded'])
        assert.ok((await page.count('[data-testid="request-row"][data-status="500"]')) > 0)
        await context.close()
      })

      test('Scenarios / Slow server and timeouts: an answer slower than `timeout` is a timeout', async () => {
        const { context, page } = await newPage()
        await openStory(page, demo.url, 'scenario-slow-server')
        await page.waitForSelector(`${BADGE}[data-state="degraded"]`, { timeout: 10_000 })
        // A production build (this one) names the error's kind; a development build describes it.
        assert.match(await page.text(testid('hook-error')), /timed out|, timeout$/)
        await context.close()
      })

      test('Scenarios / Two tabs: alone, this tab sends; the button opens the story in a new window', async () => {
        const { context, page } = await newPage()
        await openStory(page, demo.url, 'scenario-two-tabs')
        await page.waitForSelector('[data-testid="tab-role"][data-role="sends"]')
        // The story polls navigator.locks.query() twice a second.
        await page.waitFor(
          () => document.querySelector('[data-testid="lock-held"]')?.textContent === 'yes',
        )
        // (WebKit: the window the page opens is only ever closed with its context, below.)
        const other = await context.waitForPopup(() => page.click(testid('open-second-tab')))
        await other.waitFor(() => window.__demoReady === true, { timeout: 30_000 })
        await other.waitForSelector('[data-testid="canvas"][data-story="scenario-two-tabs"]')
        await other.waitForSelector('[data-testid="tab-role"][data-role="follows"]')
        assert.equal(await badgeState(other), 'alive')
        assert.equal(await other.text(testid('own-keep-alives')), '0')
        await other.waitFor(
          () => document.querySelector('[data-testid="lock-waiting"]')?.textContent === '1',
        )
        await context.close()
      })

      test('Scenarios / Unattended tab: idle warning with a countdown, "I\'m still here", then the idle end', async () => {
        const { context, page } = await newPage()
        await openStory(
          page,
          demo.url,
          'scenario-unattended-tab',
          'idleTimeout=6000&idleWarning=4000&hiddenTimeout=0',
        )
        await page.waitForSelector(`${BADGE}[data-state="alive"]`)
        await page.waitForSelector(testid('idle-countdown'), { timeout: 5_000 })
        const first = Number(await page.text(testid('idle-countdown')))
        assert.ok(first >= 1 && first <= 4, `countdown shows ${first} s`)
        assert.match(await page.text(testid('event-list')), /onIdleWarning/)
        await page.click(testid('still-here'))
        await page.waitForSelector(testid('idle-countdown'), { state: 'detached', timeout: 1_000 })
        assert.equal(await page.text(testid('ends-at')), 'null')
        assert.equal(await badgeState(page), 'alive')
        // No more activity: the warning comes back, counts down, and the session ends.
        await page.waitForSelector(`${BADGE}[data-state="expired"]`, { timeout: 8_000 })
        assert.equal(await page.text(testid('end-reason')), 'idle-timeout')
        assert.equal(await page.attr(BADGE, 'title'), 'Ended: no activity')
        // The panel lists what the mock's handler saw, which reaches the page through msw's
        // service worker after the badge has already changed.
        const endRows = () => page.count('[data-testid="request-row"][data-endpoint="end"]')
        await until(async () => (await endRows()) >= 1, {
          timeout: 2_000,
          message: 'no end request in the panel',
        })
        const count = (await startsOnceRecorded(page, 1)).length
        const panelCount = await requestCount(page)
        await sleep(3_000)
        assert.equal((await keepAliveStarts(page)).length, count, 'no keep-alive after the end')
        assert.equal(await requestCount(page), panelCount, 'none in the panel either')
        assert.equal(await endRows(), 1, 'one end request')
        await screenshot(page, 'unattended-tab-idle-timeout')
        await context.close()
      })

      test('real offline: no requests while offline, one at once back online', async (t) => {
        if (!browser.can.offline) {
          t.skip(`${engine}: ${browser.can.offlineReason}`)
          return
        }
        const { context, page } = await newPage()
        await openStory(page, demo.url, 'hook-healthy', 'interval=2000')
        await page.waitForSelector(`${BADGE}[data-state="alive"]`)
        await context.setOffline(true)
        await page.waitForSelector(`${BADGE}[data-state="offline"]`)
        const offlineCount = (await startsOnceRecorded(page, 1)).length
        const offlinePanel = await requestCount(page)
        await sleep(6_000)
        assert.equal(
          (await keepAliveStarts(page)).length,
          offlineCount,
          'nothing sent while offline',
        )
        assert.equal(await requestCount(page), offlinePanel, 'nothing in the panel either')
        const onlineAt = Date.now()
        await context.setOffline(false)
        await page.waitForSelector(`${BADGE}[data-state="alive"]`)
        const starts = await startsOnceRecorded(page, offlineCount + 1)
        const latency = starts[offlineCount] - onlineAt
        t.diagnostic(`${engine}: offline → online: first keep-alive after ${latency} ms`)
        assert.ok(latency < 1_000, `first keep-alive ${latency} ms after going online`)
        await screenshot(page, 'offline-recovered')
        await context.close()
      })
    })
  })
}
