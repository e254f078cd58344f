// @vitest-environment node
// Hosts without a DOM (React Native, other renderers, plain Node): no `document`, no `window`, no
// `addEventListener`. The hook and the core must keep the session alive there and clean up after.
import { environmentManager, QueryClient } from '@tanstack/react-query'
import { Component, type ReactNode } from 'react'
import { act, create, type ReactTestRenderer } from 'react-test-renderer'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { endAvatarSession } from '../core/endAvatarSession'
import { keepAvatarSessionAlive } from '../core/keepAvatarSessionAlive'
import { sendKeepAlive } from '../core/request'
import type { AvatarSessionStatus } from '../core/status'
import { createAvatarSessionStore } from '../core/store'
import { useAvatarKeepAlive } from '../useAvatarKeepAlive'

const INTERVAL = 2_000
const BASE_URL_ERROR =
  'react-avatar-keepalive: `baseUrl` must be an http(s) URL where there is no page'
const scope = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }
let consoleErrors: unknown[][] = []

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
  })
  scope.IS_REACT_ACT_ENVIRONMENT = true
  consoleErrors = []
  // React 19 warns once that react-test-renderer is deprecated: that notice is dropped, every
  // other console error is kept and must not happen.
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (!String(args[0]).includes('react-test-renderer is deprecated')) consoleErrors.push(args)
  })
})

afterEach(() => {
  environmentManager.setIsServer(() => typeof window === 'undefined' || 'Deno' in globalThis)
  delete scope.IS_REACT_ACT_ENVIRONMENT
  vi.useRealTimers()
})

/** A server that accepts every keep-alive; records when each one started (fake ms). */
function stubServer() {
  const starts: number[] = []
  const fetch = vi.fn<typeof globalThis.fetch>(async () => {
    starts.push(Date.now())
    return Response.json({ success: true })
  })
  return { fetch, starts }
}

const advance = (ms: number): Promise<void> =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms)
  })

function renderHook(fetch: typeof globalThis.fetch) {
  const store = createAvatarSessionStore()
  const queryClient = new QueryClient()
  function Probe() {
    const { status } = useAvatarKeepAlive('s1', 'token-1', {
      fetch,
      store,
      queryClient,
      interval: INTERVAL,
    })
    return status
  }
  let root: ReactTestRenderer | undefined
  const mount = () =>
    act(async () => {
      root = create(<Probe />)
    })
  return {
    store,
    mount,
    unmount: () => act(async () => root!.unmount()),
    root: () => root!,
  }
}

test('the test host has no document, window or global addEventListener', () => {
  expect(typeof document).toBe('undefined')
  expect(typeof window).toBe('undefined')
  expect((globalThis as { addEventListener?: unknown }).addEventListener).toBeUndefined()
})

test('the hook mounts without a DOM, pings at once, and its unmount stops it and leaves no timer', async () => {
  const { fetch, starts } = stubServer()
  const view = renderHook(fetch)
  const start = Date.now()
  await view.mount()
  await advance(0)
  expect(starts).toEqual([start])
  expect(view.store.get('s1').status).toBe('alive')
  expect(view.root().toJSON()).toBe('alive')

  await view.unmount()
  await advance(60_000)
  expect(fetch).toHaveBeenCalledTimes(1)
  expect(view.store.get('s1').status).toBe('stopped')
  expect(vi.getTimerCount()).toBe(0)
  expect(consoleErrors).toEqual([])
})

test('the hook pings on schedule with no window at all (a worker, Node): plain timers keep it', async () => {
  const { fetch, starts } = stubServer()
  const view = renderHook(fetch)
  const start = Date.now()
  await view.mount()
  await advance(3 * INTERVAL)
  expect(starts.map((at) => at - start)).toEqual([0, INTERVAL, 2 * INTERVAL, 3 * INTERVAL])
  await view.unmount()
  await advance(60_000)
  expect(starts).toHaveLength(4)
  expect(vi.getTimerCount()).toBe(0)
})

// TanStack Query schedules nothing where it believes it runs on a server, and its test is
// `typeof window === 'undefined'`. React Native defines `window` (as the global object, without
// `addEventListener` or `document`); here the same answer is given through TanStack's own switch.
test('the hook pings on schedule without a DOM where TanStack Query is told it is no server', async () => {
  environmentManager.setIsServer(() => false)
  const { fetch, starts } = stubServer()
  const view = renderHook(fetch)
  const start = Date.now()
  await view.mount()
  await advance(3 * INTERVAL)
  expect(starts.map((at) => at - start)).toEqual([0, INTERVAL, 2 * INTERVAL, 3 * INTERVAL])
  expect(view.store.get('s1').status).toBe('alive')
  expect(vi.getTimerCount()).toBeGreaterThan(0)

  await view.unmount()
  // Past TanStack Query's gc and any timer of the keep-alive.
  await advance(10 * INTERVAL)
  expect(fetch).toHaveBeenCalledTimes(4)
  expect(view.store.get('s1').status).toBe('stopped')
  expect(vi.getTimerCount()).toBe(0)
  expect(consoleErrors).toEqual([])
})

test('the core pings on schedule without a DOM, and stop() ends it and clears its timers', async () => {
  const { fetch, starts } = stubServer()
  const store = createAvatarSessionStore()
  const statuses: AvatarSessionStatus[] = []
  const start = Date.now()
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', {
    fetch,
    store,
    interval: INTERVAL,
    onStatusChange: (status) => statuses.push(status),
  })
  await vi.advanceTimersByTimeAsync(3 * INTERVAL)
  expect(starts.map((at) => at - start)).toEqual([0, INTERVAL, 2 * INTERVAL, 3 * INTERVAL])
  expect(statuses).toEqual(['connecting', 'alive'])
  // ping() joins the schedule: the 1 s ceiling holds it back, then it sends and settles.
  const pinged = keepAlive.ping()
  await vi.advanceTimersByTimeAsync(1_000)
  await expect(pinged).resolves.toBe('alive')
  expect(starts.at(-1)! - start).toBe(3 * INTERVAL + 1_000)

  keepAlive.stop()
  await vi.advanceTimersByTimeAsync(10 * INTERVAL)
  expect(fetch).toHaveBeenCalledTimes(5)
  expect(store.get('s1').status).toBe('stopped')
  expect(vi.getTimerCount()).toBe(0)
  expect(consoleErrors).toEqual([])
})

test('without a DOM only markActive() counts as activity, and hiddenTimeout does nothing', async () => {
  const { fetch } = stubServer()
  const ended: string[] = []
  const end = vi.fn<typeof globalThis.fetch>(async (url) => {
    ended.push(String(url))
    return Response.json({ success: true })
  })
  const store = createAvatarSessionStore()
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', {
    fetch: (url, init) => (String(url).endsWith('/end') ? end(url, init) : fetch(url, init)),
    store,
    interval: INTERVAL,
    hiddenTimeout: 5_000,
    idleTimeout: 30_000,
    idleWarning: 10_000,
  })
  // Nothing here is ever hidden, so 5 s "hidden" never comes; the idle clock runs, and only
  // markActive() sets it back.
  for (let i = 0; i < 3; i++) {
    await vi.advanceTimersByTimeAsync(25_000)
    keepAlive.markActive()
  }
  expect(ended).toEqual([])
  expect(store.get('s1').status).toBe('alive')
  await vi.advanceTimersByTimeAsync(30_000)
  expect(ended).toHaveLength(1)
  expect(store.get('s1').endReason).toBe('idle-timeout')
  keepAlive.stop()
})

// A server has no page to resolve a path against: fetch would fail at every keep-alive.
test('the core refuses a relative baseUrl where there is no page, and a refused update changes nothing', async () => {
  const { fetch } = stubServer()
  const store = createAvatarSessionStore()
  const options = { fetch, store, interval: INTERVAL }
  expect(() =>
    keepAvatarSessionAlive('s1', 'token-1', { ...options, baseUrl: '/api/avatar' }),
  ).toThrow(/baseUrl/)
  const handle = keepAvatarSessionAlive('s1', 'token-1', { ...options, baseUrl: 'https://a.test' })
  await advance(0)
  expect(() => handle.update('token-2', { ...options, baseUrl: '/api/avatar' })).toThrow(/baseUrl/)
  await advance(INTERVAL)
  handle.stop()
  const sent = fetch.mock.calls.map(([url, init]) => [
    String(url),
    new Headers(init?.headers).get('Authorization'),
  ])
  expect(sent).toEqual([
    ['https://a.test/avatar-session/s1/keep-alive', 'Bearer token-1'],
    ['https://a.test/avatar-session/s1/keep-alive', 'Bearer token-1'],
  ])
})

// Found by an attacker's review: only the keeper refused the path, so sendKeepAlive failed as a
// retryable network error, and endAvatarSession marked the session ended though nothing was sent.
test('sendKeepAlive and endAvatarSession refuse a relative baseUrl where there is no page', async () => {
  const { fetch } = stubServer()
  const store = createAvatarSessionStore()
  const call = { sessionId: 's1', token: 'token-1', baseUrl: '/api/avatar', fetch }
  await expect(sendKeepAlive(call)).rejects.toThrow(new TypeError(BASE_URL_ERROR))
  await expect(endAvatarSession({ ...call, store })).rejects.toThrow(new TypeError(BASE_URL_ERROR))
  expect(store.get('s1').status).toBe('idle')
  expect(fetch).not.toHaveBeenCalled()
})

// React Native has no page either: the proxy recipe's path (`/api/avatar`) failed every
// keep-alive there as a network error. The hook throws at mount, where the keeper reads its
// options (a server's render of the same hook is fine: the page it renders for has a location).
test('the hook refuses a relative baseUrl where there is no page, and sends nothing', async () => {
  const { fetch } = stubServer()
  const store = createAvatarSessionStore()
  const queryClient = new QueryClient()
  environmentManager.setIsServer(() => false)
  const errors: unknown[] = []
  class Boundary extends Component<{ children: ReactNode }, { failed: boolean }> {
    override state = { failed: false }
    static getDerivedStateFromError = () => ({ failed: true })
    override componentDidCatch(error: unknown) {
      errors.push(error)
    }
    override render() {
      return this.state.failed ? 'failed' : this.props.children
    }
  }
  function App() {
    useAvatarKeepAlive('s1', 'token-1', { fetch, store, queryClient, baseUrl: '/api/avatar' })
    return 'kept'
  }
  let root: ReactTestRenderer | undefined
  await act(async () => {
    root = create(
      <Boundary>
        <App />
      </Boundary>,
    )
  })
  await advance(3 * INTERVAL)
  expect(root?.toJSON()).toBe('failed')
  expect(errors).toEqual([
    expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(/`baseUrl`/) }),
  ])
  expect(fetch).not.toHaveBeenCalled()
  await act(async () => root?.unmount())
})
