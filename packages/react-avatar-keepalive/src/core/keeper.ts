import { endAvatarSession } from './endAvatarSession'
import {
  globalDocument,
  globalWindow,
  listen,
  noop,
  now,
  type FocusSource,
  type OnlineSource,
} from './environment'
import { AvatarKeepAliveError, MAX_TIMER_DELAY } from './error'
import { lead, type Leadership, type TabMessage, type WireSnapshot } from './leader'
import { isValidToken, sendKeepAlive } from './request'
import {
  MIN_KEEP_ALIVE_GAP,
  resolveKeepAliveOptions,
  retryDelay,
  type KeepAliveTimingOptions,
  type ResolvedKeepAliveTiming,
} from './schedule'
import {
  isTerminalStatus,
  statusForError,
  type AvatarSessionEndReason,
  type AvatarSessionStatus,
} from './status'
import {
  avatarSessionStore,
  IDLE_SNAPSHOT,
  recordSession,
  type AvatarSessionStore,
  type MissedKeepAlives,
  type SnapshotPatch,
} from './store'

/** What fires a keeper's ticks: plain timers in the core, a TanStack Query observer in React. */
export type KeepAliveDriverFactory = (keeper: {
  sessionId: string
  /** Starts a keep-alive if one is due (it never waits for the answer); returns the status. */
  tick: () => AvatarSessionStatus
  /** Ms until the next tick is due, or `false` until something wakes the keeper. */
  delay: () => number | false
}) => KeepAliveDriver

export interface KeepAliveDriver {
  /** Tick now, then re-arm. */
  wake: () => void
  stop: () => void
}

/**
 * Fires a keeper's ticks with `setTimeout`: the driver of the core, where there is no QueryClient.
 *
 * @example
 * ```ts
 * keepAvatarSessionAlive(sessionId, token, { driver: timerDriver })
 * ```
 */
export const timerDriver: KeepAliveDriverFactory = ({ tick, delay }) => {
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const run = (): void => {
    clearTimeout(timer)
    if (stopped) return
    tick()
    const ms = delay()
    timer = ms === false || stopped ? undefined : setTimeout(run, ms)
  }
  run()
  return {
    wake: run,
    stop: () => {
      stopped = true
      clearTimeout(timer)
    },
  }
}

export interface KeeperOptions extends KeepAliveTimingOptions {
  /**
   * The `fetch` to send keep-alives with, looked up at call time.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch
  /**
   * Let one tab send for every tab of this browser that keeps the same session (Web Locks and
   * `BroadcastChannel`, where the store has them); `false` makes this page ping on its own.
   * @default true
   */
  crossTab?: boolean
  /**
   * End the session (`fetch` with `keepalive: true`) when the page goes away (`pagehide`), unless
   * another tab keeps it.
   * @default false
   */
  endOnPageHide?: boolean
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

type Settings = KeeperOptions & ResolvedKeepAliveTiming

interface Consumer {
  token: string
  /** When its token was last set: of the tokens not refused, the newest is sent. */
  rank: number
  options: Settings
  env: KeeperEnvironment
}

interface Keeper {
  join: (consumer: Consumer) => void
  leave: (consumer: Consumer) => void
  sync: () => void
  ping: () => Promise<AvatarSessionStatus>
  markActive: (fromOtherTab?: boolean) => void
}

/**
 * What a keeper that let go of its session leaves behind, so that a new one keeps the 1 s ceiling
 * and never resends a refused token; dropped after a second when there is no refused token.
 */
interface Tombstone {
  lastStart: number
  refused: Set<string>
  firstStart: number | undefined
  lastAlive: number | undefined
  /** When it was left (`now()`). */
  at: number
}

const sweeping = new WeakSet<Map<string, Tombstone>>()

// One timer per store, however many sessions come and go: tombstones with nothing to remember
// after the ceiling has passed are dropped.
function sweepSoon(map: Map<string, Tombstone>): void {
  if (sweeping.has(map)) return
  sweeping.add(map)
  setTimeout(() => {
    sweeping.delete(map)
    map.forEach((left, id) => {
      if (left.refused.size === 0 && now() - left.at >= MIN_KEEP_ALIVE_GAP) map.delete(id)
    })
    if ([...map.values()].some((left) => left.refused.size === 0)) sweepSoon(map)
  }, MIN_KEEP_ALIVE_GAP)
}

const keepers = new WeakMap<AvatarSessionStore, Map<string, Keeper>>()
const tombstones = new WeakMap<AvatarSessionStore, Map<string, Tombstone>>()
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
    const tombstone =
      store.get(sessionId) === IDLE_SNAPSHOT ? undefined : tombstones.get(store)?.get(sessionId)
    map.set(sessionId, (keeper = createKeeper(store, sessionId, tombstone)))
  }
  const consumer: Consumer = { token, rank: ++ranks, options: settingsOf(options), env }
  let joined = true
  keeper.join(consumer)
  return {
    update: (token, options) => {
      // Options first: bad ones throw before anything changes.
      consumer.options = settingsOf(options)
      if (token !== consumer.token) consumer.rank = ++ranks
      consumer.token = token
      if (joined) keeper.sync()
    },
    ping: () => (joined ? keeper.ping() : Promise.resolve(store.get(sessionId).status)),
    stop: () => {
      if (joined) keeper.leave(consumer)
      joined = false
    },
  }
}

const settingsOf = (options: KeeperOptions): Settings => ({
  ...options,
  ...resolveKeepAliveOptions(options),
})

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
  keepers.get(store)?.get(sessionId)?.markActive()
}

// One set of page listeners for user activity, however many sessions watch for it.
const watchers = new Set<() => void>()
let unwatch: (() => void) | undefined
function watchActivity(onActive: () => void): () => void {
  watchers.add(onActive)
  unwatch ??= (() => {
    const offs = ['pointerdown', 'keydown', 'touchstart', 'wheel'].map((type) =>
      listen(globalWindow, type, () => watchers.forEach((watcher) => watcher())),
    )
    return () => offs.forEach((off) => off())
  })()
  return () => {
    watchers.delete(onActive)
    if (watchers.size === 0) {
      unwatch?.()
      unwatch = undefined
    }
  }
}

/** How long a tab that took the lock from a silent leader waits before its first keep-alive. */
const STEAL_SETTLE = 250
const STOPPABLE: readonly AvatarSessionStatus[] = ['connecting', 'alive', 'degraded', 'offline']
const REFUSALS: readonly string[] = ['unauthorized', 'invalid-token', 'bad-request']

function createKeeper(
  store: AvatarSessionStore,
  sessionId: string,
  tombstone: Tombstone | undefined,
): Keeper {
  const consumers = new Set<Consumer>()
  // Tokens the server refused for this session (in memory only): never sent again.
  const refused = tombstone?.refused ?? new Set<string>()
  let settings: Settings = settingsOf({})
  let env: KeeperEnvironment | undefined
  let running: (() => void) | null = null
  let driver: KeepAliveDriver | undefined
  let leader: Leadership | null = null
  let flight: Promise<void> | null = null
  let abort = noop
  // Times on the monotonic clock (`now()`).
  let lastStart = tombstone?.lastStart ?? -Infinity
  let retryAt = -Infinity
  let firstStart = tombstone?.firstStart
  // Without a tombstone, the store still knows the last success (on the wall clock).
  const { lastAliveAt } = store.get(sessionId)
  let lastAlive =
    tombstone?.lastAlive ??
    (lastAliveAt === null ? undefined : now() - Math.max(0, Date.now() - lastAliveAt))
  let lastActive = now()
  let hiddenSince: number | null = null
  // When this tab last told the others it is seen, and that its user is active (at most once a
  // second each).
  let toldSeen = -Infinity
  // Whether another tab has ever spoken on this session's channel.
  let heard = false
  let toldActive = -Infinity
  // What kept this page silent since the last success, for `endReason: 'missed'`.
  const silence: Partial<Record<MissedKeepAlives['cause'], boolean>> = {}
  let timers: ReturnType<typeof setTimeout>[] = []
  let stopWatching: (() => void) | undefined
  let pendingSync = false
  // ping() calls waiting for the next keep-alive (or for the news that none can be sent).
  const waiters: ((status: AvatarSessionStatus) => void)[] = []
  let forced = false
  let refusal: AvatarKeepAliveError | undefined
  let armed: [string | undefined, number] = [undefined, 0]

  const snapshot = () => store.get(sessionId)
  const record = (patch: SnapshotPatch): void => recordSession(store, sessionId, patch)
  const online = (): boolean => env?.online.isOnline() ?? true
  const visible = (): boolean => env?.focus.isFocused() ?? true
  const following = (): boolean => !!leader && !leader.leading
  const wake = (): void => driver?.wake()

  const token = (): string | undefined => {
    let best: Consumer | undefined
    for (const consumer of consumers) {
      if (!refused.has(consumer.token) && (!best || consumer.rank > best.rank)) best = consumer
    }
    return best?.token
  }

  const dueAt = (): number =>
    forced ? -Infinity : Math.min(retryAt, lastStart + settings.interval * (visible() ? 1 : 0.9))

  const settle = (): AvatarSessionStatus => {
    const { status } = snapshot()
    forced = false
    waiters.splice(0).forEach((resolve) => resolve(status))
    return status
  }

  // A timer takes whole ms from 1 (TanStack Query reads 0 as "never") to 2^31 − 1.
  const timerDelay = (ms: number): number =>
    Math.min(Math.max(Math.ceil(ms), 1), settings.interval * 2, MAX_TIMER_DELAY)

  // A monotonic clock never runs back; a fake one (tests) does between tests: start afresh.
  const clock = (): number => {
    const t = now()
    if (t < lastStart || t < lastActive) {
      lastStart = retryAt = -Infinity
      firstStart = lastAlive = undefined
      lastActive = t
    }
    return t
  }

  const tick = (): AvatarSessionStatus => {
    const t = clock()
    if (!running || isTerminalStatus(snapshot().status)) return settle()
    if (!online()) {
      silence.offline = true
      // A refusal stays what it is: going online will not change it.
      if (token() !== undefined) record({ status: 'offline' })
      return settle()
    }
    // One at a time; but one still out when the next is due (its timeout came from a longer
    // interval than another consumer's) is given up rather than let it delay the next.
    if (flight && t - lastStart < settings.interval) return snapshot().status
    if (flight) {
      abort()
      flight = null
    }
    let sending = token()
    // Refused before anything is sent, and not counted as a start: the next token goes at once.
    while (sending !== undefined && !isValidToken(sending)) {
      refuse(new AvatarKeepAliveError({ kind: 'invalid-token' }), sending)
      sending = token()
    }
    if (sending === undefined) return settle()
    if (following()) {
      // The leader went silent (frozen, blocked): take over, to ping 1.5 intervals after it.
      if (t >= leader!.heardAt + settings.interval * 1.5 - STEAL_SETTLE) leader!.steal()
      return settle()
    }
    if (t - lastStart < MIN_KEEP_ALIVE_GAP || t + 1 < dueAt()) return snapshot().status
    const late = t - dueAt()
    // A tick this late means the page slept through its timers.
    if (late > settings.interval) silence.frozen = true
    send(sending, t, late > settings.interval / 4)
    return snapshot().status
  }

  const delay = (): number | false => {
    if (!running || isTerminalStatus(snapshot().status) || token() === undefined) return false
    const t = clock()
    if (following()) {
      return timerDelay(leader!.heardAt + settings.interval * 1.5 - STEAL_SETTLE - t)
    }
    if (!online()) return false
    return timerDelay(Math.max(dueAt(), lastStart + MIN_KEEP_ALIVE_GAP) - t)
  }

  const send = (sending: string, t: number, late: boolean): void => {
    const controller = new AbortController()
    const { baseUrl, timeout, fetch } = settings
    lastStart = t
    retryAt = Infinity
    forced = false
    firstStart ??= t
    abort = () => controller.abort()
    const mine: Promise<void> = (async () => {
      // A tab that woke up after another one took the lock sends nothing. Only a late tick can
      // be one (followers steal after 1.5 intervals of silence): asking the lock manager is
      // not free (it lists every lock of the origin), so a tick on time does not ask.
      if (leader && late && !(await leader.confirm())) return wake()
      // A routine keep-alive writes the store once, with its outcome; the attempt itself only
      // when it shows: the first one (connecting), or after a freeze (no longer alive).
      const lastAttemptAt = Date.now()
      const { status, isAlive } = snapshot()
      const starting = status === 'idle' || status === 'stopped'
      if (starting || (isAlive && !fresh())) {
        record({ status: starting ? 'connecting' : status, lastAttemptAt, isAlive: fresh() })
      } else if (heard && leader?.leading) {
        // Other tabs keep the 1 s ceiling from this attempt if they take over during it.
        post({ snapshot: { ...wire(), lastAttemptAt }, leader: true })
      }
      try {
        const signal = controller.signal
        await sendKeepAlive({ sessionId, token: sending, baseUrl, timeout, fetch, signal })
        if (controller.signal.aborted) return
        lastAlive = now()
        silence.offline = silence.frozen = false
        silence.hidden = !visible()
        record({
          status: 'alive',
          lastAliveAt: Date.now(),
          lastAttemptAt,
          consecutiveFailures: 0,
          error: null,
        })
        if (!online()) record({ status: 'offline' })
        if (settings.endOnPageHide) leader?.countPeers()
      } catch (error) {
        // Stopped meanwhile (a late answer must not undo a stop), or not ours to classify.
        if (!controller.signal.aborted && error instanceof AvatarKeepAliveError) {
          failed(error, sending, lastAttemptAt)
        }
      }
    })().finally(() => {
      if (flight !== mine) return
      // Nothing of a finished keep-alive stays referenced until the next one.
      flight = null
      abort = noop
      settle()
      // Chrome throttles a hidden page's chained timers (set from a timer) to once a minute: re-arm
      // from here, the task in which the answer arrived, so the next timer is not a chained one.
      if (!visible()) wake()
    })
    flight = mine
  }

  // isAlive holds while the last success (or the first attempt) is less than 3 intervals old.
  const sinceAlive = (): number => now() - (lastAlive ?? firstStart ?? now())
  const fresh = (): boolean => sinceAlive() < settings.interval * 3

  const failed = (error: AvatarKeepAliveError, sent: string, lastAttemptAt: number): void => {
    const t = now()
    const { interval, retry } = settings
    const consecutiveFailures = snapshot().consecutiveFailures + 1
    const silentFor = sinceAlive()
    const { kind } = error
    // Whatever failed while the device is offline failed because of it.
    if (error.retryable && !online()) {
      silence.offline = true
      retryAt = -Infinity
      record({ status: 'offline', lastAttemptAt })
    } else if (kind === 'expired' || kind === 'not-found') {
      const { frozen, offline, hidden } = silence
      // Offline first: a page that was offline also looks late to its timers.
      const cause = offline ? 'offline' : frozen ? 'frozen' : hidden ? 'hidden' : null
      const missed: MissedKeepAlives | null =
        kind === 'expired' && cause && silentFor > interval + MIN_KEEP_ALIVE_GAP
          ? { cause, silentFor: Math.round(silentFor) }
          : null
      const endReason = kind === 'not-found' ? 'not-found' : missed ? 'missed' : 'server'
      return record({ status: kind, error, consecutiveFailures, endReason, missed, lastAttemptAt })
    } else if (REFUSALS.includes(kind)) {
      refuse(error, sent, lastAttemptAt)
    } else {
      record({ status: 'degraded', error, consecutiveFailures, isAlive: fresh(), lastAttemptAt })
      retryAt =
        error.retryable && retry
          ? t + retryDelay({ attempt: consecutiveFailures, interval, error, sinceAlive: silentFor })
          : Infinity
    }
    wake()
  }

  // A refused token is never sent again; another consumer's token, if any, goes at once.
  const refuse = (error: AvatarKeepAliveError, sent: string, lastAttemptAt?: number): void => {
    refused.add(sent)
    refusal = error
    const another = token() !== undefined
    const { consecutiveFailures } = snapshot()
    record({
      status: another ? 'degraded' : statusForError(error),
      error,
      consecutiveFailures: consecutiveFailures + 1,
      isAlive: fresh(),
      ...(lastAttemptAt && { lastAttemptAt }),
    })
    retryAt = another ? -Infinity : Infinity
    // Paused: let another tab, with another token, lead.
    if (!another) syncSoon()
  }

  const post = (message: TabMessage): void => leader?.post({ ...message, seen: visible() })

  const wire = (): WireSnapshot => {
    const { error, ...rest } = snapshot()
    return {
      ...rest,
      error: error && {
        kind: error.kind,
        httpStatus: error.httpStatus,
        retryAfter: error.retryAfter,
      },
    }
  }

  const onMessage = (message: TabMessage): void => {
    heard = true
    if (message.seen) {
      hiddenSince = null
      armTimers()
    }
    if (message.active) markActive(true)
    if (message.hello && leader?.leading) post({ snapshot: wire(), leader: true })
    const mirrored = message.snapshot
    const terminal = mirrored && isTerminalStatus(mirrored.status)
    if (!mirrored || (!terminal && !(message.leader && following()))) return
    // A refusal belongs to the sender's token, not to this tab's.
    if (mirrored.status === 'unauthorized' || mirrored.status === 'error') return
    // The same failure heard again (a heartbeat) keeps its error object; a new one, even of the
    // same kind (the failure count moved), is a new error, so that onError hears each.
    const { error, consecutiveFailures } = snapshot()
    const wired = mirrored.error
    const same =
      consecutiveFailures === mirrored.consecutiveFailures &&
      error?.kind === wired?.kind &&
      error?.httpStatus === wired?.httpStatus
    record({ ...mirrored, error: same ? error : wired && new AvatarKeepAliveError(wired) })
    if (message.leader && visible() && now() - toldSeen >= MIN_KEEP_ALIVE_GAP) {
      // A visible page answers the leader, so a hidden leader's hiddenTimeout waits for every tab.
      toldSeen = now()
      post({})
    } else if (message.leader) {
      // A hidden follower re-arms its watch from the message's task, not a chained timer.
      wake()
    }
  }

  const onLead = (stole: boolean): void => {
    // Never closer than the ceiling to the last keep-alive another tab sent.
    const { lastAttemptAt } = snapshot()
    if (lastAttemptAt !== null) {
      const ago = Math.min(Math.max(Date.now() - lastAttemptAt, 0), MIN_KEEP_ALIVE_GAP)
      lastStart = Math.max(lastStart, now() - ago)
    }
    // Two followers may steal at once; the lock ends with the last. Wait for that to settle
    // (the first keep-alive after a steal also asks the lock manager) rather than both ping.
    if (stole) lastStart = Math.max(lastStart, now() - MIN_KEEP_ALIVE_GAP + STEAL_SETTLE)
    retryAt = -Infinity
    post({ snapshot: wire(), leader: true })
    armTimers()
    wake()
  }

  const end = (reason: AvatarSessionEndReason): void => {
    const sending = token()
    const { baseUrl, fetch } = settings
    if (sending !== undefined) {
      const keepalive = reason === 'page-hide'
      endAvatarSession({
        sessionId,
        token: sending,
        baseUrl,
        fetch,
        store,
        reason,
        keepalive,
      }).catch(noop)
    } else if (reason !== 'page-hide') {
      // No token left to end it with: stop keeping it, and let the server's timeout end it.
      record({ status: 'expired', endReason: reason })
    }
  }

  const inCharge = (): boolean => !!running && !following()

  const later = (ms: number, fn: () => void): void => {
    timers.push(setTimeout(fn, Math.min(Math.max(ms, 0), MAX_TIMER_DELAY)))
  }

  const armIdle = (): void => {
    const { idleTimeout, idleWarning } = settings
    if (!idleTimeout || !inCharge()) return
    const t = now()
    const endAt = lastActive + idleTimeout
    const warnAt = endAt - Math.min(idleWarning, idleTimeout)
    if (t < warnAt) return later(warnAt - t, armIdle)
    if (t >= endAt) return end('idle-timeout')
    if (snapshot().endsAt === null) record({ endsAt: Math.round(Date.now() + endAt - t) })
    later(endAt - t, armIdle)
  }

  const armHidden = (): void => {
    const { hiddenTimeout } = settings
    if (!hiddenTimeout || !inCharge() || visible()) return void (hiddenSince = null)
    hiddenSince ??= now()
    const left = hiddenSince + hiddenTimeout - now()
    if (left > 0) later(left, armHidden)
    else end('hidden-timeout')
  }

  const armTimers = (): void => {
    timers.forEach(clearTimeout)
    timers = []
    const watch = !!running && !!settings.idleTimeout
    if (watch && !stopWatching) stopWatching = watchActivity(() => markActive())
    if (!watch && stopWatching) stopWatching = void stopWatching()
    armIdle()
    armHidden()
  }

  const markActive = (fromOtherTab = false): void => {
    lastActive = now()
    if (!fromOtherTab && now() - toldActive >= MIN_KEEP_ALIVE_GAP) {
      toldActive = now()
      post({ active: true })
    }
    if (snapshot().endsAt !== null) {
      record({ endsAt: null })
      armTimers()
    }
  }

  const start = (): void => {
    const offs = [
      store.session(sessionId).subscribe((next, previous) => {
        if (isTerminalStatus(next.status)) {
          // Every tab ends with the first one that sees the end.
          if (!isTerminalStatus(previous.status)) post({ snapshot: wire() })
          return sync()
        }
        // Heartbeats cost a message each: only once another tab has spoken (each says hello).
        if (leader?.leading && heard) post({ snapshot: wire(), leader: true })
      }),
      env!.online.subscribe((isOnline) => {
        // Back online: find out at once rather than show `offline` until the next beat.
        if (isOnline) {
          retryAt = -Infinity
          return wake()
        }
        silence.offline = true
        if (STOPPABLE.includes(snapshot().status)) record({ status: 'offline' })
      }),
      env!.focus.subscribe((focused) => {
        if (focused) markActive()
        else silence.hidden = true
        armTimers()
        // Visible: ping if one is overdue; hidden: aim early from now on.
        wake()
      }),
      // A frozen page runs nothing; on resume, ping at once if one is overdue.
      listen(globalDocument, 'resume', () => {
        silence.frozen = true
        wake()
      }),
      listen(globalWindow, 'pagehide', () => {
        // Another tab that keeps the session takes over; only the last one ends it.
        if (settings.endOnPageHide && !following() && !leader?.peers) end('page-hide')
      }),
    ]
    running = () => offs.forEach((off) => off())
    lastActive = now()
    silence.hidden = !visible()
    // Kept again: no longer `stopped`, even while the next keep-alive waits out the 1 s ceiling.
    if (snapshot().status === 'stopped') record({ status: 'connecting' })
    driver = env!.driver({ sessionId, tick: () => tick(), delay })
  }

  const stop = (): void => {
    running!()
    running = null
    driver?.stop()
    driver = undefined
    abort()
    flight = null
    settle()
    if (consumers.size === 0 && STOPPABLE.includes(snapshot().status)) record({ status: 'stopped' })
  }

  const sync = (): void => {
    pendingSync = false
    const list = [...consumers]
    const newest = list[list.length - 1]
    const kept = !!newest && !isTerminalStatus(snapshot().status)
    if (newest) {
      const all = list.map((consumer) => consumer.options)
      const least = (key: 'interval' | 'timeout' | 'hiddenTimeout' | 'idleTimeout') => {
        const value = Math.min(...all.map((options) => options[key] ?? Infinity))
        return value === Infinity ? undefined : value
      }
      const idle = all.find((options) => options.idleTimeout === least('idleTimeout'))
      settings = {
        ...newest.options,
        interval: least('interval')!,
        timeout: least('timeout')!,
        retry: all.some((options) => options.retry),
        endOnPageHide: all.some((options) => options.endOnPageHide),
        crossTab: all.every((options) => options.crossTab !== false),
        hiddenTimeout: least('hiddenTimeout'),
        idleTimeout: idle?.idleTimeout,
        idleWarning: idle?.idleWarning ?? newest.options.idleWarning,
      }
    }
    if (kept) env ??= newest.env
    const sending = token()
    // A leader that saw the end keeps the lock while its page still shows the session, so that
    // no other tab takes over (and sends) before it has heard of the end.
    const lockable =
      (kept && settings.crossTab && !!store.crossTab && sending !== undefined) ||
      (!!newest && !!leader?.leading && isTerminalStatus(snapshot().status))
    if (lockable && !leader) {
      const name = `react-avatar-keepalive ${settings.baseUrl.replace(/\/+$/, '')} ${sessionId}`
      leader = lead(store.crossTab!, name, onLead, onMessage)
    } else if (!lockable && leader) {
      leader.release(Math.max(0, lastStart + MIN_KEEP_ALIVE_GAP - now()))
      leader = null
    }
    // A usable token after a pause goes at once; the last usable one gone, the pause shows.
    if (armed[0] === undefined && sending !== undefined) retryAt = -Infinity
    if (kept && sending === undefined && refusal && STOPPABLE.includes(snapshot().status)) {
      record({ status: statusForError(refusal), error: refusal })
    }
    // A shorter interval shortens what still counts as alive.
    if (running && snapshot().isAlive && !fresh()) record({ isAlive: false })
    // The newest consumer's driver drives: a component that brings another QueryClient moves the
    // schedule there (its `tick` sends only what is due, so nothing extra goes out).
    if (kept && running && env!.driver !== newest.env.driver) {
      driver!.stop()
      env = { ...env!, driver: newest.env.driver }
      driver = env.driver({ sessionId, tick: () => tick(), delay })
    }
    // Starting ticks at once; otherwise a new token or interval re-arms the schedule.
    if (kept && !running) start()
    else if (!kept && running) stop()
    else if (running && (sending !== armed[0] || settings.interval !== armed[1])) wake()
    if (!kept) env = undefined
    armed = [sending, settings.interval]
    armTimers()
    if (!newest && !running && !flight && !leader) retire()
  }

  // Nobody keeps the session: free the keeper (thousands of sessions come and go on a server).
  const retire = (): void => {
    keepers.get(store)?.delete(sessionId)
    let map = tombstones.get(store)
    if (!map) tombstones.set(store, (map = new Map()))
    map.set(sessionId, { lastStart, refused, firstStart, lastAlive, at: now() })
    sweepSoon(map)
  }

  // Once per task: a mount undone at once (StrictMode, a quick toggle) costs nothing.
  const syncSoon = (): void => {
    if (pendingSync) return
    pendingSync = true
    void Promise.resolve().then(() => pendingSync && sync())
  }

  return {
    join: (consumer) => {
      consumers.add(consumer)
      syncSoon()
    },
    leave: (consumer) => {
      consumers.delete(consumer)
      syncSoon()
    },
    sync,
    ping: () =>
      new Promise((resolve) => {
        if (pendingSync) sync()
        waiters.push(resolve)
        if (flight && online()) return
        forced = true
        if (driver) wake()
        else settle()
      }),
    markActive,
  }
}
