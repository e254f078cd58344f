import { now, passTo } from './clock'
import type { KeepAliveDriver, KeepAliveDriverFactory } from './driver'
import type { EngineEffect, EngineEvent } from './engine/events'
import { endsOnPageHide } from './engine/letGo'
import {
  initialState,
  usableToken,
  type Consumer,
  type ConsumerOptions,
  type Ms,
  type Remains,
} from './engine/state'
import { nextDeadline, step } from './engine/step'
import {
  globalDocument,
  globalWindow,
  listen,
  noop,
  prerendering,
  type FocusSource,
  type OnlineSource,
} from './environment'
import { AvatarKeepAliveError, MAX_TIMER_DELAY } from './error'
import { lead, type Leadership } from './leader'
import { pageEnds, readyEnd, watchActivity } from './page'
import {
  checkFetch,
  checkPageBase,
  isValidToken,
  postToSession,
  sendKeepAlive,
  sessionUrl,
} from './request'
import { resolveKeepAliveOptions, type KeepAliveTimingOptions } from './schedule'
import type { AvatarSessionStatus } from './status'
import {
  avatarSessionStore,
  IDLE_SNAPSHOT,
  publishSession,
  type AvatarSessionSnapshot,
  type AvatarSessionStore,
  type SessionView,
} from './store'

export interface KeeperOptions extends KeepAliveTimingOptions {
  /**
   * The `fetch` to send keep-alives with, looked up at call time.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch | undefined
  /**
   * Let one tab send for every tab of this browser that keeps the same session (Web Locks and
   * `BroadcastChannel`, where the store has them); `false` makes this page ping on its own.
   * @default true
   */
  crossTab?: boolean | undefined
  /**
   * End the session (`fetch` with `keepalive: true`) when the page goes away (`pagehide`), unless
   * another tab keeps it.
   * @default false
   */
  endOnPageHide?: boolean | undefined
}

export interface KeeperEnvironment {
  online: OnlineSource
  focus: FocusSource
  driver: KeepAliveDriverFactory
}

export interface KeeperHandle {
  /** This consumer's token or options changed. */
  update: (token: string, options: KeeperOptions) => void
  /** Sends a keep-alive now, or joins the one in flight; resolves to the resulting status. */
  ping: () => Promise<AvatarSessionStatus>
  /** This consumer lets go; the last one stops the keep-alive. */
  stop: () => void
}

interface Entry extends Consumer {
  env: KeeperEnvironment
}

interface Keeper {
  join: (entry: Entry) => void
  leave: (entry: Entry) => void
  sync: () => void
  ping: () => Promise<AvatarSessionStatus>
  dispatch: (event: EngineEvent) => void
}

const keepers = new WeakMap<AvatarSessionStore, Map<string, Keeper>>()
// What a keeper that let go leaves for the next one, for as long as the store shows the session
// (held by its entry there, so clearing the session frees it): the 1 s ceiling, refused tokens
// (and why), and the last success on the page's monotonic clock (the store's lastAliveAt is on the wall
// clock, which may be set back or forth meanwhile).
const tombstones = new WeakMap<SessionView, Remains>()
let ranks = 0

/**
 * Adds a consumer to the keep-alive of one session in one store: the first starts it, the last
 * to leave stops it, and however many there are, the session has one schedule and one request at
 * a time.
 */
export function joinKeeper(
  store: AvatarSessionStore,
  sessionId: string,
  token: string,
  options: KeeperOptions,
  env: KeeperEnvironment,
): KeeperHandle {
  let map = keepers.get(store)
  if (!map) keepers.set(store, (map = new Map()))
  let keeper = map.get(sessionId)
  if (!keeper) {
    // A session cleared from the store (or never kept) starts from nothing, timing included.
    const left =
      store.get(sessionId) === IDLE_SNAPSHOT ? undefined : tombstones.get(store.session(sessionId))
    map.set(sessionId, (keeper = createKeeper(store, sessionId, left)))
  }
  const entry: Entry = { token, rank: ++ranks, options: optionsOf(options), env }
  let joined = true
  keeper.join(entry)
  return {
    update: (token, options) => {
      // Options first: bad ones throw before anything changes.
      entry.options = optionsOf(options)
      if (token !== entry.token) entry.rank = ++ranks
      entry.token = token
      if (joined) keeper.sync()
    },
    // After a stop, the status once the stop has taken effect (a microtask on).
    ping: () =>
      joined ? keeper.ping() : Promise.resolve().then(() => store.get(sessionId).status),
    stop: () => {
      if (joined) keeper.leave(entry)
      joined = false
    },
  }
}

function optionsOf(options: KeeperOptions): ConsumerOptions {
  const resolved = resolveKeepAliveOptions(options)
  // Now, not at every keep-alive. Here, not in the hook's render: a server renders for a page.
  checkPageBase(resolved.baseUrl)
  // (Looked up at call time when not given: a test may replace `globalThis.fetch` later.)
  if (options.fetch !== undefined) checkFetch(options.fetch)
  return { ...options, ...resolved }
}

/**
 * Counts as user activity for `idleTimeout`, for what the page cannot see (a user speaking to the
 * avatar): the idle clock starts again and a running idle warning is called off.
 *
 * @example
 * ```ts
 * recognizer.onspeechstart = () => markSessionActive(sessionId)
 * ```
 */
export function markSessionActive(
  sessionId: string,
  store: AvatarSessionStore = avatarSessionStore,
): void {
  keepers.get(store)?.get(sessionId)?.dispatch({ type: 'activity' })
}

/**
 * Hands the keeper of `sessionId` in `store` what its page would tell it (the tests' "tabs" share
 * one window: each goes into the back/forward cache on its own). Not part of the package's API.
 */
export function dispatchToKeeper(
  store: AvatarSessionStore,
  sessionId: string,
  event: EngineEvent,
): void {
  keepers.get(store)?.get(sessionId)?.dispatch(event)
}

/**
 * The interpreter of one session's engine: one queue of events, each stepped in turn; after each
 * step the view goes to the store and the effects are done; then one timer is armed from the next
 * deadline, in the task where the last event arrived.
 */
function createKeeper(
  store: AvatarSessionStore,
  sessionId: string,
  left: Remains | undefined,
): Keeper {
  const entries = new Set<Entry>()
  let state = initialState(now(), Date.now(), store.get(sessionId), !!store.crossTab, left)
  const queue: EngineEvent[] = []
  let busy = false
  let pending = false
  let source: Entry | undefined
  let offs: (() => void)[] = []
  let driver: { factory: KeepAliveDriverFactory; run: KeepAliveDriver } | undefined
  // The deadline the driver was last armed for, and the time its timer firing stands for.
  let armed: Ms | null = null
  let credit: Ms | null = null
  let ticking = false
  // An answer or a tab message arrived in this task.
  let fresh = false
  let leader: Leadership | null = null
  let unwatch: (() => void) | undefined
  let retired = false
  const requests = new Map<number, AbortController>()
  // Pings called, and pings stepped (which the engine's next settle resolves): a ping called
  // from a callback, inside a step, waits for its own keep-alive, not for that step's.
  const asked: ((status: AvatarSessionStatus) => void)[] = []
  const waiters: ((status: AvatarSessionStatus) => void)[] = []
  // What this keeper wrote: anything else in the store was written by someone else.
  const ours = new WeakSet<AvatarSessionSnapshot>()

  const dispatch = (event: EngineEvent): void => {
    // Retired: late news (a lock manager's answer read after the stop) is for nobody. Stepped, it
    // wrote the old session back into the store and retired the keeper that came after.
    if (retired) return
    queue.push(event)
    if (busy) return
    busy = true
    try {
      for (let e; !retired && (e = queue.shift());) {
        if (e.type === 'ping') waiters.push(asked.shift()!)
        const [next, effects] = step(state, e, now(), Date.now())
        state = next
        fresh ||= e.type === 'answered' || e.type === 'message'
        // The effects first: a keep-alive starts before the store's listeners (the app's
        // callbacks) run, however long they take.
        effects.forEach(perform)
        const view = state.snap
        if (view !== store.get(sessionId)) {
          ours.add(view)
          publishSession(store, sessionId, view)
        }
        // New options may name another endpoint, so another lock: asked once they are the
        // state's (an update made from a callback, inside a step, is stepped after that step).
        if (e.type === 'consumers' && leader && lockName() !== named) queue.push({ type: 'moved' })
        reconcile()
        readyPageEnd()
      }
    } finally {
      busy = false
    }
    arm()
  }

  const offStore = store.session(sessionId).subscribe((next) => {
    if (!ours.has(next)) dispatch({ type: 'external', snapshot: next })
  })

  // Named by the keep-alive's URL as fetch resolves it (against the document's base URL: a `<base>`
  // counts), so that two spellings of one endpoint (`/v1` and the page's origin + `/v1`, a host in
  // capitals, the default port, `/v1/.`, a relative path or `/` from two routes) take one lock,
  // not two senders.
  let named = ''
  const lockName = (): string =>
    `react-avatar-keepalive ${new URL(sessionUrl(sessionId, state.settings.baseUrl, 'keep-alive'), globalDocument?.baseURI ?? location.href).href}`

  const answer = (id: number, error: AvatarKeepAliveError | null): void => {
    requests.delete(id)
    dispatch({ type: 'answered', id, error, random: Math.random() })
  }

  const perform = (effect: EngineEffect): void => {
    const { baseUrl, timeout, fetch } = state.settings
    switch (effect.type) {
      case 'send': {
        const { id, token } = effect
        const controller = new AbortController()
        requests.set(id, controller)
        sendKeepAlive({
          sessionId,
          token,
          baseUrl,
          timeout,
          fetch,
          signal: controller.signal,
        }).then(
          () => controller.signal.aborted || answer(id, null),
          (error: unknown) => {
            // Stopped or given up meanwhile: a late answer must not count.
            if (controller.signal.aborted) return
            answer(
              id,
              error instanceof AvatarKeepAliveError
                ? error
                : new AvatarKeepAliveError({ kind: 'network' }),
            )
          },
        )
        break
      }
      case 'abort':
        requests.get(effect.id)?.abort()
        requests.delete(effect.id)
        break
      case 'end':
        // As the page goes away: the end request made ready for it, unless it went already.
        if (effect.reason === 'page-hide') return pageEnds.get(keeper)?.()
        // The engine shows the end; the request only tells the server.
        postToSession('end', { sessionId, token: effect.token, baseUrl, fetch }).catch(noop)
        break
      case 'settle':
        waiters.splice(0).forEach((resolve) => resolve(state.snap.status))
        break
      case 'lock':
        try {
          leader = lead(store.crossTab!, (named = lockName()), dispatch)
        } catch {
          // A channel that will not open, a lock manager that throws: no tabs to share with.
          dispatch({ type: 'noLocks' })
        }
        break
      case 'post':
      case 'steal':
      case 'confirm':
      case 'countPeers':
      case 'unlock':
        leader?.[effect.type](effect as never)
        if (effect.type === 'unlock') leader = null
        break
      case 'watch':
        unwatch?.()
        unwatch = effect.on ? watchActivity(() => dispatch({ type: 'activity' })) : undefined
    }
  }

  // The end request, ready for the page going away while this tab would end the session.
  let ready: unknown[] = []
  const readyPageEnd = (): void => {
    const { baseUrl, fetch = globalThis.fetch } = state.settings
    const token = endsOnPageHide(state) ? usableToken(state) : undefined
    const key = [token, baseUrl, fetch]
    if (key.every((part, i) => part === ready[i])) return
    ready = key
    if (token === undefined || !isValidToken(token)) return readyEnd(keeper, null)
    const url = sessionUrl(sessionId, baseUrl, 'end')
    const init: RequestInit = {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
      redirect: 'manual',
      keepalive: true,
    }
    readyEnd(keeper, () => {
      try {
        void fetch(url, init).catch(noop)
      } catch {
        // A fetch that throws at once sends nothing either way.
      }
    })
  }

  // The resources the state asks for: a running timer while the session is kept (on the newest
  // consumer's driver); nothing at all once nobody keeps it.
  const reconcile = (): void => {
    const newest = [...entries].pop()
    if (state.running && newest && driver?.factory !== newest.env.driver) {
      driver?.run.stop()
      armed = credit = null
      const factory = newest.env.driver
      driver = { factory, run: factory({ sessionId, tick, delay }) }
    } else if (!state.running && driver) {
      driver.run.stop()
      driver = undefined
      armed = credit = null
    }
    if (!entries.size && !pending && !state.running && !state.flight && state.role === 'solo') {
      retire()
    }
  }

  const tick = (fired = false): AvatarSessionStatus => {
    if (fired && credit !== null) passTo(credit)
    credit = null
    ticking = true
    try {
      dispatch({ type: 'timer' })
    } finally {
      ticking = false
    }
    return state.snap.status
  }

  const delay = (): number | false => {
    armed = nextDeadline(state)
    credit = null
    if (armed === null) return false
    const t = now()
    // Whole ms from 1 (TanStack Query reads 0 as "never") to what a timer honours.
    const ms = Math.min(
      Math.max(Math.ceil(armed - t), 1),
      state.settings.interval * 2,
      MAX_TIMER_DELAY,
    )
    credit = t + ms
    return ms
  }

  // After a driver's own tick it re-arms itself; otherwise re-arm when the deadline moved, and
  // in a hidden page whenever an answer or a tab message arrived: Chrome throttles a hidden
  // page's chained timers (set from a timer) to once a minute, and this one is set from the
  // task the news came in, never from a timer.
  const arm = (): void => {
    const news = fresh
    fresh = false
    if (!driver || ticking) return
    const at = nextDeadline(state)
    if (at !== armed || (news && !state.visible)) {
      armed = at
      driver.run.wake()
    }
  }

  const sync = (): void => {
    // A prerendered page (Speculation Rules) keeps nothing until it is shown: syncSoon's listener
    // syncs then (an update or a ping meanwhile must not).
    if (pending && prerendering()) return
    pending = false
    const list = [...entries]
    const newest = list[list.length - 1]
    // One consumer's sources, the newest's when chosen: when that consumer leaves, its sources
    // go with it (they may be torn down with it), and the newest one's take over.
    if (source && !entries.has(source)) {
      offs.forEach((off) => off())
      source = undefined
    }
    if (newest && !source) {
      source = newest
      const { online, focus } = newest.env
      offs = [
        online.subscribe((online) => dispatch({ type: 'online', online })),
        focus.subscribe((visible = focus.isFocused()) => dispatch({ type: 'visible', visible })),
        // A frozen page runs nothing; on resume, or back from the back/forward cache, ping at once
        // if one is overdue.
        listen(globalDocument, 'resume', () => dispatch({ type: 'resume' })),
        listen(globalWindow, 'pageshow', () => dispatch({ type: 'resume' })),
        listen(globalWindow, 'pagehide', () => dispatch({ type: 'pagehide' })),
      ]
      // Where things stand now: no change is implied (nothing runs yet).
      dispatch({ type: 'online', online: online.isOnline() })
      dispatch({ type: 'visible', visible: focus.isFocused() })
    }
    // Copies: a consumer's entry changes in place, the engine's state never does.
    dispatch({
      type: 'consumers',
      consumers: list.map(({ token, rank, options }) => ({ token, rank, options })),
    })
  }

  // Once per task: a mount undone at once (StrictMode, a quick toggle) costs nothing. A page
  // prerendered is not the user's yet (it may never be): no keep-alive, no place in line, and
  // nothing ended as it is thrown away, until it is shown.
  const syncSoon = (): void => {
    if (pending) return
    pending = true
    const go = (): unknown => pending && sync()
    // (The event comes once: the listener needs no removing.)
    if (prerendering()) listen(globalDocument, 'prerenderingchange', go)
    else void Promise.resolve().then(go)
  }

  // Nobody keeps the session: free the keeper (thousands of sessions come and go on a server).
  const retire = (): void => {
    retired = true
    offStore()
    const map = keepers.get(store)
    if (map?.get(sessionId) === keeper) map.delete(sessionId)
    // Only what the next keeper needs: the state also holds the app's options (its fetch, its
    // callbacks and all they close over).
    // Not for a session the store shows as never seen: the next keeper starts from nothing then,
    // and asking for its entry would make one that nobody frees.
    const { lastStart, firstStart, lastAlive, refused, refusal, ahead } = state
    if (store.get(sessionId) !== IDLE_SNAPSHOT) {
      tombstones.set(store.session(sessionId), {
        lastStart,
        firstStart,
        lastAlive,
        refused,
        refusal,
        ahead,
      })
    }
  }

  const keeper: Keeper = {
    join: (entry) => {
      entries.add(entry)
      syncSoon()
    },
    leave: (entry) => {
      entries.delete(entry)
      syncSoon()
    },
    sync,
    ping: () =>
      new Promise((resolve) => {
        if (pending) sync()
        asked.push(resolve)
        dispatch({ type: 'ping' })
      }),
    dispatch,
  }
  return keeper
}
