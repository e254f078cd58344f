import { focusManager, onlineManager, QueryClient } from '@tanstack/react-query'
import { act, cleanup, render } from '@testing-library/react'
import { setupServer } from 'msw/node'
import { StrictMode, type ReactNode } from 'react'
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest'
import { avatarSessionStore, createAvatarSessionStore } from '../core/store'
import { createAvatarApiMock, type AvatarApiMock } from '../testing/createAvatarApiMock'
import {
  useAvatarKeepAlive,
  type UseAvatarKeepAliveOptions,
  type UseAvatarKeepAliveResult,
} from '../useAvatarKeepAlive'

export const FAKE_TIMERS: Parameters<typeof vi.useFakeTimers>[0] = {
  toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
}

/**
 * One mock API behind msw for a test file, with fake timers in every test and everything global
 * (the mock, online and focus state, the DOM) put back after each.
 */
export function setupMockApi(): AvatarApiMock {
  const api = createAvatarApiMock({ sessions: { s1: 'token-1', s2: 'token-2' } })
  const server = setupServer(...api.handlers)
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterAll(() => server.close())
  beforeEach(() => {
    vi.useFakeTimers(FAKE_TIMERS)
    const fakeNow = performance.now.bind(performance)
    slept = 0
    vi.spyOn(performance, 'now').mockImplementation(() => fakeNow() + slept)
    api.reset()
  })
  afterEach(() => {
    cleanup()
    avatarSessionStore.clearAll()
    onlineManager.setOnline(true)
    focusManager.setFocused(undefined)
    vi.useRealTimers()
  })
  return api
}

let slept = 0

/**
 * The page hidden or shown, as a browser tells it: `document.visibilityState` and its event (the
 * hook reads the page, not TanStack Query's focusManager, where there is a document).
 */
export function setPageVisible(visible: boolean): void {
  vi.spyOn(document, 'visibilityState', 'get').mockReturnValue(visible ? 'visible' : 'hidden')
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))
}

/**
 * Moves every clock (`Date`, `performance`) forward without firing a timer: a throttled, frozen
 * or sleeping page. Overdue timers fire once, at the next `advance`.
 */
export function sleepThrough(ms: number): void {
  vi.setSystemTime(Date.now() + ms)
  slept += ms
}

/**
 * Moves the wall clock (`Date`) alone: a device that sleeps (a system sleep stops
 * `performance.now()`, and every timer with it, on macOS and in Chrome on Linux), or a wall clock
 * set forward by hand.
 */
export function systemSleep(ms: number): void {
  vi.setSystemTime(Date.now() + ms)
}

/** Advances fake time inside `act`, letting msw and react-query settle. */
export const advance = (ms = 0): Promise<void> =>
  act(async () => {
    await vi.advanceTimersByTimeAsync(ms)
  })

export interface ProbeProps {
  sessionId: string | null | undefined
  token: string | null | undefined
  options?: UseAvatarKeepAliveOptions
}

/** Renders `useAvatarKeepAlive` with a fresh QueryClient and store, and records every render. */
export function renderKeepAlive(
  initial: ProbeProps,
  { strict = false, consumers = 1 }: { strict?: boolean; consumers?: number } = {},
) {
  const queryClient = new QueryClient()
  const store = createAvatarSessionStore()
  const renders: UseAvatarKeepAliveResult[] = []
  function Probe({ sessionId, token, options }: ProbeProps) {
    const result = useAvatarKeepAlive(sessionId, token, { queryClient, store, ...options })
    renders.push(result)
    return <output>{result.status}</output>
  }
  const ui = (props: ProbeProps): ReactNode => {
    const probes = Array.from({ length: consumers }, (_, i) => <Probe key={i} {...props} />)
    return strict ? <StrictMode>{probes}</StrictMode> : <>{probes}</>
  }
  const view = render(ui(initial))
  return {
    ...view,
    queryClient,
    store,
    renders,
    latest: (): UseAvatarKeepAliveResult => renders[renders.length - 1]!,
    snapshot: (sessionId = 's1') => store.get(sessionId),
    rerenderWith: (props: ProbeProps) => view.rerender(ui(props)),
  }
}
