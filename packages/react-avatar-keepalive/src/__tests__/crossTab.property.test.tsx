// One sender across tabs, checked after every step of random sequences: tabs keeping and letting
// go (some on a busy page, whose lock manager's answers come late), closing, freezing and thawing,
// going into WebKit's back/forward cache and coming back,
// hiding, a tab's options coming to name another endpoint (two servers, each its own session; told
// at once, or from the tab's own next callback, inside one of its keeper's steps, as a failover in
// onError is), and any server answer. The guarantees, per endpoint:
// - no token (nor a marked part of one) in a message or a lock name;
// - keep-alive starts, from any tab, never closer than 1 s (but for a tab that closed: a tab
//   opened after it cannot have heard of its last one, as after a page reload);
// - while some running tab keeps the session with a token the server takes, a keep-alive starts
//   at least every 2 intervals (1.5 of silence before a follower takes over, then at once);
// - once things are settled (no tab joined, left, froze or closed for 2 intervals), every
//   keep-alive comes from one tab;
// - once any tab has seen the session end, no tab that kept it then sends another keep-alive
//   while a tab that saw the end still keeps it (that tab can tell; once every such tab let go,
//   closed or moved to the other endpoint, nobody is left to tell, and the next learns it from the
//   server, as a new tab does).
import fc from 'fast-check'
import { act } from '@testing-library/react'
import { expect, test, vi } from 'vitest'
import type { KeepAliveHandle, KeepAvatarSessionAliveOptions } from '../core/keepAvatarSessionAlive'
import { isTerminalStatus } from '../core/status'
import { FAKE_TIMERS } from './keepAliveTestUtils'
import { createBrowser, SESSION, type Sent, type Tab } from './tabsWorld'

const seed = Number(process.env.FUZZ_SEED ?? 20261129)
const numRuns = Number(process.env.FUZZ_TABS_RUNS ?? 150)
const INTERVAL = 2_000
const TOKENS = ['tok-alpha-S3CRET', 'tok-beta-S3CRET', 'tok-refused-S3CRET'] as const
const ENDPOINTS = ['https://api.avatar.us.kaltura.ai/v1', 'https://api.avatar.eu.kaltura.ai/v1']
const endpointOf = (url: string): number => ENDPOINTS.findIndex((base) => url.startsWith(base))

type Answer = 200 | 500 | 410 | 404 | 'network'
type Step =
  | { type: 'advance'; ms: number }
  | { type: 'script'; answers: Answer[] }
  | { type: 'keep'; tab: number; token: number; late?: number }
  | { type: 'stop'; tab: number }
  | { type: 'close'; tab: number }
  | { type: 'freeze' | 'cache'; tab: number; ms: number }
  | { type: 'visible'; tab: number; visible: boolean }
  | { type: 'move'; tab: number; inside?: boolean }

const tab = fc.integer({ min: 0, max: 2 })
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      type: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 8_000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('script' as const),
      answers: fc.array(fc.constantFrom<Answer>(200, 200, 500, 410, 404, 'network'), {
        maxLength: 3,
      }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('keep' as const),
      tab,
      token: fc.constantFrom(0, 0, 1, 2),
      // A tab opened here on a busy page: its lock manager's answers come a task or two late (a
      // leader trusts an answer read less than 1.25 s after its question: the known limit).
      late: fc.constantFrom(0, 0, 0, 250, 600, 1_000, 1_200),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('stop' as const), tab }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('close' as const), tab }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('freeze' as const),
      tab,
      ms: fc.integer({ min: 0, max: 10_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('visible' as const), tab, visible: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('cache' as const),
      tab,
      ms: fc.integer({ min: 0, max: 10_000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ type: fc.constant('move' as const), tab, inside: fc.boolean() }),
  },
)

async function runWorld(steps: Step[]): Promise<string[]> {
  vi.useFakeTimers(FAKE_TIMERS)
  const violations: string[] = []
  const fail = (message: string) => void violations.push(`${message} (at ${Date.now() - t0} ms)`)
  const script: Answer[] = []
  // Which endpoints' servers ended the session.
  const ended = [false, false]
  // Keep-alives sent while a tab that saw the end still kept the session, and could tell.
  const toldable = new WeakSet<Sent>()
  const browser = createBrowser((token, url) => {
    if (url.endsWith('/end')) return { status: 200, body: '{"success":true}' }
    const e = endpointOf(url)
    // (Called as the request goes: the last one recorded is this one.)
    const knows = tabs.some((t, i) => t && !t.closed && handles[i] && endOf(i) === e)
    if (knows) toldable.add(browser.sent.at(-1)!)
    if (ended[e]) return { status: 410, body: '{"success":false}' }
    if (token === TOKENS[2]) return { status: 401, body: '{"success":false,"error":"refused"}' }
    const next = script.shift() ?? 200
    if (next === 'network') throw new TypeError('Failed to fetch')
    if (next === 410 || next === 404) ended[e] = true
    return next === 200
      ? { status: 200, body: '{"success":true}' }
      : { status: next, body: '{"success":false}' }
  }, INTERVAL)
  const t0 = Date.now()
  const tabs: (Tab | null)[] = [null, null, null]
  const handles: (KeepAliveHandle | null)[] = [null, null, null]
  const tokens: (string | null)[] = [null, null, null]
  // The endpoint each tab's options name (a page opened again keeps its app's), and the one where
  // it saw the session end while there (null once it moves: it leaves that endpoint's line).
  const endpoint = [0, 0, 0]
  const endedOn: (number | null)[] = [null, null, null]
  const sawEnd = [false, false, false]
  // Tabs whose move waits for their next callback (a failover made in onError or onStatusChange:
  // inside one of the keeper's steps).
  const movesInside = [false, false, false]
  let settledSince = 0
  let opened = 0
  // When a tab closed or went into the back/forward cache (where WebKit frees its lock at once):
  // its keep-alives before then may be unknown to the tab that takes over, as after a reload.
  const away: { tab: string; at: number }[] = []
  // At which step each tab began keeping the session, and at which one the end was first seen.
  const keptSince = new Map<string, number>()
  let stepIndex = 0
  // Per endpoint: when (and at which step) a tab there first saw the end, and since when its
  // silence counts.
  const endedStep: (number | null)[] = [null, null]
  const endedAt: (number | null)[] = [null, null]
  const windowStart = [0, 0]
  const keepAlives = (e: number) =>
    browser.sent.filter((s) => s.url.endsWith('/keep-alive') && endpointOf(s.url) === e)

  const advance = (ms: number) =>
    act(async () => {
      await vi.advanceTimersByTimeAsync(ms)
    })
  const ends = (i: number) => isTerminalStatus(tabs[i]!.store.get(SESSION).status)
  /** Where tab `i` saw the end while there, as of now (null if nowhere, or once it moved). */
  const endOf = (i: number): number | null => {
    const t = tabs[i]
    if (t && !t.closed && handles[i] && !sawEnd[i] && ends(i)) {
      sawEnd[i] = true
      endedOn[i] = endpoint[i]!
    }
    return endedOn[i]!
  }
  /**
   * How late the answers of the busy tabs keeping the session on `e` come at the most (a
   * task or two: less than 1.25 s, past which a leader asks again forever, the known limit). A
   * busy leader sends on answers read a task late, and its schedule counts from the tick that
   * asked: every rule holds beside busy tabs, with two of their tasks' slack for liveness (a
   * takeover's steps each wait for one) and for one steady sender (a handover's grant and first
   * keep-alive each wait for one). (Counted from the send, at 2 s a busy leader's
   * keep-alives came after a follower's patience: two senders in turn, and two busy tabs robbed
   * each other, 4.95 s apart.)
   */
  const busy = (e: number) =>
    Math.max(
      0,
      ...tabs
        .filter((t, i) => t && !t.closed && handles[i] && endpoint[i] === e)
        .map((t) => t!.late),
    )
  const keeping = (e: number) =>
    tabs
      .map((t, i) => (t && !t.frozen && !t.closed && handles[i] ? i : -1))
      .filter((i) => i >= 0 && tokens[i] !== TOKENS[2] && endpoint[i] === e && !ends(i))

  const check = (): void => {
    const now = Date.now()
    if (JSON.stringify([browser.messages, browser.locks.state()]).includes('S3CRET')) {
      fail('a token crossed tabs')
    }
    tabs.forEach((_, i) => endOf(i))
    ENDPOINTS.forEach((_, e) => {
      const sent = keepAlives(e)
      for (let i = 1; i < sent.length; i++) {
        const [before, after] = [sent[i - 1]!, sent[i]!]
        const gap = after.at - before.at
        const gone = away.some((a) => a.tab === before.tab && before.at <= a.at && a.at <= after.at)
        if (gap < 1_000 && !gone)
          fail(`keep-alives ${gap} ms apart (${before.tab} then ${after.tab})`)
      }
      if (endedAt[e] === null && endedOn.includes(e)) {
        endedAt[e] = now
        endedStep[e] = stepIndex
      }
      if (endedAt[e] !== null) {
        // A tab that began keeping the session after the end (a reload, a new tab) learns of it
        // as the first did, from the server; every tab keeping it at the end must never send
        // again.
        const late = sent.filter(
          (s) =>
            s.at > endedAt[e]! + 50 && keptSince.get(s.tab)! <= endedStep[e]! && toldable.has(s),
        )
        if (late.length) fail(`a keep-alive after the end, from ${late[0]!.tab}`)
      }
      const last = sent.at(-1)
      const tasks = busy(e)
      if (keeping(e).length && !ended[e] && endedAt[e] === null) {
        const gap = now - Math.max(last?.at ?? 0, windowStart[e]!)
        if (gap > 2 * INTERVAL + 2 * tasks + 5) fail(`no keep-alive for ${gap} ms (endpoint ${e})`)
      } else windowStart[e] = now
      const stable = sent.filter((s) => s.at > settledSince + 2 * INTERVAL + 2 * tasks)
      if (new Set(stable.map((s) => s.tab)).size > 1)
        fail(`two senders: ${[...new Set(stable.map((s) => s.tab))]}`)
    })
  }
  const unsettle = () => {
    settledSince = Date.now()
    windowStart.fill(Date.now())
  }
  // The app's options come to name the other endpoint (a config loaded late, a region switched, a
  // failover): a tab keeping the session is told so; one that is not keeps it from then.
  const move = (i: number) => {
    // Where things stood before: a move made from a callback comes before the step's checks (an
    // end it saw as it moved was seen on the old endpoint).
    check()
    const t = tabs[i]
    endpoint[i] = 1 - endpoint[i]!
    // It leaves the old endpoint's line, the end it saw there included; on the new one it is a
    // tab that just came.
    endedOn[i] = null
    if (t) keptSince.set(t.name, stepIndex)
    if (t && handles[i]) handles[i]!.update(tokens[i]!, optionsOf(i))
    unsettle()
  }
  const optionsOf = (i: number): KeepAvatarSessionAliveOptions => {
    const inside = () => {
      if (!movesInside[i]) return
      movesInside[i] = false
      move(i)
    }
    return {
      interval: INTERVAL,
      fetch: tabs[i]!.fetch,
      baseUrl: ENDPOINTS[endpoint[i]!],
      onError: inside,
      onStatusChange: inside,
    }
  }

  try {
    for (const s of steps) {
      stepIndex++
      switch (s.type) {
        case 'advance':
          for (let left = s.ms; left > 0; left -= 250) {
            await advance(Math.min(250, left))
            check()
          }
          break
        case 'script':
          script.push(...s.answers)
          break
        case 'keep': {
          let t = tabs[s.tab]
          if (!t || t.closed) {
            t = tabs[s.tab] = browser.open(`tab${s.tab}-${++opened}`, s.late)
            sawEnd[s.tab] = false
            endedOn[s.tab] = null
          }
          tokens[s.tab] = TOKENS[s.token]!
          // A tab keeping the session again, that had let go before it could hear of an end,
          // knows no more than a new tab: from here on it counts as one.
          if (!handles[s.tab] && !isTerminalStatus(t.store.get(SESSION).status)) {
            keptSince.set(t.name, stepIndex)
          }
          if (handles[s.tab]) handles[s.tab]!.update(TOKENS[s.token]!)
          else handles[s.tab] = t.keep(TOKENS[s.token]!, optionsOf(s.tab))
          unsettle()
          break
        }
        case 'move':
          // Told from the tab's own next callback, if it keeps the session (and has one coming).
          if (s.inside && handles[s.tab]) movesInside[s.tab] = true
          else move(s.tab)
          break
        case 'stop':
          handles[s.tab]?.stop()
          handles[s.tab] = null
          movesInside[s.tab] = false
          unsettle()
          break
        case 'close':
          if (tabs[s.tab]) away.push({ tab: tabs[s.tab]!.name, at: Date.now() })
          tabs[s.tab]?.close()
          tabs[s.tab] = null
          handles[s.tab] = null
          movesInside[s.tab] = false
          unsettle()
          break
        case 'freeze':
        case 'cache': {
          const t = tabs[s.tab]
          if (!t) break
          if (s.type === 'cache') away.push({ tab: t.name, at: Date.now() })
          t[s.type]()
          unsettle()
          for (let left = s.ms; left > 0; left -= 250) {
            await advance(Math.min(250, left))
            check()
          }
          act(() => t.thaw())
          unsettle()
          break
        }
        case 'visible':
          act(() => tabs[s.tab]?.focus.set(s.visible))
          break
      }
      await advance(0)
      check()
      if (violations.length) break
    }
    if (!violations.length) {
      for (let i = 0; i < 4 * INTERVAL; i += 250) {
        await advance(250)
        check()
      }
    }
  } finally {
    browser.stopAll()
    await advance(0)
    vi.useRealTimers()
  }
  return violations
}

// Every counterexample the property found, as a plain example (each runs after the tab 0 that
// every sequence starts with).
const EXAMPLES: [string, Step[]][] = [
  [
    // WebKit dropped the place in line of a tab in its back/forward cache; the tab read that as a
    // lock manager that refuses it, and sent beside the leader.
    'a follower comes back from the cache: it gets in line again, no second sender',
    [
      { type: 'keep', tab: 1, token: 0 },
      { type: 'cache', tab: 1, ms: 0 },
      { type: 'keep', tab: 0, token: 0 },
    ],
  ],
  [
    // The leader that saw the end lost its lock to the cache, and let go of everything: a tab
    // whose token had been refused (so not in line, and deaf) came back with a good one and
    // learned of the end from a keep-alive. Now every tab that saw the end keeps its place.
    'the leader that saw the end goes into the cache; a tab with a refused token, given a good one, sends nothing',
    [
      { type: 'keep', tab: 0, token: 2 },
      { type: 'keep', tab: 2, token: 0 },
      { type: 'advance', ms: 2000 },
      { type: 'keep', tab: 0, token: 0 },
      { type: 'keep', tab: 2, token: 2 },
      { type: 'script', answers: [410] },
      { type: 'advance', ms: 2000 },
      { type: 'cache', tab: 0, ms: 0 },
      { type: 'keep', tab: 2, token: 0 },
    ],
  ],
  [
    // The same through a follower that saw the end (404) and the leader that closed.
    'a follower that saw the end keeps its place once the leader closes',
    [
      { type: 'keep', tab: 2, token: 2 },
      { type: 'keep', tab: 1, token: 0 },
      { type: 'script', answers: [404] },
      { type: 'cache', tab: 0, ms: 2000 },
      { type: 'close', tab: 1 },
      { type: 'keep', tab: 2, token: 0 },
      { type: 'keep', tab: 0, token: 0 },
    ],
  ],
  [
    // The oracle's: a tab that let go before the end and keeps the session again knows no more
    // than a new tab (its first keep-alive is answered 410).
    'a tab that let go before the end and keeps the session again may learn of it by a keep-alive',
    [
      { type: 'keep', tab: 1, token: 0 },
      { type: 'script', answers: [410] },
      { type: 'stop', tab: 0 },
      { type: 'advance', ms: 1000 },
      { type: 'stop', tab: 1 },
      { type: 'keep', tab: 0, token: 0 },
      { type: 'advance', ms: 0 },
    ],
  ],
  [
    // The oracle's: WebKit frees the lock of a page going into the cache at once, as of a tab
    // that closes, so the next tab may not have heard of its last keep-alive.
    'a tab letting go goes into the cache right after its keep-alive: the next may follow sooner than 1 s',
    [
      { type: 'stop', tab: 0 },
      { type: 'keep', tab: 1, token: 0 },
      { type: 'cache', tab: 0, ms: 0 },
    ],
  ],
  [
    // The oracle's (seed 3141592): the only tab that saw the end stopped keeping the session; a
    // tab whose token had been refused (so it had let go, and heard nothing) was given a good one
    // and learned of the end from the server. Nobody was left to tell it.
    'every tab that saw the end let go: a tab back from a refused token learns of it by a keep-alive',
    [
      { type: 'keep', tab: 0, token: 2 },
      { type: 'keep', tab: 1, token: 0 },
      { type: 'script', answers: [410] },
      { type: 'advance', ms: 3000 },
      { type: 'stop', tab: 1 },
      { type: 'keep', tab: 0, token: 0 },
    ],
  ],
  [
    // Seed 2718281, before the cache step fired pagehide: a follower went into WebKit's cache four
    // times in a row; each time WebKit dropped its place in line, and after three it read the lock
    // manager as one that refuses it, and kept the session alone beside the leader. Going in now
    // ends its place (pagehide), and Back asks again as a new tab would: no count to run out.
    'a follower goes into the cache four times in a row: still one sender',
    [
      { type: 'keep', tab: 2, token: 0 },
      { type: 'cache', tab: 2, ms: 0 },
      { type: 'cache', tab: 2, ms: 0 },
      { type: 'cache', tab: 2, ms: 0 },
      { type: 'cache', tab: 2, ms: 0 },
      { type: 'advance', ms: 4000 },
    ],
  ],
  [
    // Found in three steps once the property could move a tab (seed 20261129), with the keeper's
    // `moved` undone: the leader whose options came to name another endpoint kept the old one's
    // lock, and the follower still on it waited behind it, sending nothing.
    'the leader moves to another endpoint: the follower keeps the old one',
    [
      { type: 'keep', tab: 1, token: 0 },
      { type: 'move', tab: 0 },
    ],
  ],
  [
    // Found in four steps once a move could be made from the tab's own callback (seed 20261129),
    // with the keeper comparing the lock's name before the update was stepped: the tab that came
    // back and moved from its status change kept the old endpoint's lock, and the new endpoint
    // went unkept.
    'a tab moves from its own callback (a failover): the new endpoint is kept',
    [
      { type: 'keep', tab: 1, token: 0 },
      { type: 'stop', tab: 0 },
      { type: 'keep', tab: 0, token: 0 },
      { type: 'move', tab: 0, inside: true },
      { type: 'advance', ms: 0 },
    ],
  ],
  [
    // The same, seed 31337: the leader fails over from its onError (a 500), and the old endpoint,
    // where the other tab waited behind it, went unkept.
    'the leader moves from its onError: the tab that came after it keeps the old endpoint',
    [
      { type: 'script', answers: [500] },
      { type: 'move', tab: 0, inside: true },
      { type: 'keep', tab: 1, token: 0 },
      { type: 'freeze', tab: 0, ms: 0 },
    ],
  ],
  [
    // Found once liveness was checked beside one busy tab (seed 5, 1,500 runs), on the engine
    // that asked again each answer read late while a tab waited in line: the busy leader (tab 2)
    // sent nothing while the tab in line was frozen, 5.2 s at 2 s. Now it sends on answers read
    // up to 1.25 s after the question.
    'a busy leader beside a frozen tab in line keeps the session',
    [
      { type: 'keep', tab: 2, token: 0, late: 600 },
      { type: 'keep', tab: 0, token: 2, late: 0 },
      { type: 'keep', tab: 1, token: 0, late: 0 },
      { type: 'freeze', tab: 1, ms: 7_206 },
      { type: 'advance', ms: 0 },
    ],
  ],
  [
    // The same, seeds 7 and 8: the busy tab took over from a frozen leader, which thawed, then
    // froze again in line: 4.5 s (answers 250 ms late) and 5.2 s (600 ms) with no keep-alive.
    'a busy tab that took over keeps the session while the tab it robbed is frozen in line',
    [
      { type: 'keep', tab: 1, token: 0, late: 600 },
      { type: 'freeze', tab: 0, ms: 2_750 },
      { type: 'freeze', tab: 0, ms: 5_206 },
      { type: 'advance', ms: 0 },
    ],
  ],
  [
    // Found once one steady sender was asked beside busy tabs too (seed 4242, 400 runs), on the
    // engine whose schedule counted from the send: the busy tab (1) led once tab 0 closed, each
    // keep-alive of its an interval and a task (600 ms) after the last, past the patience of the
    // tab in line (2), which took over; then 1 took it back. Two senders in turn (at 7.75 s). The
    // schedule now counts from the tick that asked the lock manager.
    'a busy tab that leads once the sender closes keeps the session alone',
    [
      { type: 'keep', tab: 1, token: 0, late: 600 },
      { type: 'keep', tab: 2, token: 2, late: 0 },
      { type: 'close', tab: 0 },
    ],
  ],
  [
    // The same (seed 5, 400 runs), the sender gone into the back/forward cache.
    'a busy tab that leads once the sender is hidden away keeps the session alone',
    [
      { type: 'keep', tab: 1, token: 0, late: 600 },
      { type: 'keep', tab: 0, token: 2, late: 0 },
      { type: 'cache', tab: 0, ms: 0 },
    ],
  ],
  [
    // Found once busy tabs could read their answers 1.2 s late (seed 12, 400 runs): the rule, not
    // the engine. Tab 0's token is refused at 2 s; the busy tab 2, next in line, leads and sends its
    // own refused token at 5.4 s (the grant 1 s after tab 0's last start, its answers each 1.2 s
    // late), and hands over to tab 1 at 6.4 s. Two senders in turn after 4 s of quiet: a handover
    // each, which the busy tab's two answers put past the 2 intervals the rule waited. It now waits
    // two of the busiest tab's tasks more.
    'refused tokens hand over through a busy tab, one lock answer 1.2 s late at a time',
    [
      { type: 'keep', tab: 2, token: 2, late: 1_200 },
      { type: 'keep', tab: 0, token: 2, late: 0 },
      { type: 'keep', tab: 1, token: 0, late: 0 },
    ],
  ],
  [
    // Found once one tab could read its lock answers 1.6 s late (a scratch run of this property,
    // seed 12): that tab, given the lock as the first closed, asked the lock manager and froze; a
    // tab with a refused token stole and let go. Thawed, the busy tab asked again before it read it
    // was robbed, got in line, was given the lock, and then read that old answer ("not yours", from
    // before) as news of the lock it now held: it followed itself, and no keep-alive went out for 8
    // s (leader.ts's adapter; its own property has the same case as a plain example).
    'a busy tab robbed while frozen and given the lock again still sends',
    [
      { type: 'keep', tab: 2, token: 0, late: 1_600 },
      { type: 'close', tab: 0 },
      { type: 'advance', ms: 1_600 },
      { type: 'keep', tab: 0, token: 2, late: 0 },
      { type: 'freeze', tab: 2, ms: 3_850 },
      { type: 'advance', ms: 0 },
    ],
  ],
]

test.each(EXAMPLES)('%s', async (_, steps) => {
  expect(await runWorld([{ type: 'keep', tab: 0, token: 0 }, ...steps])).toEqual([])
})

test(
  `one sender across tabs under any sequence (seed ${seed}, ${numRuns} runs)`,
  async () => {
    await fc.assert(
      // size 'max': by default fast-check stops an array at 10 more than its minLength.
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 20, size: 'max' }),
        async (steps) => {
          expect(await runWorld([{ type: 'keep', tab: 0, token: 0 }, ...steps])).toEqual([])
        },
      ),
      { seed, numRuns, endOnFailure: process.env.FUZZ_SHRINK === '0' },
    )
  },
  Math.max(60_000, numRuns * 400),
)
