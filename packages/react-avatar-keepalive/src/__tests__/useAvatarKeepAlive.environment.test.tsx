import { onlineManager } from '@tanstack/react-query'
import { act } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import {
  advance,
  renderKeepAlive,
  setPageVisible,
  setupMockApi,
  sleepThrough,
} from './keepAliveTestUtils'

const api = setupMockApi()

/** Moves the clock without running timers, as a frozen or throttled page experiences it. */

describe('offline', () => {
  test('offline → status offline and no requests; back online → one request at once', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    await advance(3_000)
    act(() => onlineManager.setOnline(false))
    expect(view.latest().status).toBe('offline')
    expect(view.latest().isAlive).toBe(false)
    await advance(20_000)
    expect(api.count('s1')).toBe(1)
    act(() => onlineManager.setOnline(true))
    await advance(0)
    expect(api.count('s1')).toBe(2)
    expect(view.latest().status).toBe('alive')
    await advance(10_000)
    expect(api.count('s1')).toBe(3)
  })

  test('a brief offline spell also pings at once on reconnect', async () => {
    renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    act(() => onlineManager.setOnline(false))
    await advance(1_000)
    act(() => onlineManager.setOnline(true))
    await advance(0)
    expect(api.count('s1')).toBe(2)
  })

  test('offline for longer than the server allows → expired on reconnect, and stops', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    act(() => onlineManager.setOnline(false))
    await advance(60_000)
    act(() => onlineManager.setOnline(true))
    await advance(0)
    expect(view.latest().status).toBe('expired')
    await advance(60_000)
    expect(api.count('s1')).toBe(2)
  })

  test('going offline while a request is out shows offline even if that request succeeds', async () => {
    api.queue({ delay: 1_000 })
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(500)
    act(() => onlineManager.setOnline(false))
    await advance(1_000)
    expect(api.requests[0]?.status).toBe(200)
    expect(view.latest().status).toBe('offline')
    expect(view.snapshot()?.lastAliveAt).not.toBeNull()
  })

  test('mounting while offline sends nothing until online', async () => {
    act(() => onlineManager.setOnline(false))
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(30_000)
    expect(view.latest().status).toBe('offline')
    expect(api.count('s1')).toBe(0)
    act(() => onlineManager.setOnline(true))
    await advance(0)
    expect(api.count('s1')).toBe(1)
    expect(view.latest().status).toBe('alive')
  })

  test('going offline during retries stops them until back online', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    api.queue('network-error')
    await advance(10_000)
    expect(view.latest().status).toBe('degraded')
    act(() => onlineManager.setOnline(false))
    await advance(15_000)
    expect(api.count('s1')).toBe(2)
    expect(view.latest().status).toBe('offline')
    act(() => onlineManager.setOnline(true))
    await advance(0)
    expect(api.count('s1')).toBe(3)
    expect(view.latest().status).toBe('alive')
  })
})

describe('hidden tabs and frozen pages', () => {
  test('pings continue while the page is hidden, aiming a tenth of the interval early', async () => {
    renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    act(() => setPageVisible(false))
    await advance(100_000)
    expect(api.requests.map((r) => r.at - api.requests[0]!.at)).toEqual(
      Array.from({ length: 12 }, (_, i) => i * 9_000),
    )
  })

  test('visible again with the last success older than the interval → one request at once', async () => {
    renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    act(() => setPageVisible(false))
    sleepThrough(25_000) // a throttled tab: the clock moved, the timers did not fire
    act(() => setPageVisible(true))
    await advance(0)
    expect(api.count('s1')).toBe(2)
  })

  test('visible again within the interval → no extra request', async () => {
    renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    act(() => setPageVisible(false))
    await advance(4_000)
    act(() => setPageVisible(true))
    await advance(0)
    expect(api.count('s1')).toBe(1)
    await advance(6_000)
    expect(api.count('s1')).toBe(2)
  })

  test('resumed after a freeze with a ping overdue → one request at once', async () => {
    renderKeepAlive({ sessionId: 's1', token: 'token-1' }, { consumers: 3 })
    await advance(0)
    sleepThrough(40_000)
    act(() => {
      document.dispatchEvent(new Event('resume'))
    })
    await advance(0)
    expect(api.count('s1')).toBe(2)
  })

  test('a hidden page frozen past what the server allows is told why on resume: missed, frozen', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    act(() => setPageVisible(false))
    sleepThrough(60_000)
    act(() => {
      document.dispatchEvent(new Event('resume'))
    })
    await advance(0)
    expect(view.latest()).toMatchObject({ status: 'expired', endReason: 'missed' })
    // Hidden, but it did not run at all: frozen, not throttled.
    expect(view.snapshot()?.missed).toMatchObject({ cause: 'frozen' })
  })

  test('resumed after a short freeze → no extra request', async () => {
    renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    sleepThrough(5_000)
    act(() => {
      document.dispatchEvent(new Event('resume'))
    })
    await advance(0)
    expect(api.count('s1')).toBe(1)
  })
})

// Found by an attacker's review of pages not yet seen: a page that Chromium prerenders (Speculation
// Rules) runs its scripts before the user goes there, if ever. With crossTab off it sent
// keep-alives from there, and thrown away unseen it ended the session (endOnPageHide) that the
// user's page was keeping; with crossTab on, whether a session survived going to it was a coin flip.
describe('a prerendered page', () => {
  let prerendering = true
  const show = (): void => {
    prerendering = false
    document.dispatchEvent(new Event('prerenderingchange'))
  }
  beforeEach(() => {
    prerendering = true
    Object.defineProperty(document, 'prerendering', { configurable: true, get: () => prerendering })
  })
  afterEach(() => {
    delete (document as { prerendering?: boolean }).prerendering
  })

  test('keeps nothing until it is shown, and ends nothing when thrown away unseen', async () => {
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { endOnPageHide: true, crossTab: false },
    })
    await advance(60_000)
    view.rerenderWith({
      sessionId: 's1',
      token: 'token-2',
      options: { endOnPageHide: true, crossTab: false },
    })
    let pinged: string | undefined
    void view
      .latest()
      .ping()
      .then((status) => (pinged = status))
    await advance(0)
    expect(pinged).toBe('idle')
    window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }))
    await advance(0)
    expect(api.requests).toEqual([])
    expect(view.latest().status).toBe('idle')
  })

  test('shown: a keep-alive at once with the newest token, then on schedule', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(20_000)
    view.rerenderWith({ sessionId: 's1', token: 'token-2' })
    await advance(0)
    expect(api.count('s1')).toBe(0)
    api.setToken('s1', 'token-2')
    act(show)
    await advance(0)
    expect(api.requests.map((request) => request.tokenMatched)).toEqual([true])
    expect(view.latest().status).toBe('alive')
    await advance(10_000)
    expect(api.count('s1')).toBe(2)
  })
})

describe('the token', () => {
  test('a new token neither restarts the schedule nor adds a request; the next ping uses it', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    await advance(4_000)
    api.setToken('s1', 'token-rotated')
    view.rerenderWith({ sessionId: 's1', token: 'token-rotated' })
    await advance(0)
    expect(api.count('s1')).toBe(1)
    await advance(5_999)
    expect(api.count('s1')).toBe(1)
    await advance(1)
    expect(api.count('s1')).toBe(2)
    expect(api.requests[1]?.tokenMatched).toBe(true)
    expect(view.latest().status).toBe('alive')
  })

  test('a token rotated during retries is used by the next retry', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    api.queue(503)
    await advance(10_000)
    api.setToken('s1', 'token-rotated')
    view.rerenderWith({ sessionId: 's1', token: 'token-rotated' })
    await advance(2_000)
    expect(api.requests[2]?.tokenMatched).toBe(true)
    expect(view.latest().status).toBe('alive')
  })

  test('the token never reaches a query key, the store, an error or the console', async () => {
    const secret = 'eyJ-secret-token-value'
    const logged: unknown[] = []
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args) => logged.push(...args))
    }
    api.addSession('s1', secret)
    api.queue(500, { status: 401, body: { success: false, error: `bad token ${secret}` } })
    const view = renderKeepAlive({ sessionId: 's1', token: secret })
    await advance(5_000)
    expect(view.latest().status).toBe('unauthorized')
    const error = view.latest().error!
    const everything = JSON.stringify({
      keys: view.queryClient
        .getQueryCache()
        .getAll()
        .map((q) => q.queryKey),
      hashes: view.queryClient
        .getQueryCache()
        .getAll()
        .map((q) => q.queryHash),
      state: view.queryClient
        .getQueryCache()
        .getAll()
        .map((q) => q.state),
      store: view.store.getState(),
      error: { ...error, message: error.message, stack: error.stack },
      logged: logged.map(String),
      requests: api.requests,
      dom: document.body.innerHTML,
    })
    expect(everything).not.toContain(secret)
    expect(error.message).toContain('[redacted]')
  })
})

describe('callbacks', () => {
  test('onStatusChange reports each change with the previous status', async () => {
    const onStatusChange = vi.fn()
    renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { onStatusChange } })
    await advance(0)
    api.queue(500)
    await advance(12_000) // the ping at 10 s fails; the retry comes 0.8–1.2 s later
    expect(onStatusChange.mock.calls).toEqual([
      ['connecting', 'idle'],
      ['alive', 'connecting'],
      ['degraded', 'alive'],
      ['alive', 'degraded'],
    ])
  })

  test('the latest callbacks are called without restarting anything', async () => {
    const first = vi.fn()
    const second = vi.fn()
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { onError: first } })
    await advance(0)
    view.rerenderWith({ sessionId: 's1', token: 'token-1', options: { onError: second } })
    api.queue(500)
    await advance(10_000)
    expect(first).not.toHaveBeenCalled()
    expect(second).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'server', httpStatus: 500 }),
    )
    expect(api.count('s1')).toBe(2)
  })
})
