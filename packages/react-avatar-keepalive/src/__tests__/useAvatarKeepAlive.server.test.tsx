// A host TanStack Query takes for a server though it has a window (Deno with a DOM shim, as in a
// component test there): TanStack arms no refetchInterval, so the hook keeps its schedule on plain
// timers. It chose by `window` alone: one keep-alive at mount, then none, the session shown alive.
import { environmentManager } from '@tanstack/react-query'
import { expect, onTestFinished, test, vi } from 'vitest'
import { advance, renderKeepAlive, setupMockApi } from './keepAliveTestUtils'

vi.mock('@tanstack/react-query', async (actual) => ({
  ...(await actual<typeof import('@tanstack/react-query')>()),
  isServer: true,
}))

const api = setupMockApi()

test('taken for a server with a window: a keep-alive every interval', async () => {
  // As TanStack Query decides it there.
  environmentManager.setIsServer(() => true)
  onTestFinished(() => environmentManager.setIsServer(() => false))
  const start = Date.now()
  const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
  await advance(40_000)
  expect(typeof window).toBe('object')
  expect(api.requests.map((r) => r.at - start)).toEqual([0, 10_000, 20_000, 30_000, 40_000])
  expect(view.latest()).toMatchObject({ status: 'alive', isAlive: true })
})
