// One sender per session across tabs: each "tab" here is a store with its own facade of one
// shared Web Locks fake and the real BroadcastChannel of Node, as two pages of one profile.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { act, cleanup, render } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import {
  keepAvatarSessionAlive,
  type KeepAliveHandle,
  type KeepAvatarSessionAliveOptions,
} from '../core/keepAvatarSessionAlive'
import { dispatchToKeeper } from '../core/keeper'
import { ALONE_WAIT, STEAL_SETTLE, STEAL_WAIT } from '../core/engine/leadership'
import { keepAliveUrl } from '../core/request'
import type { AvatarSessionStatus } from '../core/status'
import {
  createAvatarSessionStore,
  IDLE_SNAPSHOT,
  type TabCoordination,
  type TabLocks,
} from '../core/store'
import { useAvatarKeepAlive, type UseAvatarKeepAliveOptions } from '../useAvatarKeepAlive'
import { advance, FAKE_TIMERS } from './keepAliveTestUtils'
import { createBrowser, SESSION, type Browser, type Tab } from './tabsWorld'

const INTERVAL = 2_000
/**
 * How long after a silent leader's last keep-alive the next tab's first goes: 1.5 intervals, but
 * never sooner than the interval and a call's moment (its patience), the call and the wait after
 * the steal: 3.75 s here, 15 s at 10 s.
 */
const TAKEOVER = Math.max(1.5 * INTERVAL, INTERVAL + 2 * STEAL_SETTLE + STEAL_WAIT)

let answer: (token: string) => { status: number; body: string }
let browser: Browser

beforeEach(() => {
  vi.useFakeTimers(FAKE_TIMERS)
  answer = () => ({ status: 200, body: '{"success":true}' })
  browser = createBrowser((token) => answer(token), INTERVAL)
})
// Real BroadcastChannels outlive a test unless every keeper lets go of its session.
afterEach(async () => {
  cleanup()
  browser.stopAll()
  await advance(0)
  vi.useRealTimers()
})

const openTab = (name: string): Tab => browser.open(name)
const keepInTab = (tab: Tab, token = 'token-1', options?: KeepAvatarSessionAliveOptions) =>
  tab.keep(token, options)
const status = (tab: Tab): AvatarSessionStatus => tab.store.get(SESSION).status
/** Tab A leads, tab B follows: it came 50 ms later, with the same token (and its own options). */
async function leaderAndFollower(
  options?: KeepAvatarSessionAliveOptions,
  optionsOfB = options,
): Promise<[Tab, Tab]> {
  const a = openTab('a')
  const b = openTab('b')
  keepInTab(a, 'token-1', options)
  await advance(50)
  keepInTab(b, 'token-1', optionsOfB)
  return [a, b]
}
const keepAlives = () => browser.sent.filter((s) => s.url.endsWith('/keep-alive'))
const sentBy = (name: string) => keepAlives().filter((s) => s.tab === name)
const gaps = () =>
  keepAlives()
    .slice(1)
    .map((s, i) => s.at - keepAlives()[i]!.at)
/** Gives `tab` a store whose lock manager is `wrap`'s, over the browser's (the channel as before). */
function withLocks(tab: Tab, wrap: (locks: LockManager) => Partial<LockManager>): void {
  const { BroadcastChannel: Channel } = tab.store.crossTab!
  // The tests' lock manager is a whole one (fakeLocks.ts); the store asks only for what it uses.
  const locks = tab.store.crossTab!.locks as unknown as LockManager
  tab.store = createAvatarSessionStore({
    crossTab: {
      locks: { query: () => locks.query(), ...wrap(locks) } as unknown as TabLocks,
      BroadcastChannel: Channel,
    },
  })
}

describe('one sender per session per browser profile', () => {
  test('two tabs keeping one session send one keep-alive per interval, and both show alive', async () => {
    const [a, b] = await leaderAndFollower()
    await advance(20 * INTERVAL)
    // One per interval over 20 intervals, all from one tab.
    expect(keepAlives().length).toBeGreaterThanOrEqual(20)
    expect(keepAlives().length).toBeLessThanOrEqual(22)
    expect(new Set(keepAlives().map((s) => s.tab)).size).toBe(1)
    expect(status(a)).toBe('alive')
    expect(status(b)).toBe('alive')
    expect(b.store.get(SESSION).lastAliveAt).toBe(a.store.get(SESSION).lastAliveAt)
  })

  test('a tab that joins learns the state at once, without waiting for the next keep-alive', async () => {
    const a = openTab('a')
    const b = openTab('b')
    keepInTab(a)
    await advance(INTERVAL / 2)
    keepInTab(b)
    await advance(20)
    expect(status(b)).toBe('alive')
    expect(sentBy('b')).toEqual([])
  })

  test('with crossTab: false each tab pings on its own', async () => {
    const a = openTab('a')
    const b = openTab('b')
    keepInTab(a, 'token-1', { crossTab: false })
    keepInTab(b, 'token-1', { crossTab: false })
    await advance(10 * INTERVAL)
    expect(sentBy('a').length).toBeGreaterThanOrEqual(10)
    expect(sentBy('b').length).toBeGreaterThanOrEqual(10)
  })
})

describe('takeover', () => {
  test.each([
    ['stops keeping the session', (keeper: { stop: () => void }) => keeper.stop()],
    ['closes', (_: unknown, tab: Tab) => tab.close()],
  ])('when the leader %s, the other tab pings within 1 s', async (_, leave) => {
    const a = openTab('a')
    const b = openTab('b')
    const leader = keepInTab(a)
    await advance(50)
    keepInTab(b)
    await advance(3 * INTERVAL + 300)
    expect(sentBy('b')).toEqual([])
    const left = Date.now()
    leave(leader, a)
    await advance(INTERVAL)
    const first = sentBy('b')[0]
    expect(first).toBeDefined()
    expect(first!.at - left).toBeLessThanOrEqual(1_000)
    // And it keeps the schedule from then on.
    await advance(5 * INTERVAL)
    expect(sentBy('b').length).toBeGreaterThanOrEqual(5)
  })

  test('the new leader never pings closer than 1 s to the last keep-alive the old one sent', async () => {
    const a = openTab('a')
    const b = openTab('b')
    const leader = keepInTab(a)
    await advance(50)
    keepInTab(b)
    await advance(2 * INTERVAL)
    leader.stop()
    await advance(3 * INTERVAL)
    expect(Math.min(...gaps())).toBeGreaterThanOrEqual(1_000)
  })

  test('a frozen leader: a follower takes over (1.5 intervals, the interval and 1.75 s at the least), and the thawed one steps down without a double ping', async () => {
    const [a] = await leaderAndFollower()
    await advance(2 * INTERVAL)
    expect(sentBy('b')).toEqual([])
    const lastByA = sentBy('a').at(-1)!.at
    a.freeze()
    await advance(3 * INTERVAL)
    const firstByB = sentBy('b')[0]
    expect(firstByB).toBeDefined()
    expect(firstByB!.at - lastByA).toBeLessThanOrEqual(TAKEOVER + 50)
    expect(Math.max(...gaps())).toBeLessThan(2 * INTERVAL)
    const before = keepAlives().length
    act(() => a.thaw())
    await advance(4 * INTERVAL)
    // A woke up: it must not send (B holds the lock) — one per interval, all from B.
    expect(sentBy('a').filter((s) => s.at > lastByA)).toEqual([])
    expect(keepAlives().length - before).toBeLessThanOrEqual(5)
    expect(Math.min(...gaps())).toBeGreaterThanOrEqual(1_000)
  })
  // Example 50 of engine.examples.test.ts through the hook's interpreter and the lock adapter: a
  // leader frozen 3 intervals and robbed follows while the thief keeps the session; the thief
  // freezes, it takes over, and the server answers 410. Its own freeze, long before the silence,
  // was the reason it gave (`missed`, frozen).
  test('a tab frozen before the other tab kept the session does not blame that freeze for a later end', async () => {
    const [a, b] = await leaderAndFollower()
    await advance(2 * INTERVAL)
    a.freeze()
    await advance(3 * INTERVAL)
    act(() => a.thaw())
    await advance(10 * INTERVAL)
    expect(sentBy('b').length).toBeGreaterThanOrEqual(10)
    const lastByB = sentBy('b').at(-1)!.at
    b.freeze()
    answer = () => ({ status: 410, body: '{"success":false,"error":"Session ended"}' })
    await advance(3 * INTERVAL)
    expect(sentBy('a').filter((s) => s.at > lastByB)).toHaveLength(1)
    expect(a.store.get(SESSION)).toMatchObject({
      status: 'expired',
      endReason: 'server',
      missed: null,
    })
  })

  // A leader going away with `endOnPageHide` ends the session if it finds nobody in line: a tab
  // about to steal must never be missing from the line, as it was between leaving it and the steal.
  test('a tab that steals leaves its place in line only once the steal is granted', async () => {
    const a = openTab('a')
    const b = openTab('b')
    const log: string[] = []
    withLocks(b, (locks) => ({
      request: ((name: string, options: LockOptions, callback: LockGrantedCallback<unknown>) => {
        options.signal?.addEventListener('abort', () => log.push('left the line'))
        if (!options.steal) return locks.request(name, options, callback)
        log.push('steal')
        return locks.request(name, options, (lock) => {
          log.push('granted')
          return callback(lock)
        })
      }) as LockManager['request'],
    }))
    keepInTab(a)
    await advance(50)
    keepInTab(b)
    await advance(2 * INTERVAL)
    a.freeze()
    await advance(2 * INTERVAL)
    expect(log).toEqual(['steal', 'granted', 'left the line'])
    expect(sentBy('b').length).toBeGreaterThanOrEqual(1)
  })
})

describe('tabs that ask for different intervals', () => {
  // Each tab keeps its own options. A follower counts silence in its own intervals, so one that
  // asks for a shorter interval takes the lock from a leader on a longer one, once: the shortest
  // interval wins across tabs, as it does among the components of one tab.
  test('a tab that asks for a shorter interval takes over once, and the session keeps its schedule', async () => {
    const a = openTab('a')
    const b = openTab('b')
    keepInTab(a, 'token-1', { interval: 5 * INTERVAL })
    await advance(INTERVAL / 4)
    keepInTab(b, 'token-1', { interval: INTERVAL })
    await advance(20 * INTERVAL)
    expect(sentBy('a')).toHaveLength(1)
    // A takeover after it came (it cannot know what a leader last did before that).
    expect(sentBy('b')[0]!.at - sentBy('a')[0]!.at).toBe(TAKEOVER + INTERVAL / 4)
    expect(sentBy('b').length).toBeGreaterThanOrEqual(18)
    expect(Math.max(...gaps().slice(1))).toBe(INTERVAL)
    expect(Math.min(...gaps())).toBeGreaterThanOrEqual(1_000)
    expect(status(a)).toBe('alive')
    expect(status(b)).toBe('alive')
  })

  // Example 32 of engine.examples.test.ts through the hook's interpreter and the lock adapter:
  // the tab on a shorter interval steals before the leader's schedule is late, while the leader
  // is frozen; thawing, the leader's timer fires before it hears it lost the lock.
  test('a leader frozen while a tab on a shorter interval takes over sends nothing when it thaws', async () => {
    const a = openTab('a')
    const b = openTab('b')
    keepInTab(a, 'token-1', { interval: 5 * INTERVAL })
    await advance(INTERVAL / 4)
    keepInTab(b, 'token-1', { interval: INTERVAL })
    await advance(INTERVAL / 4)
    a.freeze()
    await advance(5 * INTERVAL)
    expect(sentBy('b').length).toBeGreaterThanOrEqual(3)
    act(() => a.thaw())
    await advance(2 * INTERVAL)
    expect(sentBy('a')).toHaveLength(1)
    expect(Math.min(...gaps())).toBeGreaterThanOrEqual(1_000)
    expect(status(a)).toBe('alive')
  })

  test('a tab that asks for a longer interval follows a leader on a shorter one', async () => {
    const a = openTab('a')
    const b = openTab('b')
    keepInTab(a, 'token-1', { interval: INTERVAL })
    await advance(INTERVAL / 4)
    keepInTab(b, 'token-1', { interval: 5 * INTERVAL })
    await advance(20 * INTERVAL)
    expect(sentBy('b')).toEqual([])
    expect(sentBy('a').length).toBeGreaterThanOrEqual(20)
    expect(Math.max(...gaps())).toBe(INTERVAL)
    expect(status(b)).toBe('alive')
  })
})

describe('a busy page (its lock manager answers after its next task)', () => {
  // How late a busy page reads each answer of its lock manager (tabsWorld's `late`).
  const TASK = 600
  /** Tab a leads and tab b follows it, on `interval`; then a's page turns busy. */
  async function busyLeaderBesideFollower(interval = INTERVAL): Promise<{ a: Tab; b: Tab }> {
    const a = openTab('a')
    const b = openTab('b')
    keepInTab(a, 'token-1', { interval })
    await advance(50)
    keepInTab(b, 'token-1', { interval })
    await advance(2 * interval)
    a.late = TASK
    return { a, b }
  }

  /** Three tabs on `interval`, b and c busy; a, which sends, closes. */
  async function twoBusyTabsLeft(interval = INTERVAL): Promise<void> {
    const a = openTab('a')
    const b = openTab('b')
    const c = openTab('c')
    b.late = TASK
    c.late = TASK
    keepInTab(a, 'token-1', { interval })
    await advance(50)
    keepInTab(b, 'token-1', { interval })
    keepInTab(c, 'token-1', { interval })
    await advance(2 * interval)
    a.close()
  }

  /** The last 9 keep-alives: one tab sent them, `interval` apart. */
  const expectOneSteadySender = (interval: number) => {
    const last = keepAlives().slice(-10)
    expect(gaps().slice(-9)).toEqual(Array(9).fill(interval))
    expect(new Set(last.map((s) => s.tab)).size).toBe(1)
  }

  /** The longest stretch without a keep-alive over the next `intervals`, in ms. */
  const longestSilence = async (intervals: number, interval = INTERVAL) => {
    const from = Date.now()
    await advance(intervals * interval)
    const starts = [
      from,
      ...keepAlives()
        .map((s) => s.at)
        .filter((at) => at >= from),
      Date.now(),
    ]
    return Math.max(...starts.slice(1).map((at, i) => at - starts[i]!))
  }

  // Example 35 of engine.examples.test.ts through the interpreter and the lock adapter.
  test('a tab alone keeps its schedule: an answer read a task late holds for 1.25 s', async () => {
    const a = openTab('a')
    a.late = TASK
    keepInTab(a)
    await advance(10 * INTERVAL)
    // Each keep-alive goes when its answer is read, a task after the tick that asked: an interval
    // apart. (Counted from the send, they were an interval and a task apart.)
    expect(sentBy('a').length).toBe(10)
    expect(gaps()).toEqual(Array(9).fill(INTERVAL))
    expect(status(a)).toBe('alive')
  })

  // With a tab in line, an answer read late still holds for 1.25 s: a tab that steals the lock
  // waits that long before its first keep-alive (STEAL_WAIT), and hears of the leader's first. So
  // a busy leader keeps the session with a tab in line, frozen or not. (It asked again each time,
  // since that tab might have stolen the lock meanwhile, and sent nothing: with the tab in line
  // frozen, 0 keep-alives in 10 intervals; found by the cross-tab property, seed 20261129.) Its
  // schedule counts from the ticks that asked: after the first, a task late, an interval apart.
  test('with another tab in line, a busy leader keeps sending: a task late once, then an interval apart', async () => {
    const interval = 10_000
    const { a } = await busyLeaderBesideFollower(interval)
    const sent = sentBy('a').length
    await advance(6 * interval + TASK)
    expect(sentBy('a').length - sent).toBe(6)
    expect(gaps().slice(-6)).toEqual([interval + TASK, ...Array(5).fill(interval)])
    expect(sentBy('b')).toEqual([])
    expect(status(a)).toBe('alive')
  })

  test('a busy leader beside a frozen tab in line keeps sending: a keep-alive every interval', async () => {
    const { a, b } = await busyLeaderBesideFollower()
    b.freeze()
    await advance(10 * INTERVAL)
    expect(gaps().slice(-9)).toEqual([INTERVAL + TASK, ...Array(8).fill(INTERVAL)])
    expect(sentBy('b')).toEqual([])
    expect(status(a)).toBe('alive')
  })

  // At 2 s, the first keep-alive of a leader whose page turns busy comes a task late, after a
  // follower's patience (the interval and 250 ms, and its last call): the follower takes over, its
  // first keep-alive 1.25 s after its steal.
  test('at 2 s the follower of a leader whose page turns busy takes over, within 2 intervals of its last keep-alive', async () => {
    const { b } = await busyLeaderBesideFollower()
    const lastByA = sentBy('a').at(-1)!.at
    await advance(6 * INTERVAL)
    expect(sentBy('a').filter((s) => s.at > lastByA)).toEqual([])
    expect(sentBy('b').length).toBeGreaterThanOrEqual(4)
    expect(sentBy('b')[0]!.at - lastByA).toBeLessThanOrEqual(2 * INTERVAL)
    expect(Math.min(...gaps())).toBeGreaterThanOrEqual(1_000)
    expect(status(b)).toBe('alive')
  })

  test('two busy tabs, the one that sent closes: one takes over and keeps the session, an interval apart', async () => {
    const interval = 10_000
    await twoBusyTabsLeft(interval)
    await advance(10 * interval)
    expectOneSteadySender(interval)
  })

  // Found by the cross-tab property once some of its tabs were busy (seed 4242), a known limit
  // until the schedule counted from the tick that asked: at 2 s, two busy tabs robbed each other
  // in turn. Each keep-alive came a task late, after the other's patience; the thief waited 1.25 s
  // and its own answer a task, then sent once and was robbed in its turn: a keep-alive every 2.5
  // intervals (4.95 s apart).
  test('at 2 s, two busy tabs, the one that sent closes: one takes over and keeps its interval', async () => {
    await twoBusyTabsLeft()
    expect(await longestSilence(10)).toBeLessThanOrEqual(2 * INTERVAL)
    expectOneSteadySender(INTERVAL)
  })

  // Found in Chromium: two busy pages that share one main thread (a same-origin window one
  // opened; each ran 300 ms tasks with two always waiting) sent nothing in 16 s. A leader trusted
  // the lock manager's answer only when it read it less than STEAL_WAIT (1.25 s) after asking,
  // since a tab that stole meanwhile waits that long before its first keep-alive; a page that read
  // every answer later than that asked again forever. With nobody in line when the lock manager
  // answered, a thief must first get in line and wait out its patience too: the answer holds for
  // ALONE_WAIT (2.75 s). Example 48 of engine.examples.test.ts through the adapter.
  test('a tab alone that reads every lock answer 1.25 s late or more still sends, an interval apart', async () => {
    const interval = 5_000
    const a = openTab('a')
    a.late = STEAL_WAIT + 50
    keepInTab(a, 'token-1', { interval })
    await advance(10 * interval)
    expect(sentBy('a').length).toBe(10)
    expect(gaps()).toEqual(Array(9).fill(interval))
    expect(status(a)).toBe('alive')
  })

  // The 1 s ceiling counts from the send, and the next question may go no sooner: at 2 s, a
  // keep-alive every 2.3 s. (A keep-alive waiting for the lock manager's word was given up as the
  // next came due, an interval after its question: read 2.1 s late, none was ever sent.)
  test('at 2 s, a tab alone that reads every lock answer 1.3 s or 2.7 s late still sends', async () => {
    const a = openTab('a')
    a.late = 1_300
    keepInTab(a)
    await advance(10 * INTERVAL)
    expect(new Set(gaps())).toEqual(new Set([2_300]))
    a.late = ALONE_WAIT - 50
    const from = Date.now()
    await advance(10 * INTERVAL)
    const after = sentBy('a').filter((s) => s.at > from)
    expect(after.length).toBeGreaterThanOrEqual(5)
    expect(new Set(gaps().slice(-after.length + 1))).toEqual(new Set([ALONE_WAIT - 50 + 1_000]))
    expect(status(a)).toBe('alive')
  })

  // Known limit: with a tab in line, an answer read 1.25 s late or more may come after a steal,
  // and the thief's first keep-alive (STEAL_WAIT after it) before the answer: the leader asks
  // again. Two busy pages sharing one main thread, both that late, send nothing. It states what
  // should happen and fails today (test.fails); once the engine can tell, it passes, and vitest
  // says so.
  test.fails(
    'known limit: two tabs in line that read every lock answer 1.25 s late or more still send',
    async () => {
      const a = openTab('a')
      const b = openTab('b')
      a.late = STEAL_WAIT + 50
      b.late = STEAL_WAIT + 50
      keepInTab(a)
      keepInTab(b)
      await advance(10 * INTERVAL)
      expect(keepAlives().length).toBeGreaterThanOrEqual(5)
    },
  )

  // Found by reading the lock adapter as an attacker would: a tab given the lock asks the lock
  // manager who it is before it leads; one that let go meanwhile (unmounted, stopped, moved to
  // another endpoint) found nothing to let go of yet, and held the lock for as long as the page
  // lived. The next tab waited behind it, then stole: its first keep-alive came 1.5 intervals
  // after it came (3 s here, 15 s at the default interval), with nobody keeping the session.
  test('a tab that lets go while it is asking who it is frees the lock: the next tab sends at once', async () => {
    const a = openTab('a')
    a.late = TASK
    const first = keepInTab(a)
    await advance(100)
    first.stop()
    await advance(INTERVAL)
    const came = Date.now()
    keepInTab(openTab('b'))
    await advance(4 * INTERVAL)
    expect(sentBy('a')).toEqual([])
    expect(sentBy('b')[0]!.at - came).toBeLessThanOrEqual(50)
    expect(sentBy('b').length).toBeGreaterThanOrEqual(4)
  })
})

describe('terminal everywhere, refusals per tab', () => {
  test('a 410 seen by the leader ends the session in every tab; no tab pings again', async () => {
    const a = openTab('a')
    const b = openTab('b')
    const expired: string[] = []
    keepInTab(a, 'token-1', { onExpired: () => expired.push('a') })
    await advance(50)
    keepInTab(b, 'token-1', { onExpired: () => expired.push('b') })
    await advance(INTERVAL)
    answer = () => ({ status: 410, body: '{"success":false,"error":"Session ended"}' })
    await advance(INTERVAL)
    expect(status(a)).toBe('expired')
    // B never heard a 410 itself: it sent nothing, the leader told it.
    expect(sentBy('b')).toEqual([])
    expect(status(b)).toBe('expired')
    expect(expired.sort()).toEqual(['a', 'b'])
    const count = keepAlives().length
    await advance(10 * INTERVAL)
    expect(keepAlives().length).toBe(count)
  })

  // Found by an audit: a follower kept the last error object while kind and status stayed the
  // same, so its onError missed every failure after the first.
  test('a follower hears every failure the leader sees: onError once per failed keep-alive', async () => {
    const a = openTab('a')
    const b = openTab('b')
    const errors: Record<string, number[]> = { a: [], b: [] }
    const onError = (tab: string) => (error: { httpStatus: number | null }) =>
      errors[tab]!.push(error.httpStatus!)
    keepInTab(a, 'token-1', { onError: onError('a'), retry: false })
    await advance(50)
    keepInTab(b, 'token-1', { onError: onError('b'), retry: false })
    await advance(INTERVAL)
    answer = () => ({ status: 500, body: '{"success":false,"error":"busy"}' })
    await advance(3 * INTERVAL)
    expect(sentBy('b')).toEqual([])
    expect(errors.a).toEqual([500, 500, 500])
    expect(errors.b).toEqual(errors.a)
    expect(b.store.get(SESSION).consecutiveFailures).toBe(3)
  })

  test('a refused token pauses only its tab; a tab with another token takes over', async () => {
    const a = openTab('a')
    const b = openTab('b')
    answer = (token) =>
      token === 'old-token'
        ? { status: 401, body: '{"success":false,"error":"Invalid or expired token"}' }
        : { status: 200, body: '{"success":true}' }
    keepInTab(a, 'old-token')
    await advance(50)
    keepInTab(b, 'new-token')
    await advance(3 * INTERVAL)
    expect(status(a)).toBe('unauthorized')
    expect(sentBy('a').map((s) => s.token)).toEqual(['old-token'])
    expect(sentBy('b').length).toBeGreaterThanOrEqual(2)
    expect(status(b)).toBe('alive')
  })

  test('no token, nor any part of one, crosses tabs; lock names hold none', async () => {
    const a = openTab('a')
    const b = openTab('b')
    answer = () => ({ status: 500, body: '{"success":false,"error":"bad tok-SECRET-123 here"}' })
    keepInTab(a, 'tok-SECRET-123')
    await advance(50)
    keepInTab(b, 'tok-SECRET-456')
    await advance(5 * INTERVAL)
    expect(browser.messages.length).toBeGreaterThan(0)
    expect(JSON.stringify(browser.messages)).not.toMatch(/SECRET|tok-/)
    expect(JSON.stringify(browser.locks.state())).not.toMatch(/SECRET|tok-/)
  })
})

// Found by trying it as an attacker would, once the lock was named by the endpoint: a tab whose
// base URL changed (a component given another region, or a proxy) kept the lock of the old one.
// Its keep-alives went to the new endpoint, so the old one's session died while the tab that
// followed it there showed it alive; and a tab of the new endpoint sent beside it, 100 ms apart.
// A tab whose base URL changes now lets go of the old lock (its next holder keeps the 1 s
// ceiling) and gets in line for the new one.
describe('a leader whose base URL changes', () => {
  const X = 'https://x.test/v1'
  const Y = 'https://y.test/v1'
  /** The keep-alives to `host` from `since` on. */
  const sentTo = (host: string, since: number) =>
    keepAlives().filter((s) => s.at >= since && new URL(s.url).host === host)

  test.each([
    ['alone on the new endpoint', false],
    ['beside a tab of the new endpoint', true],
  ])('%s: one sender per endpoint, and the old one still kept', async (_, third) => {
    const a = openTab('a')
    const b = openTab('b')
    const c = openTab('c')
    const leader = keepInTab(a, 'token-1', { baseUrl: X })
    await advance(50)
    keepInTab(b, 'token-1', { baseUrl: X })
    await advance(3 * INTERVAL)
    expect(new Set(keepAlives().map((s) => s.tab))).toEqual(new Set(['a']))
    leader.update('token-1', { interval: INTERVAL, fetch: a.fetch, baseUrl: Y })
    if (third) keepInTab(c, 'token-1', { baseUrl: Y })
    const changed = Date.now()
    await advance(10 * INTERVAL)
    const after = (host: string) => sentTo(host, changed)
    // The old endpoint: kept by the tab still on it, from 1 s after the leader's last one there
    // (not from the leader's next tick: mutation testing let go of the old lock an event late).
    const lastOld = sentTo('x.test', 0)
      .filter((s) => s.at < changed)
      .at(-1)!.at
    expect(after('x.test')[0]!.at - lastOld).toBe(1_000)
    expect(after('x.test').length).toBeGreaterThanOrEqual(9)
    expect(new Set(after('x.test').map((s) => s.tab))).toEqual(new Set(['b']))
    // The new one: one sender, never two keep-alives within 1 s.
    expect(after('y.test').length).toBeGreaterThanOrEqual(9)
    expect(new Set(after('y.test').map((s) => s.tab)).size).toBe(1)
    const y = after('y.test').map((s) => s.at)
    expect(Math.min(...y.slice(1).map((at, i) => at - y[i]!))).toBeGreaterThanOrEqual(1_000)
    expect(status(b)).toBe('alive')
  })

  // Found by reading the keeper as an attacker would: an update made inside one of its steps (from
  // onError, where an app fails over to another region) was checked against the options before it,
  // so the leader kept the old endpoint's lock: nothing more went there for 20 s (none of 10), while
  // the tab that followed it there showed the session alive.
  test('changed from onError (a failover): the old endpoint is still kept, by the tab on it', async () => {
    const a = openTab('a')
    const b = openTab('b')
    let failedOver = false
    const leader: KeepAliveHandle = keepInTab(a, 'token-1', {
      baseUrl: X,
      onError: () => {
        if (failedOver) return
        failedOver = true
        leader.update('token-1', { interval: INTERVAL, fetch: a.fetch, baseUrl: Y })
      },
    })
    await advance(50)
    keepInTab(b, 'token-1', { baseUrl: X })
    await advance(3 * INTERVAL)
    answer = () => ({ status: 500, body: '{"success":false,"error":"busy"}' })
    await advance(INTERVAL)
    answer = () => ({ status: 200, body: '{"success":true}' })
    expect(failedOver).toBe(true)
    const changed = Date.now()
    await advance(10 * INTERVAL)
    const after = (host: string) => sentTo(host, changed)
    expect(after('x.test').length).toBeGreaterThanOrEqual(9)
    expect(new Set(after('x.test').map((s) => s.tab))).toEqual(new Set(['b']))
    expect(new Set(after('y.test').map((s) => s.tab))).toEqual(new Set(['a']))
    expect(status(b)).toBe('alive')
  })

  // The name is the endpoint's, not the option's spelling: a follower given the same endpoint
  // spelt another way keeps its place in line, and takes over from a frozen leader on time.
  test('a follower given its endpoint spelt another way keeps its place in line', async () => {
    const a = openTab('a')
    const b = openTab('b')
    keepInTab(a)
    await advance(50)
    const follower = keepInTab(b)
    await advance(3 * INTERVAL)
    a.freeze()
    const last = keepAlives().at(-1)!.at
    await advance(INTERVAL)
    follower.update('token-1', {
      interval: INTERVAL,
      fetch: b.fetch,
      baseUrl: 'https://API.avatar.us.kaltura.ai:443/v1/',
    })
    await advance(2 * INTERVAL)
    // 1.5 intervals after the frozen leader's last keep-alive, as if nothing had changed.
    expect(sentBy('b')[0]!.at - last).toBeLessThanOrEqual(TAKEOVER + 50)
  })
})

// Any script of the origin can post on a session's channel, and a tab may run another version
// of the package: what arrives is read, not trusted. Found by posting what a tab never sends:
// `led: 'x'` kept the follower from ever taking over (its deadline became NaN), `null` threw in
// every tab, and a snapshot's unknown fields went into the store.
describe('what another tab says is read, not trusted', () => {
  /** Posts `data` on the session's channel as a page of the origin that keeps nothing. */
  async function postAsStranger(data: unknown): Promise<void> {
    const name = `react-avatar-keepalive ${keepAliveUrl(SESSION)}`
    expect(JSON.stringify(browser.locks.state())).toContain(name)
    const channel = new BroadcastChannel(name)
    channel.postMessage(data)
    await advance(100)
    channel.close()
  }

  /** A leads, B follows; after `data` arrives, A freezes: B must take over on time. */
  async function takeOverAfter(data: unknown) {
    const [a, b] = await leaderAndFollower()
    await advance(2 * INTERVAL)
    await postAsStranger(data)
    const lastByA = sentBy('a').at(-1)!.at
    a.freeze()
    await advance(3 * INTERVAL)
    return { b, lastByA, firstByB: sentBy('b')[0]?.at }
  }

  test.each([
    { leader: true, led: 'x' },
    { leader: true, led: null, snapshot: { status: 'alive', lastAttemptAt: 'x' } },
    { leader: true, led: Number.NaN },
    { leader: 'yes', led: {}, seen: 1, hello: 'hello', snapshot: [] },
  ])('a message of the wrong types does not keep a follower from taking over: %j', async (data) => {
    const { b, lastByA, firstByB } = await takeOverAfter(data)
    expect(firstByB).toBeDefined()
    expect(firstByB! - lastByA).toBeLessThanOrEqual(TAKEOVER + 150)
    expect(status(b)).toBe('alive')
  })

  test('what is not a message (null, a number, a string, an array) is ignored: nothing throws', async () => {
    const thrown: unknown[] = []
    const onThrow = (error: unknown) => thrown.push(error)
    process.on('uncaughtException', onThrow)
    try {
      for (const data of [null, 7, 'hello', [1, 2]]) {
        const { firstByB } = await takeOverAfter(data)
        expect(firstByB).toBeDefined()
        browser.stopAll()
        await advance(0)
      }
    } finally {
      process.off('uncaughtException', onThrow)
    }
    expect(thrown).toEqual([])
  })

  test("a leader's snapshot shows with this version's fields only; one that is not a snapshot is not shown", async () => {
    const [, b] = await leaderAndFollower()
    await advance(2 * INTERVAL)
    const shown = b.store.get(SESSION)
    expect(shown.status).toBe('alive')
    await postAsStranger({
      leader: true,
      snapshot: { ...shown, consecutiveFailures: 1, status: 'degraded', comesFrom: 'v9' },
    })
    expect(b.store.get(SESSION)).toEqual({ ...shown, consecutiveFailures: 1, status: 'degraded' })
    for (const snapshot of [
      { ...shown, status: 'paused' },
      { ...shown, consecutiveFailures: -1 },
      { ...shown, lastAliveAt: '2026-12-02' },
      { ...shown, error: 'busy' },
      { ...shown, endReason: 'v9-reason' },
      { ...shown, missed: { cause: 'asleep', silentFor: 1 } },
      // Numbers this version never sends (another version's units?): not a Date, not an HTTP
      // status, a wait no timer honours. They reached onError, and the badge's "Invalid Date".
      { ...shown, lastAliveAt: 1e300 },
      { ...shown, endsAt: -1e300 },
      { ...shown, error: { kind: 'rate-limited', httpStatus: -1.5, retryAfter: null } },
      { ...shown, error: { kind: 'rate-limited', httpStatus: 429, retryAfter: 1e300 } },
    ]) {
      await postAsStranger({ leader: true, snapshot })
      expect(b.store.get(SESSION).status).toBe('degraded')
    }
  })
})

// News that comes after the keeper has gone, or a channel that throws.
describe('late news and broken channels', () => {
  const lockName = () => {
    const held = browser.locks.state().held[0]!
    return held.slice(held.indexOf(':') + 1)
  }
  /** A busy page (lock answers 500 ms late): 100 ms after the leader asked before its next keep-alive. */
  async function untilQuestionInFlight(): Promise<void> {
    await advance(INTERVAL * 2)
    const last = keepAlives().at(-1)!.at
    await advance(last + INTERVAL - 500 + 100 - Date.now())
  }
  async function postAsStranger(data: unknown): Promise<void> {
    const channel = new BroadcastChannel(lockName())
    channel.postMessage(data)
    await advance(100)
    channel.close()
  }
  /** A tab of `browser` with its own channel class (and every request recorded in browser.sent). */
  function openWith(name: string, Channel: typeof BroadcastChannel, locks?: LockManager): Tab {
    const tab = browser.open(name)
    tab.store = createAvatarSessionStore({
      crossTab: { locks: locks ?? browser.locks.tab(name), BroadcastChannel: Channel },
    })
    return tab
  }

  /**
   * Advances like a browser: an error thrown by a timer's callback is reported (collected in
   * `thrown`) and the page goes on.
   */
  async function advanceLikeABrowser(ms: number, thrown: unknown[]): Promise<void> {
    for (let left = ms; left > 0; left -= 100) {
      try {
        await advance(Math.min(100, left))
      } catch (error) {
        thrown.push(error)
      }
    }
  }

  // The lock manager's answer to a leader's question, read after its keeper stopped, was stepped:
  // the old keeper wrote its session back into the store and retired the keeper after it.
  test('a confirm answered after stop() and clearSession() does not write the session back', async () => {
    const a: Tab = browser.open('a', 500)
    const handle = a.keep('token-1')
    await untilQuestionInFlight()
    handle.stop()
    await advance(0)
    a.store.clearSession(SESSION)
    expect(a.store.get(SESSION)).toBe(IDLE_SNAPSHOT)
    await advance(1_000)
    expect(a.store.get(SESSION)).toBe(IDLE_SNAPSHOT)
    expect(a.store.getState().sessions).toEqual({})
  })

  test('a confirm answered after stop() does not overwrite the snapshot of the keeper that replaced it', async () => {
    const a: Tab = browser.open('a', 500)
    const statuses: string[] = []
    const handle = a.keep('token-1')
    await untilQuestionInFlight()
    handle.stop()
    await advance(0)
    a.keep('token-1', { onStatusChange: (s) => statuses.push(s) })
    await advance(INTERVAL * 3)
    // Kept all along by the new handle: connecting, then alive.
    expect(statuses).toEqual(['connecting', 'alive'])
  })

  test('an ended session, stopped and cleared, kept again: a late confirm does not end it again', async () => {
    const a: Tab = browser.open('a', 500)
    const handle = a.keep('token-1')
    await untilQuestionInFlight()
    // Another tab saw the end (a 410) and says so while this one waits for its lock manager.
    const shown = a.store.get(SESSION)
    await postAsStranger({
      snapshot: { ...shown, status: 'expired', isAlive: false, endReason: 'server' },
    })
    expect(a.store.get(SESSION).status).toBe('expired')
    handle.stop()
    await advance(0)
    // The app clears it (README: "an ended session may then be kept again") and keeps it again.
    a.store.clearSession(SESSION)
    const expired: unknown[] = []
    a.keep('token-1', { onExpired: (reason) => expired.push(reason) })
    await advance(3 * INTERVAL)
    expect(expired).toEqual([])
    expect(a.store.get(SESSION).status).toBe('alive')
  })

  test('a late confirm leaves the keeper that replaced it: markActive() counts, and the idle timeout never ends the session in use', async () => {
    const a: Tab = browser.open('a', 500)
    const first = a.keep('token-1')
    await untilQuestionInFlight()
    first.stop()
    await advance(0)
    const expired: unknown[] = []
    const second = a.keep('token-1', {
      idleTimeout: 20_000,
      onExpired: (reason) => expired.push(reason),
    })
    // The user is active all along (say, speaking to the avatar): markActive every 2 s.
    for (let i = 0; i < 30; i++) {
      second.markActive()
      await advance(INTERVAL)
    }
    expect(expired).toEqual([])
    expect(a.store.get(SESSION).status).toBe('alive')
  })
  // Once (closed at a bad moment), or from then on (a polyfill's that broke): a lost message.
  test.each([
    ['once', 1],
    ['from then on', Infinity],
  ])('a channel whose postMessage throws %s does not stall the leader', async (_, throws) => {
    let failing = 0
    class Flaky extends BroadcastChannel {
      override postMessage(message: unknown): void {
        if (failing > 0) {
          failing--
          throw new DOMException('Channel is closed', 'InvalidStateError')
        }
        super.postMessage(message)
      }
    }
    const errors: unknown[] = []
    const onError = (e: unknown) => errors.push(e)
    process.on('unhandledRejection', onError)
    try {
      const a = openWith('a', Flaky)
      a.keep('token-1')
      await advance(2 * INTERVAL + 100)
      const before = sentBy('a').length
      failing = throws
      await advanceLikeABrowser(10 * INTERVAL, errors)
      // One keep-alive per interval goes on (guarantee 3), and nothing is thrown at the page.
      const at = sentBy('a').map((x) => x.at)
      expect(Math.max(...at.slice(1).map((t, i) => t - at[i]!))).toBeLessThanOrEqual(INTERVAL)
      expect(sentBy('a').length - before).toBeGreaterThanOrEqual(9)
      expect(errors).toEqual([])
    } finally {
      process.off('unhandledRejection', onError)
    }
  })
})

// A sandboxed iframe (an opaque origin) or a file: page has navigator.locks, but every request is
// refused at once (SecurityError). Asking again on each refusal spun forever in microtasks: the
// page hung, and nothing was sent.
describe('where this page cannot share (its lock manager refuses, its channel will not open)', () => {
  /** Keeps the session 10 intervals with `crossTab`: one keep-alive each, as a page alone would. */
  async function keepsAlone(crossTab: TabCoordination): Promise<void> {
    const store = createAvatarSessionStore({ crossTab })
    const sent: number[] = []
    const handle = keepAvatarSessionAlive(SESSION, 'token-1', {
      interval: INTERVAL,
      store,
      fetch: async () => {
        sent.push(Date.now())
        return new Response('{"success":true}')
      },
    })
    await advance(10 * INTERVAL + 100)
    expect(sent.length).toBe(11)
    expect(store.get(SESSION).status).toBe('alive')
    handle.stop()
  }

  /** `request`, counted; past a thousand calls the loop a test looks for would never end: it stops. */
  function counted(request: (...args: Parameters<LockManager['request']>) => Promise<unknown>) {
    const calls = { count: 0 }
    const wrapped = (...args: Parameters<LockManager['request']>) =>
      ++calls.count > 1_000 ? new Promise(() => {}) : request(...args)
    return { calls, request: wrapped }
  }

  test('a lock manager that refuses every request is asked once; the tab keeps the session alone', async () => {
    const denied = () => Promise.reject(new DOMException('Access denied', 'SecurityError'))
    const { calls, request } = counted(denied)
    await keepsAlone({
      locks: { request, query: denied } as unknown as LockManager,
      BroadcastChannel,
    })
    expect(calls.count).toBe(1)
  })

  test('a lock manager that drops every request (an AbortError each time) is asked four times; the tab keeps the session alone', async () => {
    const dropped = () =>
      Promise.reject(new DOMException('The browsing context is going away', 'AbortError'))
    const { calls, request } = counted(dropped)
    await keepsAlone({
      locks: { request, query: dropped } as unknown as LockManager,
      BroadcastChannel,
    })
    expect(calls.count).toBe(4)
  })

  test('a lock manager without query() (a polyfill): the tab still leads and sends', async () => {
    const locks = browser.locks.tab('a')
    const { calls, request } = counted((...args) => locks.request(...args))
    await keepsAlone({ locks: { request } as unknown as LockManager, BroadcastChannel })
    expect(calls.count).toBe(1)
  })

  test('a lock manager that throws at a steal (a polyfill without `steal`): the follower keeps the session alone', async () => {
    const a = openTab('a')
    const b = openTab('b')
    withLocks(b, (locks) => ({
      request: ((...args: Parameters<LockManager['request']>) => {
        if ((args[1] as LockOptions).steal) throw new TypeError('steal is not supported')
        return locks.request(...args)
      }) as LockManager['request'],
    }))
    keepInTab(a)
    await advance(50)
    keepInTab(b)
    await advance(2 * INTERVAL)
    const lastByA = sentBy('a').at(-1)!.at
    a.freeze()
    await advance(5 * INTERVAL)
    // B could not take the lock: it sends on its own, within 1.5 intervals and then every one.
    expect(sentBy('b').length).toBeGreaterThanOrEqual(4)
    expect(sentBy('b')[0]!.at - lastByA).toBeLessThanOrEqual(TAKEOVER + 50)
    expect(Math.max(...gaps())).toBeLessThanOrEqual(TAKEOVER + 50)
    expect(status(b)).toBe('alive')
  })

  test('a BroadcastChannel that will not open: the tab keeps the session alone', async () => {
    await keepsAlone({
      locks: browser.locks.tab('a'),
      BroadcastChannel: class {
        constructor() {
          throw new DOMException('denied', 'SecurityError')
        }
      } as unknown as typeof BroadcastChannel,
    })
  })
})

// WebKit drops a page's place in line for a lock as the page goes into the back/forward cache:
// the request rejects with an AbortError, which the page hears when it comes back (Back). Read as
// a lock manager that refuses everything, the tab kept the session alone: a second sender beside
// the leader, for as long as both pages lived.
// (Found in WebKitGTK by apps/demo/e2e/bfcache.test.mjs.)
describe('a place in line the browser drops (WebKit’s back/forward cache)', () => {
  /** Gives `tab` a lock manager whose waiting request `drop()` rejects as WebKit's cache does. */
  function droppable(tab: Tab): { drop: () => void } {
    let dropLine: (() => void) | undefined
    withLocks(tab, (locks) => ({
      request: ((name: string, options: LockOptions, callback: LockGrantedCallback<unknown>) => {
        if (!options.signal) return locks.request(name, options, callback)
        const own = new AbortController()
        options.signal.addEventListener('abort', () => own.abort(options.signal!.reason))
        dropLine = () =>
          own.abort(
            new DOMException(
              'Promise was rejected because the browsing context is going away',
              'AbortError',
            ),
          )
        return locks.request(name, { ...options, signal: own.signal }, callback)
      }) as LockManager['request'],
    }))
    return { drop: () => dropLine!() }
  }

  test('the tab takes its place in line again: one sender, and it leads once the others close', async () => {
    const a = openTab('a')
    const b = openTab('b')
    const c = openTab('c')
    const { drop } = droppable(b)
    keepInTab(a)
    await advance(50)
    keepInTab(b)
    await advance(50)
    keepInTab(c)
    await advance(2 * INTERVAL)
    act(() => drop())
    await advance(50)
    const closedAt = Date.now()
    a.close()
    await advance(6 * INTERVAL)
    // One tab sends, once per interval.
    const since = keepAlives().filter((s) => s.at >= closedAt)
    expect(new Set(since.map((s) => s.tab)).size).toBe(1)
    expect(since.length).toBeLessThanOrEqual(7)
    expect(Math.min(...gaps().slice(-5))).toBeGreaterThanOrEqual(1_000)
    // The sender goes away: the other is in line (again, if its place was the one dropped) and
    // takes over within 1 s.
    const [sender, other] = since[0]!.tab === 'c' ? [c, b] : [b, c]
    const leftAt = Date.now()
    sender.close()
    await advance(3 * INTERVAL)
    const next = keepAlives().filter((s) => s.at >= leftAt)
    expect(next.length).toBeGreaterThanOrEqual(2)
    expect(next[0]!.at - leftAt).toBeLessThanOrEqual(1_000)
    expect(new Set(next.map((s) => s.tab))).toEqual(new Set([other.name]))
    expect(status(other)).toBe('alive')
  })
})

describe('a page hidden away (pagehide: going into the back/forward cache)', () => {
  const pageEvent = (type: 'pagehide' | 'pageshow') =>
    act(() => void window.dispatchEvent(new PageTransitionEvent(type, { persisted: true })))
  const locks = () => browser.locks.state()

  test('lets go of the lock at once and sends nothing; shown again, it gets in line and sends at once', async () => {
    const a = openTab('a')
    keepInTab(a)
    await advance(INTERVAL + 1_500)
    expect(locks().held).toHaveLength(1)
    const before = keepAlives().length
    pageEvent('pagehide')
    await advance(0)
    // No lock held in the cache (Chromium would keep it until a tab steals it, 1.5 intervals of
    // silence), no place in line, and no channel to hear (a message throws Chromium's page out).
    expect(locks()).toEqual({ held: [], pending: [] })
    await advance(3 * INTERVAL)
    expect(keepAlives()).toHaveLength(before)
    const backAt = Date.now()
    pageEvent('pageshow')
    await advance(50)
    expect(locks().held).toHaveLength(1)
    expect(keepAlives()).toHaveLength(before + 1)
    expect(keepAlives().at(-1)!.at - backAt).toBeLessThanOrEqual(50)
    expect(status(a)).toBe('alive')
  })

  test('hidden away right after its keep-alive, it still lets go of the lock at once', async () => {
    const a = openTab('a')
    keepInTab(a)
    await advance(INTERVAL + 50)
    const last = keepAlives().at(-1)!.at
    await advance(last + 300 - Date.now())
    // The 1 s between two tabs' keep-alives waits for no timer: a page in the cache runs none
    // (Chromium kept the lock until a tab stole it). A tab that heard of the keep-alive keeps the
    // second; one that did not is as the next tab after a page that closed.
    pageEvent('pagehide')
    await advance(0)
    expect(locks().held).toHaveLength(0)
    await advance(3 * INTERVAL)
    expect(keepAlives().at(-1)!.at).toBe(last)
  })

  // Found by the model checker once its world checked that the end reaches every tab (example 41).
  test('a tab that saw the end, back from the cache, tells the tab that leads meanwhile', async () => {
    answer = () => ({ status: 410, body: '{"success":false,"error":"Session ended"}' })
    const a = openTab('a')
    keepInTab(a)
    await advance(50)
    expect(status(a)).toBe('expired')
    // Into the cache: nobody is left to tell the next tab, which leads; the server fails now.
    a.cache()
    answer = () => ({ status: 500, body: '{"success":false,"error":"boom"}' })
    const b = openTab('b')
    keepInTab(b)
    await advance(INTERVAL)
    const sent = sentBy('b').length
    expect(sent).toBeGreaterThanOrEqual(1)
    expect(status(b)).toBe('degraded')
    // Back: the first tab gets in line and says the session ended.
    a.thaw()
    await advance(5 * INTERVAL)
    expect(sentBy('b')).toHaveLength(sent)
    expect(b.store.get(SESSION)).toMatchObject({ status: 'expired', endReason: 'server' })
  })
})

describe('a session let go while the page is hidden away', () => {
  const pageEvent = (type: 'pagehide' | 'pageshow') =>
    act(() => void window.dispatchEvent(new PageTransitionEvent(type, { persisted: true })))

  // Found by an attacker's review of a page's long life (2026-12-07): an app that unmounts its
  // call as the page goes into the back/forward cache left the keeper behind: it kept its claim to
  // the lock, so it never retired, and it no longer listened for the page to show. One stayed per
  // session for the page's life, with the options and callbacks the app handed in.
  test('is forgotten once the page shows again: none of its options stay', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const a = openTab('a')
    // Only a WeakRef leaves this function: nothing of the test holds the options.
    const keepAndLetGoAway = async () => {
      const onStatusChange = () => {}
      const handle = keepAvatarSessionAlive(SESSION, 'token-1', {
        store: a.store,
        fetch: a.fetch,
        interval: INTERVAL,
        onStatusChange,
      })
      await advance(INTERVAL + 50)
      pageEvent('pagehide')
      handle.stop()
      return new WeakRef(onStatusChange)
    }
    const options = await keepAndLetGoAway()
    await advance(100)
    pageEvent('pageshow')
    await advance(2_000)
    expect(browser.locks.state()).toEqual({ held: [], pending: [] })
    await new Promise(setImmediate)
    gc()
    gc()
    expect(options.deref()).toBeUndefined()
  })
})

describe('idle and hidden timeouts see every tab', () => {
  const ends = () => browser.sent.filter((s) => s.url.endsWith('/end'))

  test('a hidden leader does not end a session another tab is showing', async () => {
    const a = openTab('a')
    const b = openTab('b')
    keepInTab(a, 'token-1', { hiddenTimeout: 10_000 })
    await advance(50)
    keepInTab(b, 'token-1', { hiddenTimeout: 10_000 })
    act(() => a.focus.set(false))
    await advance(60_000)
    expect(ends()).toEqual([])
    expect(status(a)).toBe('alive')
    // Every tab hidden: the clock runs out, one end request.
    act(() => b.focus.set(false))
    await advance(15_000)
    expect(ends()).toHaveLength(1)
    expect(status(a)).toBe('expired')
    expect(status(b)).toBe('expired')
  })

  // endOnPageHide ends the session as the page goes away unless another tab keeps it: the leader
  // counts the tabs in line after each keep-alive. Nothing held it (mutation testing: a count
  // never stored passed every test).
  test('a leader going away with endOnPageHide leaves a session another tab keeps to that tab', async () => {
    const [a, b] = await leaderAndFollower({ endOnPageHide: true })
    await advance(2 * INTERVAL)
    expect(sentBy('b')).toEqual([])
    const gone = Date.now()
    act(() => a.cache())
    await advance(2 * INTERVAL)
    expect(ends()).toEqual([])
    expect(sentBy('b')[0]!.at - gone).toBeLessThanOrEqual(1_000)
    expect(status(b)).toBe('alive')
    // The last tab going away ends it.
    act(() => b.cache())
    await advance(0)
    expect(ends()).toHaveLength(1)
  })

  // And the other way: a tab that leaves says nothing, and the leader counts again after its next
  // keep-alive (mutation testing: a count made only as a tab comes passed every test).
  test('a leader whose follower left ends the session as its page goes away', async () => {
    const a = openTab('a')
    keepInTab(a, 'token-1', { endOnPageHide: true })
    await advance(50)
    const follower = keepInTab(openTab('b'), 'token-1', { endOnPageHide: true })
    await advance(2 * INTERVAL)
    follower.stop()
    await advance(INTERVAL)
    act(() => a.cache())
    await advance(0)
    expect(ends()).toHaveLength(1)
  })

  // Found by an attacker's review of workers and micro-frontends (2026-12-07): another copy of the
  // package in the same page (its own bundle) in line for the lock counted as another tab that
  // keeps the session, so endOnPageHide never ended it (0 end requests in Chromium).
  test('a leader going away with endOnPageHide ends the session another copy in its own page keeps', async () => {
    const a = openTab('a')
    keepInTab(a, 'token-1', { endOnPageHide: true })
    await advance(50)
    const copy = createAvatarSessionStore({
      crossTab: { locks: browser.locks.tab('a'), BroadcastChannel },
    })
    const other = keepAvatarSessionAlive(SESSION, 'token-1', {
      store: copy,
      fetch: a.fetch,
      interval: INTERVAL,
    })
    await advance(2 * INTERVAL)
    expect(browser.locks.state().pending).toHaveLength(1)
    act(() => {
      a.cache()
      dispatchToKeeper(copy, SESSION, { type: 'pagehide' })
    })
    await advance(0)
    expect(ends()).toHaveLength(1)
    other.stop()
  })

  // A tab that has just come is in line before the leader's next keep-alive counts it: it says so
  // as it gets in line, and a leader that believed itself alone counts again.
  test('a leader going away with endOnPageHide just after another tab came leaves the session to it', async () => {
    const a = openTab('a')
    keepInTab(a, 'token-1', { endOnPageHide: true })
    await advance(2 * INTERVAL)
    const b = openTab('b')
    keepInTab(b, 'token-1', { endOnPageHide: true })
    await advance(100)
    act(() => a.cache())
    await advance(2 * INTERVAL)
    expect(ends()).toEqual([])
    expect(sentBy('b').length).toBeGreaterThanOrEqual(1)
    expect(status(b)).toBe('alive')
  })

  test('activity in any tab resets the idle clock of the tab that leads', async () => {
    const a = openTab('a')
    const b = openTab('b')
    keepInTab(a, 'token-1', { idleTimeout: 30_000, idleWarning: 10_000 })
    await advance(50)
    const follower = keepInTab(b, 'token-1', { idleTimeout: 30_000, idleWarning: 10_000 })
    for (let i = 0; i < 4; i++) {
      await advance(15_000)
      act(() => follower.markActive())
    }
    expect(ends()).toEqual([])
    await advance(30_000)
    expect(ends()).toHaveLength(1)
    expect(a.store.get(SESSION).endReason).toBe('idle-timeout')
  })

  // What tabs say costs every tab a task: per keep-alive, the leader tells its attempt and its
  // outcome, and a visible follower answers once (so that a hidden leader's hiddenTimeout waits
  // for it). Mutation testing found that no test counted it: a follower answering every message,
  // or answering each with its presence too, passed every test.
  test('two tabs say three things per keep-alive: the attempt, the outcome and one answer', async () => {
    await leaderAndFollower()
    await advance(INTERVAL)
    const from = browser.messages.length
    await advance(10 * INTERVAL)
    const said = browser.messages.slice(from) as { leader?: boolean }[]
    expect(said.filter((m) => m.leader)).toHaveLength(20)
    expect(said.filter((m) => !m.leader)).toEqual(Array(10).fill({ seen: true }))
  })

  // Mutation testing found that no test counted what the tabs say: a tab that took another tab's
  // activity for its own told every tab again, and each told it back, an echo that never ended.
  test('activity in one tab is told once: the other tabs do not echo it', async () => {
    const options = { idleTimeout: 30_000, idleWarning: 10_000 }
    keepInTab(openTab('a'), 'token-1', options)
    await advance(50)
    const follower = keepInTab(openTab('b'), 'token-1', options)
    await advance(INTERVAL)
    const active = () => browser.messages.filter((m) => (m as { active?: boolean }).active)
    expect(active()).toEqual([])
    act(() => follower.markActive())
    await advance(5 * INTERVAL)
    expect(active()).toHaveLength(1)
    // And at most once a second: a pointer moving sends a stream of activity.
    for (let i = 0; i < 10; i++) {
      act(() => follower.markActive())
      await advance(199)
    }
    expect(active()).toHaveLength(3)
  })
})

describe('with React', () => {
  test('two tabs rendering the hook: one request per interval; unmounting the leader hands over', async () => {
    const a = openTab('a')
    const b = openTab('b')
    function Avatar({ tab, options }: { tab: Tab; options?: UseAvatarKeepAliveOptions }) {
      const { status } = useAvatarKeepAlive(SESSION, 'token-1', {
        interval: INTERVAL,
        store: tab.store,
        fetch: tab.fetch,
        ...options,
      })
      return <output data-tab={tab.name}>{status}</output>
    }
    const first = render(<Avatar tab={a} />)
    await advance(50)
    render(<Avatar tab={b} />)
    await advance(10 * INTERVAL)
    expect(keepAlives().length).toBeLessThanOrEqual(12)
    expect(new Set(keepAlives().map((s) => s.tab))).toEqual(new Set(['a']))
    first.unmount()
    await advance(5 * INTERVAL)
    expect(sentBy('b').length).toBeGreaterThanOrEqual(4)
    expect(document.querySelector('[data-tab="b"]')?.textContent).toBe('alive')
  })
})

// Found by trying it as an attacker would: the lock was named by `baseUrl` as written, so two tabs
// of one app that spell one endpoint two ways (a path, and the page's origin with it; a host in
// capitals and the default port) took two locks, and both sent.
describe('one endpoint spelt two ways', () => {
  test.each([
    ['a path and the same URL in full', '/v1', `${location.origin}/v1/`],
    [
      'a host in capitals and the default port',
      'https://API.avatar.test:443/v1',
      'https://api.avatar.test/v1',
    ],
  ])('%s: one lock, one sender', async (_, first, second) => {
    const [, b] = await leaderAndFollower({ baseUrl: first }, { baseUrl: second })
    await advance(10 * INTERVAL)
    expect(keepAlives().length).toBeGreaterThanOrEqual(10)
    expect(new Set(keepAlives().map((s) => s.tab))).toEqual(new Set(['a']))
    expect(status(b)).toBe('alive')
  })

  // The lock is named by the keep-alive's URL as fetch resolves it: against the document's base
  // URL (with `<base href="/">`, an app that routes in the browser, `v1` is `/v1` on every route,
  // not a path beside each route's own), and with the session's path after the base, so that a
  // base of `/` (the page's own URL once its slash is dropped) or one ending in a dot segment
  // (`/v1/.`) names the endpoint its keep-alives go to.
  test.each([
    ['a relative path under <base href="/">', 'v1', 'v1', '/'],
    ['a proxy at the root, `/`', '/', '/', null],
    ['`/v1/.` and `/v1`', '/v1/.', '/v1', null],
  ])('%s, from two routes: one lock, one sender', async (_, first, second, baseHref) => {
    const base = baseHref ? document.head.appendChild(document.createElement('base')) : null
    if (base) base.href = baseHref!
    const route = location.pathname
    try {
      const a = openTab('a')
      const b = openTab('b')
      history.pushState(null, '', '/calls/1')
      keepInTab(a, 'token-1', { baseUrl: first })
      await advance(50)
      history.pushState(null, '', '/calls/2/room?tab=2')
      keepInTab(b, 'token-1', { baseUrl: second })
      await advance(10 * INTERVAL)
      expect(keepAlives().length).toBeGreaterThanOrEqual(10)
      expect(new Set(keepAlives().map((s) => s.tab))).toEqual(new Set(['a']))
      expect(status(b)).toBe('alive')
    } finally {
      base?.remove()
      history.pushState(null, '', route)
    }
  })
})
