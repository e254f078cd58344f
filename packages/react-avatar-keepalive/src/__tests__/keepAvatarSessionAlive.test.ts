// The core in a page, with the page's own sources of connectivity and visibility (the hook uses
// TanStack Query's managers instead).
import { afterEach, beforeEach, expect, onTestFinished, test, vi } from 'vitest'
import { keepAvatarSessionAlive } from '../core/keepAvatarSessionAlive'
import { createAvatarSessionStore, type AvatarSessionStore } from '../core/store'
import { FAKE_TIMERS } from './keepAliveTestUtils'

let store: AvatarSessionStore
let onLine: boolean
const fetch = vi.fn<typeof globalThis.fetch>(async () => Response.json({ success: true }))

beforeEach(() => {
  vi.useFakeTimers(FAKE_TIMERS)
  store = createAvatarSessionStore({ crossTab: null })
  fetch.mockClear()
  vi.spyOn(navigator, 'onLine', 'get').mockImplementation(() => onLine)
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

function goOnline(online: boolean): void {
  onLine = online
  window.dispatchEvent(new Event(online ? 'online' : 'offline'))
}

test('navigator.onLine false from the start (Chrome reads it wrong on some machines that are online) does not keep the session from being kept', async () => {
  onLine = false
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', { store, fetch, interval: 1_000 })
  onTestFinished(() => keepAlive.stop())
  await vi.advanceTimersByTimeAsync(3_000)
  expect(fetch).toHaveBeenCalledTimes(4)
  expect(store.get('s1').status).toBe('alive')
})

test('the offline event pauses it (offline, nothing sent); the online event sends one at once', async () => {
  onLine = true
  const keepAlive = keepAvatarSessionAlive('s1', 'token-1', { store, fetch, interval: 1_000 })
  onTestFinished(() => keepAlive.stop())
  await vi.advanceTimersByTimeAsync(500)
  expect(fetch).toHaveBeenCalledTimes(1)
  goOnline(false)
  await vi.advanceTimersByTimeAsync(5_000)
  expect(fetch).toHaveBeenCalledTimes(1)
  expect(store.get('s1').status).toBe('offline')
  goOnline(true)
  await vi.advanceTimersByTimeAsync(0)
  expect(fetch).toHaveBeenCalledTimes(2)
  expect(store.get('s1').status).toBe('alive')
})
