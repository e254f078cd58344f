import type { KeepAliveDriverFactory } from './keeper'

type Driven = Parameters<KeepAliveDriverFactory>[0]

export type KeepAliveQueryKey = readonly ['react-avatar-keepalive', 'keep-alive', string]

/** TanStack Query options for one session's keep-alive; plain data, so the core needs no import. */
export interface KeepAliveQueryOptions {
  queryKey: KeepAliveQueryKey
  queryFn: () => string
  refetchInterval: () => number | false
  refetchIntervalInBackground: true
  staleTime: number
  gcTime: number
  retry: false
  networkMode: 'always'
  refetchOnMount: 'always'
  refetchOnWindowFocus: false
  refetchOnReconnect: false
  notifyOnChangeProps: []
  meta: { avatarKeepAlive: string }
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
 * Query options that let a TanStack Query observer drive a session's keep-alive:
 * `refetchInterval` asks the keep-alive how long until the next one is due, and the query function
 * only starts one (it never waits for the answer), so nothing the app does to its queries —
 * invalidate, refetch, cancel, reset, clear — can abort a keep-alive or send an extra one. The
 * query carries `meta.avatarKeepAlive` (the session id), so filters and devtools can tell it apart.
 *
 * @example
 * ```ts
 * new QueryObserver(queryClient, keepAliveQueryOptions(keeper)).subscribe(() => {})
 * ```
 */
export function keepAliveQueryOptions({ sessionId, tick, delay }: Driven): KeepAliveQueryOptions {
  return {
    queryKey: keepAliveQueryKey(sessionId),
    queryFn: () => tick(),
    refetchInterval: () => delay(),
    // The keep-alive decides about hidden pages, focus and the network itself.
    refetchIntervalInBackground: true,
    // Never stale, so TanStack Query arms no stale timer: a Date-based one would overflow when
    // the system clock is set back, and the keep-alive keeps its own time.
    staleTime: Infinity,
    // Longer than any interval: TanStack Query re-arms its gc timer at each keep-alive, and a gc
    // time of 0 would fire it (a task) every time. A stopped session's query goes after a minute.
    gcTime: 60_000,
    retry: false,
    networkMode: 'always',
    // A keeper that (re)starts ticks at once, even if its query is still cached.
    refetchOnMount: 'always',
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    // Nobody reads the result: no notification (TanStack schedules each on a timer).
    notifyOnChangeProps: [],
    meta: { avatarKeepAlive: sessionId },
  }
}
