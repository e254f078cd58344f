import { act } from '@testing-library/react'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { advance, renderKeepAlive, setPageVisible, setupMockApi } from './keepAliveTestUtils'

const api = setupMockApi()
beforeEach(() => {
  vi.spyOn(Math, 'random').mockReturnValue(0.5) // no jitter: retries at exactly 1 s, 2 s, 4 s…
})

/** Times (ms since the first request) at which keep-alives arrived. */
const arrivals = (): number[] => api.requests.map((r) => r.at - api.requests[0]!.at)

describe('final answers', () => {
  test('410 → expired: no request ever again from any consumer, onExpired once', async () => {
    const onExpired = vi.fn()
    const onStatusChange = vi.fn()
    api.queue(410)
    const view = renderKeepAlive(
      { sessionId: 's1', token: 'token-1', options: { onExpired, onStatusChange } },
      { consumers: 2 },
    )
    await advance(0)
    expect(view.latest().status).toBe('expired')
    expect(view.latest().isAlive).toBe(false)
    expect(view.latest().error).toMatchObject({ kind: 'expired', httpStatus: 410 })
    expect(onExpired).toHaveBeenCalledTimes(2) // once per consumer
    expect(onStatusChange).toHaveBeenCalledWith('expired', 'connecting')
    await advance(120_000)
    // A consumer mounted later, with another token, sends nothing either.
    view.rerenderWith({ sessionId: 's1', token: 'token-new', options: { onExpired } })
    await advance(120_000)
    expect(api.count('s1')).toBe(1)
    expect(onExpired).toHaveBeenCalledTimes(2)
  })

  test('404 → not-found: no request ever again', async () => {
    const view = renderKeepAlive({ sessionId: 'unknown', token: 'token-1' })
    await advance(0)
    expect(view.latest().status).toBe('not-found')
    expect(view.latest().error?.kind).toBe('not-found')
    view.rerenderWith({ sessionId: 'unknown', token: 'other' })
    await advance(120_000)
    expect(api.count('unknown')).toBe(1)
  })

  test.each([401, 403])(
    '%i → unauthorized: paused until the token changes, then one request at once',
    async (code) => {
      api.queue(code)
      const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
      await advance(0)
      expect(view.latest().status).toBe('unauthorized')
      await advance(60_000)
      expect(api.count('s1')).toBe(1)
      // Same token on re-render: still paused.
      view.rerenderWith({ sessionId: 's1', token: 'token-1' })
      await advance(10_000)
      expect(api.count('s1')).toBe(1)
      api.addSession('s1', 'token-rotated')
      view.rerenderWith({ sessionId: 's1', token: 'token-rotated' })
      await advance(0)
      expect(api.count('s1')).toBe(2)
      expect(api.requests[1]?.tokenMatched).toBe(true)
      expect(view.latest().status).toBe('alive')
      await advance(10_000)
      expect(api.count('s1')).toBe(3)
    },
  )

  test('a rotated token that is refused again pauses again', async () => {
    api.queue(401, 401)
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-a' })
    await advance(0)
    view.rerenderWith({ sessionId: 's1', token: 'token-b' })
    // As soon as the 1 s ceiling allows after the refused one.
    await advance(999)
    expect(api.count('s1')).toBe(1)
    await advance(1)
    expect(api.count('s1')).toBe(2)
    expect(view.latest().status).toBe('unauthorized')
    await advance(60_000)
    expect(api.count('s1')).toBe(2)
  })

  test('400 → error: paused until the token or session id changes', async () => {
    api.queue(400)
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    expect(view.latest().status).toBe('error')
    expect(view.latest().error?.kind).toBe('bad-request')
    await advance(25_000)
    expect(api.count('s1')).toBe(1)
    view.rerenderWith({ sessionId: 's2', token: 'token-2' })
    await advance(0)
    expect(api.count('s2')).toBe(1)
    expect(view.latest().status).toBe('alive')
  })
})

describe('retryable failures', () => {
  // README rule 10: the last success (its answer came 4 s in) is 3 intervals old at 34 s, and that
  // is noticed at the next tick, at most an interval later: here the failing keep-alive at 40 s.
  test('isAlive turns false within an interval of the last success growing 3 intervals old, while every keep-alive fails', async () => {
    api.queue({ delay: 4_000 })
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { retry: false } })
    await advance(4_000)
    expect(view.latest()).toMatchObject({ status: 'alive', isAlive: true })
    api.setFailureRate(1)
    await advance(29_999)
    expect(view.latest()).toMatchObject({ status: 'degraded', isAlive: true })
    expect(api.count('s1')).toBe(4)
    await advance(10_001)
    expect(view.latest()).toMatchObject({ status: 'degraded', isAlive: false })
    expect(api.count('s1')).toBe(5)
  })

  test.each([
    ['429', 429, 'rate-limited'],
    ['500', 500, 'server'],
    ['503', 503, 'server'],
    ['408', 408, 'server'],
    ['a network error', 'network-error' as const, 'network'],
    ['a malformed 200', 'malformed' as const, 'invalid-response'],
  ])('%s → degraded, retried after about 1 s, then alive', async (_, answer, kind) => {
    const onError = vi.fn()
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { onError } })
    await advance(0)
    api.queue(answer)
    await advance(10_000)
    expect(view.latest().status).toBe('degraded')
    expect(view.latest().isAlive).toBe(true)
    expect(view.latest().error?.kind).toBe(kind)
    expect(view.snapshot()?.consecutiveFailures).toBe(1)
    expect(onError).toHaveBeenCalledTimes(1)
    await advance(999)
    expect(api.count('s1')).toBe(2)
    await advance(1)
    expect(api.count('s1')).toBe(3)
    expect(view.latest().status).toBe('alive')
    expect(view.latest().error).toBeNull()
    expect(view.snapshot()?.consecutiveFailures).toBe(0)
    // Back on the normal interval, counted from the success.
    await advance(10_000)
    expect(arrivals()).toEqual([0, 10_000, 11_000, 21_000])
  })

  test('a request that outlives `timeout` is aborted and counts as a timeout', async () => {
    api.queue('hang')
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { timeout: 3_000 } })
    await advance(2_999)
    expect(view.latest().status).toBe('connecting')
    await advance(1)
    expect(view.latest().status).toBe('degraded')
    expect(view.latest().error?.kind).toBe('timeout')
    expect(api.requests[0]?.status).toBe('aborted')
    await advance(1_000)
    expect(view.latest().status).toBe('alive')
  })

  test('backoff doubles, is capped at half the interval, and counts failures', async () => {
    api.queue(500, 500, 500, 500, 500)
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { interval: 5_000 },
    })
    await advance(0)
    await advance(20_000)
    // 0 fail, +1 s fail, +2 s fail, +2.5 s (capped at half the interval) fail; now 8 s without a
    // success (≥ 1.5 intervals): every second until it succeeds.
    expect(arrivals().slice(0, 6)).toEqual([0, 1_000, 3_000, 5_500, 8_000, 9_000])
    expect(view.snapshot()?.status).toBe('alive')
  })

  test('consecutive failures are counted in the store', async () => {
    api.queue(500, 502, 503)
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    expect(view.snapshot()?.consecutiveFailures).toBe(1)
    await advance(1_000)
    expect(view.snapshot()?.consecutiveFailures).toBe(2)
    await advance(2_000)
    expect(view.snapshot()?.consecutiveFailures).toBe(3)
    await advance(4_000)
    expect(view.snapshot()?.consecutiveFailures).toBe(0)
  })

  test('jitter stays within ±20 % (the first retry never before the 1 s ceiling)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0)
    api.queue(500, 500)
    renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(999)
    expect(api.count('s1')).toBe(1)
    await advance(1)
    expect(api.count('s1')).toBe(2)
    // The second retry: 2 s − 20 % after the first.
    await advance(1_599)
    expect(api.count('s1')).toBe(2)
    await advance(1)
    expect(api.count('s1')).toBe(3)
  })

  test('Retry-After is honoured as the least wait', async () => {
    api.queue({ status: 429, headers: { 'Retry-After': '3' } })
    renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(2_999)
    expect(api.count('s1')).toBe(1)
    await advance(1)
    expect(api.count('s1')).toBe(2)
  })

  test('retry: false waits for the next interval', async () => {
    api.queue(500)
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { retry: false } })
    await advance(0)
    expect(view.latest().status).toBe('degraded')
    await advance(9_999)
    expect(api.count('s1')).toBe(1)
    await advance(1)
    expect(api.count('s1')).toBe(2)
    expect(view.latest().status).toBe('alive')
  })

  test('failures while the page is hidden are retried while it stays hidden', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    setPageVisible(false)
    api.queue(500, 'network-error', 503)
    await advance(10_000)
    expect(view.latest().status).toBe('degraded')
    await advance(7_000)
    // Hidden: the regular one aims a tenth of the interval early; retries keep their pace.
    expect(arrivals()).toEqual([0, 9_000, 10_000, 12_000, 16_000])
    expect(view.latest().status).toBe('alive')
    await advance(10_000)
    expect(api.count('s1')).toBe(6)
  })

  test('a ping during retries rides the next one: no extra request', async () => {
    api.queue(500, 500)
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    const pending = view.latest().ping()
    await advance(0)
    expect(api.count('s1')).toBe(1)
    // The ceiling holds it to 1 s after the failed one; it resolves to that attempt's outcome.
    await advance(1_000)
    expect(api.count('s1')).toBe(2)
    expect(await pending).toBe('degraded')
    await advance(3_000)
    expect(api.count('s1')).toBe(3)
    expect(view.latest().status).toBe('alive')
  })
})

test('soak: 30 % failures over 1,000 intervals never let the server end the session', async () => {
  api.setFailureRate(0.3, { seed: 7, answers: [500, 503, 'network-error', 429, 'malformed'] })
  vi.spyOn(Math, 'random').mockRestore()
  const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
  const seen = new Set<string>()
  for (let i = 0; i < 100; i++) {
    await act(() => vi.advanceTimersByTimeAsync(100_000))
    seen.add(view.latest().status)
  }
  expect(api.isEnded('s1')).toBe(false)
  expect(api.requests.some((r) => r.status === 410)).toBe(false)
  expect(api.requests.filter((r) => r.injected).length).toBeGreaterThan(300)
  expect(api.requests.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(1_000)
  expect([...seen].every((s) => s === 'alive' || s === 'degraded')).toBe(true)
}, 60_000)

describe("the app's own bugs", () => {
  /**
   * Advances, collecting what timers threw (an error reported on its own surfaces there). After a
   * throw, again by 0 ms: React 18's act() leaves its renders unflushed when its callback throws.
   */
  async function advanceCatching(ms: number, thrown: unknown[]): Promise<void> {
    try {
      await advance(ms)
    } catch (error) {
      thrown.push(error)
      await advanceCatching(0, thrown)
    }
  }

  test('a store listener that throws stops neither the keep-alive nor the other listeners: its error is reported on its own', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    const session = view.store.session('s1')
    const off = session.subscribe(() => {
      throw new Error('app bug')
    })
    const heard: string[] = []
    session.subscribe((next) => heard.push(next.status))
    const thrown: unknown[] = []
    await advanceCatching(0, thrown)
    for (let i = 0; i < 3; i++) await advanceCatching(10_000, thrown)
    expect(api.count('s1')).toBe(4)
    expect(view.latest().status).toBe('alive')
    expect(heard).toContain('alive')
    expect(thrown.length).toBeGreaterThan(0)
    expect(thrown.every((error) => (error as Error).message === 'app bug')).toBe(true)
    off()
  })

  test('a callback that throws stops neither the keep-alive nor the other callbacks', async () => {
    const onError = vi.fn()
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: {
        onStatusChange: () => {
          throw new Error('app bug')
        },
        onError,
      },
    })
    const thrown: unknown[] = []
    await advanceCatching(0, thrown)
    api.queue(500)
    await advanceCatching(10_000, thrown)
    expect(view.latest().status).toBe('degraded')
    expect(onError).toHaveBeenCalledTimes(1)
    await advanceCatching(10_000, thrown)
    expect(api.count('s1')).toBe(3)
    expect(view.latest().status).toBe('alive')
    expect(thrown.length).toBeGreaterThan(0)
  })
})
