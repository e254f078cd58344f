// @vitest-environment node
// The README's React Native recipe, on a render without a DOM (react-test-renderer): TanStack
// Query's focusManager wired to AppState and its onlineManager to NetInfo, exactly as the recipe
// does, with fakes standing in for the two native modules.
import { environmentManager, focusManager, onlineManager, QueryClient } from '@tanstack/react-query'
import { setupServer } from 'msw/node'
import { useEffect, useState } from 'react'
import { act, create, type ReactTestRenderer } from 'react-test-renderer'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import type { AvatarSessionStatus } from '../core/status'
import { createAvatarSessionStore } from '../core/store'
import { createAvatarApiMock } from '../testing/createAvatarApiMock'
import { useAvatarKeepAlive, type UseAvatarKeepAliveOptions } from '../useAvatarKeepAlive'

type AppStateStatus = 'active' | 'background' | 'inactive'

/** `AppState` from react-native: `currentState` and `addEventListener('change', …)`. */
function fakeAppState() {
  const listeners = new Set<(state: AppStateStatus) => void>()
  return {
    currentState: 'active' as AppStateStatus,
    addEventListener(_type: 'change', listener: (state: AppStateStatus) => void) {
      listeners.add(listener)
      return { remove: () => void listeners.delete(listener) }
    },
    /** What the OS does when the user leaves or comes back. */
    moveTo(state: AppStateStatus) {
      this.currentState = state
      listeners.forEach((listener) => listener(state))
    },
    listeners: () => listeners.size,
  }
}

/** NetInfo's default export: `addEventListener` calls back with the current state, then changes. */
function fakeNetInfo() {
  let state = { isConnected: true as boolean | null }
  const listeners = new Set<(next: typeof state) => void>()
  return {
    addEventListener(listener: (next: typeof state) => void) {
      listeners.add(listener)
      listener(state)
      return () => void listeners.delete(listener)
    },
    connect(isConnected: boolean) {
      state = { isConnected }
      listeners.forEach((listener) => listener(state))
    },
    listeners: () => listeners.size,
  }
}

let AppState = fakeAppState()
let NetInfo = fakeNetInfo()

/** The recipe, verbatim but for the imports. */
function wireReactNative() {
  focusManager.setEventListener((setFocused) => {
    const subscription = AppState.addEventListener('change', (state) => {
      setFocused(state === 'active')
    })
    return () => subscription.remove()
  })
  onlineManager.setEventListener((setOnline) =>
    NetInfo.addEventListener((state) => {
      setOnline(!!state.isConnected)
    }),
  )
}

const api = createAvatarApiMock({ sessions: { s1: 'token-1' } })
const server = setupServer(...api.handlers)
const scope = globalThis as {
  IS_REACT_ACT_ENVIRONMENT?: boolean
  IS_REACT_NATIVE_TEST_ENVIRONMENT?: boolean
}
let slept = 0
let consoleErrors: unknown[][] = []

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
  })
  const fakeNow = performance.now.bind(performance)
  slept = 0
  vi.spyOn(performance, 'now').mockImplementation(() => fakeNow() + slept)
  scope.IS_REACT_ACT_ENVIRONMENT = true
  // As React Native's Jest preset sets it (react-test-renderer then skips its deprecation notice).
  scope.IS_REACT_NATIVE_TEST_ENVIRONMENT = true
  consoleErrors = []
  vi.spyOn(console, 'error').mockImplementation(
    (...args: unknown[]) => void consoleErrors.push(args),
  )
  // React Native defines `window` (as the global object, without DOM events), so TanStack Query
  // knows it is no server and runs `refetchInterval`; Node has no `window`: tell it directly.
  environmentManager.setIsServer(() => false)
  api.reset()
  AppState = fakeAppState()
  NetInfo = fakeNetInfo()
  wireReactNative()
})

afterEach(() => {
  // TanStack Query's own listeners (those its FocusManager and OnlineManager start with), back in
  // place; replacing the recipe's runs its clean-ups, which let go of AppState and NetInfo.
  focusManager.setEventListener((onFocus) => {
    if (typeof window !== 'undefined' && window.addEventListener) {
      const listener = () => onFocus()
      window.addEventListener('visibilitychange', listener, false)
      return () => window.removeEventListener('visibilitychange', listener)
    }
    return undefined
  })
  onlineManager.setEventListener((setOnline) => {
    if (typeof window !== 'undefined' && window.addEventListener) {
      const online = () => setOnline(true)
      const offline = () => setOnline(false)
      window.addEventListener('online', online, false)
      window.addEventListener('offline', offline, false)
      return () => {
        window.removeEventListener('online', online)
        window.removeEventListener('offline', offline)
      }
    }
    return undefined
  })
  expect(AppState.listeners()).toBe(0)
  expect(NetInfo.listeners()).toBe(0)
  focusManager.setFocused(undefined)
  onlineManager.setOnline(true)
  environmentManager.setIsServer(() => typeof window === 'undefined' || 'Deno' in globalThis)
  delete scope.IS_REACT_ACT_ENVIRONMENT
  delete scope.IS_REACT_NATIVE_TEST_ENVIRONMENT
  vi.useRealTimers()
  expect(consoleErrors).toEqual([])
})

const advance = (ms: number): Promise<void> =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms)
  })

/** The JavaScript thread suspended: clocks move on, no timer runs until it resumes. */
function suspendFor(ms: number): void {
  vi.setSystemTime(Date.now() + ms)
  slept += ms
}

/** When each keep-alive arrived, in ms since `start`. */
const keepAlivesSince = (start: number) =>
  api.requests.filter((r) => r.endpoint === 'keep-alive').map((r) => r.at - start)

async function renderApp(options: UseAvatarKeepAliveOptions = {}) {
  const store = createAvatarSessionStore()
  const queryClient = new QueryClient()
  const statuses: AvatarSessionStatus[] = []
  function App() {
    const { status } = useAvatarKeepAlive('s1', 'token-1', { store, queryClient, ...options })
    statuses.push(status)
    return status
  }
  let root: ReactTestRenderer | undefined
  await act(async () => {
    root = create(<App />)
  })
  return {
    store,
    shown: () => root!.toJSON(),
    unmount: () => act(async () => root!.unmount()),
  }
}

test('the host has no DOM: no document, no window', () => {
  expect(typeof document).toBe('undefined')
  expect(typeof window).toBe('undefined')
})

describe('AppState', () => {
  // TanStack Query's focusManager before 5.26 (the peer range allows 5.0) calls its listeners
  // with no value: the hook read that as hidden, so after one trip to the background an app in
  // use was ended with hidden-timeout. (The compat project on 5.0.0 runs the whole suite on it.)
  test('focus listeners called with no value (TanStack Query before 5.26): active again, nothing ends', async () => {
    const subscribe = focusManager.subscribe.bind(focusManager)
    vi.spyOn(focusManager, 'subscribe').mockImplementation((listener) =>
      subscribe(() => (listener as () => void)()),
    )
    const app = await renderApp({ hiddenTimeout: 20_000 })
    await advance(0)
    act(() => AppState.moveTo('background'))
    await advance(1_000)
    act(() => AppState.moveTo('active'))
    await advance(60_000)
    const ends = () => api.requests.filter((r) => r.endpoint === 'end')
    expect(ends()).toEqual([])
    expect(app.shown()).toBe('alive')
    act(() => AppState.moveTo('background'))
    await advance(20_000)
    expect(ends()).toHaveLength(1)
    await app.unmount()
  })

  test('in the background the keep-alive aims 1 s early; back to active, the interval again', async () => {
    const start = Date.now()
    const app = await renderApp()
    await advance(0)
    expect(app.shown()).toBe('alive')
    await advance(1_000)

    act(() => AppState.moveTo('background'))
    await advance(25_000)
    // Hidden: from the start of one to the start of the next, 9 s rather than 10.
    expect(keepAlivesSince(start)).toEqual([0, 9_000, 18_000])

    act(() => AppState.moveTo('active'))
    await advance(20_000)
    expect(keepAlivesSince(start)).toEqual([0, 9_000, 18_000, 28_000, 38_000])
    expect(app.shown()).toBe('alive')
    await app.unmount()
  })

  test('hiddenTimeout: the session is ended after that long in the background', async () => {
    const start = Date.now()
    const app = await renderApp({ hiddenTimeout: 15_000 })
    await advance(0)
    act(() => AppState.moveTo('background'))
    await advance(14_999)
    expect(app.store.get('s1').status).toBe('alive')
    await advance(1)
    await advance(0)
    expect(app.store.get('s1')).toMatchObject({ status: 'expired', endReason: 'hidden-timeout' })
    expect(api.requests.filter((r) => r.endpoint === 'end').map((r) => r.at - start)).toEqual([
      15_000,
    ])
    await advance(60_000)
    expect(keepAlivesSince(start)).toEqual([0, 9_000])
    await app.unmount()
  })

  test('suspended in the background longer than the server allows: one keep-alive on return tells', async () => {
    const start = Date.now()
    const app = await renderApp()
    await advance(0)
    act(() => AppState.moveTo('background'))
    suspendFor(45_000)
    act(() => AppState.moveTo('active'))
    await advance(0)
    expect(keepAlivesSince(start)).toEqual([0, 45_000])
    expect(app.store.get('s1')).toMatchObject({ status: 'expired', endReason: 'missed' })
    await advance(60_000)
    expect(keepAlivesSince(start)).toHaveLength(2)
    await app.unmount()
  })
})

describe("ping() on return (the README's useAvatarOnReturn)", () => {
  async function renderOnReturn() {
    const store = createAvatarSessionStore()
    const queryClient = new QueryClient()
    const seen: { status: AvatarSessionStatus; resumable: boolean }[] = []
    function useAvatarOnReturn(sessionId: string, token: string) {
      const { status, ping } = useAvatarKeepAlive(sessionId, token, { store, queryClient })
      const [resumable, setResumable] = useState(true)
      useEffect(() => {
        const subscription = AppState.addEventListener('change', (state) => {
          if (state === 'active') void ping().then((after) => setResumable(after === 'alive'))
        })
        return () => subscription.remove()
      }, [ping])
      return { status, resumable }
    }
    function App() {
      seen.push(useAvatarOnReturn('s1', 'token-1'))
      return null
    }
    let root: ReactTestRenderer | undefined
    await act(async () => {
      root = create(<App />)
    })
    return { latest: () => seen[seen.length - 1]!, unmount: () => act(async () => root!.unmount()) }
  }

  test('after a suspension, it joins the keep-alive the return sets off: one request, and the answer', async () => {
    const start = Date.now()
    const app = await renderOnReturn()
    await advance(0)
    act(() => AppState.moveTo('background'))
    suspendFor(45_000)
    act(() => AppState.moveTo('active'))
    await advance(0)
    expect(keepAlivesSince(start)).toEqual([0, 45_000])
    expect(app.latest()).toEqual({ status: 'expired', resumable: false })
    await app.unmount()
  })

  test('suspended for less than the server allows: the one keep-alive on return, alive', async () => {
    const start = Date.now()
    const app = await renderOnReturn()
    await advance(0)
    act(() => AppState.moveTo('background'))
    suspendFor(15_000)
    act(() => AppState.moveTo('active'))
    await advance(2_000)
    // Overdue, so the return itself sent one; ping() joined it instead of sending another.
    expect(keepAlivesSince(start)).toEqual([0, 15_000])
    expect(app.latest()).toEqual({ status: 'alive', resumable: true })
    await app.unmount()
  })
})

describe('NetInfo', () => {
  test('offline → status offline and no requests; back online → one keep-alive at once', async () => {
    const start = Date.now()
    const app = await renderApp()
    await advance(3_000)
    act(() => NetInfo.connect(false))
    expect(app.shown()).toBe('offline')
    await advance(20_000)
    expect(keepAlivesSince(start)).toEqual([0])

    act(() => NetInfo.connect(true))
    await advance(0)
    expect(keepAlivesSince(start)).toEqual([0, 23_000])
    expect(app.shown()).toBe('alive')
    await advance(10_000)
    expect(keepAlivesSince(start)).toEqual([0, 23_000, 33_000])
    await app.unmount()
  })
})

describe('a React Native without btoa (before 0.74, or on JSC)', () => {
  // The server's error text is redacted against the token's forms, base64 among them; with no
  // btoa that threw, and every answer with an error body was taken for a network failure.
  beforeEach(() => {
    vi.stubGlobal('btoa', undefined)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  test("410 with the API's error body ends the session: expired, nothing more sent", async () => {
    const start = Date.now()
    const app = await renderApp()
    await advance(0)
    api.end('s1')
    await advance(10_000)
    expect(app.store.get('s1')).toMatchObject({
      status: 'expired',
      endReason: 'server',
      error: { kind: 'expired', httpStatus: 410 },
    })
    await advance(60_000)
    expect(keepAlivesSince(start)).toEqual([0, 10_000])
    await app.unmount()
  })

  test("401 pauses, with the server's text shown and the token in it redacted", async () => {
    const app = await renderApp()
    await advance(0)
    api.queue({ status: 401, body: { success: false, error: 'Token token-1 has expired' } })
    await advance(10_000)
    expect(app.store.get('s1')).toMatchObject({
      status: 'unauthorized',
      error: { kind: 'unauthorized', httpStatus: 401 },
    })
    expect(app.store.get('s1').error?.message).toContain('Token [redacted] has expired')
    expect(app.store.get('s1').error?.message).not.toContain('token-1')
    await app.unmount()
  })
})
