'use client'
import {
  focusManager,
  isServer,
  onlineManager,
  QueryClient,
  QueryObserver,
  type QueryObserverOptions,
} from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useRef } from 'react'
import { useStore } from 'zustand'
import type { AvatarKeepAliveError } from './core/error'
import { timerDriver, type KeepAliveDriverFactory } from './core/driver'
import { browserFocus, globalDocument } from './core/environment'
import { joinKeeper, markSessionActive, type KeeperHandle, type KeeperOptions } from './core/keeper'
import { keepAliveQueryOptions } from './core/queryOptions'
import { isValidSessionId } from './core/request'
import { resolveKeepAliveOptions } from './core/schedule'
import type { AvatarSessionEndReason, AvatarSessionStatus } from './core/status'
import { avatarSessionStore, sessionView, type AvatarSessionStore } from './core/store'
import { watchSession, type SessionCallbacks } from './core/watchSession'

export interface UseAvatarKeepAliveOptions extends KeeperOptions, SessionCallbacks {
  /**
   * `false` stops pinging (and aborts a request in flight) as if this component unmounted;
   * `true` again pings at once if one is due.
   * @default true
   */
  enabled?: boolean | undefined
  /**
   * The QueryClient whose `refetchInterval` drives the schedule. Pass yours to see the keep-alive
   * in its devtools and cache (marked `meta.avatarKeepAlive`).
   * @default a QueryClient private to this package, so app-wide query operations never meet it
   */
  queryClient?: QueryClient | undefined
  /**
   * Where liveness is published.
   * @default avatarSessionStore
   */
  store?: AvatarSessionStore | undefined
}

export interface UseAvatarKeepAliveResult {
  status: AvatarSessionStatus
  /** Whether the session is believed alive on the server (see the snapshot's `isAlive`). */
  isAlive: boolean
  /** The last failure, until the next success. */
  error: AvatarKeepAliveError | null
  /** Why the session ended, once it has. */
  endReason: AvatarSessionEndReason | null
  /**
   * Sends a keep-alive now, or joins the one in flight or just sent, and resolves to the resulting
   * status; when nothing can be sent (offline, stopped, ended, unmounted) it resolves at once.
   */
  ping: () => Promise<AvatarSessionStatus>
  /** Counts as user activity for `idleTimeout` (say, when the user speaks). */
  markActive: () => void
}

let privateClient: QueryClient | undefined
// One factory per client, so that the keeper can tell a consumer that brings another client.
const drivers = new WeakMap<QueryClient, KeepAliveDriverFactory>()

// One QueryObserver per kept session, whatever the number of components keeping it.
const queryDriver =
  (client: QueryClient): KeepAliveDriverFactory =>
  (keeper) => {
    const observer = new QueryObserver(
      client,
      keepAliveQueryOptions(keeper) as QueryObserverOptions,
    )
    const unsubscribe = observer.subscribe(() => {})
    const stop = (): void => {
      unsubscribe()
      const query = observer.getCurrentQuery()
      // An app's own observer of it (useQuery on keepAliveQueryKey) outlives the keep-alive: the
      // query is collected once that goes, as the app's queries are (it had no gc timer).
      if (query.getObserversCount()) query.gcTime = 300_000
      else client.getQueryCache().remove(query)
    }
    // The query's update re-arms `refetchInterval` (a fetch in progress is joined: its end re-arms
    // it as well).
    const wake = (): void => void observer.refetch({ cancelRefetch: false })
    return { wake, stop }
  }

/**
 * Keeps an avatar session alive while the calling component is mounted: one keep-alive right away,
 * then one every `interval` ms, shared by every component (and every tab) that keeps the same
 * session id.
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
  const { enabled = true, store = avatarSessionStore, queryClient } = options
  resolveKeepAliveOptions(options)
  const id = isValidSessionId(sessionId) ? sessionId : ''
  const secret = typeof token === 'string' && token.trim() !== '' ? token : ''
  const ready = id !== '' && secret !== ''

  // The session's status, whoever keeps it: an ended session stays ended while the token is gone.
  const view = useMemo(() => sessionView(store, id), [store, id])
  const status = useStore(view, (s) => s.status)
  const isAlive = useStore(view, (s) => s.isAlive)
  const error = useStore(view, (s) => s.error)
  const endReason = useStore(view, (s) => s.endReason)

  // Read when used, so a rotated token or a new callback applies without a new schedule.
  const latest = useRef({ token: secret, options })
  const keeper = useRef<KeeperHandle | null>(null)
  useEffect(() => {
    latest.current = { token: secret, options }
    keeper.current?.update(secret, options)
  })

  // Callbacks follow the status this hook returns, across a change of session, store or token.
  const reported = useRef(status)
  useEffect(() => watchSession(view, () => latest.current.options, reported), [view])

  useEffect(() => {
    if (!ready || !enabled) return
    // Where TanStack Query takes the host for a server it arms no refetchInterval (no window: a
    // worker, Node; Deno, even with a DOM shim): plain timers keep the schedule there.
    let driver = timerDriver
    if (!isServer) {
      const client = queryClient ?? (privateClient ??= new QueryClient())
      driver = drivers.get(client) ?? queryDriver(client)
      drivers.set(client, driver)
    }
    // Hidden is what the page says where there is one: an app may wire focusManager to window
    // focus, which clicking into the avatar's player (an iframe) takes.
    const env = {
      online: onlineManager,
      focus: globalDocument ? browserFocus : focusManager,
      driver,
    }
    const joined = joinKeeper(store, id, latest.current.token, latest.current.options, env)
    keeper.current = joined
    return () => {
      keeper.current = null
      joined.stop()
    }
  }, [ready, enabled, id, store, queryClient])

  // Before this hook's effect has joined (a child's mount effect runs first), or once it has left
  // (unmount, `enabled: false`), asked again a microtask on, when the join or the leave has
  // taken effect.
  const ping = useCallback(
    () =>
      keeper.current?.ping() ??
      Promise.resolve().then(() => keeper.current?.ping() ?? view.getState().status),
    [view],
  )
  const markActive = useCallback(() => markSessionActive(id, store), [id, store])

  return { status, isAlive, error, endReason, ping, markActive }
}
