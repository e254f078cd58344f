import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  AvatarKeepAliveError,
  IDLE_SNAPSHOT,
  createAvatarSessionStore,
  sendKeepAlive,
  type AvatarKeepAliveErrorKind,
  type AvatarSessionSnapshot,
  type AvatarSessionStatus,
  type AvatarSessionStore,
} from '../core/index'
import { deepText } from './deepText'

const ID = 'session-1'
const OTHER = 'session-2'
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig-Xy9'

let store: AvatarSessionStore

beforeEach(() => {
  store = createAvatarSessionStore()
})

afterEach(() => {
  vi.useRealTimers()
})

function snapshot(sessionId: string = ID): AvatarSessionSnapshot | undefined {
  return store.getState().sessions[sessionId]
}

function fail(
  kind: AvatarKeepAliveErrorKind,
  httpStatus: number | null = null,
): AvatarKeepAliveError {
  return new AvatarKeepAliveError({ kind, httpStatus })
}

/** Puts session `ID` in `status` through the store's own actions. */
function reach(status: AvatarSessionStatus): void {
  const { recordAttempt, recordSuccess, recordFailure, recordOffline, recordStop } =
    store.getState()
  switch (status) {
    case 'idle':
      return
    case 'connecting':
      return recordAttempt(ID, 1)
    case 'alive':
      recordAttempt(ID, 1)
      return recordSuccess(ID, 2)
    case 'degraded':
      recordAttempt(ID, 1)
      return recordFailure(ID, fail('server', 500))
    case 'offline':
      recordAttempt(ID, 1)
      recordSuccess(ID, 2)
      return recordOffline(ID)
    case 'expired':
      recordAttempt(ID, 1)
      return recordFailure(ID, fail('expired', 410))
    case 'not-found':
      recordAttempt(ID, 1)
      return recordFailure(ID, fail('not-found', 404))
    case 'unauthorized':
      recordAttempt(ID, 1)
      return recordFailure(ID, fail('unauthorized', 401))
    case 'error':
      recordAttempt(ID, 1)
      return recordFailure(ID, fail('bad-request', 400))
    case 'stopped':
      recordAttempt(ID, 1)
      recordSuccess(ID, 2)
      return recordStop(ID)
  }
}

function subscribe(): ReturnType<typeof vi.fn> {
  const listener = vi.fn()
  store.subscribe(listener)
  return listener
}

describe('createAvatarSessionStore', () => {
  it('starts with no sessions', () => {
    expect(store.getState().sessions).toEqual({})
  })

  it('gives each call a store of its own', () => {
    const other = createAvatarSessionStore()
    store.getState().recordAttempt(ID, 1)
    expect(other.getState().sessions).toEqual({})
  })

  it('keeps IDLE_SNAPSHOT idle and frozen', () => {
    expect(IDLE_SNAPSHOT).toEqual({
      status: 'idle',
      lastAliveAt: null,
      lastAttemptAt: null,
      consecutiveFailures: 0,
      error: null,
    })
    expect(Object.isFrozen(IDLE_SNAPSHOT)).toBe(true)
    reach('degraded')
    expect(IDLE_SNAPSHOT.status).toBe('idle')
    expect(IDLE_SNAPSHOT.consecutiveFailures).toBe(0)
  })
})

describe('recordAttempt', () => {
  it('moves an unknown (idle) session to connecting', () => {
    store.getState().recordAttempt(ID, 1_000)
    expect(snapshot()).toEqual({
      status: 'connecting',
      lastAliveAt: null,
      lastAttemptAt: 1_000,
      consecutiveFailures: 0,
      error: null,
    })
  })

  it('stamps Date.now() when no time is given', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(1_700_000_000_000)
    store.getState().recordAttempt(ID)
    expect(snapshot()?.lastAttemptAt).toBe(1_700_000_000_000)
  })

  it('moves a stopped session back to connecting', () => {
    reach('stopped')
    expect(snapshot()?.status).toBe('stopped')
    store.getState().recordAttempt(ID, 5)
    expect(snapshot()).toMatchObject({ status: 'connecting', lastAttemptAt: 5, lastAliveAt: 2 })
  })

  it('leaves an alive session alive, keeping lastAliveAt', () => {
    reach('alive')
    store.getState().recordAttempt(ID, 10)
    expect(snapshot()).toEqual({
      status: 'alive',
      lastAliveAt: 2,
      lastAttemptAt: 10,
      consecutiveFailures: 0,
      error: null,
    })
  })

  it.each<AvatarSessionStatus>(['connecting', 'degraded', 'offline'])(
    'leaves a %s session as it is, stamping the attempt',
    (status) => {
      reach(status)
      const before = snapshot()
      store.getState().recordAttempt(ID, 10)
      expect(snapshot()).toEqual({ ...before, lastAttemptAt: 10 })
    },
  )

  it('keeps the failure count and error of a degraded session', () => {
    reach('degraded')
    const error = snapshot()?.error
    store.getState().recordAttempt(ID, 10)
    expect(snapshot()?.consecutiveFailures).toBe(1)
    expect(snapshot()?.error).toBe(error)
  })

  it('touches no other session', () => {
    store.getState().recordAttempt(OTHER, 1)
    const other = snapshot(OTHER)
    store.getState().recordAttempt(ID, 2)
    expect(snapshot(OTHER)).toBe(other)
  })

  it('notifies subscribers once', () => {
    const listener = subscribe()
    store.getState().recordAttempt(ID, 1)
    expect(listener).toHaveBeenCalledTimes(1)
  })
})

describe('recordSuccess', () => {
  it('makes the session alive with the time of success', () => {
    store.getState().recordAttempt(ID, 1)
    store.getState().recordSuccess(ID, 3)
    expect(snapshot()).toEqual({
      status: 'alive',
      lastAliveAt: 3,
      lastAttemptAt: 1,
      consecutiveFailures: 0,
      error: null,
    })
  })

  it('stamps Date.now() when no time is given', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(1_700_000_123_000)
    store.getState().recordSuccess(ID)
    expect(snapshot()?.lastAliveAt).toBe(1_700_000_123_000)
  })

  it('resets the failures and clears the error', () => {
    reach('degraded')
    store.getState().recordFailure(ID, fail('timeout'))
    expect(snapshot()?.consecutiveFailures).toBe(2)
    store.getState().recordSuccess(ID, 9)
    expect(snapshot()).toMatchObject({
      status: 'alive',
      consecutiveFailures: 0,
      error: null,
      lastAliveAt: 9,
    })
  })

  it.each<AvatarSessionStatus>(['connecting', 'degraded', 'offline', 'stopped'])(
    'makes a %s session alive',
    (status) => {
      reach(status)
      store.getState().recordSuccess(ID, 50)
      expect(snapshot()?.status).toBe('alive')
    },
  )
})

describe('recordFailure', () => {
  it.each<[AvatarKeepAliveErrorKind, number | null, AvatarSessionStatus]>([
    ['expired', 410, 'expired'],
    ['not-found', 404, 'not-found'],
    ['unauthorized', 401, 'unauthorized'],
    ['unauthorized', 403, 'unauthorized'],
    ['bad-request', 400, 'error'],
    ['rate-limited', 429, 'degraded'],
    ['server', 503, 'degraded'],
    ['network', null, 'degraded'],
    ['timeout', null, 'degraded'],
    ['invalid-response', 200, 'degraded'],
  ])('%s (%s) → %s', (kind, httpStatus, status) => {
    reach('alive')
    const error = fail(kind, httpStatus)
    store.getState().recordFailure(ID, error)
    expect(snapshot()).toEqual({
      status,
      lastAliveAt: 2,
      lastAttemptAt: 1,
      consecutiveFailures: 1,
      error,
    })
  })

  it('counts consecutive failures and keeps the last error', () => {
    store.getState().recordAttempt(ID, 1)
    const errors = [fail('network'), fail('server', 502), fail('timeout')]
    errors.forEach((error, index) => {
      store.getState().recordFailure(ID, error)
      expect(snapshot()?.consecutiveFailures).toBe(index + 1)
      expect(snapshot()?.error).toBe(error)
    })
  })

  it('counts again from 1 after a success', () => {
    reach('degraded')
    store.getState().recordFailure(ID, fail('server', 500))
    store.getState().recordSuccess(ID, 5)
    store.getState().recordFailure(ID, fail('network'))
    expect(snapshot()?.consecutiveFailures).toBe(1)
  })

  it('records a failure on a session it had not seen', () => {
    const error = fail('expired', 410)
    store.getState().recordFailure(ID, error)
    expect(snapshot()).toEqual({
      status: 'expired',
      lastAliveAt: null,
      lastAttemptAt: null,
      consecutiveFailures: 1,
      error,
    })
  })

  it('does not rewrite the previous snapshot object', () => {
    reach('alive')
    const before = snapshot()
    store.getState().recordFailure(ID, fail('server', 500))
    expect(before).toMatchObject({ status: 'alive', consecutiveFailures: 0, error: null })
    expect(snapshot()).not.toBe(before)
  })
})

describe('recordOffline', () => {
  it.each<AvatarSessionStatus>(['connecting', 'alive', 'degraded'])(
    'moves a %s session to offline, keeping the rest',
    (status) => {
      reach(status)
      const before = snapshot()
      store.getState().recordOffline(ID)
      expect(snapshot()).toEqual({ ...before, status: 'offline' })
    },
  )

  it('moves an unknown session to offline', () => {
    store.getState().recordOffline(ID)
    expect(snapshot()).toEqual({ ...IDLE_SNAPSHOT, status: 'offline' })
  })

  it.each<AvatarSessionStatus>(['expired', 'not-found', 'unauthorized', 'error', 'offline'])(
    'leaves a %s session alone and notifies nobody',
    (status) => {
      reach(status)
      const before = store.getState().sessions
      const listener = subscribe()
      store.getState().recordOffline(ID)
      expect(snapshot()?.status).toBe(status)
      expect(store.getState().sessions).toBe(before)
      expect(listener).not.toHaveBeenCalled()
    },
  )

  it('then back to alive on the next success', () => {
    reach('offline')
    store.getState().recordSuccess(ID, 20)
    expect(snapshot()?.status).toBe('alive')
  })
})

describe('recordStop', () => {
  it.each<AvatarSessionStatus>(['connecting', 'alive', 'degraded', 'offline'])(
    'moves a %s session to stopped, keeping the rest',
    (status) => {
      reach(status)
      const before = snapshot()
      const listener = subscribe()
      store.getState().recordStop(ID)
      expect(snapshot()).toEqual({ ...before, status: 'stopped' })
      expect(listener).toHaveBeenCalledTimes(1)
    },
  )

  it.each<AvatarSessionStatus>(['expired', 'not-found', 'unauthorized', 'error'])(
    'keeps the halted status %s and notifies nobody',
    (status) => {
      reach(status)
      const before = store.getState().sessions
      const listener = subscribe()
      store.getState().recordStop(ID)
      expect(snapshot()?.status).toBe(status)
      expect(store.getState().sessions).toBe(before)
      expect(listener).not.toHaveBeenCalled()
    },
  )

  it('does nothing to a stopped session', () => {
    reach('stopped')
    const before = store.getState().sessions
    const listener = subscribe()
    store.getState().recordStop(ID)
    expect(store.getState().sessions).toBe(before)
    expect(listener).not.toHaveBeenCalled()
  })

  it('adds no entry for a session it never saw', () => {
    const listener = subscribe()
    store.getState().recordStop(ID)
    expect(store.getState().sessions).toEqual({})
    expect(listener).not.toHaveBeenCalled()
  })
})

describe('clearSession and clearAll', () => {
  it('clearSession forgets one session and keeps the others as they were', () => {
    reach('alive')
    store.getState().recordAttempt(OTHER, 7)
    const other = snapshot(OTHER)
    store.getState().clearSession(ID)
    expect(store.getState().sessions).toEqual({ [OTHER]: other })
    expect(snapshot(OTHER)).toBe(other)
    expect(ID in store.getState().sessions).toBe(false)
  })

  it('a cleared session starts again from idle', () => {
    reach('expired')
    store.getState().clearSession(ID)
    store.getState().recordAttempt(ID, 30)
    expect(snapshot()).toEqual({ ...IDLE_SNAPSHOT, status: 'connecting', lastAttemptAt: 30 })
  })

  it('clearAll forgets every session', () => {
    reach('degraded')
    store.getState().recordAttempt(OTHER, 7)
    const listener = subscribe()
    store.getState().clearAll()
    expect(store.getState().sessions).toEqual({})
    expect(listener).toHaveBeenCalledTimes(1)
  })

  it('keeps the actions after clearAll', () => {
    store.getState().clearAll()
    store.getState().recordAttempt(ID, 1)
    expect(snapshot()?.status).toBe('connecting')
  })

  // BUG: clearSession always sets a new `sessions` object, so clearing an id the store does not
  // hold wakes every subscriber for nothing.
  it('clearSession of an unknown session notifies nobody', () => {
    reach('alive')
    const before = store.getState().sessions
    const listener = subscribe()
    store.getState().clearSession('never-seen')
    expect(store.getState().sessions).toBe(before)
    expect(listener).not.toHaveBeenCalled()
  })

  // BUG: clearAll always sets a new empty object, even when the store is already empty.
  it('clearAll on an empty store notifies nobody', () => {
    const listener = subscribe()
    store.getState().clearAll()
    expect(listener).not.toHaveBeenCalled()
  })
})

describe('no token in the store', () => {
  it('holds no trace of the token after a failure from a server that echoes it', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(
      async () =>
        new Response(
          JSON.stringify({ success: false, error: `Invalid or expired token ${TOKEN}` }),
          {
            status: 401,
            headers: { 'Content-Type': 'application/json' },
          },
        ),
    )
    store.getState().recordAttempt(ID, 1)
    const error = await sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }).then(
      () => null,
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(AvatarKeepAliveError)
    store.getState().recordFailure(ID, error as AvatarKeepAliveError)

    expect(snapshot()?.status).toBe('unauthorized')
    // The echo did reach the error, so the check below is not vacuous.
    expect(snapshot()?.error?.message).toContain('Invalid or expired token')
    expect(JSON.stringify(store.getState())).not.toContain(TOKEN)
    expect(deepText(store.getState())).not.toContain(TOKEN)
    expect(deepText(store.getState())).not.toContain(TOKEN.slice(0, 20))
  })

  it('holds no trace of the token after a network failure or a success', async () => {
    store.getState().recordAttempt(ID, 1)
    const broken = vi.fn<typeof globalThis.fetch>(async () => {
      throw new TypeError('Failed to fetch')
    })
    const error = await sendKeepAlive({ sessionId: ID, token: TOKEN, fetch: broken }).catch(
      (reason: unknown) => reason,
    )
    store.getState().recordFailure(ID, error as AvatarKeepAliveError)
    expect(snapshot()?.status).toBe('degraded')

    const ok = vi.fn<typeof globalThis.fetch>(async () => Response.json({ success: true }))
    await sendKeepAlive({ sessionId: OTHER, token: TOKEN, fetch: ok })
    store.getState().recordSuccess(OTHER, 2)

    expect(deepText(store.getState())).not.toContain(TOKEN)
  })
})
