// @vitest-environment node
import { readFileSync } from 'node:fs'
import { QueryClient } from '@tanstack/react-query'
import { renderToString } from 'react-dom/server'
import { expect, test, vi } from 'vitest'
import { createAvatarSessionStore } from '../core/createAvatarSessionStore'
import { useAvatarKeepAlive } from '../useAvatarKeepAlive'

function Probe({ queryClient }: { queryClient?: QueryClient }) {
  const { status, isAlive } = useAvatarKeepAlive('s1', 'token-1', {
    queryClient,
    store: createAvatarSessionStore(),
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

test.each(['useAvatarKeepAlive.ts', 'useSessionStatus.ts', 'SessionStatusBadge.tsx'])(
  '%s starts with the use client directive',
  (file) => {
    const source = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')
    expect(source.startsWith("'use client'\n")).toBe(true)
  },
)
