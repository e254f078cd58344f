import type { AvatarKeepAliveError } from '../error'
import {
  MIN_KEEP_ALIVE_GAP,
  resolveKeepAliveOptions,
  type ResolvedKeepAliveTiming,
} from '../schedule'
import { isTerminalStatus } from '../status'
import type { AvatarSessionSnapshot, MissedKeepAlives } from '../store'

/** Milliseconds on the interpreter's monotonic clock, handed to every step. */
export type Ms = number

/** One consumer's options, resolved; `Settings` when merged over every consumer. */
export interface ConsumerOptions extends ResolvedKeepAliveTiming {
  crossTab?: boolean
  endOnPageHide?: boolean
  fetch?: typeof fetch
}

export interface Settings extends ConsumerOptions {
  crossTab: boolean
  endOnPageHide: boolean
}

export interface Consumer {
  token: string
  /** When its token was last set: of the tokens not refused, the newest is sent. */
  rank: number
  options: ConsumerOptions
}

/** Why the next keep-alive is due: its interval, a retry before it, or at once (but for the 1 s ceiling). */
export type Next =
  | { why: 'beat' }
  | { why: 'retry'; at: Ms }
  | { why: 'asap'; cause: 'start' | 'ping' | 'online' | 'token' | 'lead' | 'steal' }

export interface Flight {
  id: number
  token: string
  /** When it was sent; while `wall` is `null`, when the lock manager was last asked. */
  at: Ms
  /** When it was sent (epoch ms), or `null` while the lock manager is asked whether this tab still leads. */
  wall: number | null
}

/** This tab among the tabs keeping the session: no lock wanted, in line for it, or holding it. */
export type Role = 'solo' | 'follow' | 'lead'

/** What kept the page from sending on time, for `endReason: 'missed'`. */
export type Cause = MissedKeepAlives['cause']

/** Every cause, the weakest first: a stronger one replaces a weaker one as the blame. */
export const CAUSES: readonly Cause[] = ['hidden', 'frozen', 'offline']

/**
 * Why this page missed keep-alives, and until when a success undoes it: one any tab saw from `by`
 * on left less than an interval of the stretch blamed after it.
 */
export interface Blame {
  cause: Cause
  by: Ms
}

/**
 * Everything the keep-alive of one session in one tab decides from. Five parts: tokens (read here,
 * by `usableToken`), the schedule (beat.ts), the outcome the store shows (health.ts), leadership
 * among tabs (leadership.ts) and letting go (letGo.ts); `step` (step.ts) composes them.
 */
export interface EngineState {
  readonly consumers: readonly Consumer[]
  readonly settings: Settings
  /** The store can coordinate tabs (Web Locks and BroadcastChannel). */
  readonly tabs: boolean
  readonly online: boolean
  readonly visible: boolean
  /**
   * Hidden away (`pagehide`) and not shown again since (`resume`, visible): the page is going into
   * the back/forward cache, or closing. It sends nothing, and holds no lock and no channel.
   */
  readonly away: boolean
  /** Kept and not ended, as of the last step (the interpreter runs its timer while it is). */
  readonly running: boolean
  /** What the store shows: `view(state)`. */
  readonly snap: AvatarSessionSnapshot
  /** Tokens the server refused for this session, never sent again. */
  readonly refused: readonly string[]
  readonly refusal: AvatarKeepAliveError | null
  readonly next: Next
  readonly flight: Flight | null
  /** The last flight's id. */
  readonly sent: number
  readonly lastStart: Ms | null
  /**
   * How long the last start came after this tab chose it: a leader sends once the lock manager
   * says the lock is still its own, which a busy page reads a task or two late. The schedule counts
   * from the choice, the 1 s ceiling from the start.
   */
  readonly lag: Ms
  readonly firstStart: Ms | null
  /** The last success any tab saw. */
  readonly lastAlive: Ms | null
  /** Why this page missed keep-alives since the last success, if it did. */
  readonly blame: Blame | null
  /** When the last step ran: nothing happened since, so the page stayed as the state says. */
  readonly seen: Ms
  /**
   * How far the wall clock was ahead of the page's at the last step: a device that sleeps moves it
   * on (see `wake` in step.ts), and so does a wall clock that is set.
   */
  readonly ahead: number
  /** A `ping()` waits for the next outcome. */
  readonly pinged: boolean
  readonly role: Role
  /** When a leader was last heard from, or this tab began to follow. */
  readonly heardAt: Ms
  /**
   * When a follower's last call ends (`stealAt` then): it takes over only if no keep-alive it had
   * not heard of came since (that answers the call, and clears this).
   */
  readonly lastCall: Ms | null
  /** The last call was made again (read only while there is one). */
  readonly calledAgain: boolean
  /** Tabs in line for the lock at the last count. */
  readonly peers: number
  readonly toldSeen: Ms | null
  readonly toldActive: Ms | null
  readonly lastActive: Ms
  readonly hiddenSince: Ms | null
}

/** The state a step works on: a copy of its input, changed in place, never shared. */
export type Draft = { -readonly [K in keyof EngineState]: EngineState[K] }

/**
 * What a keeper that let go leaves behind for the next one: the 1 s ceiling, refused tokens and
 * why the last was, age, and how far the wall clock was ahead (to count a sleep in between).
 */
export type Remains = Pick<
  EngineState,
  'lastStart' | 'firstStart' | 'lastAlive' | 'refused' | 'refusal' | 'ahead'
>

export function initialState(
  now: Ms,
  wall: number,
  snap: AvatarSessionSnapshot,
  tabs: boolean,
  left?: Remains,
): EngineState {
  // The device slept since the last keeper let go: the ages it left count that sleep (as wake()
  // counts one while kept), its 1 s ceiling does not.
  const slept = left ? Math.max(0, wall - now - left.ahead) : 0
  const back = (time: Ms | null | undefined) =>
    time == null ? null : time - (slept > MIN_KEEP_ALIVE_GAP ? slept : 0)
  return {
    consumers: [],
    settings: { ...resolveKeepAliveOptions(), crossTab: true, endOnPageHide: false },
    tabs,
    online: true,
    visible: true,
    away: false,
    running: false,
    snap,
    refusal: left?.refusal ?? null,
    next: { why: 'beat' },
    flight: null,
    sent: 0,
    // What the last keeper of the session knew: the 1 s ceiling, refused tokens, the age isAlive
    // is judged by. Without it, the store still knows the last success (on the wall clock).
    lastStart: left?.lastStart ?? null,
    lag: 0,
    firstStart: back(left?.firstStart),
    refused: left?.refused ?? [],
    // (Of the two, the older: the store's is on the wall clock, which a sleep moved on too.)
    lastAlive:
      snap.lastAliveAt === null
        ? back(left?.lastAlive)
        : Math.min(back(left?.lastAlive) ?? Infinity, now - Math.max(0, wall - snap.lastAliveAt)),
    blame: null,
    seen: now,
    ahead: wall - now,
    pinged: false,
    role: 'solo',
    heardAt: now,
    lastCall: null,
    calledAgain: false,
    peers: 0,
    toldSeen: null,
    toldActive: null,
    lastActive: now,
    hiddenSince: null,
  }
}

/** Several consumers: the shortest interval, timeout and timeouts win, any may ask for retries. */
export function mergeSettings(consumers: readonly Consumer[]): Settings {
  const all = consumers.map((consumer) => consumer.options)
  const newest = all[all.length - 1]!
  const least = (key: 'interval' | 'timeout' | 'hiddenTimeout' | 'idleTimeout') => {
    const value = Math.min(...all.map((options) => options[key] ?? Infinity))
    return value === Infinity ? undefined : value
  }
  // (The first with the least idle timeout, or with none: every option has an idleWarning.)
  const idle = all.find((options) => options.idleTimeout === least('idleTimeout'))!
  return {
    ...newest,
    interval: least('interval')!,
    timeout: least('timeout')!,
    retry: all.some((options) => options.retry),
    endOnPageHide: all.some((options) => options.endOnPageHide),
    crossTab: all.every((options) => options.crossTab !== false),
    hiddenTimeout: least('hiddenTimeout'),
    idleTimeout: idle.idleTimeout,
    idleWarning: idle.idleWarning,
  }
}

/** Some consumer keeps the session, and it has not ended. */
export const isKept = (s: EngineState): boolean =>
  s.consumers.length > 0 && !isTerminalStatus(s.snap.status)

/** The newest consumer's token the server has not refused. */
export function usableToken(s: EngineState): string | undefined {
  let best: Consumer | undefined
  for (const consumer of s.consumers) {
    if (!s.refused.includes(consumer.token) && (!best || consumer.rank > best.rank)) best = consumer
  }
  return best?.token
}

/** This tab decides for the session: it runs, and no other tab leads. */
export const inCharge = (s: EngineState): boolean => s.running && s.role !== 'follow'

/** Since the last success (or, before one, the first attempt); `Infinity` before any attempt. */
export const sinceAlive = (s: EngineState, now: Ms): Ms =>
  now - (s.lastAlive ?? s.firstStart ?? -Infinity)

/**
 * The last success (or, before one, the first attempt) is less than 3 intervals old; never before
 * any attempt.
 */
export const isFresh = (s: EngineState, now: Ms): boolean =>
  sinceAlive(s, now) < s.settings.interval * 3

/** The 1 s ceiling holds: the last start was less than a second ago. */
export const isCeiling = (s: EngineState, now: Ms): boolean =>
  s.lastStart !== null && now - s.lastStart < MIN_KEEP_ALIVE_GAP

/** The snapshot the store shows. */
export const view = (s: EngineState): AvatarSessionSnapshot => s.snap
