// The eleven measurements of issue #10, one example each (numbered as there), asserting what a user
// sees once fixed: requests counted and timed at the mock, statuses, callbacks. The property suite
// (guarantees.property.test.tsx) checks the same guarantees on random inputs.
import { onlineManager, QueryClient } from '@tanstack/react-query'
import { act, render } from '@testing-library/react'
import { expect, test, vi } from 'vitest'
import { endAvatarSession } from '../core/endAvatarSession'
import type { AvatarSessionStatus } from '../core/status'
import { createAvatarSessionStore } from '../core/store'
import { useAvatarKeepAlive, type UseAvatarKeepAliveOptions } from '../useAvatarKeepAlive'
import { advance, renderKeepAlive, setPageVisible, setupMockApi } from './keepAliveTestUtils'

const api = setupMockApi()

/** Gaps between the keep-alives the mock received, in ms. */
function gaps(): number[] {
  const keepAlives = api.requests.filter((request) => request.endpoint === 'keep-alive')
  return keepAlives.slice(1).map((request, i) => request.at - keepAlives[i]!.at)
}

/** A `fetch` the test answers by hand; it ignores its `AbortSignal`, as some wrappers do. */
function manualFetch() {
  const calls: { url: string; at: number; answer: (response: Response) => void }[] = []
  const fetch = vi.fn<typeof globalThis.fetch>(
    (input) =>
      new Promise<Response>((resolve) => {
        calls.push({ url: String(input), at: Date.now(), answer: resolve })
      }),
  )
  const keepAlives = () => calls.filter((call) => call.url.endsWith('/keep-alive'))
  return { fetch, calls, keepAlives }
}

const ok = (): Response => Response.json({ success: true })

test.each([
  ['2592000', 'seconds past the timer range'],
  ['Fri, 31 Dec 9999 23:59:59 GMT', 'an HTTP-date in the year 9999'],
  ['86400', 'a day'],
])(
  '1. Retry-After: %s (%s) neither fires the retry at once nor holds back the next beat',
  async (retryAfter) => {
    api.queue({ status: 503, headers: { 'Retry-After': retryAfter } })
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(0)
    expect(view.latest().status).toBe('degraded')
    await advance(2_000)
    // No storm: nothing more within the next 2 s (at most one a second would be the ceiling).
    expect(api.count('s1')).toBe(1)
    // The next regular keep-alive comes one interval after the failed one started.
    await advance(8_000)
    expect(gaps()).toEqual([10_000])
    expect(view.latest().status).toBe('alive')
  },
)

test('1. a server answering every keep-alive with Retry-After: 86400 does not leave degraded + isAlive for a day', async () => {
  const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
  await advance(0)
  expect(view.latest()).toMatchObject({ status: 'alive', isAlive: true })
  api.queue(
    ...Array.from({ length: 6 }, () => ({ status: 429, headers: { 'Retry-After': '86400' } })),
  )
  await advance(30_000)
  // Three intervals without a success: no longer claimed alive.
  expect(view.latest()).toMatchObject({ status: 'degraded', isAlive: false })
  await advance(30_000)
  // One keep-alive per interval, none held back a day, none at once.
  expect(gaps()).toEqual([10_000, 10_000, 10_000, 10_000, 10_000, 10_000])
  // The next one learns that the server dropped the session meanwhile (its 30 s idle timeout).
  await advance(10_000)
  expect(view.latest()).toMatchObject({ status: 'expired', isAlive: false, endReason: 'server' })
})

test('2. interval 1000 in a hidden page: keep-alives stay 1 s apart, no storm', async () => {
  act(() => setPageVisible(false))
  renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { interval: 1_000 } })
  await advance(5_000)
  expect(api.count('s1')).toBe(6)
  expect(gaps()).toEqual([1_000, 1_000, 1_000, 1_000, 1_000])
})

test('2. interval 2000 in a hidden page (document.visibilityState): a tenth early, never halved', async () => {
  vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
  renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { interval: 2_000 } })
  await advance(9_000)
  expect(gaps()).toEqual([1_800, 1_800, 1_800, 1_800, 1_800])
})

test.each([
  ['timeout: 2000', 2_000, 2_000],
  ['no timeout (the default)', 5_000, undefined],
])(
  '3. a fetch that ignores its signal and never settles, %s: the attempt ends at %i ms, and the next one goes',
  async (_set, endsAt, timeout) => {
    // The first keep-alive never settles; the later ones succeed at once.
    const starts: number[] = []
    const fetch = vi.fn<typeof globalThis.fetch>(async () => {
      starts.push(Date.now())
      return starts.length === 1 ? new Promise<never>(() => {}) : ok()
    })
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { fetch, timeout } })
    await advance(endsAt - 1)
    expect(view.latest().status).toBe('connecting')
    expect(view.latest().error).toBeNull()
    await advance(1)
    expect(view.latest().status).toBe('degraded')
    expect(view.latest().error?.kind).toBe('timeout')
    // The schedule goes on: a retry or the next beat, within one interval of the stalled start.
    await advance(10_000 - endsAt)
    expect(starts.length).toBeGreaterThanOrEqual(2)
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(endsAt)
    expect(starts[1]! - starts[0]!).toBeLessThanOrEqual(10_000)
    expect(view.latest()).toMatchObject({ status: 'alive', error: null })
  },
)

// 4. No global `document` (React Native, other renderers): noDom.test.tsx, a file of its own in
// Node's environment, mounts the hook and the core there.

test('5. a keep-alive answer landing just after endAvatarSession leaves the session expired', async () => {
  const server = manualFetch()
  const onExpired = vi.fn()
  const statuses: AvatarSessionStatus[] = []
  const view = renderKeepAlive({
    sessionId: 's1',
    token: 'token-1',
    options: {
      fetch: server.fetch,
      onExpired,
      onStatusChange: (status) => statuses.push(status),
    },
  })
  await advance(0)
  server.keepAlives()[0]!.answer(ok())
  await advance(10_000)
  expect(server.keepAlives()).toHaveLength(2)
  // The second keep-alive is out when the app ends the session.
  await advance(500)
  act(() => {
    void endAvatarSession({
      sessionId: 's1',
      token: 'token-1',
      fetch: server.fetch,
      store: view.store,
    })
  })
  await act(async () => {})
  const end = server.calls.find((call) => call.url.endsWith('/end'))!
  end.answer(ok())
  await advance(100)
  expect(view.latest().status).toBe('expired')
  // Its answer lands now: a success, too late.
  server.keepAlives()[1]!.answer(ok())
  await advance(0)
  expect(view.latest()).toMatchObject({ status: 'expired', isAlive: false, endReason: 'ended' })
  await advance(60_000)
  expect(server.keepAlives()).toHaveLength(2)
  expect(view.latest().status).toBe('expired')
  expect(onExpired).toHaveBeenCalledTimes(1)
  expect(onExpired).toHaveBeenCalledWith('ended')
  expect(statuses).toEqual(['connecting', 'alive', 'expired'])
})

test('6. two consumers with different tokens, one refused: the refused token goes once, the status settles on alive', async () => {
  const queryClient = new QueryClient()
  const store = createAvatarSessionStore()
  const statuses: AvatarSessionStatus[] = []
  function Consumer({ token, options }: { token: string; options?: UseAvatarKeepAliveOptions }) {
    useAvatarKeepAlive('s1', token, { queryClient, store, ...options })
    return null
  }
  render(
    <>
      <Consumer token="token-1" options={{ onStatusChange: (status) => statuses.push(status) }} />
      {/* The newest token is tried first: this one, which the server refuses. */}
      <Consumer token="token-stale" />
    </>,
  )
  await advance(100_000)
  const refusedRequests = api.requests.filter((request) => !request.tokenMatched)
  expect(refusedRequests).toHaveLength(1)
  expect(refusedRequests[0]?.status).toBe(401)
  expect(api.requests.slice(1).every((request) => request.tokenMatched)).toBe(true)
  // ~10 keep-alives in 100 s, none closer than 1 s.
  expect(api.count('s1')).toBeLessThanOrEqual(12)
  expect(Math.min(...gaps())).toBeGreaterThanOrEqual(1_000)
  // One dip at most (the refusal), then alive for good.
  const flips = statuses.filter((status) => status === 'degraded' || status === 'unauthorized')
  expect(flips.length).toBeLessThanOrEqual(1)
  expect(statuses.at(-1)).toBe('alive')
  expect(store.get('s1').status).toBe('alive')
})

test('7. a 401 for a request sent with a token rotated since: the new token goes within 1 s, not an interval later', async () => {
  const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
  await advance(0)
  // The next keep-alive (at 10 s) takes 300 ms to answer; the token is rotated 100 ms after it left.
  api.queue({ delay: 300 })
  await advance(10_100)
  expect(api.count('s1')).toBe(2)
  api.setToken('s1', 'token-1b')
  view.rerenderWith({ sessionId: 's1', token: 'token-1b' })
  await advance(200)
  expect(api.requests[1]?.status).toBe(401)
  await advance(1_000)
  expect(api.count('s1')).toBe(3)
  // The 1 s ceiling after the refused request's start, and no later.
  expect(gaps()).toEqual([10_000, 1_000])
  expect(api.requests[2]?.tokenMatched).toBe(true)
  expect(view.latest().status).toBe('alive')
})

test('8. enabled flipped true/false 100 times in a row: at most one request reaches the server', async () => {
  const props = { sessionId: 's1', token: 'token-1' }
  const view = renderKeepAlive({ ...props, options: { enabled: true } })
  for (let flip = 1; flip <= 100; flip++) {
    view.rerenderWith({ ...props, options: { enabled: flip % 2 === 0 } })
    // Microtasks and due timers run between flips (TanStack's gc of the query included), so each
    // flip takes effect: a real start and stop of the keep-alive.
    await advance(0)
  }
  expect(api.count('s1')).toBeLessThanOrEqual(1)
  // Left enabled: the schedule goes on, within the 1 s ceiling.
  await advance(1_000)
  expect(api.count('s1')).toBe(2)
  expect(view.latest().status).toBe('alive')
})

test('9. ping() after unmount sends nothing, settles, and does not make the status alive', async () => {
  const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
  await advance(0)
  const { ping } = view.latest()
  view.unmount()
  await advance(0)
  expect(view.snapshot().status).toBe('stopped')
  let settled: AvatarSessionStatus | undefined
  void ping().then((status) => (settled = status))
  await act(async () => {})
  expect(settled).toBe('stopped')
  await advance(30_000)
  expect(api.count('s1')).toBe(1)
  expect(view.snapshot()).toMatchObject({ status: 'stopped', isAlive: false })
})

test('9. ping() of an unmounted consumer sends nothing while another still keeps the session', async () => {
  const queryClient = new QueryClient()
  const store = createAvatarSessionStore()
  const pings: (() => Promise<AvatarSessionStatus>)[] = []
  function Consumer({ slot }: { slot: number }) {
    pings[slot] = useAvatarKeepAlive('s1', 'token-1', { queryClient, store }).ping
    return null
  }
  const view = render(
    <>
      <Consumer key="a" slot={0} />
      <Consumer key="b" slot={1} />
    </>,
  )
  await advance(5_000)
  expect(api.count('s1')).toBe(1)
  view.rerender(<Consumer key="b" slot={1} />)
  await advance(0)
  let settled: AvatarSessionStatus | undefined
  void pings[0]!().then((status) => (settled = status))
  await advance(0)
  // It settles to what the store says, and the other consumer's schedule is unchanged.
  expect(settled).toBe('alive')
  await advance(4_999)
  expect(api.count('s1')).toBe(1)
  await advance(1)
  expect(gaps()).toEqual([10_000])
})

test('9. ping() while offline settles at once to offline', async () => {
  const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
  await advance(0)
  act(() => onlineManager.setOnline(false))
  let settled: AvatarSessionStatus | undefined
  void view
    .latest()
    .ping()
    .then((status) => (settled = status))
  // Microtasks only: no timer runs.
  await act(async () => {})
  expect(settled).toBe('offline')
  expect(api.count('s1')).toBe(1)
})

test('10. a token with a line break: nothing sent, unauthorized (invalid-token), and the token appears nowhere', async () => {
  const secret = 'eyJhbGci.S3CRET\nX-Injected: 1'
  // Through the real (msw-patched) fetch, so a token that did go would meet the platform's header check.
  const fetch = vi.fn<typeof globalThis.fetch>((...args) => globalThis.fetch(...args))
  const onError = vi.fn()
  const view = renderKeepAlive({ sessionId: 's1', token: secret, options: { fetch, onError } })
  await advance(0)
  expect(fetch).not.toHaveBeenCalled()
  const { status, error } = view.latest()
  expect(status).toBe('unauthorized')
  expect(error?.kind).toBe('invalid-token')
  const seen = JSON.stringify([
    error?.message,
    String(error?.cause),
    String((error?.cause as Error | undefined)?.message),
    view.store.getState(),
    view.queryClient
      .getQueryCache()
      .getAll()
      .map((query) => [query.queryKey, query.meta, query.state]),
    document.body.innerHTML,
  ])
  expect(seen).not.toContain('S3CRET')
  // Not retried as a network failure: paused on the refusal.
  await advance(60_000)
  expect(fetch).not.toHaveBeenCalled()
  expect(api.count()).toBe(0)
  expect(view.latest().status).toBe('unauthorized')
  expect(onError).toHaveBeenCalledTimes(1)
})

test("11. mounted while offline: onStatusChange hears ('offline', 'idle') at mount", async () => {
  act(() => onlineManager.setOnline(false))
  const onStatusChange = vi.fn()
  const view = renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { onStatusChange } })
  await advance(0)
  expect(onStatusChange.mock.calls).toEqual([['offline', 'idle']])
  expect(view.latest().status).toBe('offline')
  expect(api.count('s1')).toBe(0)
})
