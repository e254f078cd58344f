// The back/forward cache, in each engine: a person leaves the page by a link and comes back with
// Back. A page in the cache runs nothing (no timer, no fetch) and may be restored minutes later, or
// thrown away; a cached page may hold a Web Lock, or wait in the queue for one. The page
// (./fixtures/keep-through-cache.mjs, the built package in React 19) keeps a session on the Node
// mock server at a 2 s interval; the server's record of keep-alives is the evidence, the page's
// own record (`pageshow.persisted`) says whether it came back from the cache or loaded again.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startMockApiServer } from '../../../scripts/mockApiServer.mjs'
import { ENGINES, launch } from './browsers.mjs'
import { html, serveFixture } from './fixtures/serve.mjs'
import { figure, gaps, sleep, until } from './harness.mjs'

const INTERVAL = 2_000
// What the short-lived server allows between keep-alives (the long absence outlasts it).
const SHORT_ALLOWANCE = 5_000

let app
let server
let strict

before(async () => {
  app = await serveFixture({
    fixture: 'keep-through-cache.mjs',
    format: 'esm',
    pages: {
      '/': html('kept', '<div id="root"></div><script type="module" src="/app.js"></script>'),
      '/away': html('away', '<p>Another page of the same site.</p>'),
    },
  })
  server = await startMockApiServer({ sessions: {} })
  strict = await startMockApiServer({ sessions: {}, idleTimeout: SHORT_ALLOWANCE })
})
after(async () => {
  await app?.close()
  await server?.close()
  await strict?.close()
})

const requestsOf = (api, sessionId, endpoint) =>
  api.requests
    .filter((entry) => entry.sessionId === sessionId && entry.endpoint === endpoint)
    .map((entry) => entry.at)

/** A session known to `on` (default: the lenient server), and the page URL that keeps it. */
function session(on, name, { crossTab = true, endOnPageHide = false } = {}) {
  const sessionId = name
  const token = `token-${name}`
  on.api.addSession(sessionId, token)
  const params = new URLSearchParams({ baseUrl: on.url, sessionId, token })
  params.set('crossTab', String(crossTab))
  params.set('endOnPageHide', String(endOnPageHide))
  return {
    url: `${app.url}#${params}`,
    keepAlives: () => requestsOf(on.api, sessionId, 'keep-alive'),
    ends: () => requestsOf(on.api, sessionId, 'end'),
  }
}

const lived = (page) => page.evaluate(() => window.lived)
const statusOf = (record) => record.filter((entry) => 'status' in entry).at(-1)
const lastShow = (record) => record.filter((entry) => entry.event === 'pageshow').at(-1)

/** Leaves by a link to another page of the site (a navigation, not a fragment change). */
async function leave(page) {
  await page.goto(`${app.url}away`)
  await page.waitFor(() => document.title === 'away')
}

/**
 * Waits until `page` has the answer to its next keep-alive (its last success moved), so that none
 * is in flight when it goes and the next is a whole interval away: Firefox keeps no page with a
 * request under way in the cache (one left as a keep-alive's answer was on its way loaded again on
 * Back). Waiting on the server's record instead left half an interval, which a busy machine's
 * navigation can outlast.
 */
async function justAnswered(page) {
  const seen = (await lived(page)).findLast((entry) => entry.lastAliveAt)?.lastAliveAt ?? 0
  await page.waitFor((at) => window.lived.some((entry) => entry.lastAliveAt > at), {
    args: [seen],
    message: 'no keep-alive was answered',
  })
}

/** Back to the keeping page: from the cache, or loaded again; it has shown itself a second time. */
async function comeBack(page) {
  await page.back()
  await page.waitFor(
    () =>
      document.title === 'kept' &&
      window.lived?.filter((entry) => entry.event === 'pageshow').length >= 2,
    { timeout: 15_000, message: 'Back did not bring the page back' },
  )
  return Date.now()
}

/**
 * One tab keeping `kept` leaves by a link as soon as a keep-alive is answered, stays away 4 s (a
 * keep-alive from there fails the test) and comes back with Back; then 3 intervals more. Records
 * the figure `key`; returns whether the page came from the cache, and what the page and the server
 * saw, for `checkBack`.
 */
async function awayAndBack(t, engine, browser, kept, key, label) {
  const context = await browser.newContext()
  try {
    const page = await open(context, kept.url)
    await justAnswered(page)
    await leave(page)
    const leftAt = Date.now()
    const sentBefore = kept.keepAlives().length
    await sleep(4_000)
    assert.equal(kept.keepAlives().length, sentBefore, 'a keep-alive went out while away')
    const backAt = await comeBack(page)
    const first = await until(() => kept.keepAlives().find((at) => at > leftAt), {
      timeout: 5_000,
      message: 'no keep-alive after Back',
    })
    await sleep(3 * INTERVAL)
    const since = kept.keepAlives().filter((at) => at >= first)
    const record = await lived(page)
    const restored = lastShow(record).persisted
    figure(
      t,
      engine,
      key,
      { restored, firstAfterBackMs: Math.max(0, first - backAt) },
      `back/forward cache, ${label}: ${restored ? 'restored' : 'loaded again'}; ` +
        `first keep-alive ${Math.max(0, first - backAt)} ms after Back; then gaps ` +
        `${gaps(since).join(', ')} ms`,
    )
    return { restored, back: { backAt, first, since, status: statusOf(record).status } }
  } finally {
    await context.close().catch(() => {})
  }
}

/**
 * After Back: overdue by the time away, one keep-alive at once (the timer the cache held fires, or
 * `resume`), then one an interval, never closer than 1 s; the session shown alive.
 */
function checkBack({ backAt, first, since, status }) {
  assert.ok(first - backAt <= 1_000, `first keep-alive ${first - backAt} ms after Back`)
  assert.ok(since.length >= 3, `${since.length} keep-alives in ${3 * INTERVAL} ms after Back`)
  assert.ok(Math.min(...gaps(since)) >= 1_000, `too close: ${gaps(since).join(', ')} ms`)
  assert.ok(Math.max(...gaps(since)) <= INTERVAL + 600, `gaps ${gaps(since).join(', ')} ms`)
  assert.equal(status, 'alive')
}

/** Opens `url` in a new tab and waits until the session is alive there. */
async function open(context, url) {
  const page = await context.newPage()
  await page.goto(url)
  await page.waitFor(() => window.lived?.some((entry) => entry.status === 'alive'), {
    timeout: 15_000,
    message: 'the session never became alive',
  })
  return page
}

/**
 * After a tab went (`at`): the keep-alives around it over 4 intervals (the takeover), then the
 * cached tab back with Back and 3 intervals more. Checks that the session was never silent longer
 * than the allowance the README asks servers for (three intervals); that Back made no second
 * sender; that `showing` all show the session alive; and that Chromium and WebKit restored the
 * cached tab from the cache.
 */
async function takeOverAndComeBack(engine, kept, at, cached, showing) {
  await sleep(4 * INTERVAL)
  const around = kept.keepAlives().filter((time) => time >= at - 2 * INTERVAL)
  const takeover = (around.find((time) => time > at) ?? Infinity) - at
  const backAt = await comeBack(cached)
  await sleep(3 * INTERVAL)
  const afterBack = kept.keepAlives().filter((time) => time > backAt)
  const restored = lastShow(await lived(cached)).persisted
  const result = { restored, takeoverMs: takeover, afterBack: afterBack.length }
  const text =
    `next keep-alive ${takeover} ms later (gaps ${gaps(around).join(', ')} ms); the cached tab ` +
    `${restored ? 'restored' : 'loaded again'}, ${afterBack.length} keep-alives in ` +
    `${3 * INTERVAL} ms after Back`
  const check = async () => {
    assert.ok(Math.max(...gaps(around)) <= 3 * INTERVAL, `gaps ${gaps(around).join(', ')}`)
    assert.ok(afterBack.length <= 4, `${afterBack.length} keep-alives in ${3 * INTERVAL} ms`)
    assert.ok(Math.min(...gaps(afterBack)) >= 1_000, `too close: ${gaps(afterBack).join(', ')}`)
    for (const page of showing) assert.equal(statusOf(await lived(page)).status, 'alive')
    // A page hidden away holds no lock and no channel: Chromium threw one out of the cache when a
    // message reached its channel there (notRestoredReasons: broadcastchannel-message), and Back
    // loaded it again. Firefox caches no page that holds a Web Lock or waits in line for one.
    if (engine !== 'firefox') assert.equal(restored, true, 'Back loaded the page again')
  }
  return { result, text, check }
}

for (const engine of ENGINES) {
  describe(engine, () => {
    let browser

    before(async () => {
      browser = await launch(engine, { throttled: true })
    })
    after(async () => {
      await browser?.close()
    })

    test('one tab: nothing is sent from the cache, and Back picks the schedule up at once', async (t) => {
      const kept = session(server, `cache-one-${engine}`, { crossTab: false })
      const { restored, back } = await awayAndBack(t, engine, browser, kept, 'cache.one', 'one tab')
      // Without cross-tab coordination every engine here keeps such a page in the cache.
      assert.equal(restored, true, 'the page was not restored from the cache')
      checkBack(back)
    })

    // The defaults: the tab holds the cross-tab Web Lock. Chromium and WebKit cache it all the same
    // (it lets go as it goes in, and takes its place in line again on Back); Firefox caches no page
    // that holds a Web Lock or waits for one, even one let go in pagehide (measured on plain pages:
    // it decides before pagehide), and loads it again. Either way Back keeps the session at once.
    test('one tab with the defaults (cross-tab lock): nothing is sent while away, and Back keeps the session at once', async (t) => {
      const kept = session(server, `cache-lock-${engine}`)
      const label = 'one tab, defaults'
      const { restored, back } = await awayAndBack(t, engine, browser, kept, 'cache.lock', label)
      if (engine !== 'firefox') assert.equal(restored, true, 'Back loaded the page again')
      checkBack(back)
    })

    test('one tab away longer than the server allows: Back finds it ended, and says the page was away (missed), not that the server ended it', async (t) => {
      // A page loaded again on Back knows nothing of its absence, so it cannot show what this test
      // is about: then it goes once more, with a new session. (Firefox loaded it again once in CI,
      // on 2026-12-07, though all 15 figures recorded before say restored; likely a keep-alive
      // under way as it left, since Firefox caches no page with a request under way.)
      for (let attempt = 1; ; attempt++) {
        const kept = session(strict, `cache-long-${engine}-${attempt}`, { crossTab: false })
        const context = await browser.newContext()
        try {
          const page = await open(context, kept.url)
          await justAnswered(page)
          const leaving = Date.now()
          await leave(page)
          const left = Date.now()
          await sleep(SHORT_ALLOWANCE + 2 * INTERVAL)
          const sentBefore = kept.keepAlives().length
          await comeBack(page)
          const record = await page.waitFor(
            () =>
              window.lived.filter((entry) => 'status' in entry).at(-1)?.status === 'expired' &&
              window.lived,
            { timeout: 5_000, message: 'the page did not find its session ended' },
          )
          await sleep(2 * INTERVAL)
          const restored = lastShow(record).persisted
          if (!restored && attempt < 2) {
            const during = kept.keepAlives().filter((at) => at >= leaving && at <= left).length
            t.diagnostic(
              `${engine}: Back loaded the page again (${during} keep-alive(s) came while it ` +
                `left, in ${left - leaving} ms); once more`,
            )
            continue
          }
          const { endReason, missed } = statusOf(record)
          figure(
            t,
            engine,
            'cache.long',
            { endReason, cause: missed?.cause ?? null },
            `back/forward cache, away ${(SHORT_ALLOWANCE + 2 * INTERVAL) / 1000} s (server allows ` +
              `${SHORT_ALLOWANCE / 1000} s): expired, ${endReason} (${missed?.cause}, silent ` +
              `${missed?.silentFor} ms)`,
          )
          assert.equal(restored, true, 'the page was not restored from the cache, twice')
          assert.equal(endReason, 'missed')
          assert.ok(['hidden', 'frozen'].includes(missed?.cause), `cause ${missed?.cause}`)
          assert.ok(missed.silentFor >= SHORT_ALLOWANCE, `silent for ${missed.silentFor} ms`)
          // One keep-alive found it ended (410); nothing after.
          assert.equal(kept.keepAlives().length, sentBefore + 1)
          return
        } finally {
          await context.close().catch(() => {})
        }
      }
    })

    test('one tab with endOnPageHide: going into the cache ends the session, and Back shows it ended', async (t) => {
      const kept = session(server, `cache-end-${engine}`, { crossTab: false, endOnPageHide: true })
      const context = await browser.newContext()
      try {
        const page = await open(context, kept.url)
        await justAnswered(page)
        const leftAt = Date.now()
        await leave(page)
        const [endAt] = await until(() => kept.ends().length === 1 && kept.ends(), {
          message: 'no end request on pagehide',
        })
        await comeBack(page)
        await sleep(2 * INTERVAL)
        const record = await lived(page)
        const { status, endReason } = statusOf(record)
        // A keep-alive may go out while the test leaves (one is due every 2 s); none may come after
        // the end, from the cache or from the page restored.
        const lastBefore = kept
          .keepAlives()
          .filter((at) => at <= endAt)
          .at(-1)
        const late = kept.keepAlives().filter((at) => at > endAt)
        figure(
          t,
          engine,
          'cache.end',
          { restored: lastShow(record).persisted, status, endReason },
          `back/forward cache with endOnPageHide: ${kept.ends().length} end request ` +
            `${endAt - lastBefore} ms after the last keep-alive, ${late.length} after it; Back ` +
            `shows ${status} (${endReason})`,
        )
        // What the page and the server saw from an interval before leaving, in ms since then.
        const timeline = [
          ...record.map(({ at, event, persisted, status: shown }) => [
            at,
            event ? `${event}${persisted ? ' (persisted)' : ''}` : shown,
          ]),
          ...kept.keepAlives().map((at) => [at, 'keep-alive received']),
          [endAt, 'end received'],
        ]
          .filter(([at]) => at >= leftAt - INTERVAL)
          .sort(([a], [b]) => a - b)
          .map(([at, what]) => `${at - leftAt} ${what}`)
          .join(', ')
        assert.equal(
          lastShow(record).persisted,
          true,
          `the page was not restored from the cache: ${timeline}`,
        )
        assert.deepEqual([status, endReason], ['expired', 'page-hide'], timeline)
        assert.equal(kept.ends().length, 1)
        assert.deepEqual(
          late.map((at) => at - endAt),
          [],
          'keep-alives after the end (ms after it)',
        )
      } finally {
        await context.close().catch(() => {})
      }
    })

    test('two tabs: the sender goes into the cache, the other tab keeps the session; Back makes no second sender', async (t) => {
      const kept = session(server, `cache-two-${engine}`)
      const context = await browser.newContext()
      try {
        const sender = await open(context, kept.url)
        const other = await open(context, kept.url)
        // Half an interval after a keep-alive: the takeover is timed from mid-interval.
        await justAnswered(sender)
        await sleep(INTERVAL / 2)
        const leftAt = Date.now()
        await leave(sender)
        const { result, text, check } = await takeOverAndComeBack(engine, kept, leftAt, sender, [
          sender,
          other,
        ])
        figure(t, engine, 'cache.two', result, `back/forward cache, sender left: ${text}`)
        await check()
      } finally {
        await context.close().catch(() => {})
      }
    })

    test('three tabs: the next in line for the lock sits in the cache when the sender closes; the third tab takes over', async (t) => {
      const kept = session(server, `cache-three-${engine}`)
      const context = await browser.newContext()
      try {
        const sender = await open(context, kept.url)
        const next = await open(context, kept.url)
        const third = await open(context, kept.url)
        await leave(next)
        await sleep(INTERVAL)
        const closedAt = Date.now()
        await sender.close()
        const { result, text, check } = await takeOverAndComeBack(engine, kept, closedAt, next, [
          next,
          third,
        ])
        figure(
          t,
          engine,
          'cache.three',
          result,
          `back/forward cache, next in line cached, sender closed: ${text}`,
        )
        await check()
      } finally {
        await context.close().catch(() => {})
      }
    })
  })
}
