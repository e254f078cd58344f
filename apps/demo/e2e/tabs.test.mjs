// Several tabs of one browser profile on one session, and a tab left hidden, in each engine: the
// "Two tabs" and "Unattended tab" stories, all pages talking to ONE mock server
// (scripts/mockApiServer.mjs) through the demo's Settings → Real endpoint, so that the server sees
// every tab's requests. Chromium is started by hand (so that pages can be hidden and frozen as in
// a real browser). Who sent a keep-alive is read from each page's own counters.
import assert from 'node:assert/strict'
import { after, afterEach, before, describe } from 'node:test'
import { startMockApiServer } from '../../../scripts/mockApiServer.mjs'
import { ENGINES, launch } from './browsers.mjs'
import {
  connect,
  figure,
  gaps,
  keepAliveStarts,
  openStory,
  requestCount,
  retryingTest,
  screenshot,
  serveDemo,
  skipStep,
  sleep,
  testid,
  until,
} from './harness.mjs'

const INTERVAL = 2_000
const SESSIONS = {
  'tabs-count': 'token-count',
  'tabs-close': 'token-close',
  'tabs-freeze': 'token-freeze',
  'tabs-expire': 'token-expire',
  'tabs-hidden': 'token-hidden',
  'tabs-block': 'token-block',
  'tabs-mixed': 'token-mixed',
  'tabs-busy': 'token-busy',
  'tabs-busy-line': 'token-busy-line',
  'tabs-busy-long': 'token-busy-long',
}
const BADGE = '[data-testid="session-card"] [role="status"]'
// The 1 s ceiling holds between the starts of two keep-alives (the pages' clocks); arrivals at
// the server differ from the starts by the network's jitter, a few ms on loopback.
const JITTER = 20
// Between a keep-alive's start as the engine decides it and as resource timing records it (the
// fetch is called after the step; timestamps are coarsened to 1 ms). The two keep-alives compared
// are each page's: under CI's load the closing page's fetch started 6 ms after its step once (starts
// 994 ms apart, arrivals at the server 1,002 ms apart, on 2026-12-07); engines aim at 1,000 exactly.
const TIMING = 10
// A follower steals the lock of a leader silent for 1.5 intervals less 1.5 s, but never sooner
// than the interval and 250 ms (its last call, 250 ms, comes first), and sends 1.25 s after the
// steal: at 2 s the steal comes 2.5 s after the leader's last keep-alive, the first 3.75 s after.
const STEAL_AT = Math.max(1.5 * INTERVAL - 1_500, INTERVAL + 250) + 250
const TAKEOVER = STEAL_AT + 1_250
// The steal and the send take a few tens of ms past that (as after a freeze).
const STEAL_SETTLE = 200
// How long a leader's long task runs: takeover, steal and first keep-alive all happen within it.
const BLOCK = 6 * INTERVAL
// A takeover from the last news heard, then the timers of a hidden page, each up to a
// second late (Chrome: on the next whole second; Firefox: 1 s after they were set, at the least):
// the deadline, the last call's end, the steal's settle and the first keep-alive; and a fifth when
// a step comes a second late or more (a busy machine's Firefox), which calls again, once.
const HIDDEN_TAKEOVER = TAKEOVER + STEAL_SETTLE + 5 * 1_000
/**
 * The long-task test's pages run with no service worker (the demo's `?mock=off`). A page that the
 * mock's worker controls sends its real fetches through it too, and Firefox may run that worker in
 * the leader's process: there the follower took over on time, but its keep-alives hung until the
 * leader's task ended (4 fetches held 1 to 8 s, measured; CI run of d661530: nobody took over during
 * the task, and two keep-alives reached the server 316 ms apart as it ended). That is a page's
 * service worker, not the package: see the package README's Compatibility.
 */
const NO_SERVICE_WORKER = '?mock=off'
// The mixed-interval tests' pause: from just after the follower came, past its takeover (its
// first keep-alive, TAKEOVER after it came) and the leader's own next keep-alive (two of the
// follower's intervals at the most).
const MIXED_PAUSE = 3 * INTERVAL
// The busy page's tasks, back to back: a timer waits for the task it fell in, and the lock
// manager's answer to the question asked then for the next one (WebKit: the next two).
const TASK = 600
// The busy leader beside a tab in line: tasks of 300 ms, two always waiting, so that its lock
// manager's answers come 0.6 to 0.9 s late in Chromium too (a task or two, and the one running).
const QUEUED_TASK = 300
// A page whose lock manager's answers come past STEAL_WAIT (1.25 s) but within ALONE_WAIT (2.75 s)
// of the question: one task late, two in WebKit.
const LONG_TASK = { chromium: 1_300, firefox: 1_300, webkit: 700 }
/**
 * Whether a leader tab closed right after a keep-alive frees its Web Lock at once, so that the next
 * tab sends at the 1 s ceiling. WebKit: not in 5 of 6 closes measured (a mid-interval close frees
 * it in ~100 ms; a bare page's lock is freed in ~50 ms however it releases it): the next tab then
 * takes over by stealing (TAKEOVER). Set it to true once WebKit takes over at the ceiling.
 */
const CLOSED_LEADER_FREES_LOCK_AT_ONCE = { chromium: true, firefox: true, webkit: false }

let demo

before(async () => {
  demo = await serveDemo()
})
after(async () => {
  await demo?.close()
})

const role = (page) => page.attr(testid('tab-role'), 'data-role')
const badgeState = (page) => page.attr(BADGE, 'data-state')
/** Keep-alives this page sent itself (the story counts its own `fetch` calls). */
const ownCount = async (page) => Number(await page.text(testid('own-keep-alives')))

for (const engine of ENGINES) {
  describe(engine, () => {
    let browser
    let context
    let server

    async function start() {
      // A server per engine: each engine's run starts with fresh sessions.
      server = await startMockApiServer({ sessions: SESSIONS, idleTimeout: 30_000 })
      browser = await launch(engine, { throttled: true })
      context = await browser.defaultContext()
    }
    before(start)
    // A browser lost mid-test (a WebKit page crash): a new browser and a new server (no request
    // of the lost attempt is counted), and the test runs again, once.
    async function restart() {
      opened.clear()
      await browser?.close().catch(() => {})
      await server?.close()
      await start()
    }
    const test = retryingTest(restart)
    // A page left open by a failed test would keep pinging (and take the next test's queued answer).
    const opened = new Set()
    afterEach(async () => {
      for (const page of opened) {
        await page.cover?.close().catch(() => {})
        if (!page.closed) await page.close().catch(() => {})
      }
      opened.clear()
    })
    after(async () => {
      await browser?.close()
      await server?.close()
    })

    /** What the mock server received for a session (`endpoint`: keep-alive, end, or any). */
    const received = (sessionId, endpoint = 'keep-alive') =>
      server.api.requests.filter(
        (entry) =>
          entry.sessionId === sessionId && (endpoint === 'any' || entry.endpoint === endpoint),
      )
    const arrivals = (sessionId, from = -Infinity, to = Infinity) =>
      received(sessionId)
        .map((entry) => entry.at)
        .filter((at) => at >= from && at < to)

    async function newPage() {
      const page = await context.newPage()
      opened.add(page)
      return page
    }

    /** A new tab on the "Two tabs" story, connected to the mock server; it leads. */
    async function openLeader(sessionId, args = '', search = '') {
      server.api.addSession(sessionId, SESSIONS[sessionId])
      const page = await newPage()
      await openStory(page, demo.url, 'scenario-two-tabs', `interval=${INTERVAL}${args}`, search)
      await connect(page, server, sessionId, SESSIONS[sessionId])
      await page.waitForSelector('[data-testid="tab-role"][data-role="sends"]')
      return { page }
    }

    /**
     * A second tab on the story. Chromium and Firefox: the story's own button, a window handed
     * the endpoint and token by `postMessage`. WebKit: a window opened by the driver and connected
     * in its own Settings (its driver stalls once a window the page opened is closed).
     */
    async function openFollower(t, leader, sessionId) {
      let page
      if (browser.can.closePopups) {
        page = await context.waitForPopup(() => leader.click(testid('open-second-tab')))
        opened.add(page)
        await page.waitForSelector('[data-testid="mode-indicator"][data-mode="real"]', {
          timeout: 30_000,
        })
      } else {
        skipStep(
          t,
          engine,
          "the story's own button for the second tab",
          `${browser.can.closePopupsReason}; the driver opens it and it connects in its Settings`,
        )
        page = await newPage()
        await openStory(page, demo.url, 'scenario-two-tabs', `interval=${INTERVAL}`)
        await connect(page, server, sessionId, SESSIONS[sessionId])
      }
      await page.waitForSelector('[data-testid="tab-role"][data-role="follows"]')
      return { page }
    }

    /**
     * Runs `task` ms tasks back to back in `page` for `run` ms, `waiting` of them always queued;
     * resolves to when they began (the page's clock).
     */
    const busy = (page, task, run, waiting) =>
      page.evaluate(
        (task, run, waiting) => {
          const from = Date.now()
          const chunk = () => {
            const start = Date.now()
            while (Date.now() < start + task);
            if (Date.now() < from + run) setTimeout(chunk)
          }
          for (let i = 0; i < waiting; i++) setTimeout(chunk)
          return from
        },
        task,
        run,
        waiting,
      )

    /**
     * A tab alone on the "Two tabs" story whose page runs `task` ms tasks back to back for 8
     * intervals: its figure (the largest gap from the tasks' start to their end), and the checks
     * every such page keeps (no two keep-alives under 1 s apart; it still sends).
     */
    async function aloneOnBusyPage(t, sessionId, task, name) {
      const a = await openLeader(sessionId, '', NO_SERVICE_WORKER)
      await sleep(INTERVAL)
      const run = 8 * INTERVAL
      const from = await busy(a.page, task, run, 1)
      await sleep(run + INTERVAL)
      // From the tasks' start to their end: no stretch without a keep-alive longer than that.
      const seen = [from, ...arrivals(sessionId, from, from + run), from + run]
      const largest = Math.max(...gaps(seen))
      figure(
        t,
        engine,
        name,
        largest,
        `a tab alone, ${task} ms tasks back to back for ${run} ms: ${seen.length - 2} ` +
          `keep-alives; from the start, gaps ${gaps(seen).join(', ')} ms to the end`,
      )
      const sent = seen.slice(1, -1)
      assert.ok(Math.min(...gaps(sent)) >= 1_000 - JITTER, 'two keep-alives under 1 s apart')
      assert.equal(await role(a.page), 'sends')
      await a.page.close()
      return { largest, sent }
    }

    describe('two tabs of one browser profile, one session', () => {
      test('one keep-alive per interval with two pages, not two; both show alive', async (t) => {
        const a = await openLeader('tabs-count')
        await sleep(1_000)
        let from = Date.now()
        await sleep(20_000)
        const onePage = arrivals('tabs-count', from, from + 20_000)

        const b = await openFollower(t, a.page, 'tabs-count')
        await sleep(1_000)
        const ownBefore = [await ownCount(a.page), await ownCount(b.page)]
        from = Date.now()
        await sleep(20_000)
        const twoPages = arrivals('tabs-count', from, from + 20_000)
        const sentBy = [
          (await ownCount(a.page)) - ownBefore[0],
          (await ownCount(b.page)) - ownBefore[1],
        ]
        figure(
          t,
          engine,
          'page.keepAlives20s',
          { count: onePage.length, largestGapMs: Math.max(...gaps(onePage)) },
          `one page, interval 2 s: ${onePage.length} keep-alives at the mock in 20 s, largest gap ` +
            `${Math.max(...gaps(onePage))} ms`,
        )
        figure(
          t,
          engine,
          'tabs.keepAlives20s',
          { count: twoPages.length, sentByLeader: sentBy[0], sentByFollower: sentBy[1] },
          `two pages: ${twoPages.length} keep-alives at the mock in 20 s (sent by the first page ` +
            `${sentBy[0]}, by the second ${sentBy[1]}); gaps ${gaps(twoPages).join(', ')} ms`,
        )
        assert.ok(
          onePage.length >= 9 && onePage.length <= 11,
          `one page: ${onePage.length} keep-alives in 20 s`,
        )
        assert.ok(
          twoPages.length >= 9 && twoPages.length <= 11,
          `two pages: ${twoPages.length} keep-alives in 20 s (one per interval is 10–11)`,
        )
        assert.equal(await ownCount(b.page), 0, 'the follower sent nothing')
        assert.equal(
          await requestCount(b.page),
          0,
          "the follower's Requests panel shows nothing sent",
        )
        for (const { page } of [a, b]) {
          assert.equal(await badgeState(page), 'alive')
          assert.match(await page.text(BADGE), /^Live/)
          assert.equal(await page.text(testid('hook-status')), 'alive')
        }
        assert.equal(await role(a.page), 'sends')
        assert.equal(await role(b.page), 'follows')
        for (const [{ page }, name] of [
          [a, 'two-tabs-leader'],
          [b, 'two-tabs-follower'],
        ]) {
          await page.setViewport(1280, 900)
          await page.click(testid('toggle-panel'))
          await screenshot(page, name)
        }

        // The control: with crossTab: false each page pings on its own, twice the requests. (If
        // this did not double, the count above would prove nothing.)
        for (const { page } of [a, b]) {
          await page.evaluate(() => {
            window.location.hash =
              window.location.hash.replace(/\?.*$/, '') + '?interval=2000&crossTab=false'
          })
        }
        // The second page starts its own schedule as the args change: counted from half an
        // interval off its keep-alives, so that a few ms of jitter cannot move one out of the
        // window (a count from a whole interval after the change got 8 of 10 in CI's Firefox).
        await sleep(2_000 + INTERVAL / 2)
        from = Date.now()
        await sleep(10_000)
        const optedOut = arrivals('tabs-count', from, from + 10_000).length
        t.diagnostic(`${engine}: crossTab: false, two pages: ${optedOut} keep-alives in 10 s`)
        assert.ok(
          optedOut >= 9,
          `crossTab: false should double the requests, got ${optedOut} in 10 s`,
        )
        assert.deepEqual([...(await a.page.errors()), ...(await b.page.errors())], [])
        await b.page.close()
        await a.page.close()
      })

      test('the leader page closes: the other pings within 1 s of the close', async (t) => {
        const a = await openLeader('tabs-close')
        const b = await openFollower(t, a.page, 'tabs-close')
        await sleep(3 * INTERVAL)
        // Mid-interval: 1 s after the leader's last keep-alive.
        const last = await until(() => {
          const at = arrivals('tabs-close').at(-1)
          return at !== undefined && Date.now() - at < 100 ? at : null
        })
        await sleep(last + 1_000 - Date.now())
        const ownBefore = await ownCount(b.page)
        const closedAt = Date.now()
        await a.page.close()
        const first = await until(() => arrivals('tabs-close', closedAt)[0], {
          timeout: 3 * INTERVAL,
          message: 'no keep-alive after the leader closed',
        })
        const delay = first - closedAt
        figure(
          t,
          engine,
          'tabs.senderClosedMs',
          delay,
          `leader closed mid-interval → first keep-alive of the other page after ${delay} ms`,
        )
        await until(async () => (await ownCount(b.page)) > ownBefore, {
          message: 'the other page sent nothing',
        })
        assert.equal(
          await ownCount(b.page),
          ownBefore + 1,
          'the keep-alive came from the other page',
        )
        assert.ok(delay <= 1_000, `takeover after close took ${delay} ms`)
        await b.page.waitForSelector('[data-testid="tab-role"][data-role="sends"]')
        assert.equal(await badgeState(b.page), 'alive')

        // A close right after a keep-alive: the new leader waits out the 1 s ceiling, no more. The
        // ceiling is checked between the two keep-alives' starts (each page's resource timing), not
        // their arrivals: the closing page's request spends ~40 ms in transit in Firefox even when
        // idle, more under load (956 ms between arrivals in one CI run, with starts 1 s apart), and
        // in WebKit the new leader's first request waits for a CORS preflight of its own (~100 ms).
        const c = await openFollower(t, b.page, 'tabs-close')
        await sleep(2 * INTERVAL)
        const justSent = await until(() => {
          const at = arrivals('tabs-close').at(-1)
          return at !== undefined && Date.now() - at < 50 ? at : null
        })
        // The page lists a request once its answer is in: wait for this one, not the one before.
        const previous = await until(
          async () => {
            const at = (await keepAliveStarts(b.page, server.url)).at(-1)
            return at !== undefined && at >= justSent - 500 ? at : null
          },
          { timeout: 1_000, message: "the leader's page did not list its keep-alive" },
        )
        const closedAgainAt = Date.now()
        await b.page.close()
        const next = await until(async () => (await keepAliveStarts(c.page, server.url))[0], {
          timeout: 3 * INTERVAL,
          message: 'the third page sent nothing',
        })
        const arrived = await until(() => arrivals('tabs-close', closedAgainAt)[0])
        t.diagnostic(
          `${engine}: leader closed ${closedAgainAt - justSent} ms after its keep-alive arrived → ` +
            `the next started ${next - closedAgainAt} ms after the close and ${next - previous} ms ` +
            `after the previous one started; arrivals ${arrived - justSent} ms apart`,
        )
        assert.ok(
          next - previous >= 1_000 - TIMING,
          `never closer than 1 s to the previous keep-alive (starts ${next - previous} ms apart)`,
        )
        figure(
          t,
          engine,
          'tabs.closedAfterKeepAliveMs',
          next - closedAgainAt,
          `leader closed ${closedAgainAt - justSent} ms after its keep-alive → the next one ` +
            `started ${next - closedAgainAt} ms after the close`,
        )
        if (CLOSED_LEADER_FREES_LOCK_AT_ONCE[engine]) {
          // Closed just after a keep-alive, the wait is the ceiling itself, 1 s from the previous
          // start (or the close, if later): timers may fire late on a busy machine.
          assert.ok(
            next - Math.max(previous + 1_000, closedAgainAt) <= 150,
            `takeover took ${next - closedAgainAt} ms after the close, ${next - previous} ms ` +
              'after the previous keep-alive started',
          )
        } else {
          t.diagnostic(
            `${engine}: a leader closed within 1 s of its keep-alive does not free its Web Lock at ` +
              'once here (a mid-interval close does), so the next tab takes over by stealing it ' +
              'after a silence (3.75 s at 2 s): that is what is checked',
          )
          assert.ok(
            arrived - justSent <= TAKEOVER + STEAL_SETTLE,
            `takeover took ${arrived - justSent} ms after the last keep-alive`,
          )
        }
        assert.equal(await ownCount(c.page), 1)
        await c.page.close()
      })

      test('the leader lets go (enabled: false): the other pings within 1 s', async (t) => {
        const a = await openLeader('tabs-close')
        const b = await openFollower(t, a.page, 'tabs-close')
        await sleep(2 * INTERVAL)
        await sleep(arrivals('tabs-close').at(-1) + INTERVAL / 2 - Date.now())
        const letGoAt = Date.now()
        await a.page.click(testid('toggle-enabled'))
        const sentByA = await ownCount(a.page)
        const first = await until(() => arrivals('tabs-close', letGoAt)[0], {
          timeout: 3 * INTERVAL,
          message: 'no keep-alive after the leader let go',
        })
        t.diagnostic(
          `${engine}: leader set enabled: false → first keep-alive of the other after ` +
            `${first - letGoAt} ms`,
        )
        assert.ok(first - letGoAt <= 1_000, `takeover took ${first - letGoAt} ms`)
        await until(async () => (await ownCount(b.page)) > 0, {
          message: 'the other page sent nothing',
        })
        assert.equal(await role(a.page), 'off')
        await b.page.waitForSelector('[data-testid="tab-role"][data-role="sends"]')
        await sleep(2 * INTERVAL)
        assert.equal(await ownCount(a.page), sentByA, 'the tab that let go sends nothing')
        assert.equal(await badgeState(b.page), 'alive')
      })

      test('a frozen leader: a follower takes over (TAKEOVER: 3.75 s at 2 s); thawed, it sends nothing', async (t) => {
        if (!browser.can.freeze) {
          t.skip(`${engine}: ${browser.can.freezeReason}`)
          return
        }
        const a = await openLeader('tabs-freeze')
        const b = await openFollower(t, a.page, 'tabs-freeze')
        const watchFrom = Date.now()
        await sleep(3 * INTERVAL + 500)
        await a.page.freeze()
        const frozenAt = Date.now()
        await sleep(4 * INTERVAL)
        const leaderLast = arrivals('tabs-freeze', -Infinity, frozenAt).at(-1)
        const followerFirst = arrivals('tabs-freeze', frozenAt)[0]
        assert.ok(followerFirst !== undefined, 'nobody took over')
        assert.ok((await ownCount(b.page)) >= 1, 'the follower sends')
        await a.page.resume()
        const thawedAt = Date.now()
        const sentByA = await ownCount(a.page)
        await sleep(4 * INTERVAL)
        const seen = arrivals('tabs-freeze', watchFrom)
        const takeover = followerFirst - leaderLast
        const largestGap = Math.max(...gaps(seen))
        const afterThaw = arrivals('tabs-freeze', thawedAt - INTERVAL)
        const smallestAfterThaw = Math.min(...gaps(afterThaw))
        const sentAfterThaw = (await ownCount(a.page)) - sentByA
        t.diagnostic(
          `${engine}: freeze: leader's last keep-alive → follower's first: ${takeover} ms`,
        )
        t.diagnostic(
          `${engine}: largest gap at the mock: ${largestGap} ms (gaps ${gaps(seen).join(', ')})`,
        )
        t.diagnostic(
          `${engine}: after the thaw: ${sentAfterThaw} keep-alives from the old leader; smallest ` +
            `gap ${smallestAfterThaw} ms`,
        )
        // The silence a follower waits for, counted from the last news it heard (the leader's
        // answer), then the steal and the send: a few tens of ms past TAKEOVER.
        assert.ok(takeover <= TAKEOVER + STEAL_SETTLE, `takeover after freeze took ${takeover} ms`)
        assert.ok(largestGap < 2 * INTERVAL, `largest gap ${largestGap} ms`)
        assert.equal(sentAfterThaw, 0, 'the thawed leader sent nothing')
        assert.ok(
          smallestAfterThaw >= 1_000 - JITTER,
          `two keep-alives ${smallestAfterThaw} ms apart`,
        )
        await until(async () => (await role(a.page)) === 'follows', { timeout: INTERVAL })
        assert.equal(await role(b.page), 'sends')
        await b.page.close()
        await a.page.close()
      })

      // What no engine's driver can do (only Chromium freezes a page), a long task does in all
      // three: the leader holds the lock and runs nothing. The follower is a tab of its own (a
      // popup would share the leader's main thread), and hidden: its timers run on whole seconds.
      test('a leader in a long task: a hidden follower takes over; after it, the leader sends nothing', async (t) => {
        const a = await openLeader('tabs-block', '', NO_SERVICE_WORKER)
        const b = { page: await newPage() }
        await openStory(
          b.page,
          demo.url,
          'scenario-two-tabs',
          `interval=${INTERVAL}`,
          NO_SERVICE_WORKER,
        )
        await connect(b.page, server, 'tabs-block', SESSIONS['tabs-block'])
        await b.page.waitForSelector('[data-testid="tab-role"][data-role="follows"]')
        // Chromium and Firefox: a new tab on top (the leader is then hidden too); WebKit: the
        // follower's window minimized.
        await b.page.hide()
        assert.equal(await b.page.visibility(), 'hidden')
        await sleep(2 * INTERVAL)
        const blockedAt = await a.page.evaluate(
          (ms, counter) => {
            setTimeout(() => {
              const from = Date.now()
              // What the leader had sent when its task began, read in the page (a driver's read
              // could miss one sent just before).
              const sent = Number(document.querySelector(counter).textContent)
              while (Date.now() < from + ms);
              window.__blocked = [from, Date.now(), sent]
            })
            return Date.now()
          },
          BLOCK,
          testid('own-keep-alives'),
        )
        // The control: the follower's page runs meanwhile (it answers at once).
        await sleep(INTERVAL)
        const askedAt = Date.now()
        await b.page.evaluate(() => 0)
        const answeredIn = Date.now() - askedAt
        await sleep(BLOCK - INTERVAL + 1_000)
        const [blockFrom, blockTo, sentByA] = await a.page.evaluate(() => window.__blocked)
        const leaderLast = arrivals('tabs-block', -Infinity, blockFrom).at(-1)
        const followerFirst = arrivals('tabs-block', blockFrom)[0]
        await sleep(3 * INTERVAL)
        const seen = arrivals('tabs-block', leaderLast)
        const afterBlock = arrivals('tabs-block', blockTo - INTERVAL)
        const sentSince = (await ownCount(a.page)) - sentByA
        const takeover = followerFirst - leaderLast
        figure(
          t,
          engine,
          'tabs.blockedLeaderTakeoverMs',
          takeover,
          `a leader in a ${blockTo - blockFrom} ms task (from ${blockFrom - blockedAt} ms after ` +
            `asked): its last keep-alive → the hidden follower's first ${takeover} ms; the ` +
            `follower's page answered in ${answeredIn} ms meanwhile; gaps ${gaps(seen).join(', ')} ms`,
        )
        assert.ok(blockTo - blockFrom >= BLOCK, 'the leader was not blocked')
        assert.ok(answeredIn < 1_000, `the follower's page was blocked too (${answeredIn} ms)`)
        assert.ok(leaderLast !== undefined, 'the leader sent nothing before the task')
        assert.ok(followerFirst !== undefined && followerFirst < blockTo, 'nobody took over')
        assert.ok(takeover <= HIDDEN_TAKEOVER, `takeover took ${takeover} ms`)
        assert.ok(
          Math.max(...gaps(seen)) <= HIDDEN_TAKEOVER,
          `largest gap ${Math.max(...gaps(seen))} ms`,
        )
        assert.equal(sentSince, 0, 'the leader sent during or after its task')
        assert.ok(
          Math.min(...gaps(afterBlock)) >= 1_000 - JITTER,
          `two keep-alives ${Math.min(...gaps(afterBlock))} ms apart`,
        )
        await until(async () => (await role(a.page)) === 'follows', { timeout: INTERVAL })
        assert.equal(await role(b.page), 'sends')
        assert.equal(await badgeState(a.page), 'alive')
        await b.page.close()
        await a.page.close()
      })

      // A tab on a shorter interval takes over from a leader on a longer one before that leader's
      // schedule is late (the package README: "once"). Here the leader runs nothing (a long task,
      // or frozen where the driver can) through the steal and past its own next keep-alive: when it
      // runs again, its overdue timer and the news that it lost the lock both wait, in whatever
      // order the engine runs them. It must not send.
      for (const pause of ['a long task', 'frozen']) {
        test(`a leader on a longer interval, ${pause}: a tab on a shorter one takes over; after it, the leader sends nothing`, async (t) => {
          if (pause === 'frozen' && !browser.can.freeze) {
            t.skip(`${engine}: ${browser.can.freezeReason}`)
            return
          }
          const session = `tabs-mixed-${pause === 'frozen' ? 'freeze' : 'block'}`
          server.api.addSession(session, SESSIONS['tabs-mixed'])
          const open = async (interval, as) => {
            const page = await newPage()
            await openStory(
              page,
              demo.url,
              'scenario-two-tabs',
              `interval=${interval}`,
              NO_SERVICE_WORKER,
            )
            await connect(page, server, session, SESSIONS['tabs-mixed'])
            await page.waitForSelector(`[data-testid="tab-role"][data-role="${as}"]`)
            return page
          }
          const a = await open(2 * INTERVAL, 'sends')
          const b = await open(INTERVAL, 'follows')
          // The leader's lock manager lists the other tab's request in line: a leader trusts an
          // answer that finds nobody in line for 1.25 s, one that finds a tab there for 250 ms.
          await a.waitFor(
            () => document.querySelector('[data-testid="lock-waiting"]')?.textContent === '1',
          )
          const cameAt = Date.now()
          // The follower steals STEAL_AT after it came and sends TAKEOVER after; the pause covers
          // that and the leader's own next keep-alive (2 of the follower's intervals at the most).
          let pausedFrom
          let pausedTo
          let sentByA
          if (pause === 'frozen') {
            sentByA = await ownCount(a)
            await a.freeze()
            pausedFrom = Date.now()
            await sleep(MIXED_PAUSE)
            await a.resume()
            pausedTo = Date.now()
          } else {
            await a.evaluate(
              (ms, counter) => {
                setTimeout(() => {
                  const from = Date.now()
                  const sent = Number(document.querySelector(counter).textContent)
                  while (Date.now() < from + ms);
                  window.__blocked = [from, Date.now(), sent]
                })
              },
              MIXED_PAUSE,
              testid('own-keep-alives'),
            )
            await sleep(MIXED_PAUSE + 500)
            ;[pausedFrom, pausedTo, sentByA] = await a.evaluate(() => window.__blocked)
          }
          await sleep(3 * INTERVAL)
          const sentSince = (await ownCount(a)) - sentByA
          const around = arrivals(session, pausedTo - 2 * INTERVAL)
          const followerFirst = arrivals(session, pausedFrom)[0]
          figure(
            t,
            engine,
            `tabs.mixedIntervals.${pause === 'frozen' ? 'frozen' : 'longTask'}.leaderSent`,
            sentSince,
            `a leader on a 4 s interval, ${pause} for ${pausedTo - pausedFrom} ms (from ` +
              `${pausedFrom - cameAt} ms after a follower on 2 s came): the follower's first ` +
              `keep-alive ${followerFirst - pausedFrom} ms into it; the leader sent ${sentSince} ` +
              `during or after it; gaps around its end ${gaps(around).join(', ')} ms`,
          )
          assert.ok(pausedFrom - cameAt < STEAL_AT, 'the pause began after the steal')
          assert.ok(followerFirst !== undefined && followerFirst < pausedTo, 'nobody took over')
          assert.equal(sentSince, 0, 'the leader sent during or after its pause')
          assert.ok(
            Math.min(...gaps(around)) >= 1_000 - JITTER,
            `two keep-alives ${Math.min(...gaps(around))} ms apart`,
          )
          await until(async () => (await role(a)) === 'follows', { timeout: INTERVAL })
          assert.equal(await role(b), 'sends')
          await b.close()
          await a.close()
        })
      }

      // A leader alone on a page whose main thread runs long tasks back to back: the lock
      // manager's answer comes after the next task (WebKit: two), read late every time. Asked
      // again each time, it sent only when an answer happened to land between two tasks: on the
      // code of c1987eb, over these 16 s, Firefox sent nothing at all, and the longest silences
      // were 11.5 s in WebKit and 5.5 s in Chromium (2.5 s with crossTab: false). An answer that
      // finds nobody in line now holds for 1.25 s: 3.1-3.7 s (Chromium 3.6 s in every run, Firefox
      // 3.1 s, WebKit 3.1-3.7 s).
      test(`a tab alone on a busy page (${TASK} ms tasks back to back) keeps its interval`, async (t) => {
        const { largest } = await aloneOnBusyPage(t, 'tabs-busy', TASK, 'tabs.busyPageLargestGapMs')
        // The timer waits out the task it falls in, the answer the next one or two, and the
        // send (through TanStack Query's scheduler) one more.
        assert.ok(largest <= INTERVAL + 4 * TASK + 200, `largest gap ${largest} ms`)
      })

      // A tab alone on a page whose every lock answer comes more than 1.25 s after its question
      // (STEAL_WAIT): a tab that stole meanwhile could send first, so it asked again, forever,
      // and sent nothing (found in Chromium, two busy windows sharing one main thread: 0
      // keep-alives in 16 s). An answer that found nobody in line now holds for 2.75 s
      // (ALONE_WAIT): a tab that comes after it must wait an interval, its last call and
      // STEAL_WAIT before it sends.
      test(`a tab alone on a page whose tasks run ${LONG_TASK[engine]} ms still sends`, async (t) => {
        const task = LONG_TASK[engine]
        const { largest, sent } = await aloneOnBusyPage(
          t,
          'tabs-busy-long',
          task,
          'tabs.busyLongTaskLargestGapMs',
        )
        // The due keep-alive's timer waits out the task it falls in; one answer may come too late
        // (an answer comes one to three tasks late) and is asked again; the next is read in time.
        // (Asked again each time: 9.1 s in Chromium, 7.0 s in WebKit, measured; Firefox's answers
        // landed between two tasks often enough, 5.2 s.)
        assert.ok(largest <= INTERVAL + 2_750 + 2 * task, `largest gap ${largest} ms`)
        assert.ok(sent.length >= 3, `${sent.length} keep-alives`)
      })

      // A busy leader with a tab in line for the lock, frozen: a tab in line might have stolen
      // the lock while an answer was on its way, so an answer read 250 ms or more after its
      // question was asked again, each time; the tab in line, frozen, never took over, and no tab
      // sent at all: on the engine of 3227aa0, 0 keep-alives in these 16 s (Chromium). An
      // answer now holds for 1.25 s, as long as a tab that steals waits before its first
      // keep-alive: a keep-alive every 2.7 s (measured, Chromium).
      test(`a busy leader (${QUEUED_TASK} ms tasks, two always waiting) beside a frozen tab in line keeps its interval`, async (t) => {
        if (!browser.can.freeze) {
          t.skip(`${engine}: ${browser.can.freezeReason}`)
          return
        }
        const a = await openLeader('tabs-busy-line', '', NO_SERVICE_WORKER)
        const b = await openFollower(t, a.page, 'tabs-busy-line')
        await a.page.waitFor(
          () => document.querySelector('[data-testid="lock-waiting"]')?.textContent === '1',
        )
        await b.page.freeze()
        const run = 8 * INTERVAL
        // Two tasks always waiting: what the page is told (a lock manager's answer) waits for one
        // at the least.
        const from = await busy(a.page, QUEUED_TASK, run, 2)
        await sleep(run + INTERVAL)
        const seen = [from, ...arrivals('tabs-busy-line', from, from + run), from + run]
        const largest = Math.max(...gaps(seen))
        figure(
          t,
          engine,
          'tabs.busyLeaderFrozenLineLargestGapMs',
          largest,
          `a leader with a frozen tab in line, ${QUEUED_TASK} ms tasks (two waiting) for ${run} ms: ` +
            `${seen.length - 2} keep-alives; from the start, gaps ${gaps(seen).join(', ')} ms`,
        )
        // The timer, the answer and the send each wait for the task running and the two waiting.
        assert.ok(largest <= INTERVAL + 9 * QUEUED_TASK + 200, `largest gap ${largest} ms`)
        const sent = seen.slice(1, -1)
        assert.ok(Math.min(...gaps(sent)) >= 1_000 - JITTER, 'two keep-alives under 1 s apart')
        await b.page.resume()
        assert.equal(await role(a.page), 'sends')
        await b.page.close()
        await a.page.close()
      })

      test('a 410: both pages expired within one interval, then no request at all', async (t) => {
        const a = await openLeader('tabs-expire')
        const b = await openFollower(t, a.page, 'tabs-expire')
        await sleep(2 * INTERVAL)
        // When each page's badge turns expired, timed in the page (a driver's polling is slower).
        for (const { page } of [a, b]) {
          await page.evaluate((selector) => {
            const badge = document.querySelector(selector)
            new MutationObserver(() => {
              if (badge.dataset.state === 'expired') window.__expiredAt ??= Date.now()
            }).observe(badge, { attributes: true })
          }, BADGE)
        }
        // Mid-interval, so that the next keep-alive is due in half an interval.
        await until(() => Date.now() - arrivals('tabs-expire').at(-1) < 100, { step: 10 })
        await sleep(arrivals('tabs-expire').at(-1) + INTERVAL / 2 - Date.now())
        server.api.queue(410)
        const queuedAt = Date.now()
        const expiredAfter = []
        for (const { page } of [a, b]) {
          await page.waitForSelector(`${BADGE}[data-state="expired"]`, { timeout: 3 * INTERVAL })
          expiredAfter.push((await page.evaluate(() => window.__expiredAt)) - queuedAt)
        }
        const gone = received('tabs-expire').find((entry) => entry.status === 410)
        assert.ok(gone, 'the queued 410 went to this session')
        const count = received('tabs-expire', 'any').length
        await sleep(5 * INTERVAL)
        const after = received('tabs-expire', 'any').length - count
        figure(
          t,
          engine,
          'tabs.expired',
          { leaderMs: expiredAfter[0], followerMs: expiredAfter[1], requestsAfter: after },
          `410 queued → expired in the leader after ${expiredAfter[0]} ms, in the follower after ` +
            `${expiredAfter[1]} ms (the 410 came ${gone.at - queuedAt} ms after queueing); ` +
            `${after} requests after it`,
        )
        for (const ms of expiredAfter) {
          assert.ok(ms <= INTERVAL, `expired ${ms} ms after the 410 was queued`)
        }
        assert.equal(after, 0, 'no request after the 410')
        for (const { page } of [a, b]) {
          assert.equal(await page.text(testid('hook-status')), 'expired')
          assert.equal(await page.attr(BADGE, 'title'), 'Ended by the server')
          assert.match(
            await page.text(testid('event-list')),
            /onExpired: the session ended \(server\)/,
          )
        }
        assert.equal(await ownCount(b.page), 0, 'the follower never sent; it heard from the leader')
        assert.equal(await requestCount(b.page), 0, "nothing in the follower's Requests panel")
        await b.page.close()
        await a.page.close()
      })
    })

    describe('with the in-browser mock (one mock per page, linked by the story)', () => {
      test('a follower of 30 s takes over, and its own mock answers 200, not 410', async (t) => {
        const page = await newPage()
        await openStory(page, demo.url, 'scenario-two-tabs', `interval=${INTERVAL}`)
        await page.waitForSelector('[data-testid="tab-role"][data-role="sends"]')
        let other
        if (browser.can.closePopups) {
          other = await context.waitForPopup(() => page.click(testid('open-second-tab')))
        } else {
          skipStep(
            t,
            engine,
            "the story's own button for the second tab",
            `${browser.can.closePopupsReason}; the driver opens the same story`,
          )
          other = await context.newPage()
          await other.goto(`${demo.url}/#/story/scenario-two-tabs?interval=${INTERVAL}`)
        }
        opened.add(other)
        await other.waitFor(() => window.__demoReady === true, { timeout: 30_000 })
        await other.waitForSelector('[data-testid="tab-role"][data-role="follows"]')
        // Longer than the mock's 30 s idle timeout: the follower's own mock heard no keep-alive.
        await sleep(32_000)
        assert.equal(await other.text(testid('request-count')), '0')
        const closedAt = Date.now()
        await page.close()
        await other.waitForSelector(
          '[data-testid="tab-role"][data-role="sends"], [data-testid="tab-role"][data-role="ended"]',
        )
        assert.equal(
          await role(other),
          'sends',
          'the new leader was refused: its mock had timed out',
        )
        t.diagnostic(
          `${engine}: in-browser mock: takeover ${Date.now() - closedAt} ms after the close (as seen)`,
        )
        await sleep(2 * INTERVAL)
        assert.equal(await other.text(testid('hook-status')), 'alive')
        assert.equal(await other.count('[data-testid="request-row"][data-status="410"]'), 0)
        assert.ok(
          (await other.count('[data-testid="request-row"][data-status="200"]')) >= 2,
          "the new leader's own mock answers its keep-alives",
        )
      })
    })

    describe('an unattended tab', () => {
      test('hiddenTimeout 20 s: the end request 20 s after hiding; back, the badge says why', async (t) => {
        server.api.addSession('tabs-hidden', SESSIONS['tabs-hidden'])
        const page = await newPage()
        await openStory(
          page,
          demo.url,
          'scenario-unattended-tab',
          `hiddenTimeout=20000&idleTimeout=0&interval=${INTERVAL}`,
        )
        await connect(page, server, 'tabs-hidden', SESSIONS['tabs-hidden'])
        await page.waitForSelector(`${BADGE}[data-state="alive"]`)
        // On a real endpoint the story's timeouts are off until the user turns them on.
        await page.click(testid('end-real-session'))
        await page.evaluate(() => {
          document.addEventListener('visibilitychange', () => {
            if (document.visibilityState === 'hidden') window.__hiddenAt ??= Date.now()
          })
        })
        // Chromium and Firefox: a new tab on top; WebKit: the window minimized.
        await page.hide()
        assert.equal(await page.visibility(), 'hidden')
        const end = await until(() => received('tabs-hidden', 'end')[0], {
          timeout: 30_000,
          step: 50,
          message: 'no /end request within 30 s of hiding',
        })
        const hiddenAt = await page.evaluate(() => window.__hiddenAt)
        const took = end.at - hiddenAt
        const keepAlivesWhileHidden = arrivals('tabs-hidden', hiddenAt, end.at).length
        figure(
          t,
          engine,
          'hiddenTimeout.endMs',
          took,
          `hiddenTimeout 20 s: hidden → /end after ${took} ms (error ${took - 20_000} ms); ` +
            `${keepAlivesWhileHidden} keep-alives while hidden`,
        )
        assert.ok(took >= 20_000 - 50 && took <= 20_000 + 1_500, `/end ${took} ms after hiding`)
        assert.ok(keepAlivesWhileHidden >= 8, 'keep-alives go on while hidden, until the end')
        await sleep(2 * INTERVAL)
        assert.equal(arrivals('tabs-hidden', end.at).length, 0, 'no keep-alive after the end')

        await page.show()
        assert.equal(await page.visibility(), 'visible')
        assert.equal(await badgeState(page), 'expired')
        assert.equal(await page.attr(BADGE, 'title'), 'Ended: the page was hidden too long')
        assert.equal(await page.text(testid('end-reason')), 'hidden-timeout')
        await page.setViewport(1280, 900)
        await page.click(testid('toggle-panel'))
        await screenshot(page, 'unattended-tab-hidden-timeout')
        await page.close()
      })
    })
  })
}
