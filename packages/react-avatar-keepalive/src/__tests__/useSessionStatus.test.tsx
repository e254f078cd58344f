import { act, cleanup, renderHook } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { AvatarKeepAliveError } from '../core/AvatarKeepAliveError'
import type { AvatarSessionStatus } from '../core/AvatarSessionStatus'
import { createAvatarSessionStore, type AvatarSessionStore } from '../core/createAvatarSessionStore'
import { useSessionStatus, type SessionStatus } from '../useSessionStatus'

const ID = 's1'

let store: AvatarSessionStore

beforeEach(() => {
  store = createAvatarSessionStore()
})

afterEach(() => {
  cleanup()
})

const record = (update: (state: ReturnType<AvatarSessionStore['getState']>) => void) =>
  act(() => update(store.getState()))

/** Renders `use` as a hook with a session id and store as props, and counts its renders. */
function renderCounting<R>(
  initialId: string | null | undefined,
  use: (sessionId: string | null | undefined, from: AvatarSessionStore) => R,
) {
  let renders = 0
  const view = renderHook(
    ({ sessionId, from }: { sessionId: string | null | undefined; from: AvatarSessionStore }) => {
      renders++
      return use(sessionId, from)
    },
    { initialProps: { sessionId: initialId, from: store } },
  )
  return { ...view, renders: () => renders }
}

const renderStatus = (initialId: string | null | undefined) =>
  renderCounting(initialId, (sessionId, from) => useSessionStatus(sessionId, { store: from }))

const renderSelected = <T,>(
  initialId: string | null | undefined,
  selector: (status: SessionStatus) => T,
) =>
  renderCounting(initialId, (sessionId, from) =>
    useSessionStatus(sessionId, { store: from, selector }),
  )

describe('the whole status', () => {
  test.each([null, undefined, ''])('sessionId %j → idle', (id) => {
    record((s) => s.recordAttempt(''))
    const { result } = renderStatus(id)
    expect(result.current).toEqual({
      status: 'idle',
      lastAliveAt: null,
      lastAttemptAt: null,
      consecutiveFailures: 0,
      error: null,
      label: 'Idle',
      isAlive: false,
    })
  })

  test('a session nobody pinged is idle', () => {
    const { result } = renderStatus('unknown')
    expect(result.current.status).toBe('idle')
    expect(result.current.label).toBe('Idle')
  })

  test('snapshot, label and isAlive follow the store', () => {
    const { result } = renderStatus(ID)
    record((s) => s.recordAttempt(ID, 1000))
    expect(result.current).toEqual({
      status: 'connecting',
      lastAliveAt: null,
      lastAttemptAt: 1000,
      consecutiveFailures: 0,
      error: null,
      label: 'Connecting…',
      isAlive: false,
    })
    record((s) => s.recordSuccess(ID, 1200))
    expect(result.current).toEqual({
      status: 'alive',
      lastAliveAt: 1200,
      lastAttemptAt: 1000,
      consecutiveFailures: 0,
      error: null,
      label: 'Live',
      isAlive: true,
    })
    const error = new AvatarKeepAliveError({ kind: 'server', httpStatus: 503 })
    record((s) => s.recordFailure(ID, error))
    expect(result.current).toEqual({
      status: 'degraded',
      lastAliveAt: 1200,
      lastAttemptAt: 1000,
      consecutiveFailures: 1,
      error,
      label: 'Reconnecting…',
      isAlive: true,
    })
  })

  test.each<
    [AvatarSessionStatus, string, boolean, (s: ReturnType<AvatarSessionStore['getState']>) => void]
  >([
    ['offline', 'Offline', false, (s) => s.recordOffline(ID)],
    ['stopped', 'Stopped', false, (s) => s.recordStop(ID)],
    ['expired', 'Session ended', false, (s) => s.recordFailure(ID, fail('expired'))],
    ['not-found', 'Not found', false, (s) => s.recordFailure(ID, fail('not-found'))],
    ['unauthorized', 'Unauthorized', false, (s) => s.recordFailure(ID, fail('unauthorized'))],
    ['error', 'Error', false, (s) => s.recordFailure(ID, fail('bad-request'))],
  ])('%s → label %j, isAlive %s', (status, label, isAlive, step) => {
    const { result } = renderStatus(ID)
    record((s) => {
      s.recordAttempt(ID, 1)
      s.recordSuccess(ID, 2)
    })
    record(step)
    expect(result.current.status).toBe(status)
    expect(result.current.label).toBe(label)
    expect(result.current.isAlive).toBe(isAlive)
  })

  test('the same object between renders while the snapshot is unchanged', () => {
    const { result, rerender } = renderStatus(ID)
    record((s) => s.recordAttempt(ID, 1))
    const first = result.current
    rerender({ sessionId: ID, from: store })
    expect(result.current).toBe(first)
    record((s) => s.recordAttempt('s2', 5))
    expect(result.current).toBe(first)
    record((s) => s.recordAttempt(ID, 2))
    expect(result.current).not.toBe(first)
    expect(result.current.lastAttemptAt).toBe(2)
  })

  test('re-renders on every ping of its own session, never for another session', () => {
    const { renders } = renderStatus(ID)
    record((s) => s.recordAttempt(ID, 1))
    record((s) => s.recordSuccess(ID, 2))
    expect(renders()).toBe(3)
    record((s) => s.recordAttempt(ID, 3))
    record((s) => s.recordSuccess(ID, 4))
    expect(renders()).toBe(5)
    record((s) => s.recordAttempt('s2', 5))
    record((s) => s.recordSuccess('s2', 6))
    expect(renders()).toBe(5)
  })

  test('switching session id or store reads the new one', () => {
    record((s) => s.recordAttempt('s2', 1))
    const other = createAvatarSessionStore()
    other.getState().recordAttempt(ID, 1)
    other.getState().recordSuccess(ID, 2)
    const { result, rerender } = renderStatus(ID)
    expect(result.current.status).toBe('idle')
    rerender({ sessionId: 's2', from: store })
    expect(result.current.status).toBe('connecting')
    rerender({ sessionId: ID, from: other })
    expect(result.current.status).toBe('alive')
    rerender({ sessionId: null, from: other })
    expect(result.current.status).toBe('idle')
  })
})

describe('with a selector', () => {
  test('returns the selected value and re-renders only when it changes', () => {
    const { result, renders } = renderSelected(ID, (s) => s.status)
    expect(result.current).toBe('idle')
    record((s) => s.recordAttempt(ID, 1))
    record((s) => s.recordSuccess(ID, 2))
    expect(result.current).toBe('alive')
    expect(renders()).toBe(3)
    for (let at = 10; at < 200; at += 10) {
      record((s) => s.recordAttempt(ID, at))
      record((s) => s.recordSuccess(ID, at + 1))
    }
    expect(store.getState().sessions[ID]?.lastAliveAt).toBe(191)
    expect(renders()).toBe(3)
    record((s) => s.recordFailure(ID, fail('network')))
    expect(result.current).toBe('degraded')
    expect(renders()).toBe(4)
  })

  test('isAlive: alive → degraded → alive renders nothing; → expired renders once', () => {
    const { result, renders } = renderSelected(ID, (s) => s.isAlive)
    record((s) => {
      s.recordAttempt(ID, 1)
      s.recordSuccess(ID, 2)
    })
    expect(result.current).toBe(true)
    expect(renders()).toBe(2)
    record((s) => s.recordFailure(ID, fail('timeout')))
    record((s) => s.recordFailure(ID, fail('server')))
    record((s) => s.recordSuccess(ID, 3))
    expect(store.getState().sessions[ID]?.status).toBe('alive')
    expect(renders()).toBe(2)
    record((s) => s.recordFailure(ID, fail('expired')))
    expect(result.current).toBe(false)
    expect(renders()).toBe(3)
  })

  test('lastAliveAt: attempts render nothing, each success renders once', () => {
    const { result, renders } = renderSelected(ID, (s) => s.lastAliveAt)
    record((s) => s.recordAttempt(ID, 1))
    expect(renders()).toBe(1)
    record((s) => s.recordSuccess(ID, 2))
    expect(result.current).toBe(2)
    expect(renders()).toBe(2)
    record((s) => s.recordAttempt(ID, 3))
    record((s) => s.recordFailure(ID, fail('network')))
    expect(renders()).toBe(2)
    record((s) => s.recordSuccess(ID, 4))
    expect(result.current).toBe(4)
    expect(renders()).toBe(3)
  })

  test('the selector sees the derived label', () => {
    const { result } = renderSelected(ID, (s) => s.label)
    expect(result.current).toBe('Idle')
    record((s) => s.recordFailure(ID, fail('unauthorized')))
    expect(result.current).toBe('Unauthorized')
  })
})

function fail(kind: AvatarKeepAliveError['kind']): AvatarKeepAliveError {
  return new AvatarKeepAliveError({ kind })
}
