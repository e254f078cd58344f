import { QueryClient, QueryObserver, timeoutManager } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import { beforeEach, expect, test } from 'vitest'
import { createAvatarSessionStore } from '../core/store'
import { useAvatarKeepAlive } from '../useAvatarKeepAlive'
import { advance, setupMockApi } from './keepAliveTestUtils'

// TanStack Query's own timers per keep-alive: what sending through `refetchInterval` costs a
// page with hundreds of sessions (and their garbage, at that scale). Counted through a provider
// installed before any QueryClient of this file exists (switching later would be unsafe).
const calls = { setTimeout: 0, setInterval: 0 }
const pending = new Set<unknown>()
timeoutManager.setTimeoutProvider({
  setTimeout: (callback, delay) => {
    calls.setTimeout++
    const id = setTimeout(() => {
      pending.delete(id)
      callback()
    }, delay)
    pending.add(id)
    return id
  },
  clearTimeout: (id) => {
    pending.delete(id)
    clearTimeout(id)
  },
  setInterval: (callback, delay) => {
    calls.setInterval++
    const id = setInterval(callback, delay)
    pending.add(id)
    return id
  },
  clearInterval: (id) => {
    pending.delete(id)
    clearInterval(id)
  },
})

const api = setupMockApi()
const INTERVAL = 10_000
const KEY = ['react-avatar-keepalive', 'keep-alive', 's1']

beforeEach(() => {
  calls.setTimeout = calls.setInterval = 0
  pending.clear()
})

function Avatar({ queryClient }: { queryClient: QueryClient }) {
  useAvatarKeepAlive('s1', 'token-1', { queryClient, store: createAvatarSessionStore() })
  return null
}

test('a routine keep-alive arms one TanStack timer (the interval): no gc timer, no second interval', async () => {
  const queryClient = new QueryClient()
  render(<Avatar queryClient={queryClient} />)
  await advance(0)
  expect(api.count('s1')).toBe(1)
  calls.setTimeout = calls.setInterval = 0
  await advance(5 * INTERVAL)
  expect(api.count('s1')).toBe(6)
  expect(calls).toEqual({ setTimeout: 0, setInterval: 5 })
  // The one armed for the next keep-alive.
  expect(pending.size).toBe(1)
})

test('the query leaves the cache as soon as the keep-alive stops, and leaves no timer', async () => {
  const queryClient = new QueryClient()
  const view = render(<Avatar queryClient={queryClient} />)
  await advance(2 * INTERVAL)
  expect(queryClient.getQueryCache().find({ queryKey: KEY })).toBeDefined()
  view.unmount()
  await advance(0)
  expect(queryClient.getQueryCache().find({ queryKey: KEY })).toBeUndefined()
  expect(pending.size).toBe(0)
  await advance(10 * INTERVAL)
  expect(api.count('s1')).toBe(3)
})

test('a query the app observes as well stays in the cache after the keep-alive stops', async () => {
  const queryClient = new QueryClient()
  const view = render(<Avatar queryClient={queryClient} />)
  await advance(0)
  const query = queryClient.getQueryCache().find({ queryKey: KEY })
  expect(query).toBeDefined()
  const watching = new QueryObserver(queryClient, { queryKey: KEY, enabled: false })
  const unwatch = watching.subscribe(() => {})
  view.unmount()
  await advance(0)
  expect(queryClient.getQueryCache().find({ queryKey: KEY })).toBe(query)
  unwatch()
  await advance(10 * INTERVAL)
  expect(api.count('s1')).toBe(1)
})
