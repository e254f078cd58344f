import { isKeepAliveHalted } from './isKeepAliveHalted'
import { nextPingDelay } from './nextPingDelay'
import { runKeepAlive, type KeepAliveRun } from './runKeepAlive'

export type KeepAliveQueryKey = readonly ['react-avatar-keepalive', 'keep-alive', string]

/** Query options for one session's keep-alive; plain data, so the core needs no TanStack import. */
export interface KeepAliveQueryOptions {
  queryKey: KeepAliveQueryKey
  queryFn: (context: { signal: AbortSignal }) => Promise<number>
  refetchInterval: (query: { state: { fetchStatus: string } }) => number | false
  refetchIntervalInBackground: true
  staleTime: () => number
  gcTime: number
  retry: false
  networkMode: 'online'
  refetchOnMount: true
  refetchOnWindowFocus: true
  refetchOnReconnect: true
}

/**
 * The query key of a session's keep-alive. The token is deliberately not part of it: it is a
 * secret, and a rotated token must not start a second schedule.
 *
 * @example
 * ```ts
 * queryClient.getQueryState(keepAliveQueryKey('session-1'))
 * ```
 */
export function keepAliveQueryKey(sessionId: string): KeepAliveQueryKey {
  return ['react-avatar-keepalive', 'keep-alive', sessionId]
}

/**
 * TanStack Query options that keep one session alive: `refetchInterval` drives the schedule, one
 * interval from the start of the previous keep-alive (and keeps going in background tabs), every consumer of the session shares one query, and the
 * session counts as fresh only while it is known alive, so a stopped, offline or failed session
 * pings at once on mount, focus or reconnect while a healthy one just joins the schedule.
 *
 * @example
 * ```ts
 * useQuery({ ...keepAliveQueryOptions(run), enabled })
 * ```
 */
export function keepAliveQueryOptions(run: KeepAliveRun): KeepAliveQueryOptions {
  const { sessionId, store, interval } = run
  return {
    queryKey: keepAliveQueryKey(sessionId),
    queryFn: ({ signal }) => runKeepAlive(run, signal),
    refetchInterval: (query) => {
      if (isKeepAliveHalted(store, sessionId, run.getToken())) return false
      // While a request is in flight a tick only joins it; the real delay is set when it settles.
      if (query.state.fetchStatus !== 'idle') return interval
      return nextPingDelay(interval, store.getState().sessions[sessionId]?.lastAttemptAt ?? null)
    },
    refetchIntervalInBackground: true,
    staleTime: () => (store.getState().sessions[sessionId]?.status === 'alive' ? interval : 0),
    // Answers are not worth caching: liveness lives in the store.
    gcTime: 0,
    retry: false,
    networkMode: 'online',
    refetchOnMount: true,
    refetchOnWindowFocus: true,
    refetchOnReconnect: true,
  }
}
