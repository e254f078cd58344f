'use client'
import { onlineManager, useQuery, type QueryClient } from '@tanstack/react-query'
import { useCallback, useEffect, useRef } from 'react'
import { useStore } from 'zustand'
import type { AvatarKeepAliveError } from './core/AvatarKeepAliveError'
import type { AvatarSessionStatus } from './core/AvatarSessionStatus'
import { avatarSessionStore } from './core/avatarSessionStore'
import { IDLE_SNAPSHOT, type AvatarSessionStore } from './core/createAvatarSessionStore'
import { endAvatarSession } from './core/endAvatarSession'
import { isAliveStatus } from './core/isAliveStatus'
import { isKeepAliveHalted } from './core/isKeepAliveHalted'
import { keepAliveQueryKey, keepAliveQueryOptions } from './core/keepAliveQueryOptions'
import { isValidSessionId } from './core/keepAliveUrl'
import {
  resolveKeepAliveOptions,
  type KeepAliveTimingOptions,
} from './core/resolveKeepAliveOptions'
import { useKeepAliveQueryClient } from './useKeepAliveQueryClient'

export interface UseAvatarKeepAliveOptions extends KeepAliveTimingOptions {
  /**
   * `false` stops pinging (and aborts a request in flight) as if this component unmounted;
   * `true` again pings at once.
   * @default true
   */
  enabled?: boolean
  /**
   * End the session (`endAvatarSession` with `fetch(..., { keepalive: true })`) when the page goes
   * away (`pagehide`), so an abandoned tab stops holding, and billing, the session. Unmounting does
   * not end it. A page put in the back/forward cache is ended too: it could not keep it alive.
   * @default false
   */
  endOnPageHide?: boolean
  /**
   * The `fetch` to send keep-alives with.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch
  /**
   * The QueryClient to schedule on.
   * @default the one from `QueryClientProvider`, else one private to this package
   */
  queryClient?: QueryClient
  /**
   * Where liveness is published.
   * @default avatarSessionStore
   */
  store?: AvatarSessionStore
  /**
   * Called when the session's status changes while this component is mounted.
   * @default undefined
   */
  onStatusChange?: (status: AvatarSessionStatus, previous: AvatarSessionStatus) => void
  /**
   * Called once when the server ends the session (410).
   * @default undefined
   */
  onExpired?: () => void
  /**
   * Called for every failed keep-alive.
   * @default undefined
   */
  onError?: (error: AvatarKeepAliveError) => void
}

export interface UseAvatarKeepAliveResult {
  status: AvatarSessionStatus
  /** `true` while the session is believed alive on the server: `alive` or `degraded`. */
  isAlive: boolean
  /** The last failure, until the next success. */
  error: AvatarKeepAliveError | null
  /** Sends a keep-alive now (or joins the one in flight) and resolves to the resulting status. */
  ping: () => Promise<AvatarSessionStatus>
}

/**
 * Keeps an avatar session alive while the calling component is mounted: one keep-alive right away,
 * then one every `interval` ms, shared by every component that passes the same session id.
 *
 * @example
 * ```tsx
 * function Avatar({ sessionId, token }: { sessionId: string; token: string }) {
 *   const { status } = useAvatarKeepAlive(sessionId, token, { onExpired: () => alert('Session ended') })
 *   return <p>Session is {status}</p>
 * }
 * ```
 */
export function useAvatarKeepAlive(
  sessionId: string | null | undefined,
  token: string | null | undefined,
  options: UseAvatarKeepAliveOptions = {},
): UseAvatarKeepAliveResult {
  const {
    enabled = true,
    endOnPageHide = false,
    store = avatarSessionStore,
    fetch,
    onStatusChange,
    onExpired,
    onError,
  } = options
  const timing = resolveKeepAliveOptions(options)
  const queryClient = useKeepAliveQueryClient(options.queryClient)
  const id = isValidSessionId(sessionId) ? sessionId : ''
  const secret = token?.trim() ? token : ''
  const ready = id !== '' && secret !== ''

  // Read when used, so a rotated token or a new callback applies without a new schedule.
  const latest = useRef({ token: secret, fetch, onStatusChange, onExpired, onError })
  useEffect(() => {
    latest.current = { token: secret, fetch, onStatusChange, onExpired, onError }
  })

  const status = useStore(store, (s) => (ready ? (s.sessions[id]?.status ?? 'idle') : 'idle'))
  const error = useStore(store, (s) => (ready ? (s.sessions[id]?.error ?? null) : null))
  // Re-evaluated on every status change, since the status is what this component subscribes to.
  const active = enabled && ready && !isKeepAliveHalted(store, id, secret)

  const { refetch } = useQuery(
    {
      // getToken is called when a request is sent, never during render.
      // eslint-disable-next-line react-hooks/refs
      ...keepAliveQueryOptions({
        ...timing,
        sessionId: id,
        getToken: () => latest.current.token,
        store,
        online: onlineManager,
        fetch,
      }),
      enabled: active,
      notifyOnChangeProps: [],
    },
    queryClient,
  )

  useEffect(() => {
    if (!active) return
    const markOffline = (online: boolean): void => {
      if (!online) store.getState().recordOffline(id)
    }
    markOffline(onlineManager.isOnline())
    const unsubscribe = onlineManager.subscribe(markOffline)
    // A frozen page runs no timers; on resume, ping at once if one is overdue.
    const onResume = (): void => {
      const { lastAliveAt } = store.getState().sessions[id] ?? IDLE_SNAPSHOT
      if (lastAliveAt === null || Date.now() - lastAliveAt >= timing.interval) {
        void refetch({ cancelRefetch: false })
      }
    }
    document.addEventListener('resume', onResume)
    return () => {
      unsubscribe()
      document.removeEventListener('resume', onResume)
      // After this commit settles: if no active consumer is left, abort and mark the session stopped.
      queueMicrotask(() => {
        const query = queryClient
          .getQueryCache()
          .find({ queryKey: keepAliveQueryKey(id), exact: true })
        if (query?.isActive()) return
        void query?.cancel({ revert: true })
        store.getState().recordStop(id)
      })
    }
  }, [active, id, store, queryClient, refetch, timing.interval])

  useEffect(() => {
    if (!active || !endOnPageHide) return
    const onPageHide = (): void => {
      const { token, fetch } = latest.current
      // The first consumer's call marks the session expired; the others see it and stay quiet.
      if (isKeepAliveHalted(store, id, token)) return
      const end = { sessionId: id, token, baseUrl: timing.baseUrl, fetch, store, keepalive: true }
      endAvatarSession(end).catch(() => {}) // the page is going away: nobody is left to tell
    }
    window.addEventListener('pagehide', onPageHide)
    return () => window.removeEventListener('pagehide', onPageHide)
  }, [active, endOnPageHide, id, store, timing.baseUrl])

  useEffect(() => {
    if (!ready) return
    return store.subscribe((state, previous) => {
      const next = state.sessions[id] ?? IDLE_SNAPSHOT
      const before = previous.sessions[id] ?? IDLE_SNAPSHOT
      const { onStatusChange, onExpired, onError } = latest.current
      if (next.error && next.error !== before.error) onError?.(next.error)
      if (next.status === before.status) return
      onStatusChange?.(next.status, before.status)
      if (next.status === 'expired') onExpired?.()
    })
  }, [ready, id, store])

  const ping = useCallback(async (): Promise<AvatarSessionStatus> => {
    if (!ready) return 'idle'
    if (!isKeepAliveHalted(store, id, latest.current.token)) await refetch({ cancelRefetch: false })
    return store.getState().sessions[id]?.status ?? 'idle'
  }, [ready, id, store, refetch])

  return { status, isAlive: isAliveStatus(status), error, ping }
}
