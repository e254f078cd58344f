// The core in a page, with the page's own sources of connectivity and visibility (the hook uses
// TanStack Query's managers instead).
import { afterEach, beforeEach, describe, expect, onTestFinished, test, vi } from 'vitest'
import { keepAvatarSessionAlive, type KeepAliveHandle } from '../core/keepAvatarSessionAlive'
import { createAvatarSessionStore, type AvatarSessionStore } from '../core/store'
import { FAKE_TIMERS } from './keepAliveTestUtils'

let store: AvatarSessionStore
let onLine: boolean
const fetch = vi.fn<typeof globalThis.fetch>(async () => Response.json({ success: true }))

beforeEach(() => {
  vi.useFakeTimers(FAKE_TIMERS)
  store = createAvatarSessionStore({ crossTab: null })
  fetch.mockClear()
  vi.spyOn(navigator, 'onLine', 'get').mockImplementation(() => onLine)
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

function goOnline(online: boolean): void {
  onLine = online
  window.dispatchEvent(new Event(online ? 'online' : 'offline'))
}

test('navigator.onLine false from the start (Chrome reads it wrong on some machines that are online) does not keep the session from being kept', async () => {
  onLine = false
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', { store, fetch, interval: 1_000 })
  onTestFinished(() => keepAlive.stop())
  await vi.advanceTimersByTimeAsync(3_000)
  expect(fetch).toHaveBeenCalledTimes(4)
  expect(store.get('s1').status).toBe('alive')
})

test('the offline event pauses it (offline, nothing sent); the online event sends one at once', async () => {
  onLine = true
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', { store, fetch, interval: 1_000 })
  onTestFinished(() => keepAlive.stop())
  await vi.advanceTimersByTimeAsync(500)
  expect(fetch).toHaveBeenCalledTimes(1)
  goOnline(false)
  await vi.advanceTimersByTimeAsync(5_000)
  expect(fetch).toHaveBeenCalledTimes(1)
  expect(store.get('s1').status).toBe('offline')
  goOnline(true)
  await vi.advanceTimersByTimeAsync(0)
  expect(fetch).toHaveBeenCalledTimes(2)
  expect(store.get('s1').status).toBe('alive')
})

// Mutation testing (2026-12-06): a refusal not counted as a failure, or not shown as the latest
// attempt, passed every test; and so did a token that is no header value, refused before it was
// sent, setting off the other consumer's token at once (it takes the schedule's turn, as it was).
test('a refused token counts as a failure of that attempt; one that is no header value waits for the schedule', async () => {
  onLine = true
  const t0 = Date.now()
  // (It takes the first, then refuses: the refused attempt is not the first the store shows.)
  let calls = 0
  const refusing = vi.fn<typeof globalThis.fetch>(async () =>
    ++calls === 1
      ? Response.json({ success: true })
      : Response.json({ success: false, error: 'Unauthorized' }, { status: 401 }),
  )
  const a = keepAvatarSessionAlive('s1', 'token-1', { store, fetch, interval: 10_000 })
  onTestFinished(() => a.stop())
  await vi.advanceTimersByTimeAsync(5_000)
  // Another consumer, with a token that cannot be a header: refused as it comes, never sent.
  const b = keepAvatarSessionAlive('s1', 'bad token', { store, fetch, interval: 10_000 })
  onTestFinished(() => b.stop())
  await vi.advanceTimersByTimeAsync(4_999)
  expect(fetch).toHaveBeenCalledTimes(1)
  await vi.advanceTimersByTimeAsync(1)
  expect(fetch).toHaveBeenCalledTimes(2)
  // A session whose token the server refuses: the refusal is that attempt's outcome.
  const c = keepAvatarSessionAlive('s2', 'token-1', { store, fetch: refusing, interval: 2_000 })
  onTestFinished(() => c.stop())
  await vi.advanceTimersByTimeAsync(2_000)
  expect(refusing).toHaveBeenCalledTimes(2)
  expect(store.get('s2')).toMatchObject({
    status: 'unauthorized',
    consecutiveFailures: 1,
    lastAttemptAt: t0 + 12_000,
  })
})

// Mutation testing (2026-12-06) found no test of an answer that comes once the device is offline:
// a failure then, shown `degraded` and retried while offline, passed every test. A failure that
// comes with the network gone is the network's: `offline`, nothing sent, and back online one
// keep-alive goes at once. (A success then shows `offline` too: nothing goes out until the device
// is back.)
test('an answer that comes after the device went offline shows offline; back online, one goes at once', async () => {
  onLine = true
  const answers: ((response: Response | Error) => void)[] = []
  const slow = vi.fn<typeof globalThis.fetch>(
    () =>
      new Promise((resolve, reject) =>
        answers.push((answer) => (answer instanceof Error ? reject(answer) : resolve(answer))),
      ),
  )
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', {
    store,
    fetch: slow,
    interval: 10_000,
  })
  onTestFinished(() => keepAlive.stop())
  await vi.advanceTimersByTimeAsync(100)
  goOnline(false)
  answers.shift()!(Response.json({ success: true }))
  await vi.advanceTimersByTimeAsync(100)
  expect(store.get('s1')).toMatchObject({ status: 'offline', consecutiveFailures: 0 })
  expect(store.get('s1').lastAliveAt).toBe(Date.now() - 100)
  // (At once, as the 1 s ceiling from the first allows.)
  goOnline(true)
  await vi.advanceTimersByTimeAsync(800)
  expect(slow).toHaveBeenCalledTimes(2)
  goOnline(false)
  answers.shift()!(new TypeError('Failed to fetch'))
  await vi.advanceTimersByTimeAsync(5_000)
  expect(store.get('s1')).toMatchObject({ status: 'offline', consecutiveFailures: 0 })
  expect(slow).toHaveBeenCalledTimes(2)
  goOnline(true)
  await vi.advanceTimersByTimeAsync(0)
  expect(slow).toHaveBeenCalledTimes(3)
})

// Mutation testing (2026-12-06) found no test of an `online` event that changes nothing: the
// network changed under the page, or an `offline` event came while `navigator.onLine` still reads
// true. Only coming back online sends at once.
test('an online event while online sends nothing extra: the next keep-alive keeps its interval', async () => {
  onLine = true
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', { store, fetch, interval: 10_000 })
  onTestFinished(() => keepAlive.stop())
  await vi.advanceTimersByTimeAsync(5_000)
  expect(fetch).toHaveBeenCalledTimes(1)
  goOnline(true)
  window.dispatchEvent(new Event('offline'))
  await vi.advanceTimersByTimeAsync(4_999)
  expect(fetch).toHaveBeenCalledTimes(1)
  expect(store.get('s1').status).toBe('alive')
  await vi.advanceTimersByTimeAsync(1)
  expect(fetch).toHaveBeenCalledTimes(2)
})

// Mutation testing (2026-12-06): no test held a sent keep-alive past a shorter interval. One sent
// with a longer interval's timeout, still out when a consumer on a shorter interval makes the next
// one due, is given up then; only one waiting for the lock manager's word waits longer
// (ALONE_WAIT, 2.75 s).
test('a keep-alive still out when a shorter interval makes the next due is given up then', async () => {
  onLine = true
  const t0 = Date.now()
  const sent: number[] = []
  const hanging = vi.fn<typeof globalThis.fetch>(
    () => (sent.push(Date.now() - t0), new Promise(() => {})),
  )
  const slow = keepAvatarSessionAlive('s1', 'token-1', {
    store,
    fetch: hanging,
    interval: 10_000,
    timeout: 9_000,
  })
  onTestFinished(() => slow.stop())
  await vi.advanceTimersByTimeAsync(1_000)
  const fast = keepAvatarSessionAlive('s1', 'token-1', { store, fetch: hanging, interval: 2_000 })
  onTestFinished(() => fast.stop())
  // (The next ones time out after 1 s, the shorter interval's timeout, and are retried.)
  await vi.advanceTimersByTimeAsync(1_500)
  expect(sent).toEqual([0, 2_000])
})

// How the options of several consumers of one session combine (as the README says): the
// shortest interval, timeout and timeouts win, and any may ask for retries or for the end on page
// hide. Mutation testing (2026-12-06) found that only the interval's rule was held: 'every
// consumer asks for retries', 'every one for endOnPageHide' and the idle warning of the newest
// consumer rather than of the one whose idle timeout runs passed every test.
test('two consumers: one that asks for retries is enough, the other saying retry: false', async () => {
  onLine = true
  const answers = [500]
  const flaky = vi.fn<typeof globalThis.fetch>(async () =>
    answers.shift() === 500
      ? Response.json({ success: false, error: 'boom' }, { status: 500 })
      : Response.json({ success: true }),
  )
  const options = { store, fetch: flaky, interval: 10_000 }
  const a = keepAvatarSessionAlive('s1', 'token-1', { ...options, retry: false })
  const b = keepAvatarSessionAlive('s1', 'token-1', options)
  onTestFinished(() => (a.stop(), b.stop()))
  await vi.advanceTimersByTimeAsync(1_500)
  expect(flaky).toHaveBeenCalledTimes(2)
  expect(store.get('s1').status).toBe('alive')
})

test('two consumers: one that asks to end the session on page hide is enough', async () => {
  onLine = true
  const a = keepAvatarSessionAlive('s1', 'token-1', { store, fetch, endOnPageHide: true })
  const b = keepAvatarSessionAlive('s1', 'token-1', { store, fetch })
  onTestFinished(() => (a.stop(), b.stop()))
  await vi.advanceTimersByTimeAsync(0)
  window.dispatchEvent(new Event('pagehide'))
  await vi.advanceTimersByTimeAsync(0)
  expect(store.get('s1')).toMatchObject({ status: 'expired', endReason: 'page-hide' })
  expect(fetch.mock.calls.map(([url]) => String(url))).toEqual([
    expect.stringMatching(/\/keep-alive$/),
    expect.stringMatching(/\/end$/),
  ])
})

test('two consumers: the idle warning is the one of the consumer whose idle timeout runs', async () => {
  onLine = true
  const a = keepAvatarSessionAlive('s1', 'token-1', {
    store,
    fetch,
    idleTimeout: 60_000,
    idleWarning: 10_000,
  })
  // The newer one lets the session idle longer, and would warn a minute ahead (the default).
  const b = keepAvatarSessionAlive('s1', 'token-1', { store, fetch, idleTimeout: 120_000 })
  onTestFinished(() => (a.stop(), b.stop()))
  await vi.advanceTimersByTimeAsync(49_000)
  expect(store.get('s1').endsAt).toBeNull()
  await vi.advanceTimersByTimeAsync(1_000)
  expect(store.get('s1').endsAt).toBe(Date.now() + 10_000)
})

// Found by reading, when the check of a path where there is no page moved into the keeper: a call
// refused for its options had its callbacks listening all the same, and a refused update had
// them replaced.
test('a call refused for its options leaves no callback behind; a refused update keeps the old ones', async () => {
  onLine = true
  const refused = vi.fn()
  expect(() =>
    keepAvatarSessionAlive('s1', 'token-1', { store, fetch, interval: 5, onStatusChange: refused }),
  ).toThrow(/interval/)
  const kept = vi.fn()
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', {
    store,
    fetch,
    interval: 1_000,
    onStatusChange: kept,
  })
  onTestFinished(() => keepAlive.stop())
  const replaced = vi.fn()
  expect(() =>
    keepAlive.update('token-1', { store, fetch, interval: 5, onStatusChange: replaced }),
  ).toThrow(/interval/)
  await vi.advanceTimersByTimeAsync(500)
  expect(fetch).toHaveBeenCalledTimes(1)
  expect(kept.mock.calls).toEqual([
    ['connecting', 'idle'],
    ['alive', 'connecting'],
  ])
  expect(refused).not.toHaveBeenCalled()
  expect(replaced).not.toHaveBeenCalled()
})

// Found by trying it as an attacker would: `fetch` given as something that is not a function (an
// untyped JS caller, a wrapper's misspelt import) was kept, and every keep-alive failed as a
// "network" error, the session left `degraded` for good.
test('a fetch that is not a function is refused with a TypeError naming it, at the call and at update; nothing is sent', async () => {
  onLine = true
  const bad = [42, 'fetch', {}, null] as unknown as (typeof globalThis.fetch)[]
  for (const notFetch of bad) {
    expect(() =>
      keepAvatarSessionAlive('s1', 'token-1', { store, fetch: notFetch, interval: 1_000 }),
    ).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/`fetch`/) }),
    )
  }
  expect(store.get('s1').status).toBe('idle')
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', { store, fetch, interval: 1_000 })
  onTestFinished(() => keepAlive.stop())
  expect(() => keepAlive.update('token-1', { store, fetch: bad[0], interval: 1_000 })).toThrow(
    /`fetch`/,
  )
  await vi.advanceTimersByTimeAsync(2_500)
  expect(fetch).toHaveBeenCalledTimes(3)
  expect(store.get('s1').status).toBe('alive')
})

// Found by reading the keeper as an attacker would: callbacks run inside the keeper's step, and a
// ping() called there (an app that tries again on its own after "Try again now" failed) was
// settled by that step: it resolved 'degraded' at once, before its own keep-alive was even sent.
test('a ping() called from onError resolves to the status its own keep-alive brings', async () => {
  const answers = [200, 500]
  const fetch = vi.fn<typeof globalThis.fetch>(async () => {
    const status = answers.shift() ?? 200
    return Response.json({ success: status === 200 }, { status })
  })
  const results: string[] = []
  let triedAgain = false
  const keepAlive: KeepAliveHandle = keepAvatarSessionAlive('s1', 'token-1', {
    store,
    fetch,
    onError: () => {
      if (triedAgain) return
      triedAgain = true
      void keepAlive.ping().then((status) => results.push(`again: ${status}, ${sent()} sent`))
    },
  })
  const sent = () => fetch.mock.calls.length
  onTestFinished(() => keepAlive.stop())
  await vi.advanceTimersByTimeAsync(2_000)
  void keepAlive.ping().then((status) => results.push(`pressed: ${status}, ${sent()} sent`))
  await vi.advanceTimersByTimeAsync(3_000)
  expect(results).toEqual(['pressed: degraded, 2 sent', 'again: alive, 3 sent'])
  expect(store.get('s1').status).toBe('alive')
})

// Mutation testing (2026-12-06): the core's own check of the token, its reading of the page's
// visibility (the event, not only the state at the start) and its taking off of the online
// listeners each passed every test.
test('a token that is empty, blank or missing is refused with a TypeError naming it; nothing is sent', () => {
  for (const token of ['', '   ', null, undefined] as unknown as string[]) {
    expect(() => keepAvatarSessionAlive('s1', token, { store, fetch })).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/`token`/) }),
    )
  }
  expect(fetch).not.toHaveBeenCalled()
  expect(store.get('s1').status).toBe('idle')
})

test('the page hidden (visibilitychange) counts for hiddenTimeout; shown again before it, nothing ends', async () => {
  onLine = true
  let visibility: DocumentVisibilityState = 'visible'
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility)
  const show = (seen: boolean): void => {
    visibility = seen ? 'visible' : 'hidden'
    document.dispatchEvent(new Event('visibilitychange'))
  }
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', {
    store,
    fetch,
    interval: 1_000,
    hiddenTimeout: 5_000,
  })
  onTestFinished(() => keepAlive.stop())
  await vi.advanceTimersByTimeAsync(0)
  show(false)
  await vi.advanceTimersByTimeAsync(4_999)
  show(true)
  show(false)
  await vi.advanceTimersByTimeAsync(4_999)
  expect(store.get('s1').status).toBe('alive')
  await vi.advanceTimersByTimeAsync(1)
  expect(store.get('s1')).toMatchObject({ status: 'expired', endReason: 'hidden-timeout' })
  expect(String(fetch.mock.calls.at(-1)![0])).toMatch(/\/avatar-session\/s1\/end$/)
})

// TanStack Query's focusManager before 5.26 calls its listeners with no value (the peer range
// allows 5.0): the core read that as hidden, so a page shown again after one tab switch ended
// with hidden-timeout while in view. A listener called with nothing reads isFocused().
test('a focus source that calls its listeners with no value (TanStack Query before 5.26): shown again, nothing ends', async () => {
  onLine = true
  let focused = true
  const listeners = new Set<() => void>()
  const focus = {
    isFocused: () => focused,
    subscribe: (listener: () => void) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
  const show = (seen: boolean): void => {
    focused = seen
    listeners.forEach((listener) => listener())
  }
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', {
    store,
    fetch,
    interval: 1_000,
    hiddenTimeout: 5_000,
    focus,
  })
  onTestFinished(() => keepAlive.stop())
  await vi.advanceTimersByTimeAsync(0)
  show(false)
  await vi.advanceTimersByTimeAsync(1_000)
  show(true)
  await vi.advanceTimersByTimeAsync(20_000)
  expect(store.get('s1')).toMatchObject({ status: 'alive', endReason: null })
  show(false)
  await vi.advanceTimersByTimeAsync(5_000)
  expect(store.get('s1')).toMatchObject({ status: 'expired', endReason: 'hidden-timeout' })
})

test('stop() takes its online and offline listeners off the page', async () => {
  onLine = true
  const added = vi.spyOn(window, 'addEventListener')
  const removed = vi.spyOn(window, 'removeEventListener')
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', { store, fetch, interval: 1_000 })
  await vi.advanceTimersByTimeAsync(0)
  const listeners = (spy: typeof added) =>
    spy.mock.calls.filter(([type]) => type === 'online' || type === 'offline').map((c) => c[1])
  expect(listeners(added)).toHaveLength(2)
  keepAlive.stop()
  await vi.advanceTimersByTimeAsync(0)
  expect(listeners(removed)).toEqual(listeners(added))
})

// Found by an attacker's review of the handle's call orders and callbacks (2026-12-07).
describe('call orders and callbacks', () => {
  /** A fetch that answers the statuses in turn (then 200), and the tokens it was sent. */
  function answering(...statuses: number[]) {
    const tokens: string[] = []
    const server = vi.fn<typeof globalThis.fetch>(async (_url, init) => {
      tokens.push(new Headers(init?.headers).get('Authorization')!.slice('Bearer '.length))
      const status = statuses.shift() ?? 200
      return Response.json({ success: status === 200 }, { status })
    })
    return { server, tokens }
  }

  /** An online source the test drives, that says how many listen to it. */
  function onlineSource() {
    const listeners = new Set<(online: boolean) => void>()
    return {
      isOnline: () => true,
      subscribe: (listener: (online: boolean) => void) => {
        listeners.add(listener)
        return () => void listeners.delete(listener)
      },
      emit: (online: boolean) => listeners.forEach((listener) => listener(online)),
      listening: () => listeners.size,
    }
  }

  // The README's recipe asked for a new token on the status: a new token refused too left it
  // `unauthorized`, so no third token was ever asked for. Each refusal calls onError.
  test('a new token asked for at each refusal (onError): the third goes out when the second is refused too', async () => {
    onLine = true
    const { server, tokens } = answering(200, 401, 401)
    let issued = 1
    const keepAlive: KeepAliveHandle = keepAvatarSessionAlive('s1', 'token-1', {
      store,
      fetch: server,
      onError: (error) => {
        if (error.kind === 'unauthorized') {
          void Promise.resolve(`token-${++issued}`).then((token) => keepAlive.update(token))
        }
      },
    })
    onTestFinished(() => keepAlive.stop())
    await vi.advanceTimersByTimeAsync(30_000)
    expect(tokens.slice(0, 4)).toEqual(['token-1', 'token-1', 'token-2', 'token-3'])
    expect(store.get('s1').status).toBe('alive')
  })

  // With idleWarning ≥ idleTimeout the warning runs from the start; activity moved `endsAt` to
  // the new end without `null` between, and the end that came was never warned of.
  test('a warning as long as idleTimeout is given again after activity, for the new end', async () => {
    onLine = true
    const t0 = Date.now()
    const warnings: [number, number][] = []
    const keepAlive = keepAvatarSessionAlive('s1', 'token-1', {
      store,
      fetch,
      idleTimeout: 30_000,
      onIdleWarning: (msLeft) => warnings.push([Date.now() - t0, msLeft]),
    })
    onTestFinished(() => keepAlive.stop())
    await vi.advanceTimersByTimeAsync(20_000)
    keepAlive.markActive()
    await vi.advanceTimersByTimeAsync(40_000)
    expect(warnings).toEqual([
      [0, 30_000],
      [20_000, 30_000],
    ])
    expect(store.get('s1')).toMatchObject({ status: 'expired', endReason: 'idle-timeout' })
  })

  test('one failed keep-alive is one onError: a pause that shows the old refusal again is none', async () => {
    onLine = true
    const { server } = answering(200, 401)
    const errors: (number | null)[] = []
    const a = keepAvatarSessionAlive('s1', 'token-a', { store, fetch: server })
    await vi.advanceTimersByTimeAsync(100)
    const b = keepAvatarSessionAlive('s1', 'token-b', {
      store,
      fetch: server,
      onError: (error) => errors.push(error.httpStatus),
    })
    onTestFinished(() => (a.stop(), b.stop()))
    await vi.advanceTimersByTimeAsync(12_000)
    expect(store.get('s1').status).toBe('alive')
    a.stop()
    await vi.advanceTimersByTimeAsync(100)
    expect(store.get('s1').status).toBe('unauthorized')
    expect(errors).toEqual([401])
  })

  test('a handle started in another handle’s onError hears only what comes after it', async () => {
    onLine = true
    const { server } = answering(200, 500)
    const heard: string[] = []
    let b: KeepAliveHandle | undefined
    const a = keepAvatarSessionAlive('s1', 'token-1', {
      store,
      fetch: server,
      retry: false,
      onError: () => {
        heard.push('a')
        b ??= keepAvatarSessionAlive('s1', 'token-1', {
          store,
          fetch: server,
          onError: () => heard.push('b'),
        })
      },
    })
    onTestFinished(() => (a.stop(), b?.stop()))
    await vi.advanceTimersByTimeAsync(10_100)
    expect(heard).toEqual(['a'])
  })

  // The first handle's sources drove the session for as long as anyone kept it.
  test('once the handle whose online source it listened to stops, the next handle’s is listened to', async () => {
    const sourceA = onlineSource()
    const sourceB = onlineSource()
    const a = keepAvatarSessionAlive('s1', 'token-1', { store, fetch, online: sourceA })
    await vi.advanceTimersByTimeAsync(100)
    const b = keepAvatarSessionAlive('s1', 'token-1', { store, fetch, online: sourceB })
    onTestFinished(() => (a.stop(), b.stop()))
    await vi.advanceTimersByTimeAsync(100)
    a.stop()
    await vi.advanceTimersByTimeAsync(100)
    expect([sourceA.listening(), sourceB.listening()]).toEqual([0, 1])
    sourceA.emit(false)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(fetch).toHaveBeenCalledTimes(7)
    sourceB.emit(false)
    await vi.advanceTimersByTimeAsync(0)
    expect(store.get('s1').status).toBe('offline')
  })

  test('ping() right after stop() resolves to the status the stop brings', async () => {
    onLine = true
    const keepAlive = keepAvatarSessionAlive('s1', 'token-1', { store, fetch })
    await vi.advanceTimersByTimeAsync(100)
    keepAlive.stop()
    await expect(keepAlive.ping()).resolves.toBe('stopped')
    expect(fetch).toHaveBeenCalledTimes(1)
  })
})
