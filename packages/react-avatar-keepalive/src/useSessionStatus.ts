'use client'
import { useMemo } from 'react'
import { useStore } from 'zustand'
import {
  avatarSessionStore,
  sessionView,
  type AvatarSessionSnapshot,
  type AvatarSessionStore,
} from './core/store'
import { SESSION_STATUS_LABELS } from './sessionStatusLabels'

export interface SessionStatus extends AvatarSessionSnapshot {
  /** Human text for the status (`Live`, `Reconnecting…`…). */
  label: string
}

export interface UseSessionStatusOptions<T> {
  /**
   * The store `useAvatarKeepAlive` writes to.
   * @default avatarSessionStore
   */
  store?: AvatarSessionStore | undefined
  /**
   * Picks what the component needs; it re-renders only when that value changes (compared with
   * `Object.is`, so return a primitive or a part of the snapshot, not a new object).
   * @default the whole status, which changes on every ping
   */
  selector?: ((status: SessionStatus) => T) | undefined
}

const derived = new WeakMap<AvatarSessionSnapshot, SessionStatus>()

// One status object per snapshot, so that React sees it stable between changes, whether it is
// returned whole or by a selector (zustand 5 calls the selector on every read: a new object each
// time would render forever).
function withLabel(snapshot: AvatarSessionSnapshot): SessionStatus {
  let status = derived.get(snapshot)
  if (!status) {
    derived.set(snapshot, (status = { ...snapshot, label: SESSION_STATUS_LABELS[snapshot.status] }))
  }
  return status
}

/**
 * Reads a session's liveness from the store, anywhere in the tree: the headless half of
 * `<SessionStatusBadge>`. Subscribes to that session only: other sessions' keep-alives never wake it.
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
  options?: { store?: AvatarSessionStore | undefined },
): SessionStatus
export function useSessionStatus<T>(
  sessionId: string | null | undefined,
  { store = avatarSessionStore, selector }: UseSessionStatusOptions<T> = {},
): T | SessionStatus {
  const view = useMemo(() => sessionView(store, sessionId), [store, sessionId])
  return useStore(view, (snapshot) =>
    selector ? selector(withLabel(snapshot)) : withLabel(snapshot),
  )
}
