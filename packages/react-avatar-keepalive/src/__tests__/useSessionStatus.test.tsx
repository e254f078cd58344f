import { act, cleanup, renderHook } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import {
  AVATAR_SESSION_STATUSES,
  AvatarKeepAliveError,
  createAvatarSessionStore,
  IDLE_SNAPSHOT,
  type AvatarSessionSnapshot,
  type AvatarSessionStatus,
  type AvatarSessionStore,
} from '../core/index'
import { useSessionStatus, type SessionStatus } from '../useSessionStatus'

const ID = 's1'

let store: AvatarSessionStore

beforeEach(() => {
  store = createAvatarSessionStore({ crossTab: null })
})

afterEach(() => {
  cleanup()
})

/** Sets fields of a session's snapshot through its zustand store, as a story or a test would. */
const put = (patch: Partial<AvatarSessionSnapshot>, sessionId = ID, into = store) =>
  act(() => into.session(sessionId).setState({ ...into.get(sessionId), ...patch }, true))

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

/** A keep-alive that went out at `at` and succeeded 50 ms later: two store updates. */
const ping = (at: number, sessionId = ID) => {
  put({ lastAttemptAt: at }, sessionId)
  put({ status: 'alive', isAlive: true, lastAliveAt: at + 50 }, sessionId)
}

const LABELS: Record<AvatarSessionStatus, string> = {
  idle: 'Idle',
  connecting: 'Connecting…',
  alive: 'Live',
  degraded: 'Reconnecting…',
  offline: 'Offline',
  expired: 'Session ended',
  'not-found': 'Not found',
  unauthorized: 'Unauthorized',
  error: 'Error',
  stopped: 'Stopped',
}

describe('the whole status', () => {
  test.each([null, undefined, ''])('sessionId %j → idle', (id) => {
    put({ status: 'alive', isAlive: true, lastAliveAt: 1 }, '')
    const { result } = renderStatus(id)
    expect(result.current).toEqual({
      status: 'idle',
      isAlive: false,
      lastAliveAt: null,
      lastAttemptAt: null,
      consecutiveFailures: 0,
      error: null,
      endReason: null,
      missed: null,
      endsAt: null,
      label: 'Idle',
    })
  })

  test('a session nobody pinged is idle', () => {
    const { result } = renderStatus('unknown')
    expect(result.current).toEqual({ ...IDLE_SNAPSHOT, label: 'Idle' })
  })

  test('snapshot and label follow the store', () => {
    const { result } = renderStatus(ID)
    put({ status: 'connecting', lastAttemptAt: 1000 })
    expect(result.current).toEqual({
      ...IDLE_SNAPSHOT,
      status: 'connecting',
      lastAttemptAt: 1000,
      label: 'Connecting…',
    })
    put({ status: 'alive', isAlive: true, lastAliveAt: 1200 })
    expect(result.current).toEqual({
      ...IDLE_SNAPSHOT,
      status: 'alive',
      isAlive: true,
      lastAliveAt: 1200,
      lastAttemptAt: 1000,
      label: 'Live',
    })
    const error = new AvatarKeepAliveError({ kind: 'server', httpStatus: 503 })
    put({ status: 'degraded', consecutiveFailures: 1, error })
    expect(result.current).toEqual({
      ...IDLE_SNAPSHOT,
      status: 'degraded',
      isAlive: true,
      lastAliveAt: 1200,
      lastAttemptAt: 1000,
      consecutiveFailures: 1,
      error,
      label: 'Reconnecting…',
    })
    put({ endsAt: 90_000 })
    expect(result.current.endsAt).toBe(90_000)
    put({
      status: 'expired',
      isAlive: false,
      endsAt: null,
      endReason: 'missed',
      missed: { cause: 'frozen', silentFor: 312_000 },
    })
    expect(result.current).toMatchObject({
      status: 'expired',
      isAlive: false,
      endReason: 'missed',
      missed: { cause: 'frozen', silentFor: 312_000 },
      label: 'Session ended',
    })
  })

  test.each(AVATAR_SESSION_STATUSES)('%s has its label', (status) => {
    const { result } = renderStatus(ID)
    put({ status })
    expect(result.current.status).toBe(status)
    expect(result.current.label).toBe(LABELS[status])
  })

  test('isAlive is the snapshot’s, not guessed from the status', () => {
    const { result } = renderStatus(ID)
    put({ status: 'degraded', isAlive: true })
    expect(result.current.isAlive).toBe(true)
    // Degraded for too long: the keep-alive says the server has likely dropped it.
    put({ status: 'degraded', isAlive: false })
    expect(result.current.isAlive).toBe(false)
  })

  test('the same object between renders while the snapshot is unchanged', () => {
    const { result, rerender } = renderStatus(ID)
    put({ status: 'connecting', lastAttemptAt: 1 })
    const first = result.current
    rerender({ sessionId: ID, from: store })
    expect(result.current).toBe(first)
    put({ status: 'connecting', lastAttemptAt: 5 }, 's2')
    expect(result.current).toBe(first)
    put({ lastAttemptAt: 2 })
    expect(result.current).not.toBe(first)
    expect(result.current.lastAttemptAt).toBe(2)
  })

  test('re-renders on every ping of its own session, never for another session', () => {
    const { renders } = renderStatus(ID)
    ping(1)
    expect(renders()).toBe(3)
    ping(3)
    expect(renders()).toBe(5)
    ping(5, 's2')
    expect(renders()).toBe(5)
  })

  test('switching session id or store reads the new one', () => {
    put({ status: 'connecting', lastAttemptAt: 1 }, 's2')
    const other = createAvatarSessionStore({ crossTab: null })
    put({ status: 'alive', isAlive: true, lastAliveAt: 2 }, ID, other)
    const { result, rerender } = renderStatus(ID)
    expect(result.current.status).toBe('idle')
    rerender({ sessionId: 's2', from: store })
    expect(result.current.status).toBe('connecting')
    rerender({ sessionId: ID, from: other })
    expect(result.current.status).toBe('alive')
    rerender({ sessionId: null, from: other })
    expect(result.current.status).toBe('idle')
  })

  test('a cleared session reads idle again', () => {
    const { result } = renderStatus(ID)
    put({ status: 'expired', endReason: 'ended' })
    expect(result.current.endReason).toBe('ended')
    act(() => store.clearSession(ID))
    expect(result.current).toEqual({ ...IDLE_SNAPSHOT, label: 'Idle' })
  })
})

describe('with a selector', () => {
  test('returns the selected value and re-renders only when it changes', () => {
    const { result, renders } = renderSelected(ID, (s) => s.status)
    expect(result.current).toBe('idle')
    put({ status: 'connecting', lastAttemptAt: 1 })
    put({ status: 'alive', isAlive: true, lastAliveAt: 2 })
    expect(result.current).toBe('alive')
    expect(renders()).toBe(3)
    for (let at = 10; at < 200; at += 10) ping(at)
    expect(store.get(ID).lastAliveAt).toBe(240)
    expect(renders()).toBe(3)
    put({ status: 'degraded', error: new AvatarKeepAliveError({ kind: 'network' }) })
    expect(result.current).toBe('degraded')
    expect(renders()).toBe(4)
  })

  test('isAlive: alive → degraded → alive renders nothing; → expired renders once', () => {
    const { result, renders } = renderSelected(ID, (s) => s.isAlive)
    ping(1)
    expect(result.current).toBe(true)
    expect(renders()).toBe(2)
    put({ status: 'degraded', consecutiveFailures: 1 })
    put({ status: 'degraded', consecutiveFailures: 2 })
    ping(3)
    expect(store.get(ID).status).toBe('alive')
    expect(renders()).toBe(2)
    put({ status: 'expired', isAlive: false, endReason: 'server' })
    expect(result.current).toBe(false)
    expect(renders()).toBe(3)
  })

  test('lastAliveAt: attempts render nothing, each success renders once', () => {
    const { result, renders } = renderSelected(ID, (s) => s.lastAliveAt)
    put({ status: 'connecting', lastAttemptAt: 1 })
    expect(renders()).toBe(1)
    put({ status: 'alive', isAlive: true, lastAliveAt: 2 })
    expect(result.current).toBe(2)
    expect(renders()).toBe(2)
    put({ lastAttemptAt: 3 })
    put({ status: 'degraded', consecutiveFailures: 1 })
    expect(renders()).toBe(2)
    put({ status: 'alive', consecutiveFailures: 0, lastAliveAt: 4 })
    expect(result.current).toBe(4)
    expect(renders()).toBe(3)
  })

  test('the selector sees the derived label', () => {
    const { result } = renderSelected(ID, (s) => s.label)
    expect(result.current).toBe('Idle')
    put({ status: 'unauthorized', error: new AvatarKeepAliveError({ kind: 'unauthorized' }) })
    expect(result.current).toBe('Unauthorized')
  })

  // zustand 5 reads the selector's result on every render and check: a new object each time
  // rendered forever ("Maximum update depth exceeded"); zustand 4.5 compared it only on changes.
  test('a selector may return the whole status: the object the hook returns without one', () => {
    const whole = renderStatus(ID)
    const { result, renders } = renderSelected(ID, (s) => s)
    put({ status: 'alive', isAlive: true, lastAliveAt: 2 })
    expect(result.current).toBe(whole.result.current)
    expect(result.current.label).toBe('Live')
    expect(renders()).toBe(2)
  })

  test('the selector sees the end reason', () => {
    const { result, renders } = renderSelected(ID, (s) => s.endReason)
    ping(1)
    expect(renders()).toBe(1)
    put({ status: 'expired', isAlive: false, endReason: 'idle-timeout' })
    expect(result.current).toBe('idle-timeout')
    expect(renders()).toBe(2)
  })
})
