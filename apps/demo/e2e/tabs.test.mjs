// Several tabs of one browser profile on one session, and a tab left hidden: the "Two tabs" and
// "Unattended tab" stories in a Chromium started by hand (so that pages can be hidden and frozen as
// in a real browser), all pages talking to ONE mock server (scripts/mockApiServer.mjs) through the
// demo's Settings → Real endpoint, so that the server sees every tab's requests.
import assert from 'node:assert/strict'
import { after, afterEach, before, describe, test } from 'node:test'
import { startMockApiServer } from '../../../scripts/mockApiServer.mjs'
import { gaps, launchRealChromium, openStory, screenshot, serveDemo, sleep } from './harness.mjs'

const INTERVAL = 2_000
const SESSIONS = {
  'tabs-count': 'token-count',
  'tabs-close': 'token-close',
  'tabs-freeze': 'token-freeze',
  'tabs-expire': 'token-expire',
  'tabs-hidden': 'token-hidden',
}
const BADGE = '[data-testid="session-card"] [role="status"]'
// The 1 s ceiling holds between the starts of two keep-alives (the pages' clocks); arrivals at
// the server differ from the starts by the network's jitter, a few ms on loopback.
const JITTER = 20

let demo
let server
let chromium

before(async () => {
  demo = await serveDemo()
  server = await startMockApiServer({ sessions: SESSIONS, idleTimeout: 30_000 })
  chromium = await launchRealChromium()
})
// A page left open by a failed test would keep pinging (and take the next test's queued answer).
const opened = new Set()
afterEach(async () => {
  for (const page of opened) await page.close().catch(() => {})
  opened.clear()
})
after(async () => {
  await chromium?.close()
  await demo?.close()
  await server?.close()
})

/** What the mock server received for a session (`endpoint`: keep-alive, end, or both). */
const received = (sessionId, endpoint = 'keep-alive') =>
  server.api.requests.filter(
    (entry) => entry.sessionId === sessionId && (endpoint === 'any' || entry.endpoint === endpoint),
  )
const arrivals = (sessionId, from = -Infinity, to = Infinity) =>
  received(sessionId)
    .map((entry) => entry.at)
    .filter((at) => at >= from && at < to)

/** The keep-alives a page sends to the mock server (browser-side; CORS preflights are not POSTs). */
function recordPosts(page) {
  const sent = []
  page.on('request', (request) => {
    const url = request.url()
    if (request.method() === 'POST' && url.startsWith(server.url) && url.endsWith('/keep-alive')) {
      sent.push(Date.now())
    }
  })
  return sent
}

async function until(check, { timeout = 10_000, step = 20, message = 'timed out' } = {}) {
  const deadline = Date.now() + timeout
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) throw new Error(message)
    await sleep(step)
  }
}

/**
 * Points the page at the mock server through Settings → Real endpoint → Custom base URL, with a
 * fresh session (the mock ends one left 30 s without a keep-alive, counted from its creation).
 */
async function connect(page, sessionId) {
  server.api.addSession(sessionId, SESSIONS[sessionId])
  await page.getByTestId('tab-settings').click()
  await page.locator('#real-region').selectOption('custom')
  await page.getByTestId('real-base-url').fill(server.url)
  await page.getByTestId('real-session-id').fill(sessionId)
  await page.getByTestId('real-token').fill(SESSIONS[sessionId])
  await page.getByTestId('connect-real').click()
  await page.waitForSelector('[data-testid="mode-indicator"][data-mode="real"]')
  await page.getByTestId('tab-requests').click()
}

/** A new tab on the "Two tabs" story, connected to the mock server; it leads. */
async function openLeader(sessionId, args = '') {
  const page = await chromium.context.newPage()
  opened.add(page)
  const errors = []
  page.on('pageerror', (error) => errors.push(error))
  const sent = recordPosts(page)
  await openStory(page, demo.url, 'scenario-two-tabs', `interval=${INTERVAL}${args}`)
  await connect(page, sessionId)
  await page.waitForSelector('[data-testid="tab-role"][data-role="sends"]')
  return { page, sent, errors }
}

/** The story's own button: a new window of the same story, handed the endpoint and token. */
async function openFollower(leader) {
  const [page] = await Promise.all([
    chromium.context.waitForEvent('page'),
    leader.getByTestId('open-second-tab').click(),
  ])
  opened.add(page)
  const errors = []
  page.on('pageerror', (error) => errors.push(error))
  const sent = recordPosts(page)
  await page.waitForSelector('[data-testid="mode-indicator"][data-mode="real"]', {
    timeout: 30_000,
  })
  await page.waitForSelector('[data-testid="tab-role"][data-role="follows"]')
  return { page, sent, errors }
}

const role = (page) => page.getByTestId('tab-role').getAttribute('data-role')
const badgeState = (page) => page.locator(BADGE).first().getAttribute('data-state')
const ownCount = async (page) => Number(await page.getByTestId('own-keep-alives').textContent())

describe('two tabs of one browser profile, one session', () => {
  test('one keep-alive per interval with two pages, not two; both show alive', async (t) => {
    const a = await openLeader('tabs-count')
    await sleep(1_000)
    let from = Date.now()
    await sleep(20_000)
    const onePage = arrivals('tabs-count', from, from + 20_000).length

    const b = await openFollower(a.page)
    await sleep(1_000)
    const ownBefore = await ownCount(b.page)
    from = Date.now()
    await sleep(20_000)
    const twoPages = arrivals('tabs-count', from, from + 20_000)
    t.diagnostic(`keep-alives at the mock in 20 s, interval 2 s: one page ${onePage}`)
    t.diagnostic(
      `keep-alives at the mock in 20 s, two pages: ${twoPages.length} (sent by the second page: ` +
        `${(await ownCount(b.page)) - ownBefore}); gaps ${gaps(twoPages).join(', ')} ms`,
    )
    assert.ok(onePage >= 9 && onePage <= 11, `one page: ${onePage} keep-alives in 20 s`)
    assert.ok(
      twoPages.length >= 9 && twoPages.length <= 11,
      `two pages: ${twoPages.length} keep-alives in 20 s (one per interval is 10–11)`,
    )
    assert.equal(await ownCount(b.page), 0, 'the follower sent nothing')
    assert.equal(b.sent.length, 0, 'the follower page issued no keep-alive request')
    for (const { page } of [a, b]) {
      assert.equal(await badgeState(page), 'alive')
      assert.match(await page.locator(BADGE).first().textContent(), /^Live/)
      assert.equal(await page.getByTestId('hook-status').textContent(), 'alive')
    }
    assert.equal(await role(a.page), 'sends')
    assert.equal(await role(b.page), 'follows')
    for (const [{ page }, name] of [
      [a, 'two-tabs-leader'],
      [b, 'two-tabs-follower'],
    ]) {
      await page.setViewportSize({ width: 1280, height: 900 })
      await page.getByTestId('toggle-panel').click()
      await screenshot(page, name)
    }

    // The control: with crossTab: false each page pings on its own, twice the requests. (If this
    // did not double, the count above would prove nothing.)
    for (const { page } of [a, b]) {
      await page.evaluate(() => {
        window.location.hash =
          window.location.hash.replace(/\?.*$/, '') + '?interval=2000&crossTab=false'
      })
    }
    await sleep(2_000)
    from = Date.now()
    await sleep(10_000)
    const optedOut = arrivals('tabs-count', from, from + 10_000).length
    t.diagnostic(`crossTab: false, two pages: ${optedOut} keep-alives in 10 s`)
    assert.ok(optedOut >= 9, `crossTab: false should double the requests, got ${optedOut} in 10 s`)
    assert.deepEqual([...a.errors, ...b.errors], [])
    await b.page.close()
    await a.page.close()
  })

  test('the leader page closes: the other pings within 1 s of the close', async (t) => {
    const a = await openLeader('tabs-close')
    const b = await openFollower(a.page)
    await sleep(3 * INTERVAL)
    // Mid-interval: 1 s after the leader's last keep-alive.
    const last = await until(() => {
      const at = arrivals('tabs-close').at(-1)
      return at !== undefined && Date.now() - at < 100 ? at : null
    })
    await sleep(last + 1_000 - Date.now())
    const closedAt = Date.now()
    await a.page.close()
    const first = await until(() => arrivals('tabs-close', closedAt)[0], {
      timeout: 3 * INTERVAL,
      message: 'no keep-alive after the leader closed',
    })
    const delay = first - closedAt
    t.diagnostic(
      `leader closed mid-interval → first keep-alive of the other page after ${delay} ms`,
    )
    await until(() => b.sent.length > 0, { message: 'the other page sent nothing' })
    assert.equal(a.sent.at(-1) < closedAt, true)
    assert.equal(b.sent.length, 1, 'the keep-alive came from the other page')
    assert.ok(delay <= 1_000, `takeover after close took ${delay} ms`)
    await b.page.waitForSelector('[data-testid="tab-role"][data-role="sends"]')
    assert.equal(await badgeState(b.page), 'alive')

    // A close right after a keep-alive: the new leader waits out the 1 s ceiling, no more.
    const c = await openFollower(b.page)
    await sleep(2 * INTERVAL)
    const justSent = await until(() => {
      const at = arrivals('tabs-close').at(-1)
      return at !== undefined && Date.now() - at < 50 ? at : null
    })
    const closedAgainAt = Date.now()
    await b.page.close()
    const next = await until(() => arrivals('tabs-close', closedAgainAt)[0], {
      timeout: 3 * INTERVAL,
    })
    t.diagnostic(
      `leader closed ${closedAgainAt - justSent} ms after its keep-alive → next keep-alive ` +
        `${next - closedAgainAt} ms after the close, ${next - justSent} ms after the previous one`,
    )
    assert.ok(
      next - justSent >= 1_000 - JITTER,
      `never closer than 1 s to the previous keep-alive (${next - justSent} ms at the server)`,
    )
    // Closed just after a keep-alive, the wait is the ceiling itself: timers may fire a few ms late.
    assert.ok(next - closedAgainAt <= 1_000 + JITTER, `takeover took ${next - closedAgainAt} ms`)
    await until(() => c.sent.length > 0, { message: 'the third page sent nothing' })
    assert.equal(c.sent.length, 1)
    await c.page.close()
  })

  test('the leader lets go (enabled: false): the other pings within 1 s', async (t) => {
    const a = await openLeader('tabs-close')
    const b = await openFollower(a.page)
    await sleep(2 * INTERVAL)
    await sleep(arrivals('tabs-close').at(-1) + INTERVAL / 2 - Date.now())
    const letGoAt = Date.now()
    await a.page.getByTestId('toggle-enabled').click()
    const first = await until(() => arrivals('tabs-close', letGoAt)[0], {
      timeout: 3 * INTERVAL,
      message: 'no keep-alive after the leader let go',
    })
    t.diagnostic(
      `leader set enabled: false → first keep-alive of the other after ${first - letGoAt} ms`,
    )
    assert.ok(first - letGoAt <= 1_000, `takeover took ${first - letGoAt} ms`)
    await until(() => b.sent.length > 0, { message: 'the other page sent nothing' })
    assert.equal(await role(a.page), 'off')
    await b.page.waitForSelector('[data-testid="tab-role"][data-role="sends"]')
    await sleep(2 * INTERVAL)
    assert.equal(a.sent.filter((at) => at > letGoAt).length, 0, 'the tab that let go sends nothing')
    assert.equal(await badgeState(b.page), 'alive')
  })

  test('a frozen leader: a follower takes over within 1.5 intervals; thawed, it sends nothing', async (t) => {
    const a = await openLeader('tabs-freeze')
    const b = await openFollower(a.page)
    const watchFrom = Date.now()
    await sleep(3 * INTERVAL + 500)
    const cdp = await a.page.context().newCDPSession(a.page)
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' })
    const frozenAt = Date.now()
    await sleep(4 * INTERVAL)
    const leaderLast = arrivals('tabs-freeze', -Infinity, frozenAt).at(-1)
    const followerFirst = arrivals('tabs-freeze', frozenAt)[0]
    assert.ok(followerFirst !== undefined, 'nobody took over')
    assert.ok(b.sent.length >= 1, 'the follower sends')
    await cdp.send('Page.setWebLifecycleState', { state: 'active' })
    const thawedAt = Date.now()
    const sentByA = a.sent.length
    await sleep(4 * INTERVAL)
    const seen = arrivals('tabs-freeze', watchFrom)
    const takeover = followerFirst - leaderLast
    const largestGap = Math.max(...gaps(seen))
    const afterThaw = arrivals('tabs-freeze', thawedAt - INTERVAL)
    const smallestAfterThaw = Math.min(...gaps(afterThaw))
    t.diagnostic(`freeze: leader's last keep-alive → follower's first: ${takeover} ms`)
    t.diagnostic(`largest gap at the mock: ${largestGap} ms (gaps ${gaps(seen).join(', ')})`)
    t.diagnostic(
      `after the thaw: ${a.sent.length - sentByA} keep-alives from the old leader; smallest gap ` +
        `${smallestAfterThaw} ms`,
    )
    // 1.5 intervals of silence, counted by the follower from the last news it heard (the
    // leader's answer), then the steal and the send: a few tens of ms past 1.5 intervals.
    assert.ok(takeover <= 1.5 * INTERVAL + 200, `takeover after freeze took ${takeover} ms`)
    assert.ok(largestGap < 2 * INTERVAL, `largest gap ${largestGap} ms`)
    assert.equal(a.sent.length, sentByA, 'the thawed leader sent nothing')
    assert.ok(smallestAfterThaw >= 1_000 - JITTER, `two keep-alives ${smallestAfterThaw} ms apart`)
    await until(async () => (await role(a.page)) === 'follows', { timeout: INTERVAL })
    assert.equal(await role(b.page), 'sends')
    await cdp.detach()
    await b.page.close()
    await a.page.close()
  })

  test('a 410: both pages expired within one interval, then no request at all', async (t) => {
    const a = await openLeader('tabs-expire')
    const b = await openFollower(a.page)
    await sleep(2 * INTERVAL)
    // Mid-interval, so that the next keep-alive is due in half an interval.
    await sleep(arrivals('tabs-expire').at(-1) + INTERVAL / 2 - Date.now())
    // When each page's badge turns expired, timed in the page (Playwright's waits poll slowly).
    for (const { page } of [a, b]) {
      await page.evaluate((selector) => {
        const badge = document.querySelector(selector)
        new MutationObserver(() => {
          if (badge.dataset.state === 'expired') window.__expiredAt ??= Date.now()
        }).observe(badge, { attributes: true })
      }, BADGE)
    }
    server.api.queue(410)
    const queuedAt = Date.now()
    const expiredAfter = await Promise.all(
      [a, b].map(async ({ page }) => {
        await page.waitForSelector(`${BADGE}[data-state="expired"]`, { timeout: 3 * INTERVAL })
        return (await page.evaluate(() => window.__expiredAt)) - queuedAt
      }),
    )
    const gone = received('tabs-expire').find((entry) => entry.status === 410)
    assert.ok(gone, 'the queued 410 went to this session')
    t.diagnostic(
      `410 queued → expired in the leader after ${expiredAfter[0]} ms, in the follower after ` +
        `${expiredAfter[1]} ms (the 410 came ${gone.at - queuedAt} ms after queueing)`,
    )
    for (const ms of expiredAfter)
      assert.ok(ms <= INTERVAL, `expired ${ms} ms after the 410 was queued`)
    const count = received('tabs-expire', 'any').length
    await sleep(5 * INTERVAL)
    assert.equal(received('tabs-expire', 'any').length, count, 'no request after the 410')
    for (const { page } of [a, b]) {
      assert.equal(await page.getByTestId('hook-status').textContent(), 'expired')
      assert.equal(await page.locator(BADGE).first().getAttribute('title'), 'Ended by the server')
      assert.match(
        await page.getByTestId('event-list').textContent(),
        /onExpired: the session ended \(server\)/,
      )
    }
    assert.equal(b.sent.length, 0, 'the follower never sent; it heard of the end from the leader')
    await b.page.close()
    await a.page.close()
  })
})

describe('with the in-browser mock (one mock per page, linked by the story)', () => {
  test('a follower of 30 s takes over, and its own mock answers 200, not 410', async (t) => {
    const page = await chromium.context.newPage()
    opened.add(page)
    await openStory(page, demo.url, 'scenario-two-tabs', `interval=${INTERVAL}`)
    await page.waitForSelector('[data-testid="tab-role"][data-role="sends"]')
    const [other] = await Promise.all([
      chromium.context.waitForEvent('page'),
      page.getByTestId('open-second-tab').click(),
    ])
    opened.add(other)
    await other.waitForFunction(() => window.__demoReady === true)
    await other.waitForSelector('[data-testid="tab-role"][data-role="follows"]')
    // Longer than the mock's 30 s idle timeout: the follower's own mock heard no keep-alive.
    await sleep(32_000)
    assert.equal(await other.getByTestId('request-count').textContent(), '0')
    const closedAt = Date.now()
    await page.close()
    await other.waitForSelector(
      '[data-testid="tab-role"][data-role="sends"], [data-testid="tab-role"][data-role="ended"]',
    )
    assert.equal(await role(other), 'sends', 'the new leader was refused: its mock had timed out')
    t.diagnostic(`in-browser mock: takeover ${Date.now() - closedAt} ms after the close (as seen)`)
    await sleep(2 * INTERVAL)
    assert.equal(await other.getByTestId('hook-status').textContent(), 'alive')
    assert.equal(await other.locator('[data-testid="request-row"][data-status="410"]').count(), 0)
    assert.ok(
      (await other.locator('[data-testid="request-row"][data-status="200"]').count()) >= 2,
      "the new leader's own mock answers its keep-alives",
    )
  })
})

describe('an unattended tab', () => {
  test('hiddenTimeout 20 s: the end request 20 s after hiding; back, the badge says why', async (t) => {
    const page = await chromium.context.newPage()
    opened.add(page)
    await openStory(
      page,
      demo.url,
      'scenario-unattended-tab',
      `hiddenTimeout=20000&idleTimeout=0&interval=${INTERVAL}`,
    )
    await connect(page, 'tabs-hidden')
    await page.waitForSelector(`${BADGE}[data-state="alive"]`)
    await page.evaluate(() => {
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') window.__hiddenAt ??= Date.now()
      })
    })
    // A new tab on top hides this one.
    const other = await chromium.context.newPage()
    opened.add(other)
    assert.equal(await page.evaluate(() => document.visibilityState), 'hidden')
    const end = await until(() => received('tabs-hidden', 'end')[0], {
      timeout: 30_000,
      step: 50,
      message: 'no /end request within 30 s of hiding',
    })
    const hiddenAt = await page.evaluate(() => window.__hiddenAt)
    const took = end.at - hiddenAt
    const keepAlivesWhileHidden = arrivals('tabs-hidden', hiddenAt, end.at).length
    t.diagnostic(
      `hidden → /end after ${took} ms (error ${took - 20_000} ms); ${keepAlivesWhileHidden} ` +
        'keep-alives while hidden',
    )
    assert.ok(took >= 20_000 - 50 && took <= 20_000 + 1_500, `/end ${took} ms after hiding`)
    assert.ok(keepAlivesWhileHidden >= 8, 'keep-alives go on while hidden, until the end')
    await sleep(2 * INTERVAL)
    assert.equal(arrivals('tabs-hidden', end.at).length, 0, 'no keep-alive after the end')

    await page.bringToFront()
    await other.close()
    assert.equal(await page.evaluate(() => document.visibilityState), 'visible')
    const badge = page.locator(BADGE).first()
    assert.equal(await badge.getAttribute('data-state'), 'expired')
    assert.equal(await badge.getAttribute('title'), 'Ended: the page was hidden too long')
    assert.equal(await page.getByTestId('end-reason').textContent(), 'hidden-timeout')
    await page.setViewportSize({ width: 1280, height: 900 })
    await page.getByTestId('toggle-panel').click()
    await screenshot(page, 'unattended-tab-hidden-timeout')
    await page.close()
  })
})
