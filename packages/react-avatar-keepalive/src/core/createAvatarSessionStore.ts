import { createStore, type StoreApi } from 'zustand/vanilla'
import type { AvatarKeepAliveError } from './AvatarKeepAliveError'
import type { AvatarSessionStatus } from './AvatarSessionStatus'
import { isHaltedStatus } from './isHaltedStatus'
import { statusForError } from './statusForError'

/** What is known of one session. Holds no secret. */
export interface AvatarSessionSnapshot {
  status: AvatarSessionStatus
  /** When the last keep-alive succeeded (epoch ms). */
  lastAliveAt: number | null
  /** When the last keep-alive was sent (epoch ms). */
  lastAttemptAt: number | null
  /** Failed keep-alives since the last success. */
  consecutiveFailures: number
  /** The last failure, until the next success. */
  error: AvatarKeepAliveError | null
}

export interface AvatarSessionStoreState {
  /** Snapshots by session id; a missing entry means `idle`. */
  sessions: Record<string, AvatarSessionSnapshot>
  recordAttempt: (sessionId: string, at?: number) => void
  recordSuccess: (sessionId: string, at?: number) => void
  recordFailure: (sessionId: string, error: AvatarKeepAliveError) => void
  /** The browser is offline while something keeps the session alive; halted statuses stay. */
  recordOffline: (sessionId: string) => void
  /** The session was ended on purpose (`endAvatarSession`): `expired`, and no more keep-alives. */
  recordEnded: (sessionId: string) => void
  /** Nobody keeps the session alive any more; halted statuses stay as they are. */
  recordStop: (sessionId: string) => void
  clearSession: (sessionId: string) => void
  clearAll: () => void
}

export type AvatarSessionStore = StoreApi<AvatarSessionStoreState>

/**
 * The snapshot of a session nobody has pinged.
 *
 * @example
 * ```ts
 * const snapshot = store.getState().sessions[sessionId] ?? IDLE_SNAPSHOT
 * ```
 */
export const IDLE_SNAPSHOT: AvatarSessionSnapshot = Object.freeze({
  status: 'idle',
  lastAliveAt: null,
  lastAttemptAt: null,
  consecutiveFailures: 0,
  error: null,
})

/**
 * A store of session liveness, written by `useAvatarKeepAlive` and read by anything else.
 *
 * @example
 * ```ts
 * const store = createAvatarSessionStore()
 * store.subscribe((state) => console.log(state.sessions['session-1']?.status))
 * ```
 */
export function createAvatarSessionStore(): AvatarSessionStore {
  return createStore<AvatarSessionStoreState>()((set, get) => {
    const update = (
      sessionId: string,
      next: (snapshot: AvatarSessionSnapshot) => AvatarSessionSnapshot,
    ): void => {
      const sessions = get().sessions
      const current = sessions[sessionId] ?? IDLE_SNAPSHOT
      const updated = next(current)
      if (updated !== current) set({ sessions: { ...sessions, [sessionId]: updated } })
    }

    return {
      sessions: {},
      recordAttempt: (sessionId, at = Date.now()) =>
        update(sessionId, (s) => ({
          ...s,
          status: s.status === 'idle' || s.status === 'stopped' ? 'connecting' : s.status,
          lastAttemptAt: at,
        })),
      recordSuccess: (sessionId, at = Date.now()) =>
        update(sessionId, (s) => ({
          ...s,
          status: 'alive',
          lastAliveAt: at,
          consecutiveFailures: 0,
          error: null,
        })),
      recordFailure: (sessionId, error) =>
        update(sessionId, (s) => ({
          ...s,
          status: statusForError(error),
          consecutiveFailures: s.consecutiveFailures + 1,
          error,
        })),
      recordOffline: (sessionId) =>
        update(sessionId, (s) =>
          isHaltedStatus(s.status) || s.status === 'offline' ? s : { ...s, status: 'offline' },
        ),
      recordEnded: (sessionId) =>
        update(sessionId, (s) =>
          s.status === 'expired' ? s : { ...s, status: 'expired', error: null },
        ),
      recordStop: (sessionId) =>
        update(sessionId, (s) =>
          isHaltedStatus(s.status) || s.status === 'stopped' || s.status === 'idle'
            ? s
            : { ...s, status: 'stopped' },
        ),
      clearSession: (sessionId) => {
        const { [sessionId]: removed, ...rest } = get().sessions
        if (removed) set({ sessions: rest })
      },
      clearAll: () => {
        if (Object.keys(get().sessions).length > 0) set({ sessions: {} })
      },
    }
  })
}
