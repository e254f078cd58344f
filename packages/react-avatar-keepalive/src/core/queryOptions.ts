import type { KeepAliveDriverFactory } from './driver'

type Driven = Parameters<KeepAliveDriverFactory>[0]

export type KeepAliveQueryKey = readonly ['react-avatar-keepalive', 'keep-alive', string]

/** TanStack Query options for one session's keep-alive; plain data, so the core needs no import. */
export interface KeepAliveQueryOptions {
  queryKey: KeepAliveQueryKey
  queryFn: () => string
  enabled: true
  /** `undefined`: declared `?: never` so that it fits `persister?:` under `exactOptionalPropertyTypes`. */
  persister?: never
  behavior: {
    onFetch: (context: {
      fetchOptions?: unknown
      options: { queryFn?: unknown }
      fetchFn: () => unknown
    }) => void
  }
  refetchInterval: (query: { state: { fetchStatus: string } }) => number | false
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
 * invalidate, refetch, cancel, reset, clear — can abort a keep-alive or send an extra one; nor can
 * Devtools' Refetch or Trigger Loading. A fetch of its key made by the app (`fetchQuery`, a
 * `useQuery` of it) is taken for the timer firing, and moves the keep-alive on: read it only. The
 * query carries `meta.avatarKeepAlive` (the session id), so filters and devtools can tell it apart.
 * Its `gcTime` is `Infinity` (no gc timer re-armed at every keep-alive): remove the query from the
 * cache once you stop observing it, as the hook does.
 *
 * @example
 * ```ts
 * const observer = new QueryObserver(queryClient, keepAliveQueryOptions(keeper))
 * const unsubscribe = observer.subscribe(() => {})
 * // when done:
 * unsubscribe()
 * queryClient.getQueryCache().remove(observer.getCurrentQuery())
 * ```
 */
export function keepAliveQueryOptions({ sessionId, tick, delay }: Driven): KeepAliveQueryOptions {
  let fired = false
  // The options of the last fetch: none before the first (the mount).
  let last: unknown
  const queryFn = (): string => tick(fired)
  return {
    queryKey: keepAliveQueryKey(sessionId),
    behavior: {
      onFetch: (context) => {
        const { fetchOptions, options } = context
        // After the first fetch, TanStack Query's own interval fetches without options, with a
        // new copy of the observer's (this query function among them): the timer the keep-alive
        // armed fired. A refetch (the keep-alive re-arming, the app's client) has options;
        // Devtools' Refetch keeps the last copy, its Trigger Loading brings another query function.
        fired = !!last && !fetchOptions && options !== last && options.queryFn === queryFn
        last = options
        // Whoever fetches, this query function runs (it never waits), so no fetch that never
        // settles can hold the query, and with it the schedule.
        context.fetchFn = queryFn
      },
    },
    queryFn,
    // Set, so that the app client's defaults cannot: a query it disables never runs, and a
    // persister may answer from storage without calling the query function.
    enabled: true,
    persister: undefined,
    // TanStack Query re-arms its interval at both updates of a fetch (it starts, it ends): arm it
    // at the end only, which the query function (it never waits) reaches at once.
    refetchInterval: (query) => query.state.fetchStatus !== 'fetching' && delay(),
    // The keep-alive decides about hidden pages, focus and the network itself.
    refetchIntervalInBackground: true,
    // Never stale, so TanStack Query arms no stale timer: a Date-based one would overflow when
    // the system clock is set back, and the keep-alive keeps its own time.
    staleTime: Infinity,
    // No gc timer: TanStack Query would re-arm one at each keep-alive. The driver removes the
    // query when it stops, if nothing else observes it.
    gcTime: Infinity,
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
