import { createStore, type StoreApi } from 'zustand/vanilla'
import { callApp } from './environment'
import type { AvatarKeepAliveError } from './error'
import {
  isAliveStatus,
  isTerminalStatus,
  type AvatarSessionEndReason,
  type AvatarSessionStatus,
} from './status'

/** Why a page went silent long enough to lose its session (see `AvatarSessionEndReason`). */
export interface MissedKeepAlives {
  cause: 'hidden' | 'frozen' | 'offline'
  /** How long the session had gone without a successful keep-alive when the 410 came, in ms. */
  silentFor: number
}

/** What is known of one session. Holds no secret. */
export interface AvatarSessionSnapshot {
  status: AvatarSessionStatus
  /**
   * Whether the session is believed alive on the server: `alive`, or `degraded` with the last
   * success (or the first attempt) less than 3 intervals old.
   */
  isAlive: boolean
  /** When the last keep-alive succeeded (epoch ms). */
  lastAliveAt: number | null
  /** When the last keep-alive was sent (epoch ms). */
  lastAttemptAt: number | null
  /** Failed keep-alives since the last success. */
  consecutiveFailures: number
  /** The last failure, until the next success. */
  error: AvatarKeepAliveError | null
  /** Why the session ended; `null` while it has not. */
  endReason: AvatarSessionEndReason | null
  /** With `endReason: 'missed'`: why the page went silent, and for how long. */
  missed: MissedKeepAlives | null
  /** When `idleTimeout` will end the session (epoch ms), from the idle warning on; else `null`. */
  endsAt: number | null
}

/** What the keep-alive reads of a Web Locks snapshot (`LockManagerSnapshot` fits). */
export interface TabLockInfo {
  name?: string
  clientId?: string
}

/**
 * The part of the Web Locks API the keep-alive uses: `navigator.locks` fits. Declared here rather
 * than as the DOM's `LockManager`, so that the types need no DOM lib (Node, React Native, workers).
 */
export interface TabLocks {
  request(
    name: string,
    options: { steal?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<void>,
  ): Promise<unknown>
  query(): Promise<{ held?: TabLockInfo[]; pending?: TabLockInfo[] }>
}

/** The part of a `BroadcastChannel` the keep-alive uses. */
export interface TabChannel {
  postMessage(message: unknown): void
  close(): void
  // Method syntax (compared bivariantly), so the DOM's `(ev: MessageEvent) => any` fits.
  onmessage: { handle(event: { data: unknown }): unknown }['handle'] | null
}

/** What the store needs from the browser to share one keep-alive between tabs. */
export interface TabCoordination {
  /** The Web Locks API, `navigator.locks` in a browser. */
  locks: TabLocks
  /** The `BroadcastChannel` constructor. */
  BroadcastChannel: new (name: string) => TabChannel
}

export interface AvatarSessionStoreOptions {
  /**
   * How tabs elect one sender per session. `null` switches it off: every tab pings on its own.
   * @default navigator.locks and BroadcastChannel, where both exist
   */
  crossTab?: TabCoordination | null | undefined
}

/**
 * Session liveness for one page: one small zustand store per session id, so that a keep-alive
 * of one session wakes only that session's subscribers, however many sessions there are.
 */
export interface AvatarSessionStore {
  /** A session's zustand store (created on first use): what hooks and badges subscribe to. */
  session: (sessionId: string) => StoreApi<AvatarSessionSnapshot>
  /** A session's snapshot, `IDLE_SNAPSHOT` for one never written. Creates nothing. */
  get: (sessionId: string) => AvatarSessionSnapshot
  /** Every session that is not idle, by id: for logs, tests and devtools (built on each call). */
  getState: () => { sessions: Record<string, AvatarSessionSnapshot> }
  /**
   * Puts a session back to idle, as if never seen (an ended session may then be kept again), and
   * frees it once nothing subscribes to it (at once, or when the last subscriber goes, unless the
   * session was written again meanwhile): a server that stops a session can forget it.
   */
  clearSession: (sessionId: string) => void
  /** `clearSession` for every session. */
  clearAll: () => void
  /** Set by `createAvatarSessionStore`, read by the keep-alive. */
  readonly crossTab: TabCoordination | null
}

/**
 * The snapshot of a session nobody has pinged.
 *
 * @example
 * ```ts
 * const snapshot = store.get(sessionId) // IDLE_SNAPSHOT until something happens
 * ```
 */
export const IDLE_SNAPSHOT: AvatarSessionSnapshot = Object.freeze({
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

/**
 * A store of session liveness, written by the keep-alive and read by anything else.
 *
 * @example
 * ```ts
 * const store = createAvatarSessionStore()
 * store.session('session-1').subscribe((snapshot) => console.log(snapshot.status))
 * ```
 */
export function createAvatarSessionStore({
  crossTab = typeof navigator === 'object' &&
  navigator.locks &&
  typeof BroadcastChannel === 'function'
    ? { locks: navigator.locks, BroadcastChannel }
    : null,
}: AvatarSessionStoreOptions = {}): AvatarSessionStore {
  const sessions = new Map<string, StoreApi<AvatarSessionSnapshot>>()
  // Subscribers per session, so that a session both idle and unwatched is freed.
  const watchers = new Map<string, number>()
  // A keeper subscribes for as long as it keeps the session, so it never loses its entry.
  const forget = (sessionId: string): void => {
    sessions.delete(sessionId)
    watchers.delete(sessionId)
  }
  const session = (sessionId: string): StoreApi<AvatarSessionSnapshot> => {
    let api = sessions.get(sessionId)
    if (!api) {
      const created = (api = createStore<AvatarSessionSnapshot>()(() => IDLE_SNAPSHOT))
      const { subscribe } = created
      created.subscribe = (listener) => {
        // Freed, then subscribed to again by a caller that kept it (zustand's useStore after
        // StrictMode's trial unmount): it is the session's entry again, unless another took over.
        if (!sessions.has(sessionId)) sessions.set(sessionId, created)
        watchers.set(sessionId, (watchers.get(sessionId) ?? 0) + 1)
        // Each listener on its own: one that throws (the app's) neither stops the writer (the
        // keep-alive) nor keeps the listeners after it from hearing the change.
        let off: (() => void) | null = subscribe((next, previous) =>
          callApp(listener, next, previous),
        )
        // Idempotent, as zustand's own: a second call must not count another subscriber gone.
        return () => {
          if (!off) return
          off()
          off = null
          const left = watchers.get(sessionId)! - 1
          watchers.set(sessionId, left)
          // Cleared (or never written) while watched: freed once the last watcher goes.
          if (!left && sessions.get(sessionId)?.getState() === IDLE_SNAPSHOT) forget(sessionId)
        }
      }
      sessions.set(sessionId, created)
    }
    return api
  }
  const clearSession = (sessionId: string): void =>
    write(() => {
      sessions.get(sessionId)?.setState(IDLE_SNAPSHOT, true)
      if (!watchers.get(sessionId)) forget(sessionId)
    })
  return {
    session,
    get: (sessionId) => sessions.get(sessionId)?.getState() ?? IDLE_SNAPSHOT,
    getState: () => ({
      sessions: Object.fromEntries(
        [...sessions]
          .map(([id, api]) => [id, api.getState()] as const)
          .filter(([, snapshot]) => snapshot.status !== 'idle'),
      ),
    }),
    clearSession,
    clearAll: () => sessions.forEach((_, id) => clearSession(id)),
    crossTab,
  }
}

/**
 * The store every hook and badge uses unless given another one.
 *
 * @example
 * ```ts
 * avatarSessionStore.get('session-1').status
 * ```
 */
export const avatarSessionStore: AvatarSessionStore = createAvatarSessionStore()

/** What React reads a session through: zustand's store shape, minus writing. */
export type SessionView = Pick<
  StoreApi<AvatarSessionSnapshot>,
  'getState' | 'getInitialState' | 'subscribe'
>

const idleView: SessionView = {
  getState: () => IDLE_SNAPSHOT,
  getInitialState: () => IDLE_SNAPSHOT,
  subscribe: () => () => {},
}

/**
 * One session as a read-only zustand store that creates nothing until something subscribes, so a
 * server render leaves no entry behind; no session id reads as idle.
 */
export function sessionView(
  store: AvatarSessionStore,
  sessionId: string | null | undefined,
): SessionView {
  return sessionId
    ? {
        getState: () => store.get(sessionId),
        getInitialState: () => IDLE_SNAPSHOT,
        subscribe: (listener) => store.session(sessionId).subscribe(listener),
      }
    : idleView
}

let queue: (() => void)[] | null = null

// Writes made while listeners are being told of one change wait for all of them to hear it, so
// every listener hears every change, in order (zustand alone would skip one for later listeners).
function write(change: () => void): void {
  if (queue) {
    queue.push(change)
    return
  }
  queue = [change]
  try {
    for (let i = 0; i < queue.length; i++) queue[i]!()
  } finally {
    queue = null
  }
}

/** What a writer may change; `isAlive` defaults to keeping its value while the status allows it. */
export type SnapshotPatch = Partial<AvatarSessionSnapshot>

/**
 * A snapshot with a change applied, or the same object when nothing changes. Nothing moves a
 * session out of `expired` or `not-found` (only `clearSession` does), so no late answer revives it.
 */
export function patchSnapshot(
  current: AvatarSessionSnapshot,
  patch: SnapshotPatch,
): AvatarSessionSnapshot {
  if (isTerminalStatus(current.status)) return current
  const status = patch.status ?? current.status
  const isAlive =
    isAliveStatus(status) && (patch.isAlive ?? (current.isAlive || status === 'alive'))
  let changed = isAlive !== current.isAlive
  for (const key in patch) {
    changed ||= patch[key as keyof SnapshotPatch] !== current[key as keyof SnapshotPatch]
  }
  return changed ? { ...current, ...patch, isAlive } : current
}

/** Applies a change to a session's snapshot (see `patchSnapshot`), in order with other writes. */
export function recordSession(
  store: AvatarSessionStore,
  sessionId: string,
  patch: SnapshotPatch,
): void {
  write(() => {
    const api = store.session(sessionId)
    api.setState(patchSnapshot(api.getState(), patch), true)
  })
}

/** Puts a keep-alive's view in the store, in order with other writes, unless the session ended. */
export function publishSession(
  store: AvatarSessionStore,
  sessionId: string,
  snapshot: AvatarSessionSnapshot,
): void {
  write(() => {
    const api = store.session(sessionId)
    if (!isTerminalStatus(api.getState().status)) api.setState(snapshot, true)
  })
}
