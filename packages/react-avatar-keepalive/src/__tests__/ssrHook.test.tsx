// @vitest-environment node
import { readFileSync } from 'node:fs'
import { QueryClient } from '@tanstack/react-query'
import { renderToString } from 'react-dom/server'
import { expect, test, vi } from 'vitest'
import {
  avatarSessionStore,
  createAvatarSessionStore,
  type AvatarSessionStore,
} from '../core/index'
import { useAvatarKeepAlive } from '../useAvatarKeepAlive'
import { useSessionStatus } from '../useSessionStatus'

function Probe({ queryClient, store }: { queryClient?: QueryClient; store?: AvatarSessionStore }) {
  const { status, isAlive } = useAvatarKeepAlive('s1', 'token-1', {
    queryClient,
    store: store ?? createAvatarSessionStore(),
  })
  return (
    <p data-status={status} data-alive={String(isAlive)}>
      {status}
    </p>
  )
}

test('server rendering sends nothing, touches no window and renders idle', () => {
  const fetch = vi.spyOn(globalThis, 'fetch')
  expect(typeof window).toBe('undefined')
  expect(typeof document).toBe('undefined')
  const html = renderToString(<Probe queryClient={new QueryClient()} />)
  expect(html).toContain('data-status="idle"')
  expect(html).toContain('data-alive="false"')
  expect(fetch).not.toHaveBeenCalled()
})

test('server rendering works with the package-internal QueryClient too', () => {
  const fetch = vi.spyOn(globalThis, 'fetch')
  expect(renderToString(<Probe />)).toContain('data-status="idle"')
  expect(fetch).not.toHaveBeenCalled()
})

test('server rendering leaves no session behind in the store', () => {
  const store = createAvatarSessionStore()
  const session = vi.spyOn(store, 'session')
  expect(renderToString(<Probe store={store} />)).toContain('data-status="idle"')
  expect(session).not.toHaveBeenCalled()
  expect(store.getState().sessions).toEqual({})
})

test('server rendering leaves no session behind in the default store', () => {
  const session = vi.spyOn(avatarSessionStore, 'session')
  function DefaultStore() {
    const { status, endReason } = useAvatarKeepAlive('s1', 'token-1')
    const label = useSessionStatus('s1', { selector: (s) => s.label })
    return (
      <p data-status={status} data-end={String(endReason)}>
        {label}
      </p>
    )
  }
  const html = renderToString(<DefaultStore />)
  expect(html).toContain('data-status="idle"')
  expect(html).toContain('data-end="null"')
  expect(html).toContain('>Idle</p>')
  expect(session).not.toHaveBeenCalled()
  expect(avatarSessionStore.getState().sessions).toEqual({})
})

test.each(['useAvatarKeepAlive.ts', 'useSessionStatus.ts', 'SessionStatusBadge.tsx'])(
  '%s starts with the use client directive',
  (file) => {
    const source = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')
    expect(source.startsWith("'use client'\n")).toBe(true)
  },
)
