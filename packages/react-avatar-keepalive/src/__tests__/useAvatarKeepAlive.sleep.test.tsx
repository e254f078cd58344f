// A device that sleeps (a laptop's lid closed): the page's monotonic clock and its timers stand
// still while the wall clock and the server go on. systemSleep moves Date alone.
import { onlineManager } from '@tanstack/react-query'
import { act } from '@testing-library/react'
import { describe, expect, test } from 'vitest'
import {
  advance,
  renderKeepAlive,
  setPageVisible,
  setupMockApi,
  systemSleep,
} from './keepAliveTestUtils'

const api = setupMockApi()
const HOUR = 3_600_000
const keepAlives = () => api.requests.filter((r) => r.url.endsWith('/keep-alive')).length
const ends = () => api.requests.filter((r) => r.url.endsWith('/end')).length

describe('after an hour asleep', () => {
  test('isAlive is false from the first step after wake, and the 410 is missed (frozen)', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(6_000)
    systemSleep(HOUR)
    api.queue({ delay: 2_000, then: 410 })
    // The page's timer fires 4 s after wake: its keep-alive is in the air.
    await advance(4_000)
    expect(keepAlives()).toBe(2)
    expect(view.latest()).toMatchObject({ status: 'alive', isAlive: false })
    await advance(2_000)
    expect(view.latest()).toMatchObject({ status: 'expired', endReason: 'missed' })
    expect(view.snapshot().missed).toEqual({ cause: 'frozen', silentFor: HOUR + 12_000 })
  })

  test('offline as the lid closes, online at wake: the 410 is missed (offline)', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(2_000)
    act(() => onlineManager.setOnline(false))
    systemSleep(HOUR)
    act(() => onlineManager.setOnline(true))
    await advance(0)
    expect(keepAlives()).toBe(2)
    expect(view.latest()).toMatchObject({ status: 'expired', endReason: 'missed' })
    expect(view.snapshot().missed?.cause).toBe('offline')
  })

  test('a failure at wake shows the session not alive: degraded, isAlive false', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(6_000)
    systemSleep(HOUR)
    api.queue('network-error')
    await advance(4_000)
    expect(view.latest()).toMatchObject({ status: 'degraded', isAlive: false })
  })

  test('kept again after the sleep (unmounted or paused through it): isAlive false until a success', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(3_000)
    view.rerenderWith({ sessionId: 's1', token: 'token-1', options: { enabled: false } })
    await advance(0)
    systemSleep(HOUR)
    api.queue(503)
    view.rerenderWith({ sessionId: 's1', token: 'token-1', options: { enabled: true } })
    await advance(100)
    expect(keepAlives()).toBe(2)
    expect(view.latest()).toMatchObject({ status: 'degraded', isAlive: false })
  })

  // Example 55 (engine.examples.test.ts): with no success yet, isAlive is judged from the first
  // keep-alive, on the page's clock, which the sleep did not move; the keeper that starts after it
  // counts the sleep.
  test('kept again after a sleep, never answered well: isAlive counts the sleep since the first keep-alive', async () => {
    api.queue(503)
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(100)
    expect(view.latest()).toMatchObject({ status: 'degraded', isAlive: true })
    view.rerenderWith({ sessionId: 's1', token: 'token-1', options: { enabled: false } })
    await advance(0)
    // 35 s on the wall's clock since the first keep-alive, 100 ms on the page's.
    systemSleep(35_000)
    api.queue(503)
    view.rerenderWith({ sessionId: 's1', token: 'token-1', options: { enabled: true } })
    // (The 1 s ceiling does not count the sleep.)
    await advance(1_000)
    expect(keepAlives()).toBe(2)
    expect(view.latest()).toMatchObject({ status: 'degraded', isAlive: false })
  })
})

describe('a sleep shorter than the server allows', () => {
  test('hidden as the lid closes, shown 21 s later: a keep-alive within the 1 s ceiling, still alive', async () => {
    const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
    await advance(500)
    act(() => setPageVisible(false))
    // The mock ends a session after 30 s without a keep-alive; 21.5 s have gone at wake.
    systemSleep(21_000)
    act(() => setPageVisible(true))
    await advance(499)
    expect(keepAlives()).toBe(1)
    await advance(1)
    expect(keepAlives()).toBe(2)
    await advance(20_000)
    expect(view.latest()).toMatchObject({ status: 'alive', isAlive: true, endReason: null })
  })
})

describe('letting go counts the sleep', () => {
  test('idleTimeout: ended at the first step after wake, with no keep-alive', async () => {
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { idleTimeout: 60_000 },
    })
    await advance(10_000)
    systemSleep(HOUR)
    await advance(10_000)
    expect(view.latest()).toMatchObject({ status: 'expired', endReason: 'idle-timeout' })
    expect([keepAlives(), ends()]).toEqual([2, 1])
  })

  test('hiddenTimeout: ended at the first step after wake, with no keep-alive', async () => {
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: { hiddenTimeout: 60_000 },
    })
    await advance(0)
    act(() => setPageVisible(false))
    await advance(5_000)
    systemSleep(HOUR)
    await advance(9_000)
    expect(view.latest()).toMatchObject({ status: 'expired', endReason: 'hidden-timeout' })
    expect([keepAlives(), ends()]).toEqual([1, 1])
  })

  test('the idle warning’s endsAt moves with the wall clock set either way, and is told again', async () => {
    const warnings: number[] = []
    const view = renderKeepAlive({
      sessionId: 's1',
      token: 'token-1',
      options: {
        idleTimeout: 120_000,
        idleWarning: 60_000,
        onIdleWarning: (msLeft) => warnings.push(msLeft),
      },
    })
    await advance(70_000)
    // The warning began at 60 s; the end is 50 s away. The wall clock is set back an hour.
    systemSleep(-HOUR)
    await advance(10_000)
    expect(view.snapshot().endsAt! - Date.now()).toBe(40_000)
    // Then 30 s asleep: the end is 10 s away, and comes then (the same instant on the wall clock:
    // no news).
    systemSleep(30_000)
    const endsAt = view.snapshot().endsAt!
    expect(endsAt - Date.now()).toBe(10_000)
    await advance(9_999)
    expect(view.latest().status).toBe('alive')
    await advance(1)
    expect(view.latest()).toMatchObject({ status: 'expired', endReason: 'idle-timeout' })
    expect(Date.now()).toBe(endsAt)
    expect(warnings).toEqual([60_000, 40_000])
  })
})

test('a wall clock set forward does not shorten the 1 s ceiling', async () => {
  const view = renderKeepAlive({ sessionId: 's1', token: 'token-1', options: { interval: 2_000 } })
  await advance(0)
  systemSleep(HOUR)
  void view.latest().ping()
  await advance(999)
  expect(keepAlives()).toBe(1)
  await advance(1)
  expect(keepAlives()).toBe(2)
})

test('a wall clock set back is no sleep, and a sleep after it still counts', async () => {
  const view = renderKeepAlive({ sessionId: 's1', token: 'token-1' })
  await advance(2_000)
  // Each change of visibility is a step: the keep-alive sees each clock.
  const look = () => act(() => (setPageVisible(false), setPageVisible(true)))
  systemSleep(-HOUR)
  look()
  await advance(2_000)
  expect(keepAlives()).toBe(1)
  expect(view.latest()).toMatchObject({ status: 'alive', isAlive: true })
  systemSleep(HOUR / 2)
  look()
  await advance(0)
  expect(keepAlives()).toBe(2)
})
