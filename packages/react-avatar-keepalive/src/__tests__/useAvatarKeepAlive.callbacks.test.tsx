import { QueryClient } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import { useEffect } from 'react'
import { describe, expect, test, vi } from 'vitest'
import { endAvatarSession } from '../core/endAvatarSession'
import type { AvatarSessionStatus } from '../core/status'
import { createAvatarSessionStore } from '../core/store'
import { useAvatarKeepAlive, type UseAvatarKeepAliveOptions } from '../useAvatarKeepAlive'
import { advance, renderKeepAlive, setupMockApi } from './keepAliveTestUtils'

const api = setupMockApi()

/**
 * What a user of `onStatusChange` relies on: each call's `previous` is the last call's status (the
 * first one's, the status the hook returned before), and the last call's status is the one the
 * hook returns now.
 */
function expectChained(calls: [AvatarSessionStatus, AvatarSessionStatus][], shown: string) {
  calls.forEach(([, previous], i) => {
    if (i > 0) expect(previous).toBe(calls[i - 1]![0])
  })
  expect(calls.at(-1)?.[0]).toBe(shown)
}

/** The hook keeping s1 with token-1, alive, its onStatusChange recorded. */
async function renderWatched() {
  const onStatusChange = vi.fn<NonNullable<UseAvatarKeepAliveOptions['onStatusChange']>>()
  const options: UseAvatarKeepAliveOptions = { onStatusChange }
  const view = renderKeepAlive({ sessionId: 's1', token: 'token-1', options })
  await advance(0)
  return { view, options, onStatusChange }
}

// Found by an attacker's review of real browsers' timers: the store (so the app's callbacks) heard
// of a keep-alive before its request started, a microtask on. An onStatusChange that worked 1.2 s on
// `connecting` held the first request back that long, and a ping() right after sent the next 21 ms
// after it (Chromium): the 1 s ceiling is measured from when the engine decides.
describe('a keep-alive starts before the callbacks hear of it', () => {
  test('onStatusChange and onError run after the request has started', async () => {
    const fetch = vi.fn(globalThis.fetch)
    const seen: string[] = []
    const options: UseAvatarKeepAliveOptions = {
      fetch,
      interval: 2_000,
      onStatusChange: (status) => seen.push(`${status} after ${fetch.mock.calls.length}`),
      onError: (error) => seen.push(`${error.kind} after ${fetch.mock.calls.length}`),
    }
    api.queue(503)
    renderKeepAlive({ sessionId: 's1', token: 'token-1', options })
    await advance(0)
    await advance(1_000)
    expect(seen).toEqual([
      'connecting after 1',
      'server after 1',
      'degraded after 1',
      'alive after 2',
    ])
  })
})

describe('callbacks follow the status the hook returns', () => {
  // An earlier sibling's effect may change the session before this hook's effects subscribe.
  test('a change made before the hook listens is reported, and the end is never missed', async () => {
    const store = createAvatarSessionStore()
    const queryClient = new QueryClient()
    const onStatusChange = vi.fn<NonNullable<UseAvatarKeepAliveOptions['onStatusChange']>>()
    const onExpired = vi.fn()
    function Ender() {
      useEffect(() => {
        void endAvatarSession({ sessionId: 's1', token: 'token-1', store })
      }, [])
      return null
    }
    function Keeper() {
      const { status } = useAvatarKeepAlive('s1', 'token-1', {
        store,
        queryClient,
        onStatusChange,
        onExpired,
      })
      return <output>{status}</output>
    }
    const view = render(
      <>
        <Ender />
        <Keeper />
      </>,
    )
    await advance(0)
    expect(view.container.textContent).toBe('expired')
    expect(onExpired).toHaveBeenCalledTimes(1)
    expect(onExpired).toHaveBeenCalledWith('ended')
    expectChained(onStatusChange.mock.calls, 'expired')
    expect(onStatusChange.mock.calls[0]![1]).toBe('idle')
  })

  test('a token emptied then given back: every change reported, each previous the last status', async () => {
    const { view, options, onStatusChange } = await renderWatched()
    view.rerenderWith({ sessionId: 's1', token: '', options })
    await advance(0)
    // Nobody keeps it any more: the session's own status, as a badge shows it.
    expect(view.latest().status).toBe('stopped')
    expectChained(onStatusChange.mock.calls, 'stopped')
    view.rerenderWith({ sessionId: 's1', token: 'token-1', options })
    await advance(0)
    // Kept again, though the next keep-alive keeps 1 s from the last one: not `stopped`.
    expect(view.latest().status).toBe('connecting')
    await advance(1_000)
    expect(view.latest().status).toBe('alive')
    expectChained(onStatusChange.mock.calls, 'alive')
  })

  // The hook read an empty view while it had no token: an ended session went expired → idle →
  // expired, and onExpired was called twice, while a badge showed it ended all along.
  test('an ended session stays ended while the token is gone and back: onExpired once', async () => {
    const onStatusChange = vi.fn<NonNullable<UseAvatarKeepAliveOptions['onStatusChange']>>()
    const onExpired = vi.fn()
    const options: UseAvatarKeepAliveOptions = { onStatusChange, onExpired }
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1', options })
    await advance(0)
    api.queue(410)
    await advance(10_000)
    expect(view.latest().status).toBe('expired')
    view.rerenderWith({ sessionId: 's1', token: '', options })
    await advance(0)
    expect(view.latest().status).toBe('expired')
    view.rerenderWith({ sessionId: 's1', token: 'token-1', options })
    await advance(30_000)
    expect(view.latest().status).toBe('expired')
    expect(onStatusChange.mock.calls).toEqual([
      ['connecting', 'idle'],
      ['alive', 'connecting'],
      ['expired', 'alive'],
    ])
    expect(onExpired.mock.calls).toEqual([['server']])
    expect(api.count('s1')).toBe(2)
  })

  test('a new session id: the callbacks go on from the status shown for the old one', async () => {
    const { view, options, onStatusChange } = await renderWatched()
    view.rerenderWith({ sessionId: 's2', token: 'token-2', options })
    await advance(0)
    expect(view.latest().status).toBe('alive')
    expectChained(onStatusChange.mock.calls, 'alive')
    expect(onStatusChange.mock.calls.length).toBeGreaterThan(2)
  })

  test('enabled off and on again within 1 s: stopped, then connecting at once, then alive', async () => {
    const { view, options, onStatusChange } = await renderWatched()
    view.rerenderWith({
      sessionId: 's1',
      token: 'token-1',
      options: { ...options, enabled: false },
    })
    await advance(0)
    expect(view.latest().status).toBe('stopped')
    view.rerenderWith({ sessionId: 's1', token: 'token-1', options })
    await advance(0)
    expect(view.latest().status).toBe('connecting')
    await advance(1_000)
    expect(view.latest().status).toBe('alive')
    expect(onStatusChange.mock.calls.map(([status]) => status)).toEqual([
      'connecting',
      'alive',
      'stopped',
      'connecting',
      'alive',
    ])
  })
})
