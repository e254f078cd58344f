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
