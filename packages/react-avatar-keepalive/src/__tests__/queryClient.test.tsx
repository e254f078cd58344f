import {
  persistQueryClient,
  type PersistedClient,
  type Persister,
} from '@tanstack/query-persist-client-core'
import {
  QueryClient,
  QueryClientProvider,
  QueryObserver,
  useIsFetching,
  useQuery,
  type Query,
} from '@tanstack/react-query'
import { render, screen } from '@testing-library/react'
import { StrictMode } from 'react'
import { describe, expect, onTestFinished, test } from 'vitest'
import { createAvatarSessionStore } from '../core/store'
import type { MockAnswer } from '../testing'
import { useAvatarKeepAlive, type UseAvatarKeepAliveOptions } from '../useAvatarKeepAlive'
import { advance, setupMockApi } from './keepAliveTestUtils'

const api = setupMockApi()

const INTERVAL = 10_000
const KEY = ['react-avatar-keepalive', 'keep-alive', 's1']
/** How often the tests look at the loading indicator, in ms. */
const STEP = 50
/** How long the app's own query and every keep-alive answer take, as on a real network. */
const LATENCY = 200

const slow = (count: number, then?: MockAnswer): MockAnswer[] =>
  Array.from({ length: count }, () => ({ delay: LATENCY, ...(then !== undefined && { then }) }))

const keepAlives = () => api.requests.filter((r) => r.endpoint === 'keep-alive')
const startTimes = () => keepAlives().map((r) => r.at - keepAlives()[0]!.at)

const isKeepAlive = (query: Query): boolean => query.meta?.avatarKeepAlive !== undefined
const notKeepAlive = { predicate: (query: Query) => !query.meta?.avatarKeepAlive }

/**
 * An app with its own QueryClientProvider: a global loading indicator on `useIsFetching()`, a
 * query of its own that takes 200 ms, and `consumers` components keeping s1 alive.
 */
function renderApp(
  appClient: QueryClient,
  options: UseAvatarKeepAliveOptions = {},
  { consumers = 1, strict = false }: { consumers?: number; strict?: boolean } = {},
) {
  const store = createAvatarSessionStore()
  // Every value the indicator rendered.
  const rendered: number[] = []
  let profileFetches = 0
  function LoadingBar() {
    const fetching = useIsFetching()
    rendered.push(fetching)
    return <output aria-label="loading">{fetching}</output>
  }
  function Profile() {
    const { data } = useQuery({
      queryKey: ['profile'],
      queryFn: () => {
        const fetched = ++profileFetches
        return new Promise<number>((resolve) => setTimeout(() => resolve(fetched), LATENCY))
      },
    })
    return <p>profile {data}</p>
  }
  function Avatar() {
    const { status } = useAvatarKeepAlive('s1', 'token-1', { store, ...options })
    return <p>avatar {status}</p>
  }
  const avatars = Array.from({ length: consumers }, (_, i) => <Avatar key={i} />)
  const app = (
    <QueryClientProvider client={appClient}>
      <LoadingBar />
      <Profile />
      {avatars}
    </QueryClientProvider>
  )
  render(strict ? <StrictMode>{app}</StrictMode> : app)

  // Each spell in which the app's client is fetching, from and to (fake ms), seen synchronously on
  // its cache's events, so that even a fetch that starts and ends within one task is caught.
  const busy: { from: number; to: number | null }[] = []
  const unsubscribe = appClient.getQueryCache().subscribe(() => {
    const open = busy.at(-1)?.to === null
    const fetching = appClient.isFetching() > 0
    if (fetching && !open) busy.push({ from: Date.now(), to: null })
    if (!fetching && open) busy.at(-1)!.to = Date.now()
  })
  onTestFinished(unsubscribe)

  return {
    store,
    rendered,
    busy,
    profileFetches: () => profileFetches,
    /** What the indicator shows now. */
    shown: () => Number(screen.getByRole('status', { name: 'loading' }).textContent),
  }
}

type App = ReturnType<typeof renderApp>

/** Advances `ms` in steps of 50 ms, reading the indicator (DOM) and the client after each step. */
async function sampled(app: App, appClient: QueryClient, ms: number) {
  const samples: { dom: number; client: number }[] = []
  for (let t = 0; t < ms; t += STEP) {
    await advance(STEP)
    samples.push({ dom: app.shown(), client: appClient.isFetching() })
  }
  return samples
}

/**
 * Mounts the app (its profile loaded), then runs a minute of routine keep-alives with 200 ms
 * answers and 20 s of retry backoff (every answer a slow 500), sampling every 50 ms.
 */
async function minuteAndBackoff(appClient: QueryClient, options: UseAvatarKeepAliveOptions) {
  api.queue(...slow(7))
  const app = renderApp(appClient, options)
  await advance(LATENCY + STEP)
  expect(screen.getByText('profile 1')).toBeTruthy()
  const mounted = { busy: app.busy.length, rendered: app.rendered.length }
  const routine = await sampled(app, appClient, 60_000)
  expect(startTimes()).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000])
  expect(keepAlives().every((r) => r.status === 200)).toBe(true)
  api.queue(...slow(12, 500))
  const backoff = await sampled(app, appClient, 20_000)
  // The first failure at 70 s, then retries about 1 s, 2 s, 4 s… later.
  const failures = keepAlives().filter((r) => r.status === 500)
  expect(failures.length).toBeGreaterThanOrEqual(4)
  expect(failures[1]!.at - failures[0]!.at).toBeLessThan(INTERVAL / 2)
  expect(screen.getByText('avatar degraded')).toBeTruthy()
  return {
    app,
    samples: [...routine, ...backoff],
    busy: app.busy.slice(mounted.busy),
    rendered: app.rendered.slice(mounted.rendered),
  }
}

/** The indicator does show a fetch of the app's own that lasts 200 ms. */
async function indicatorShowsAppFetch(app: App, appClient: QueryClient) {
  void appClient.refetchQueries({ queryKey: ['profile'] })
  await advance(STEP)
  expect(app.shown()).toBe(1)
  await advance(LATENCY)
  expect(app.shown()).toBe(0)
}

const APP_WIDE_CALLS: [string, (client: QueryClient) => void][] = [
  ['invalidateQueries', (client) => void client.invalidateQueries()],
  ['refetchQueries', (client) => void client.refetchQueries()],
  ['resetQueries', (client) => void client.resetQueries()],
  ['cancelQueries', (client) => void client.cancelQueries()],
  ['clear', (client) => client.clear()],
]

/**
 * Makes the call while the second keep-alive is in flight (its answer takes 200 ms; the query
 * then has data, so a refetch would cancel a fetch in progress) and again between two
 * keep-alives, then watches the next 5 intervals.
 */
async function callAppWide(
  name: string,
  call: (client: QueryClient) => void,
  options: UseAvatarKeepAliveOptions,
  appClient: QueryClient,
) {
  api.queue(...slow(12))
  const app = renderApp(appClient, options)
  await advance(INTERVAL + 100)
  expect(keepAlives().map((r) => r.status)).toEqual([200, 'pending'])
  const profileFetches = app.profileFetches()
  call(appClient)
  await advance(5_000)
  call(appClient)
  await advance(5 * INTERVAL)
  // The calls did reach the app's own query (cancelling and clearing refetch nothing)...
  const refetching = name !== 'cancelQueries' && name !== 'clear'
  expect(app.profileFetches()).toBe(profileFetches + (refetching ? 2 : 0))
  // ...and not the keep-alive: the one in flight answered, and no start was added or moved.
  expect(startTimes()).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000])
  expect(keepAlives().map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200, 200])
  expect(app.store.get('s1').status).toBe('alive')
}

describe('the default: a QueryClient private to the package', () => {
  test('a global useIsFetching() shows 0 throughout a minute of keep-alives and a retry backoff', async () => {
    const appClient = new QueryClient()
    const { app, samples, busy, rendered } = await minuteAndBackoff(appClient, {})
    for (const sample of samples) expect(sample).toEqual({ dom: 0, client: 0 })
    // Not even for a microtask: the app's client never fetches, nor holds, the keep-alive.
    expect(busy).toEqual([])
    expect(rendered).toEqual([])
    expect(appClient.getQueryCache().findAll({ predicate: isKeepAlive })).toEqual([])
    await indicatorShowsAppFetch(app, appClient)
  })

  test.each(APP_WIDE_CALLS)(
    'app-wide %s() changes nothing for the keep-alive',
    async (name, call) => {
      const appClient = new QueryClient()
      await callAppWide(name, call, {}, appClient)
      expect(appClient.getQueryCache().findAll({ predicate: isKeepAlive })).toEqual([])
    },
  )

  test('a persister over the app client writes nothing because of keep-alives over 10 intervals', async () => {
    api.queue(...slow(11))
    const appClient = new QueryClient()
    const { persister, written } = syncStoragePersister()
    await persist(appClient, persister)
    renderApp(appClient)
    await advance(LATENCY + STEP)
    // The persister works: it wrote the app's own query once that had data.
    expect(persistedKeys(written.at(-1)!)).toEqual([['profile']])
    const before = written.length
    await advance(10 * INTERVAL)
    expect(api.count('s1')).toBe(11)
    expect(written.length).toBe(before)
  })
})

describe('queryClient passed explicitly: the app opts in to seeing the keep-alive', () => {
  test('the query is in its cache under a known key and meta, and a meta filter leaves it out', async () => {
    api.queue(...slow(2))
    const appClient = new QueryClient()
    renderApp(appClient, { queryClient: appClient })
    await advance(0)
    const query = appClient.getQueryCache().find({ queryKey: KEY, exact: true })
    expect(query?.meta).toEqual({ avatarKeepAlive: 's1' })
    expect(appClient.getQueryCache().findAll({ predicate: isKeepAlive })).toEqual([query])
    expect(
      appClient
        .getQueryCache()
        .findAll(notKeepAlive)
        .map((q) => q.queryKey),
    ).toEqual([['profile']])

    const counts: [all: number, filtered: number][] = []
    appClient.getQueryCache().subscribe(() => {
      counts.push([appClient.isFetching(), appClient.isFetching(notKeepAlive)])
    })
    await advance(INTERVAL)
    expect(api.count('s1')).toBe(2)
    // The keep-alive's fetch is counted without the filter, and not with it...
    expect(counts).toContainEqual([1, 0])
    expect(counts.every(([, filtered]) => filtered === 0)).toBe(true)
    // ...which still counts the app's own.
    void appClient.refetchQueries({ queryKey: ['profile'] })
    expect(appClient.isFetching(notKeepAlive)).toBe(1)
  })

  // Found by an attacker's review of a page's long life (2026-12-07): the query has no gc timer
  // while kept, and was removed at the stop only if nothing else observed it. An app's panel that
  // showed it a little longer left it in the cache for good: one per call, a thousand after a
  // thousand calls.
  test("a query the app still observes as the keep-alive stops is collected once the app's observer goes", async () => {
    const appClient = new QueryClient()
    const store = createAvatarSessionStore()
    function Call() {
      useAvatarKeepAlive('s1', 'token-1', { store, queryClient: appClient })
      return null
    }
    const call = render(<Call />)
    await advance(0)
    const panel = new QueryObserver(appClient, { queryKey: KEY, enabled: false })
    const leave = panel.subscribe(() => {})
    call.unmount()
    await advance(5_000)
    leave()
    expect(appClient.getQueryCache().find({ queryKey: KEY })).toBeDefined()
    await advance(5 * 60_000)
    expect(appClient.getQueryCache().find({ queryKey: KEY })).toBeUndefined()
  })

  test('useIsFetching() could see a keep-alive for 0 ms at most: it shows 0 at every 50 ms sample', async () => {
    const appClient = new QueryClient()
    const { app, samples, busy, rendered } = await minuteAndBackoff(appClient, {
      queryClient: appClient,
    })
    // Sampled after every 50 ms step, the indicator and the client say 0 every time.
    for (const sample of samples) expect(sample).toEqual({ dom: 0, client: 0 })
    // The client does report fetching at each tick of the query (every keep-alive, and the
    // re-check after each failure)...
    expect(busy.length).toBeGreaterThanOrEqual(keepAlives().length - 1)
    // ...each time for 0 ms of (fake) time, as the query function only starts a keep-alive...
    expect(busy.filter(({ from, to }) => to !== from)).toEqual([])
    // ...so that by the time React hears of it (notifications are batched) it is over: the
    // indicator was not even rendered again.
    expect(rendered).toEqual([])
    await indicatorShowsAppFetch(app, appClient)
  })

  test.each(APP_WIDE_CALLS)(
    'app-wide %s(): no extra keep-alive, none aborted, no gap in the schedule',
    async (name, call) => {
      const appClient = new QueryClient()
      await callAppWide(name, call, { queryClient: appClient }, appClient)
      // Even after clear(), the next tick puts the query back in the cache.
      const queries = appClient.getQueryCache().findAll({ predicate: isKeepAlive })
      expect(queries.map((query) => query.queryKey)).toEqual([KEY])
    },
  )

  // Found by an attacker's review: Devtools' Refetch (`query.fetch()`, no options) was taken for
  // the keep-alive's own timer firing, which moved its clock on to the next keep-alive: one went
  // at once, and idle timeouts ran an interval short at each click.
  test("Devtools' Refetch, clicked right after a keep-alive and then every second, sends nothing extra", async () => {
    const appClient = new QueryClient()
    const app = renderApp(appClient, { queryClient: appClient, idleTimeout: 120_000 })
    await advance(INTERVAL)
    const query = appClient.getQueryCache().find({ queryKey: KEY })!
    for (let i = 0; i < 30; i++) {
      await query.fetch()
      await advance(1_000)
    }
    expect(startTimes()).toEqual([0, 10_000, 20_000, 30_000, 40_000])
    expect(app.store.get('s1')).toMatchObject({ status: 'alive', endsAt: null })
  })

  // Found by an attacker's review: Devtools' Trigger Loading (a fetch with a query function that
  // never settles) held the query, and no keep-alive went out while it lasted, for good.
  test("Devtools' Trigger Loading holds nothing: the keep-alives go on at their interval", async () => {
    const appClient = new QueryClient()
    const app = renderApp(appClient, { queryClient: appClient })
    await advance(1_000)
    const query = appClient.getQueryCache().find({ queryKey: KEY })!
    void query.fetch({ ...query.options, queryFn: () => new Promise<never>(() => {}) })
    await advance(6 * INTERVAL)
    expect(startTimes()).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000, 60_000])
    expect(app.store.get('s1').status).toBe('alive')
  })

  test("the app client's defaults cannot change the schedule: `enabled: false`, a persister", async () => {
    const appClient = new QueryClient({
      defaultOptions: {
        queries: {
          enabled: false,
          // A per-query persister (experimental_createQueryPersister's) answers a query from
          // storage, without calling its query function, while the stored data is fresh.
          persister: () => Promise.resolve('restored'),
          refetchInterval: 1_000,
          refetchIntervalInBackground: false,
          refetchOnMount: false,
          networkMode: 'online',
          retry: 3,
          staleTime: 0,
          gcTime: 0,
        },
      },
    })
    const store = createAvatarSessionStore()
    function Keeper() {
      useAvatarKeepAlive('s1', 'token-1', { queryClient: appClient, store })
      return null
    }
    render(<Keeper />)
    await advance(0)
    await advance(3 * INTERVAL)
    expect(startTimes()).toEqual([0, INTERVAL, 2 * INTERVAL, 3 * INTERVAL])
    expect(store.get('s1').status).toBe('alive')
  })

  test('a new queryClient takes the schedule over: its cache holds the query, the old one lets go', async () => {
    const first = new QueryClient()
    const second = new QueryClient()
    const store = createAvatarSessionStore()
    function Keeper({ client }: { client: QueryClient }) {
      useAvatarKeepAlive('s1', 'token-1', { queryClient: client, store })
      return null
    }
    const view = render(<Keeper client={first} />)
    await advance(0)
    expect(first.getQueryCache().findAll({ predicate: isKeepAlive })).toHaveLength(1)
    view.rerender(<Keeper client={second} />)
    await advance(0)
    expect(second.getQueryCache().findAll({ predicate: isKeepAlive })).toHaveLength(1)
    expect(first.getQueryCache().findAll({ predicate: isKeepAlive })).toEqual([])
    // No keep-alive extra for the move, none missed after it.
    await advance(2 * INTERVAL)
    expect(startTimes()).toEqual([0, INTERVAL, 2 * INTERVAL])
    expect(store.get('s1').status).toBe('alive')
  })

  test('a persister keeps the keep-alive out when shouldDehydrateQuery filters on meta', async () => {
    api.queue(...slow(11))
    const appClient = new QueryClient()
    const filtered = syncStoragePersister()
    await persist(appClient, filtered.persister, {
      shouldDehydrateQuery: (query) =>
        !query.meta?.avatarKeepAlive && query.state.status === 'success',
    })
    // The same client persisted with the default filter, for comparison.
    const unfiltered = syncStoragePersister()
    await persist(appClient, unfiltered.persister)
    renderApp(appClient, { queryClient: appClient })
    await advance(LATENCY + STEP)
    const before = filtered.written.length
    await advance(10 * INTERVAL)
    expect(api.count('s1')).toBe(11)

    // The persister writes on every update of any query: the start and the end of each tick...
    expect(filtered.written.length - before).toBe(2 * 10)
    // ...but none of the writes holds the keep-alive.
    for (const client of filtered.written) expect(persistedKeys(client)).not.toContainEqual(KEY)
    expect(persistedKeys(filtered.written.at(-1)!)).toEqual([['profile']])
    // Without the filter it is persisted, like any successful query.
    expect(persistedKeys(unfiltered.written.at(-1)!)).toContainEqual(KEY)
  })

  test('one schedule per session across several consumers in StrictMode', async () => {
    const appClient = new QueryClient()
    renderApp(appClient, { queryClient: appClient }, { consumers: 5, strict: true })
    await advance(0)
    expect(api.count('s1')).toBe(1)
    const queries = appClient.getQueryCache().findAll({ predicate: isKeepAlive })
    expect(queries.map((query) => [query.queryKey, query.getObserversCount()])).toEqual([[KEY, 1]])
    await advance(5 * INTERVAL)
    expect(startTimes()).toEqual([0, 10_000, 20_000, 30_000, 40_000, 50_000])
  })
})

type PersistOptions = Parameters<typeof persistQueryClient>[0]

/**
 * Restores (nothing) into the client, then persists it until the test ends. The persister brings
 * its own query-core (5.104.5), whose QueryClient type differs from react-query's (5.108) only by
 * its private fields; it reads the client through the public API, the same in both.
 */
async function persist(
  queryClient: QueryClient,
  persister: Persister,
  dehydrateOptions?: PersistOptions['dehydrateOptions'],
) {
  const [stop, restored] = persistQueryClient({
    queryClient: queryClient as unknown as PersistOptions['queryClient'],
    persister,
    dehydrateOptions,
  })
  onTestFinished(stop)
  await restored
}

/** A synchronous storage persister that keeps every client it is asked to write. */
function syncStoragePersister() {
  const written: PersistedClient[] = []
  let stored: PersistedClient | undefined
  const persister: Persister = {
    persistClient: (client) => {
      written.push(client)
      stored = client
    },
    restoreClient: () => stored,
    removeClient: () => {
      stored = undefined
    },
  }
  return { persister, written }
}

const persistedKeys = (client: PersistedClient) =>
  client.clientState.queries.map((query) => query.queryKey)
