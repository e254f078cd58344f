// The README's recipes, shown to do what they say. React Native's is in recipes.native.test.tsx
// (it needs a test environment without a DOM).
import { QueryClient } from '@tanstack/react-query'
import { act, cleanup, render, screen } from '@testing-library/react'
import * as React from 'react'
import { useState } from 'react'
import { describe, expect, test, vi } from 'vitest'
import { AVATAR_API_EU, AVATAR_API_US } from '../core/request'
import { avatarSessionStore, createAvatarSessionStore } from '../core/store'
import { SessionStatusBadge } from '../SessionStatusBadge'
import { useAvatarKeepAlive } from '../useAvatarKeepAlive'
import { advance, setupMockApi } from './keepAliveTestUtils'

const api = setupMockApi()

// <Activity> came with React 19.2; the React 18 compat project has none, and skips these.
const hasActivity = 'Activity' in React

describe.skipIf(!hasActivity)('<Activity> (React 19.2+)', () => {
  const { Activity } = React

  function setup() {
    return { store: createAvatarSessionStore(), queryClient: new QueryClient() }
  }

  test('a hook inside a hidden Activity lets go: status stopped, no more requests; shown again, one at once', async () => {
    const { store, queryClient } = setup()
    function Panel() {
      const { status } = useAvatarKeepAlive('s1', 'token-1', { store, queryClient })
      const [mountedAt] = useState(() => Date.now())
      return <output data-mounted-at={mountedAt}>{status}</output>
    }
    const ui = (shown: boolean) => (
      <Activity mode={shown ? 'visible' : 'hidden'}>
        <Panel />
      </Activity>
    )
    const view = render(ui(true))
    await advance(0)
    expect(api.count('s1')).toBe(1)
    expect(store.get('s1').status).toBe('alive')
    const mountedAt = view.container.querySelector('output')!.dataset.mountedAt

    view.rerender(ui(false))
    await advance(0)
    expect(store.get('s1').status).toBe('stopped')
    await advance(25_000)
    expect(api.count('s1')).toBe(1)

    // Shown again: its state was kept (same mount), and it pings at once.
    view.rerender(ui(true))
    await advance(0)
    expect(view.container.querySelector('output')!.dataset.mountedAt).toBe(mountedAt)
    expect(api.count('s1')).toBe(2)
    expect(store.get('s1').status).toBe('alive')
  })

  test('hidden for longer than the server allows: the session is found ended on return', async () => {
    const { store, queryClient } = setup()
    function Panel() {
      useAvatarKeepAlive('s1', 'token-1', { store, queryClient })
      return null
    }
    const ui = (shown: boolean) => (
      <Activity mode={shown ? 'visible' : 'hidden'}>
        <Panel />
      </Activity>
    )
    const view = render(ui(true))
    await advance(0)
    view.rerender(ui(false))
    // The mock ends a session after 30 s without a keep-alive.
    await advance(40_000)
    expect(api.count('s1')).toBe(1)
    view.rerender(ui(true))
    await advance(0)
    expect(api.count('s1')).toBe(2)
    expect(store.get('s1').status).toBe('expired')
  })

  test('the hook above the boundary keeps the session alive while the panel is hidden', async () => {
    const { store, queryClient } = setup()
    function AvatarPanel({ status }: { status: string }) {
      return <p>Avatar: {status}</p>
    }
    function CallScreen({ showAvatar }: { showAvatar: boolean }) {
      const { status } = useAvatarKeepAlive('s1', 'token-1', { store, queryClient })
      return (
        <Activity mode={showAvatar ? 'visible' : 'hidden'}>
          <AvatarPanel status={status} />
        </Activity>
      )
    }
    const view = render(<CallScreen showAvatar />)
    await advance(0)
    expect(api.count('s1')).toBe(1)

    view.rerender(<CallScreen showAvatar={false} />)
    await advance(60_000)
    expect(api.count('s1')).toBe(7)
    expect(store.get('s1').status).toBe('alive')
  })
})

// The README's "Testing your app" example, as written there: the default store, no QueryClient.
describe('the README testing recipe', () => {
  function Call() {
    useAvatarKeepAlive('s1', 'token-1')
    return <SessionStatusBadge sessionId="s1" />
  }

  test('shows when the server ends the session, and stops pinging', async () => {
    render(<Call />)
    await act(() => vi.advanceTimersByTimeAsync(0))
    expect(screen.getByRole('status').textContent).toBe('Live')

    api.end('s1')
    await act(() => vi.advanceTimersByTimeAsync(10_000))
    expect(screen.getByRole('status').textContent).toBe('Session ended')

    await act(() => vi.advanceTimersByTimeAsync(60_000))
    expect(api.count('s1')).toBe(2)
    cleanup()
    avatarSessionStore.clearAll()
  })
})

// The README's "The EU region", as written there: a region that comes with a config loaded after
// the first render.
describe('the README region-from-a-config recipe', () => {
  function KeepAliveInRegion({ region }: { region: 'us' | 'eu' | undefined }) {
    useAvatarKeepAlive('s1', 'token-1', {
      baseUrl: region === 'eu' ? AVATAR_API_EU : AVATAR_API_US,
      enabled: region !== undefined,
    })
    return null
  }

  test('sends nothing to the default region before the config, then keeps the session where it says', async () => {
    const view = render(<KeepAliveInRegion region={undefined} />)
    await advance(30_000)
    expect(api.requests).toEqual([])

    view.rerender(<KeepAliveInRegion region="eu" />)
    await advance(10_000)
    expect(api.requests.map((r) => r.url)).toEqual([
      `${AVATAR_API_EU}/avatar-session/s1/keep-alive`,
      `${AVATAR_API_EU}/avatar-session/s1/keep-alive`,
    ])
  })
})
