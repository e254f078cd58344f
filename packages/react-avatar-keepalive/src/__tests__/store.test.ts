import { act, renderHook } from '@testing-library/react'
import { StrictMode } from 'react'
import { beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest'
import { useStore } from 'zustand'
import { createStore } from 'zustand/vanilla'
import {
  AvatarKeepAliveError,
  IDLE_SNAPSHOT,
  createAvatarSessionStore,
  keepAvatarSessionAlive,
  sendKeepAlive,
  statusForError,
  type AvatarSessionSnapshot,
  type AvatarSessionStatus,
  type AvatarSessionStore,
  type TabCoordination,
} from '../core/index'
import { recordSession, sessionView, type SnapshotPatch } from '../core/store'
import { deepText } from './deepText'

// Counts the per-session zustand stores the package creates, to see what creates one and what not.
vi.mock('zustand/vanilla', async (importOriginal) => {
  const actual = await importOriginal<typeof import('zustand/vanilla')>()
  return { ...actual, createStore: vi.fn(actual.createStore) }
})

const ID = 'session-1'
const OTHER = 'session-2'
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig-Xy9'

let store: AvatarSessionStore

beforeEach(() => {
  store = createAvatarSessionStore({ crossTab: null })
})

/** How many session stores get created while `run` runs. */
function storesCreatedBy(run: () => void): number {
  const before = vi.mocked(createStore).mock.calls.length
  run()
  return vi.mocked(createStore).mock.calls.length - before
}

const record = (patch: SnapshotPatch, sessionId: string = ID): void =>
  recordSession(store, sessionId, patch)

/** A listener on one session that keeps every (status, previous status) it hears. */
function listen(sessionId: string = ID): [AvatarSessionStatus, AvatarSessionStatus][] {
  const heard: [AvatarSessionStatus, AvatarSessionStatus][] = []
  store.session(sessionId).subscribe((next, previous) => heard.push([next.status, previous.status]))
  return heard
}

describe('createAvatarSessionStore', () => {
  it('starts with no sessions', () => {
    expect(store.getState().sessions).toEqual({})
    expect(store.get(ID)).toBe(IDLE_SNAPSHOT)
  })

  it('gives each call a store of its own', () => {
    const other = createAvatarSessionStore({ crossTab: null })
    record({ status: 'connecting' })
    expect(other.getState().sessions).toEqual({})
    expect(other.get(ID)).toBe(IDLE_SNAPSHOT)
  })

  it('keeps the tab coordination it is given, or none', () => {
    const crossTab = { locks: {}, BroadcastChannel } as unknown as TabCoordination
    expect(createAvatarSessionStore({ crossTab }).crossTab).toBe(crossTab)
    expect(createAvatarSessionStore({ crossTab: null }).crossTab).toBeNull()
  })

  it('shares keep-alives between tabs by default only where the page has Web Locks and BroadcastChannel', () => {
    const locks = {} as LockManager
    expect(createAvatarSessionStore().crossTab).toBeNull()
    Object.defineProperty(navigator, 'locks', { value: locks, configurable: true })
    try {
      expect(createAvatarSessionStore().crossTab).toEqual({ locks, BroadcastChannel })
      vi.stubGlobal('BroadcastChannel', undefined)
      expect(createAvatarSessionStore().crossTab).toBeNull()
    } finally {
      vi.unstubAllGlobals()
      delete (navigator as { locks?: LockManager }).locks
    }
  })

  it('keeps IDLE_SNAPSHOT idle and frozen', () => {
    expect(IDLE_SNAPSHOT).toEqual({
      status: 'idle',
      isAlive: false,
      lastAliveAt: null,
      lastAttemptAt: null,
      consecutiveFailures: 0,
      error: null,
      endReason: null,
      missed: null,
      endsAt: null,
    })
    expect(Object.isFrozen(IDLE_SNAPSHOT)).toBe(true)
    record({ status: 'degraded', consecutiveFailures: 3 })
    expect(IDLE_SNAPSHOT.status).toBe('idle')
    expect(IDLE_SNAPSHOT.consecutiveFailures).toBe(0)
  })
})

describe('one store per session', () => {
  it('session(id) is the same zustand store on every call, and another one per id', () => {
    const first = store.session(ID)
    expect(store.session(ID)).toBe(first)
    expect(store.session(OTHER)).not.toBe(first)
    expect(first.getState()).toBe(IDLE_SNAPSHOT)
  })

  it('creates a session store on first use only', () => {
    expect(storesCreatedBy(() => store.session(ID))).toBe(1)
    expect(storesCreatedBy(() => store.session(ID))).toBe(0)
    expect(storesCreatedBy(() => store.session(OTHER))).toBe(1)
  })

  it('get(id) reads a session and creates nothing', () => {
    expect(storesCreatedBy(() => expect(store.get(ID)).toBe(IDLE_SNAPSHOT))).toBe(0)
    record({ status: 'alive', lastAliveAt: 5 })
    expect(store.get(ID)).toBe(store.session(ID).getState())
    expect(store.get(ID)).toMatchObject({ status: 'alive', lastAliveAt: 5 })
  })

  it('getState() lists the sessions that are not idle, and creates nothing', () => {
    store.session('only-read')
    record({ status: 'connecting', lastAttemptAt: 1 })
    record({ status: 'alive', lastAliveAt: 2 }, OTHER)
    let sessions: Record<string, AvatarSessionSnapshot> = {}
    expect(storesCreatedBy(() => (sessions = store.getState().sessions))).toBe(0)
    expect(sessions).toEqual({ [ID]: store.get(ID), [OTHER]: store.get(OTHER) })
    expect(sessions[ID]?.status).toBe('connecting')
    expect(sessions[OTHER]?.status).toBe('alive')
  })

  it('a write to one session does not call another session’s listeners', () => {
    const mine = vi.fn()
    const others = vi.fn()
    store.session(ID).subscribe(mine)
    store.session(OTHER).subscribe(others)
    record({ status: 'connecting' })
    record({ status: 'alive' })
    store.clearSession(ID)
    expect(mine).toHaveBeenCalledTimes(3)
    expect(others).not.toHaveBeenCalled()
    expect(store.get(OTHER)).toBe(IDLE_SNAPSHOT)
  })
})

describe('recordSession', () => {
  it('merges a patch into the snapshot and tells the session’s listeners once', () => {
    const listener = vi.fn()
    store.session(ID).subscribe(listener)
    record({ status: 'connecting', lastAttemptAt: 1_000 })
    expect(store.get(ID)).toEqual({ ...IDLE_SNAPSHOT, status: 'connecting', lastAttemptAt: 1_000 })
    expect(listener).toHaveBeenCalledTimes(1)
    record({ status: 'alive', lastAliveAt: 1_200 })
    expect(store.get(ID)).toEqual({
      ...IDLE_SNAPSHOT,
      status: 'alive',
      isAlive: true,
      lastAttemptAt: 1_000,
      lastAliveAt: 1_200,
    })
    expect(listener).toHaveBeenCalledTimes(2)
  })

  it('never rewrites the previous snapshot object', () => {
    record({ status: 'alive', lastAliveAt: 1 })
    const before = store.get(ID)
    record({ status: 'degraded', consecutiveFailures: 1 })
    expect(before).toMatchObject({ status: 'alive', consecutiveFailures: 0 })
    expect(store.get(ID)).not.toBe(before)
  })

  it('a patch that changes nothing notifies nobody and keeps the snapshot', () => {
    record({ status: 'alive', lastAliveAt: 1 })
    const before = store.get(ID)
    const listener = vi.fn()
    store.session(ID).subscribe(listener)
    record({ status: 'alive', lastAliveAt: 1 })
    record({})
    expect(store.get(ID)).toBe(before)
    expect(listener).not.toHaveBeenCalled()
  })

  it('an empty patch on an unknown session leaves it idle and unlisted', () => {
    record({})
    expect(store.get(ID)).toBe(IDLE_SNAPSHOT)
    expect(store.getState().sessions).toEqual({})
  })

  describe('an ended session stays ended', () => {
    it.each<[AvatarSessionStatus, SnapshotPatch]>([
      ['expired', { endReason: 'server' }],
      ['not-found', { endReason: 'not-found' }],
    ])('%s: no later write changes anything, or tells anyone', (status, end) => {
      record({ status: 'alive', lastAliveAt: 1 })
      record({ status, ...end })
      const ended = store.get(ID)
      const listener = vi.fn()
      store.session(ID).subscribe(listener)
      record({ status: 'alive', lastAliveAt: 2 })
      record({ status: 'connecting' })
      record({ status: 'stopped' })
      record({ error: new AvatarKeepAliveError({ kind: 'server' }), consecutiveFailures: 4 })
      record({ status: status === 'expired' ? 'not-found' : 'expired', endReason: 'ended' })
      expect(store.get(ID)).toBe(ended)
      expect(ended).toMatchObject({ status, isAlive: false, lastAliveAt: 1, ...end })
      expect(listener).not.toHaveBeenCalled()
    })

    it('until clearSession puts it back to idle; then it may be written again', () => {
      record({ status: 'expired', endReason: 'ended' })
      store.clearSession(ID)
      expect(store.get(ID)).toBe(IDLE_SNAPSHOT)
      record({ status: 'connecting', lastAttemptAt: 30 })
      expect(store.get(ID)).toEqual({ ...IDLE_SNAPSHOT, status: 'connecting', lastAttemptAt: 30 })
    })

    it.each<AvatarSessionStatus>(['unauthorized', 'error', 'stopped', 'offline'])(
      '%s is not an end: the session may go on',
      (status) => {
        record({ status })
        record({ status: 'alive' })
        expect(store.get(ID).status).toBe('alive')
      },
    )
  })

  describe('isAlive', () => {
    it('is true once alive, and stays true through degraded', () => {
      record({ status: 'connecting' })
      expect(store.get(ID).isAlive).toBe(false)
      record({ status: 'alive' })
      expect(store.get(ID).isAlive).toBe(true)
      record({ status: 'degraded', consecutiveFailures: 1 })
      expect(store.get(ID).isAlive).toBe(true)
      record({ status: 'degraded', consecutiveFailures: 2 })
      expect(store.get(ID).isAlive).toBe(true)
    })

    it('degraded never having been alive is not alive', () => {
      record({ status: 'connecting' })
      record({ status: 'degraded', consecutiveFailures: 1 })
      expect(store.get(ID).isAlive).toBe(false)
    })

    it('a writer may say a degraded session is no longer (or still) alive', () => {
      record({ status: 'alive' })
      record({ status: 'degraded', isAlive: false })
      expect(store.get(ID).isAlive).toBe(false)
      // Until it is alive again, more failures do not bring it back.
      record({ status: 'degraded', consecutiveFailures: 5 })
      expect(store.get(ID).isAlive).toBe(false)
      record({ status: 'alive' })
      expect(store.get(ID).isAlive).toBe(true)
      store.clearSession(ID)
      record({ status: 'degraded', isAlive: true })
      expect(store.get(ID).isAlive).toBe(true)
    })

    it.each<AvatarSessionStatus>([
      'idle',
      'connecting',
      'offline',
      'expired',
      'not-found',
      'unauthorized',
      'error',
      'stopped',
    ])('is false for %s, even from alive and even when a writer says true', (status) => {
      record({ status: 'alive' })
      record({ status, isAlive: true })
      expect(store.get(ID).status).toBe(status)
      expect(store.get(ID).isAlive).toBe(false)
    })

    it('offline then back to degraded is not alive until a success', () => {
      record({ status: 'alive' })
      record({ status: 'offline' })
      record({ status: 'degraded', consecutiveFailures: 1 })
      expect(store.get(ID).isAlive).toBe(false)
    })
  })

  describe('writes made while listeners are told of a change', () => {
    it('every listener hears every change, in order', () => {
      const heardFirst: [AvatarSessionStatus, AvatarSessionStatus][] = []
      // The first listener answers `connecting` with `alive` at once.
      store.session(ID).subscribe((next, previous) => {
        heardFirst.push([next.status, previous.status])
        if (next.status === 'connecting') record({ status: 'alive' })
      })
      const heardSecond = listen()
      record({ status: 'connecting' })
      expect(store.get(ID).status).toBe('alive')
      // With zustand alone the second listener would hear `alive` twice and never `connecting`.
      expect(heardSecond).toEqual([
        ['connecting', 'idle'],
        ['alive', 'connecting'],
      ])
      expect(heardFirst).toEqual(heardSecond)
    })

    it('a chain of writes is delivered in the order it was made', () => {
      const next: Partial<Record<AvatarSessionStatus, AvatarSessionStatus>> = {
        connecting: 'alive',
        alive: 'degraded',
        degraded: 'offline',
      }
      store.session(ID).subscribe(({ status }) => {
        const then = next[status]
        if (then) record({ status: then })
      })
      const heard = listen()
      record({ status: 'connecting' })
      expect(heard).toEqual([
        ['connecting', 'idle'],
        ['alive', 'connecting'],
        ['degraded', 'alive'],
        ['offline', 'degraded'],
      ])
    })

    it('also when the write is to another session, or is a clearSession', () => {
      const order: string[] = []
      store.session(ID).subscribe(({ status }) => {
        order.push(`${ID} ${status}`)
        if (status === 'connecting') {
          record({ status: 'alive' }, OTHER)
          store.clearSession(ID)
        }
      })
      store.session(ID).subscribe(({ status }) => order.push(`${ID} second ${status}`))
      store.session(OTHER).subscribe(({ status }) => order.push(`${OTHER} ${status}`))
      record({ status: 'connecting' })
      expect(order).toEqual([
        `${ID} connecting`,
        `${ID} second connecting`,
        `${OTHER} alive`,
        `${ID} idle`,
        `${ID} second idle`,
      ])
      expect(store.get(ID)).toBe(IDLE_SNAPSHOT)
      expect(store.get(OTHER).status).toBe('alive')
    })
  })
})

describe('clearSession and clearAll', () => {
  it('clearing a session nobody subscribes to frees it: session() makes a new one after', () => {
    const store = createAvatarSessionStore({ crossTab: null })
    const before = store.session('s1')
    before.setState({ ...IDLE_SNAPSHOT, status: 'stopped' }, true)
    store.clearSession('s1')
    expect(store.get('s1')).toBe(IDLE_SNAPSHOT)
    expect(store.session('s1')).not.toBe(before)
  })

  it('a session someone subscribes to is reset, not freed: its subscribers keep hearing it', () => {
    const store = createAvatarSessionStore({ crossTab: null })
    const api = store.session('s1')
    const heard: string[] = []
    const off = api.subscribe(({ status }) => heard.push(status))
    api.setState({ ...IDLE_SNAPSHOT, status: 'stopped' }, true)
    store.clearSession('s1')
    expect(store.session('s1')).toBe(api)
    recordSession(store, 's1', { status: 'alive' })
    expect(heard).toEqual(['stopped', 'idle', 'alive'])
    off()
    store.clearSession('s1')
    expect(store.session('s1')).not.toBe(api)
  })

  // zustand's own unsubscribe may be called twice; counting one more subscriber gone would free
  // the session while another one still listens to it.
  it('an unsubscribe called twice counts once: the other subscriber keeps hearing', () => {
    const store = createAvatarSessionStore({ crossTab: null })
    const api = store.session('s1')
    const heard: string[] = []
    const off = api.subscribe(() => {})
    api.subscribe(({ status }) => heard.push(status))
    off()
    off()
    store.clearSession('s1')
    expect(store.session('s1')).toBe(api)
    recordSession(store, 's1', { status: 'alive' })
    expect(heard).toEqual(['alive'])
  })

  it('a session cleared while subscribed to is freed when its last subscriber goes', () => {
    const api = store.session(ID)
    const offs = [api.subscribe(() => {}), api.subscribe(() => {})]
    record({ status: 'expired', endReason: 'server' })
    store.clearSession(ID)
    offs[0]!()
    expect(store.session(ID)).toBe(api)
    offs[1]!()
    expect(storesCreatedBy(() => store.session(ID))).toBe(1)
  })

  it('a session nobody wrote is freed when its last subscriber goes', () => {
    sessionView(store, ID).subscribe(() => {})()
    expect(storesCreatedBy(() => store.session(ID))).toBe(1)
  })

  it('a session written again after the clear is not freed when its last subscriber goes', () => {
    const api = store.session(ID)
    const off = api.subscribe(() => {})
    record({ status: 'expired', endReason: 'server' })
    store.clearSession(ID)
    record({ status: 'connecting' })
    off()
    expect(store.session(ID)).toBe(api)
    expect(store.get(ID).status).toBe('connecting')
  })

  // A keeper subscribes to its session for as long as it keeps it: a badge that goes, even before
  // the keeper's first write, never frees the entry the keeper writes to.
  it('a session kept again after the clear stays shown when the old subscriber goes', async () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    })
    const answers = [200, 500]
    const fetch = async () => Response.json({ success: true }, { status: answers.shift() ?? 200 })
    const off = sessionView(store, ID).subscribe(() => {})
    record({ status: 'expired', endReason: 'server' })
    store.clearSession(ID)
    const keepAlive = keepAvatarSessionAlive(ID, TOKEN, { store, fetch, interval: 1_000 })
    try {
      off()
      expect(store.get(ID)).toBe(IDLE_SNAPSHOT)
      await vi.advanceTimersByTimeAsync(0)
      expect(store.get(ID).status).toBe('alive')
      const heard: AvatarSessionStatus[] = []
      sessionView(store, ID).subscribe(({ status }) => heard.push(status))
      await vi.advanceTimersByTimeAsync(1_000)
      expect(heard).toEqual(['degraded'])
      expect(store.get(ID).status).toBe('degraded')
      expect(storesCreatedBy(() => store.session(ID))).toBe(0)
    } finally {
      keepAlive.stop()
      vi.useRealTimers()
    }
  })

  // zustand's useStore subscribes, unsubscribes and subscribes again to the store it was given.
  it('a freed session subscribed to again through the same store is its entry again', () => {
    const { result } = renderHook(() => useStore(store.session(ID)), { wrapper: StrictMode })
    act(() => record({ status: 'alive' }))
    expect(result.current.status).toBe('alive')
  })

  it('clearSession puts one session back to idle, tells its listeners, keeps the others', () => {
    record({ status: 'alive' })
    record({ status: 'connecting', lastAttemptAt: 7 }, OTHER)
    const other = store.get(OTHER)
    const heard = listen()
    store.clearSession(ID)
    expect(heard).toEqual([['idle', 'alive']])
    expect(store.get(ID)).toBe(IDLE_SNAPSHOT)
    expect(store.getState().sessions).toEqual({ [OTHER]: other })
    expect(store.get(OTHER)).toBe(other)
  })

  it('clearSession of a session never seen creates nothing and tells nobody', () => {
    const listener = vi.fn()
    store.session(ID).subscribe(listener)
    expect(storesCreatedBy(() => store.clearSession('never-seen'))).toBe(0)
    expect(listener).not.toHaveBeenCalled()
  })

  it('clearSession of an idle session tells nobody', () => {
    const heard = listen()
    store.clearSession(ID)
    expect(heard).toEqual([])
  })

  it('clearAll puts every session back to idle, telling each once', () => {
    record({ status: 'degraded' })
    record({ status: 'connecting' }, OTHER)
    const mine = listen()
    const others = listen(OTHER)
    store.clearAll()
    expect(store.getState().sessions).toEqual({})
    expect(mine).toEqual([['idle', 'degraded']])
    expect(others).toEqual([['idle', 'connecting']])
  })

  it('clearAll on an empty store tells nobody', () => {
    const heard = listen()
    store.clearAll()
    expect(heard).toEqual([])
  })

  it('keeps listeners subscribed after clearAll', () => {
    const heard = listen()
    store.clearAll()
    record({ status: 'connecting' })
    expect(heard).toEqual([['connecting', 'idle']])
  })
})

describe('sessionView', () => {
  it('reads a session without creating it', () => {
    let view: ReturnType<typeof sessionView> | undefined
    const created = storesCreatedBy(() => {
      view = sessionView(store, ID)
      expect(view.getState()).toBe(IDLE_SNAPSHOT)
      expect(view.getInitialState()).toBe(IDLE_SNAPSHOT)
    })
    expect(created).toBe(0)
    expect(store.getState().sessions).toEqual({})
    record({ status: 'alive' })
    expect(view!.getState()).toBe(store.get(ID))
  })

  it('creates the session store on subscribe, and hears its changes', () => {
    const view = sessionView(store, ID)
    const listener = vi.fn()
    let unsubscribe = (): void => {}
    expect(storesCreatedBy(() => (unsubscribe = view.subscribe(listener)))).toBe(1)
    record({ status: 'connecting' })
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener.mock.calls[0]?.[0]).toBe(store.get(ID))
    unsubscribe()
    record({ status: 'alive' })
    expect(listener).toHaveBeenCalledTimes(1)
  })

  it.each([null, undefined, ''])('with the session id %j reads idle and creates nothing', (id) => {
    record({ status: 'alive' }, '')
    const listener = vi.fn()
    const created = storesCreatedBy(() => {
      const view = sessionView(store, id)
      expect(view.getState()).toBe(IDLE_SNAPSHOT)
      view.subscribe(listener)()
    })
    expect(created).toBe(0)
    expect(listener).not.toHaveBeenCalled()
  })
})

describe('no token in the store', () => {
  it('holds no trace of the token after a failure from a server that echoes it', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () =>
      Response.json(
        { success: false, error: `Invalid or expired token ${TOKEN}` },
        { status: 401 },
      ),
    )
    const error = await sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }).then(
      () => null,
      (reason: unknown) => reason,
    )
    expect(error).toBeInstanceOf(AvatarKeepAliveError)
    const failure = error as AvatarKeepAliveError
    record({ status: statusForError(failure), error: failure, consecutiveFailures: 1 })

    expect(store.get(ID).status).toBe('unauthorized')
    // The echo did reach the error, so the check below is not vacuous.
    expect(store.get(ID).error?.message).toContain('Invalid or expired token')
    expect(deepText(store.getState())).not.toContain(TOKEN)
    expect(deepText(store.getState())).not.toContain(TOKEN.slice(0, 20))
  })
})

describe('a listener that throws (the app’s bug)', () => {
  const throwing = () => {
    throw new Error('app bug')
  }

  it('costs no other listener a change; its error is reported on its own', () => {
    vi.useFakeTimers()
    try {
      const heard: AvatarSessionStatus[] = []
      const off = store.session(ID).subscribe(throwing)
      store.session(ID).subscribe(({ status }) => heard.push(status))
      record({ status: 'connecting' })
      record({ status: 'alive' })
      expect(heard).toEqual(['connecting', 'alive'])
      // In a page, as an uncaught error: thrown from a timer of its own.
      expect(() => vi.runOnlyPendingTimers()).toThrow('app bug')
      off()
    } finally {
      vi.useRealTimers()
    }
  })

  /** A host without a page, on fake timers: returns `console.error`, silenced and watched. */
  function withoutAPage() {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'],
    })
    vi.stubGlobal('document', undefined)
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    onTestFinished(() => {
      logged.mockRestore()
      vi.unstubAllGlobals()
      vi.useRealTimers()
    })
    return logged
  }

  // Where there is no page (Node, Deno, React Native), an error thrown from a timer ends the
  // process or the app: a server keeping many sessions went down with one app's onError (exit code
  // 1, 71 ms in), though guarantee 3 says the keep-alive goes on.
  it('does not stop the keep-alive of the core, nor the process: without a page it is logged', async () => {
    const logged = withoutAPage()
    const off = store.session(ID).subscribe(throwing)
    const fetch = vi.fn<typeof globalThis.fetch>(async () => Response.json({ success: true }))
    const keepAlive = keepAvatarSessionAlive(ID, TOKEN, { store, fetch, interval: 1_000 })
    try {
      // A timer that throws rejects here, as it would end a Node process.
      for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(1_000)
      expect(fetch).toHaveBeenCalledTimes(11)
      expect(store.get(ID).status).toBe('alive')
      expect(logged).toHaveBeenCalledWith(new Error('app bug'))
    } finally {
      off()
      keepAlive.stop()
    }
  })

  // A rejected promise nobody handles ends a Node process too (an async listener or callback).
  it('an async listener or callback that rejects is reported as one that throws', async () => {
    const logged = withoutAPage()
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    const off = store.session(ID).subscribe(async () => {
      throw new Error('async listener bug')
    })
    const fetch = vi.fn<typeof globalThis.fetch>(async () => Response.json({ success: false }))
    const keepAlive = keepAvatarSessionAlive(ID, TOKEN, {
      store,
      fetch,
      interval: 1_000,
      onError: async () => {
        throw new Error('async onError bug')
      },
    })
    try {
      for (let i = 0; i < 3; i++) await vi.advanceTimersByTimeAsync(1_000)
      await vi.runOnlyPendingTimersAsync()
      // Failing keep-alives are retried: the keep-alive goes on.
      expect(fetch.mock.calls.length).toBeGreaterThanOrEqual(4)
      expect(logged).toHaveBeenCalledWith(new Error('async listener bug'))
      expect(logged).toHaveBeenCalledWith(new Error('async onError bug'))
      expect(unhandled).not.toHaveBeenCalled()
    } finally {
      process.off('unhandledRejection', unhandled)
      off()
      keepAlive.stop()
    }
  })
})
