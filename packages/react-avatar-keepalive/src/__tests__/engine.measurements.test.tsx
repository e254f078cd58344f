// The measurements of issue #20, one example each, asserting what a user sees once fixed: the end
// reason a 410 is reported with, `isAlive` across tabs, and keep-alives under a test's partial fake
// timers. Each failed on the engine before the rewrite (04b0c85).
import { act } from '@testing-library/react'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { keepAvatarSessionAlive } from '../core/keepAvatarSessionAlive'
import { createAvatarSessionStore } from '../core/store'
import { createAvatarApiMock } from '../testing/createAvatarApiMock'
import { advance, FAKE_TIMERS, renderKeepAlive, setupMockApi } from './keepAliveTestUtils'
import { createBrowser, SESSION } from './tabsWorld'

describe('end reasons tell the truth', () => {
  const api = setupMockApi()

  test('degraded by a 5xx, the user presses "Try again now" (ping()), the server answers 410: ended by the server, not missed', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { retry: false } })
    await advance(0)
    api.queue(500)
    await advance(10_000)
    expect(view.latest().status).toBe('degraded')
    await advance(4_000)
    api.queue(410)
    await act(async () => {
      await view.latest().ping()
    })
    expect(view.latest().status).toBe('expired')
    expect(view.latest().endReason).toBe('server')
    expect(view.snapshot().missed).toBeNull()
  })

  test('enabled: false for 60 s, then true, answered 410: ended by the server, not missed (the page paused on purpose)', async () => {
    const props = { sessionId: 's1', token: 'token-1' }
    const view = renderKeepAlive(props)
    await advance(0)
    view.rerenderWith({ ...props, options: { enabled: false } })
    await advance(60_000)
    expect(view.latest().status).toBe('stopped')
    // The mock's own idle timeout (30 s) ended the session meanwhile.
    view.rerenderWith({ ...props, options: { enabled: true } })
    await advance(0)
    expect(api.requests.at(-1)?.status).toBe(410)
    expect(view.latest()).toMatchObject({ status: 'expired', endReason: 'server' })
    expect(view.snapshot().missed).toBeNull()
  })
})

describe('isAlive agrees with the last success any tab saw', () => {
  afterEach(() => vi.useRealTimers())

  test('a tab that froze, was replaced, thawed and followed for 40 s leads again without claiming the session dead', async () => {
    vi.useFakeTimers(FAKE_TIMERS)
    const interval = 2_000
    const browser = createBrowser(() => ({ status: 200, body: '{"success":true}' }), interval)
    const a = browser.open('a')
    const b = browser.open('b')
    a.keep('token-1')
    await advance(50)
    b.keep('token-1')
    await advance(2 * interval)
    a.freeze()
    await advance(3 * interval)
    expect(browser.sent.filter((s) => s.tab === 'b').length).toBeGreaterThan(0)
    act(() => a.thaw())
    await advance(40_000)
    // Every tab keeps saying the session is alive, through the handover back to a.
    const claims: boolean[] = []
    a.store.session(SESSION).subscribe((snapshot) => claims.push(snapshot.isAlive))
    b.close()
    await advance(3 * interval)
    expect(
      browser.sent.filter((s) => s.tab === 'a' && s.at > Date.now() - 3 * interval).length,
    ).toBeGreaterThan(0)
    expect(claims).not.toContain(false)
    expect(a.store.get(SESSION)).toMatchObject({ status: 'alive', isAlive: true })
    // (Before the first success, a leader tells of its first attempt: connecting, not yet alive.)
    const told = browser.messages.filter((message) => {
      const snapshot = (message as { snapshot?: { lastAliveAt: number | null; isAlive: boolean } })
        .snapshot
      return snapshot && snapshot.lastAliveAt !== null && !snapshot.isAlive
    })
    expect(told).toEqual([])
    browser.stopAll()
    await advance(0)
  })
})

describe("a user's test that fakes timers but not performance.now()", () => {
  const api = createAvatarApiMock({ sessions: { s1: 'token-1' } })
  const server = setupServer(...api.handlers)
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterAll(() => server.close())
  afterEach(() => {
    vi.useRealTimers()
    api.reset()
  })
  const starts = () =>
    api.requests.filter((r) => r.endpoint === 'keep-alive').map((r) => r.at - api.requests[0]!.at)
  // performance.now() moves with real time only: the few real ms each step takes count as time
  // passed, so in the fake Date a keep-alive may come that much early, never late.
  const onSchedule = (times: number[]) =>
    times.slice(1).every((at, i) => {
      const gap = at - times[i]!
      return gap <= 10_000 && gap > 10_000 - 100
    })

  test.each([
    [
      'timers and Date (a common setup)',
      ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    ],
    [
      "timers only (as Jest's legacy timers: no clock moves)",
      ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
    ],
  ] as const)('faking %s: the hook goes on pinging every interval', async (_, toFake) => {
    vi.useFakeTimers({ toFake: [...toFake] })
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(60_000)
    expect(api.count('s1')).toBe(7)
    if ((toFake as readonly string[]).includes('Date')) expect(onSchedule(starts())).toBe(true)
    expect(view.latest().status).toBe('alive')
    view.unmount()
  })

  test('faking timers and Date: the core (plain timers) goes on pinging every interval', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    })
    const store = createAvatarSessionStore()
    const keepAlive = keepAvatarSessionAlive('s1', 'token-1', { store, crossTab: false })
    await advance(60_000)
    expect(starts()).toHaveLength(7)
    expect(onSchedule(starts())).toBe(true)
    expect(store.get('s1').status).toBe('alive')
    keepAlive.stop()
  })
})
