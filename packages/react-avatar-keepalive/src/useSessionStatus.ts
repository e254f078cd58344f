'use client'
import { useStore } from 'zustand'
import { avatarSessionStore } from './core/avatarSessionStore'
import { isAliveStatus } from './core/isAliveStatus'
import {
  IDLE_SNAPSHOT,
  type AvatarSessionSnapshot,
  type AvatarSessionStore,
} from './core/createAvatarSessionStore'
import { SESSION_STATUS_LABELS } from './sessionStatusLabels'

export interface SessionStatus extends AvatarSessionSnapshot {
  /** Human text for the status (`Live`, `Reconnecting…`…). */
  label: string
  /** `true` while the session is believed alive on the server: `alive` or `degraded`. */
  isAlive: boolean
}

export interface UseSessionStatusOptions<T> {
  /**
   * The store `useAvatarKeepAlive` writes to.
   * @default avatarSessionStore
   */
  store?: AvatarSessionStore
  /**
   * Picks what the component needs; it re-renders only when that value changes (compared with
   * `Object.is`, so return a primitive or a part of the snapshot, not a new object).
   * @default the whole status, which changes on every ping
   */
  selector?: (status: SessionStatus) => T
}

const derived = new WeakMap<AvatarSessionSnapshot, SessionStatus>()

// One derived object per snapshot, so selectors see stable values between pings.
function toSessionStatus(snapshot: AvatarSessionSnapshot): SessionStatus {
  let status = derived.get(snapshot)
  if (!status) {
    status = {
      ...snapshot,
      label: SESSION_STATUS_LABELS[snapshot.status],
      isAlive: isAliveStatus(snapshot.status),
    }
    derived.set(snapshot, status)
  }
  return status
}

/**
 * Reads a session's liveness from the store, anywhere in the tree: the headless half of
 * `<SessionStatusBadge>`.
 *
 * @example
 * ```tsx
 * const status = useSessionStatus(sessionId, { selector: (s) => s.status })
 * const { label, lastAliveAt } = useSessionStatus(sessionId)
 * ```
 */
export function useSessionStatus<T>(
  sessionId: string | null | undefined,
  options: UseSessionStatusOptions<T> & { selector: (status: SessionStatus) => T },
): T
export function useSessionStatus(
  sessionId: string | null | undefined,
  options?: { store?: AvatarSessionStore },
): SessionStatus
export function useSessionStatus<T>(
  sessionId: string | null | undefined,
  { store = avatarSessionStore, selector }: UseSessionStatusOptions<T> = {},
): T | SessionStatus {
  return useStore(store, (state) => {
    const status = toSessionStatus((sessionId && state.sessions[sessionId]) || IDLE_SNAPSHOT)
    return selector ? selector(status) : status
  })
}
