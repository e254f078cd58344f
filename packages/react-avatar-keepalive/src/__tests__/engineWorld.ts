// A world for the pure engine, shared by the bounded model checker (engine.model.test.ts) and
// the random walks (engine.property.test.ts): one to three tabs, each an engine driven as the
// interpreter drives it (one timer from `nextDeadline`, the effects done after each step), a
// server that may answer anything, and for each of two endpoints (a tab's options may come to
// name the other) a Web Locks model (a FIFO line, steal, a delayed release) and a
// BroadcastChannel (prompt delivery, held while a tab is frozen). Every step is checked against
// the guarantees, stated once here as predicates on the world and the step's effects.
import type { EngineEffect, EngineEvent } from '../core/engine/events'
import {
  CAUSES,
  initialState,
  usableToken,
  type Cause,
  type Consumer,
  type ConsumerOptions,
  type EngineState,
} from '../core/engine/state'
import {
  readTabMessage,
  STEAL_SETTLE,
  STEAL_WAIT,
  type WireSnapshot,
} from '../core/engine/leadership'
import { nextDeadline, step } from '../core/engine/step'
import { AvatarKeepAliveError, MAX_TIMER_DELAY } from '../core/error'
import { isValidToken } from '../core/request'
import { MIN_KEEP_ALIVE_GAP, resolveKeepAliveOptions } from '../core/schedule'
import { isAliveStatus, isTerminalStatus } from '../core/status'
import { IDLE_SNAPSHOT, patchSnapshot, type AvatarSessionSnapshot } from '../core/store'
import { copier } from './copier'

/** Every consumer's interval here (but `keep0half`'s, and what checks a tab's own schedule). */
export const I = Number(process.env.MODEL_INTERVAL ?? 10_000)
/**
 * How a hidden page's timers fire: on the next whole second (Chrome), or with MODEL_TIMERS=firefox
 * at least 1 s after they were set, and FIREFOX_LATE ms later still (a busy machine): so each step
 * of a hidden follower's last call comes more than a second late, as in Firefox on a loaded CI.
 */
const FIREFOX = process.env.MODEL_TIMERS === 'firefox'
const FIREFOX_LATE = 300
/** The most a hidden page's timer fires after its deadline. */
const HIDDEN_LATE = FIREFOX ? MIN_KEEP_ALIVE_GAP + FIREFOX_LATE : 999
/**
 * How much later than the interval a hidden page may send: its timers fire late (above), and its
 * keep-alives aim only a tenth early (a second at 10 s: nothing left over in Chrome), and never
 * within the 1 s ceiling.
 */
const HIDDEN_SLACK = Math.max(0, Math.max(0.9 * I, MIN_KEEP_ALIVE_GAP) + HIDDEN_LATE - I)
/**
 * How much later than 2 intervals a hidden follower may take over: it waits for a hidden page's
 * timer four times (its deadline, the last call, the steal's settle, the first keep-alive), each
 * up to a second late; in Firefox's timers each step of the call is more than a second late, so it
 * calls again, once: a fifth timer.
 */
const TAKEOVER_SLACK = Math.max(
  0,
  (FIREFOX ? 3_000 + 4 * FIREFOX_LATE + STEAL_SETTLE + HIDDEN_LATE : 3_000) - I / 2,
)
/**
 * An odd interval's timeouts (half of it) make times fractional, and the interpreter rounds a
 * timer's delay up to a whole ms: a timer may then fire up to 1 ms after its deadline (and a hidden
 * page's, past a whole second, on the next one).
 */
const ROUNDING = Number.isInteger(I / 2) ? 0 : 1
/** Where the wall clock stands when the world's clock reads 0. */
export const WALL = 1_900_000_000_000
export const DAYS_40 = 40 * 24 * 3_600_000

/** Two tokens the server takes (until it refuses one) and one that is not a header value. */
export const TOKENS = ['tok-good-S3CRET', 'tok-next-S3CRET', 'tok bad S3CRET'] as const

// Slot 0 keeps the defaults; slot 1 lets go on purpose: hidden 2 intervals, idle 4 (warned 1
// before), and on page hide.
const OPTIONS: ConsumerOptions[][] = [false, true].map((crossTab) => [
  { ...resolveKeepAliveOptions({ interval: I }), crossTab },
  {
    ...resolveKeepAliveOptions({
      interval: I,
      hiddenTimeout: 2 * I,
      idleTimeout: 4 * I,
      idleWarning: I,
    }),
    crossTab,
    endOnPageHide: true,
  },
])

// A component that asks for half the interval (1 s at the least): tabs on different intervals.
const HALF = resolveKeepAliveOptions({ interval: Math.max(I / 2, MIN_KEEP_ALIVE_GAP) })

export const ANSWERS = [
  'ok',
  '410',
  '404',
  '401',
  '400',
  '500',
  '429',
  'network',
  'timeout',
] as const
export type Answer = (typeof ANSWERS)[number]

const ERRORS: Record<Exclude<Answer, 'ok'>, AvatarKeepAliveError> = {
  '410': new AvatarKeepAliveError({ kind: 'expired', httpStatus: 410 }),
  '404': new AvatarKeepAliveError({ kind: 'not-found', httpStatus: 404 }),
  '401': new AvatarKeepAliveError({ kind: 'unauthorized', httpStatus: 401 }),
  '400': new AvatarKeepAliveError({ kind: 'bad-request', httpStatus: 400 }),
  '500': new AvatarKeepAliveError({ kind: 'server', httpStatus: 500 }),
  // A server asking for a day of silence.
  '429': new AvatarKeepAliveError({
    kind: 'rate-limited',
    httpStatus: 429,
    retryAfter: 86_400_000,
  }),
  network: new AvatarKeepAliveError({ kind: 'network' }),
  timeout: new AvatarKeepAliveError({ kind: 'timeout' }),
}

/**
 * What a tab's consumers can do: keep (slot 0 with the first token, at the interval, at half of
 * it, or with `retry: false`; slot 1 with the second or the bad one, or with the second and
 * `crossTab: false`), let go, rotate slot 0's token between the two, or renew it (a token never
 * seen before: the app fetched a new one; for long random walks, which would otherwise run out of
 * tokens the server has not refused).
 */
export type ConsumerAction =
  | 'keep0'
  | 'keep0half'
  | 'keep0once'
  | 'keep1'
  | 'keep1bad'
  | 'keep1solo'
  | 'drop0'
  | 'drop1'
  | 'rotate0'
  | 'renew0'
/**
 * What happens to a tab's page. `nolocks`: the lock manager refuses this page's request for the
 * lock (a polyfill that throws at a steal; an opaque origin refuses every tab), so it keeps the
 * session on its own. `cache`: the page goes into WebKit's back/forward cache, frozen, and the
 * browser drops its lock and its place in line at once (its requests reject with an AbortError
 * that the page reads when it comes back: `thaw` is Back).
 */
export type EnvAction =
  | 'online'
  | 'visible'
  | 'resume'
  | 'pagehide'
  | 'activity'
  | 'ping'
  | 'end'
  | 'clear'
  | 'freeze'
  | 'cache'
  | 'close'
  | 'open'
  | 'nolocks'
  | 'move'

/** One page, or tabs of one browser: two, or three (two followers may take over at once). */
export type TabCount = 1 | 2 | 3

/** The alphabet of one run of the checker. */
export interface Config {
  name: string
  tabs: TabCount
  consumers: readonly ConsumerAction[]
  env: readonly EnvAction[]
  answers: readonly Answer[]
  /** Time passes, timers firing on time (ms); `'next'`: to the next thing due (a timer, a timeout). */
  advances: readonly (number | 'next')[]
  /** Time passes with nothing running in any tab, as in a frozen browser (ms). */
  sleeps: readonly number[]
  /**
   * The device asleep (ms): every page's clock and its timers stand still (a system sleep stops
   * performance.now() on macOS, and in Chrome on Linux) while the wall clock and the server go on.
   */
  naps?: readonly number[]
  /** Consumer actions that only one tab takes (its index); every tab takes the others. */
  pinned?: Partial<Record<ConsumerAction, number>>
}

/**
 * The checker's alphabets. `full` has every kind of event the engine meets in one tab; the
 * focused ones trade breadth for depth (each state is one of millions deeper down).
 */
export const CONFIGS = {
  full: {
    name: 'one tab, every event',
    tabs: 1,
    consumers: ['keep0', 'keep1', 'keep1bad', 'drop0', 'drop1', 'rotate0'],
    env: ['online', 'visible', 'resume', 'pagehide', 'activity', 'ping', 'end', 'clear'],
    answers: ANSWERS,
    advances: ['next', 1, 999, 1_000, I / 2, I, 1.5 * I, 3 * I],
    sleeps: [1.5 * I, DAYS_40],
    naps: [1.5 * I, DAYS_40],
  },
  schedule: {
    name: 'one tab: the schedule, answers, time, the page',
    tabs: 1,
    consumers: ['keep0', 'keep0once', 'drop0'],
    env: ['online', 'visible', 'ping', 'resume'],
    answers: ['ok', '410', '500', 'timeout'],
    advances: ['next', 999, I / 2, 3 * I],
    sleeps: [DAYS_40],
  },
  tokens: {
    name: 'one tab: consumers and tokens',
    tabs: 1,
    consumers: ['keep0', 'keep1', 'keep1bad', 'drop0', 'drop1', 'rotate0'],
    env: ['ping', 'end', 'clear'],
    answers: ['ok', '401', '404'],
    advances: ['next', 1, 1_000],
    sleeps: [],
  },
  letGo: {
    name: 'one tab: letting go',
    tabs: 1,
    consumers: ['keep1', 'drop1'],
    env: ['visible', 'activity', 'pagehide', 'online'],
    answers: ['ok', '410'],
    advances: ['next', I, 3 * I],
    sleeps: [1.5 * I],
    naps: [1.5 * I],
  },
  tabs: {
    name: 'two tabs: leading, freezing, closing',
    tabs: 2,
    consumers: ['keep0', 'drop0'],
    env: ['freeze', 'close'],
    answers: ['ok', '410', '500'],
    advances: ['next', 1_000, 1.5 * I],
    sleeps: [],
  },
  tabsFull: {
    name: 'two tabs, every event',
    tabs: 2,
    consumers: ['keep0', 'keep1', 'keep1bad', 'drop0', 'drop1', 'rotate0'],
    env: [
      'online',
      'visible',
      'ping',
      'end',
      'clear',
      'pagehide',
      'activity',
      'freeze',
      'close',
      'open',
    ],
    answers: ['ok', '410', '401', '500', 'timeout'],
    advances: ['next', 1, 1_000, I / 2, 1.5 * I, 3 * I],
    sleeps: [],
  },
  alone: {
    name: 'two tabs: one keeps it alone (crossTab: false, no locks)',
    tabs: 2,
    consumers: ['keep0', 'keep1solo', 'drop0', 'drop1'],
    env: ['nolocks', 'freeze', 'ping'],
    answers: ['ok', '500'],
    advances: ['next', 1_000, 1.5 * I],
    sleeps: [],
  },
  mixed: {
    name: 'two tabs on different intervals: leading, freezing, closing',
    tabs: 2,
    consumers: ['keep0', 'keep0half', 'drop0'],
    env: ['freeze', 'close'],
    answers: ['ok', '500'],
    advances: ['next', 1_000, I / 2, 1.5 * I],
    sleeps: [],
  },
  bfcache: {
    name: "two tabs: WebKit's back/forward cache",
    tabs: 2,
    consumers: ['keep0', 'drop0'],
    env: ['cache', 'close'],
    answers: ['ok', '410', '500'],
    advances: ['next', 1_000, 1.5 * I],
    sleeps: [],
  },
  moving: {
    name: 'two tabs: options that come to name another endpoint',
    tabs: 2,
    consumers: ['keep0', 'drop0'],
    env: ['move', 'freeze', 'close'],
    answers: ['ok', '410', '500'],
    advances: ['next', 1_000, 1.5 * I],
    sleeps: [],
  },
  napping: {
    name: 'two tabs: the device asleep',
    tabs: 2,
    consumers: ['keep0', 'drop0'],
    env: ['freeze', 'visible'],
    answers: ['ok', '410', '500'],
    advances: ['next', 1_000, 1.5 * I],
    sleeps: [],
    naps: [1.5 * I, DAYS_40],
  },
  three: {
    name: 'three tabs: two followers, one leader freezing',
    tabs: 3,
    consumers: ['keep0', 'drop0'],
    env: ['freeze', 'close'],
    answers: ['ok', '500'],
    advances: ['next', 1_000, 1.5 * I],
    sleeps: [],
  },
} satisfies Record<string, Config>

export type Action =
  | { type: 'consumer'; tab: number; what: ConsumerAction }
  | { type: 'env'; tab: number; what: EnvAction }
  | { type: 'answer'; tab: number; answer: Answer }
  | { type: 'deliver' | 'deliverLock' | 'deliverAnswer' | 'tick' | 'thaw'; tab: number }
  | { type: 'advance'; ms: number | 'next' }
  | { type: 'sleep'; ms: number; device?: boolean }

type Delivery =
  | Extract<EngineEvent, { type: 'lead' | 'lostLead' | 'confirmed' | 'peers' | 'noLocks' }>
  // With the end its sender knew of when it posted (the world's own tag: the engine ignores it).
  | (Extract<EngineEvent, { type: 'message' }> & { end?: number })

export interface Tab {
  readonly engine: EngineState
  readonly slots: readonly (Consumer | null)[]
  /** When the interpreter's one timer fires (clamped as the interpreter clamps it). */
  readonly timerAt: number | null
  /** A keep-alive out: the HTTP layer answers it by its timeout at the latest. */
  readonly request: { id: number; at: number; timeout: number } | null
  readonly pings: number
  /**
   * On their way to this tab: what the lock manager says (grants, losses, answers) and what the
   * other tabs post. Two queues: a browser runs their tasks in either order.
   */
  readonly locks: readonly Delivery[]
  readonly inbox: readonly Delivery[]
  readonly frozen: boolean
  /**
   * In the back/forward cache, and what the browser dropped: the lock the engine was told it
   * holds (`held`), or only a place in line (a grant it never read counts as one).
   */
  readonly cached: 'held' | 'line' | null
  readonly closed: boolean
  /** In line for the lock, or holding it, with the session's channel open. */
  readonly channel: boolean
  // What the checks remember.
  readonly refused: readonly string[]
  /** The last success this tab knows of: its own, or one another tab told it of. */
  readonly lastSuccess: number | null
  readonly firstSend: number | null
  /** Since when the page has been offline / hidden / frozen, in the stretch now running. */
  readonly since: { offline: number | null; hidden: number | null; frozen: number | null }
  /** When the page was last shown after being hidden (its timers ran on whole seconds until then). */
  readonly shownAt: number | null
  /**
   * Stretches over since the last success that lasted a whole interval, by kind: the last time a
   * success may have come and still leave a whole interval of one after it (`null`: none).
   */
  readonly excuse: Record<Cause, number | null>
  /**
   * Since when this tab could send (running, online, a usable token, not frozen), or null; and
   * whether alone (`crossTab: false`, or refused by the lock manager) or with the other tabs.
   */
  readonly keptSince: number | null
  readonly kept: 'alone' | 'shared' | null
  /**
   * This tab's last keep-alive; whether the next keeps the schedule (it succeeded, or failed in a
   * way worth retrying while no component asks for retries); whether anything that may bring the
   * next one forward happened since it went (a ping, a consumer or token change, back online, the
   * lock, the store written from outside).
   */
  readonly ownSend: number | null
  readonly paced: boolean
  readonly nudged: boolean
  /**
   * When this tab chose its last keep-alive: when it asked the lock manager whether the lock was
   * still its own (`asked`: the last question, and for which keep-alive), or when it sent.
   */
  readonly ownFrom: number | null
  readonly asked: { id: number; at: number } | null
  /**
   * A keep-alive the README says goes at once (a ping, back online, a token after a pause, kept
   * again, the lock taken over): due from then (or from the thaw), within the 1 s ceiling.
   */
  readonly owed: { at: number; why: string } | null
  /** When this tab last stole the lock: its first keep-alive waits (STEAL_WAIT). */
  readonly stoleAt: number | null
  /**
   * The ends this tab's app cleared the session after (clearSession; ends are numbered as tabs
   * first see them, 0 for none): it keeps the session again on purpose, whatever tabs knew of
   * those; a later end binds it again.
   */
  readonly clearedAfter: number
  /** The end this tab knows of (seen first, or heard from a tab that knew it); 0 for none. */
  readonly knows: number
  /**
   * The endpoint this tab's options name (its keep-alives go there), and the one its adapter's
   * lock and channel are named by (the line it is in, or was last in).
   */
  readonly endpoint: number
  readonly line: number
}

/**
 * One endpoint (the session's keep-alive URL): the lock and channel named by it, and what the tabs
 * sent there. Two, for tabs whose options come to name another (`move`).
 */
export interface Line {
  readonly lock: { holder: number | null; queue: readonly number[]; releaseAt: number | null }
  /**
   * The last keep-alive any tab that shares the session sent, which tab sent it, and whether that
   * page has closed since. A tab alone sends on its own: the rules between tabs do not bind it.
   */
  readonly lastSend: number | null
  readonly lastSender: number
  readonly senderGone: boolean
  /** Since when some tab has kept the session with a usable token, online, not frozen. */
  readonly window: number
}

export interface World {
  readonly now: number
  readonly tabs: readonly Tab[]
  readonly lines: readonly Line[]
  /** The last keep-alive of any tab, alone or not, to either endpoint. */
  readonly lastAny: number | null
  readonly ranks: number
  /** How many times a tab saw the session end first (not told by another tab). */
  readonly ends: number
  /** How long the device slept in all: a page's clock reads the world's time less this. */
  readonly slept: number
  /** Nothing has happened since the device (or the browser) last woke: a sleep now goes on. */
  readonly woke: boolean
}

/** Events that may bring a tab's next keep-alive forward. */
const NUDGES: readonly EngineEvent['type'][] = [
  'consumers',
  'ping',
  'online',
  'lead',
  'lostLead',
  'external',
  'noLocks',
]

/**
 * One of two tabs that keeps the session on its own: a component asked for it (`crossTab: false`),
 * or the lock manager refused the page.
 */
const alone = (w: World, s: EngineState): boolean =>
  w.tabs.length > 1 && (!s.tabs || !s.settings.crossTab)

/** The newest token of this tab's components that can go out: a header value, never refused. */
function sendable(t: Pick<Tab, 'slots' | 'refused'>): string | undefined {
  let best: Consumer | null = null
  for (const c of t.slots) {
    if (c && isValidToken(c.token) && !t.refused.includes(c.token) && (!best || c.rank > best.rank))
      best = c
  }
  return best?.token
}

/** A tab's components, as the keeper hands them to the engine (by when their token was set). */
const consumersOf = (slots: readonly (Consumer | null)[]): Consumer[] =>
  slots.filter((c): c is Consumer => !!c).sort((x, y) => x.rank - y.rank)

const NO_EXCUSE: Tab['excuse'] = { offline: null, hidden: null, frozen: null }

/** A page that has just loaded: it knows nothing of the session yet. */
const freshTab = (now: number, tabs: TabCount): Tab => ({
  engine: initialState(now, WALL + now, IDLE_SNAPSHOT, tabs > 1),
  slots: [null, null],
  timerAt: null,
  request: null,
  pings: 0,
  locks: [],
  inbox: [],
  frozen: false,
  cached: null,
  closed: false,
  channel: false,
  refused: [],
  lastSuccess: null,
  firstSend: null,
  since: { offline: null, hidden: null, frozen: null },
  shownAt: null,
  excuse: NO_EXCUSE,
  keptSince: null,
  kept: null,
  ownSend: null,
  paced: false,
  nudged: false,
  ownFrom: null,
  asked: null,
  owed: null,
  stoleAt: null,
  clearedAfter: 0,
  knows: 0,
  endpoint: 0,
  line: 0,
})

const LINE: Line = {
  lock: { holder: null, queue: [], releaseAt: null },
  lastSend: null,
  lastSender: -1,
  senderGone: false,
  window: 0,
}

export function createWorld(tabs: TabCount): World {
  const tab = freshTab(0, tabs)
  return {
    now: 0,
    tabs: Array<Tab>(tabs).fill(tab),
    lines: [LINE, LINE],
    lastAny: null,
    ranks: 0,
    ends: 0,
    slept: 0,
    woke: false,
  }
}

/** What can happen next in `w`, from the config's alphabet. */
export function actions(w: World, config: Config): Action[] {
  const out: Action[] = []
  w.tabs.forEach((t, tab) => {
    if (t.closed) {
      // The page is loaded again (a reload, a new tab): a new engine in its place.
      if (config.env.includes('open')) out.push({ type: 'env', tab, what: 'open' })
      return
    }
    if (t.frozen) {
      out.push({ type: 'thaw', tab })
      if (config.env.includes('close')) out.push({ type: 'env', tab, what: 'close' })
      return
    }
    const [a, b] = t.slots
    for (const what of config.consumers) {
      const possible =
        what === 'keep0' || what === 'keep0half' || what === 'keep0once'
          ? !a
          : what === 'drop0' || what === 'rotate0' || what === 'renew0'
            ? !!a
            : what === 'drop1'
              ? !!b
              : !b
      if (possible && (config.pinned?.[what] ?? tab) === tab)
        out.push({ type: 'consumer', tab, what })
    }
    for (const what of config.env) {
      // Refused before the lock is granted: in line, not holding it.
      if (what === 'nolocks' && (!t.channel || w.lines[t.line]!.lock.holder === tab)) continue
      out.push({ type: 'env', tab, what })
    }
    if (t.request && t.engine.flight?.wall != null) {
      for (const answer of config.answers) out.push({ type: 'answer', tab, answer })
    }
    if (t.inbox.length) out.push({ type: 'deliver', tab })
    if (t.locks.length) out.push({ type: 'deliverLock', tab })
    // The lock manager's answer to a question and its news (a grant, a steal) come on two lines
    // of the browser's, in no set order: an answer may overtake the news queued before it.
    if (t.locks.slice(1).some((d) => d.type === 'confirmed')) {
      out.push({ type: 'deliverAnswer', tab })
    }
    if (t.timerAt !== null && t.timerAt <= w.now) out.push({ type: 'tick', tab })
  })
  for (const ms of config.advances) {
    if (ms !== 'next' || nextDue(w) !== null) out.push({ type: 'advance', ms })
  }
  for (const ms of config.sleeps) out.push({ type: 'sleep', ms })
  for (const ms of config.naps ?? []) out.push({ type: 'sleep', ms, device: true })
  return out
}

/** When the next timer, HTTP timeout or lock release is due, if anything is. */
function nextDue(w: World): number | null {
  let at = Math.min(...w.lines.map((l) => l.lock.releaseAt ?? Infinity))
  for (const t of w.tabs) {
    if (t.frozen || t.closed) continue
    if (t.timerAt !== null) at = Math.min(at, t.timerAt)
    if (t.request && t.engine.flight?.wall != null)
      at = Math.min(at, t.request.at + t.request.timeout)
  }
  return at === Infinity ? null : at
}

/** Set to see every step (replaying a counterexample). */
export const debug: { trace: ((line: string) => void) | null } = { trace: null }

export interface Outcome {
  world: World
  violations: string[]
  /** Engine steps the action caused. */
  steps: number
}

/** Applies an action; every guarantee is checked after each engine step it causes. */
export function apply(w: World, action: Action): Outcome {
  const model = new Model(w)
  model.act(action)
  return { world: model.w, violations: model.violations, steps: model.steps }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

// The world's copies, and the engine state each step is handed (copier.ts says why).
const empty = createWorld(1)
const copyWorld = copier(empty)
const copyLine = copier(empty.lines[0]!)
const copyTab = copier(empty.tabs[0]!)
const copyEngine = copier(empty.tabs[0]!.engine)

/** A tab as a step found it: what the checks compare with. */
type Before = Pick<Tab, 'closed' | 'engine' | 'refused' | 'slots'>

class Model {
  w: Mutable<Omit<World, 'tabs' | 'lines'>> & { tabs: Tab[]; lines: Mutable<Line>[] }
  violations: string[] = []
  steps = 0
  private copied: boolean[]

  constructor(w: World) {
    this.w = { ...copyWorld(w), tabs: [...w.tabs], lines: w.lines.map(copyLine) }
    this.copied = w.tabs.map(() => false)
  }

  fail(message: string): void {
    this.violations.push(`${message} (at ${this.w.now} ms)`)
  }

  /** The line tab `i`'s adapter is in (or was last in): the lock and channel it uses. */
  l(i: number): Mutable<Line> {
    return this.w.lines[this.w.tabs[i]!.line]!
  }

  /** Tab `i`, copied once per action so that the world given to `apply` never changes. */
  t(i: number): Mutable<Tab> {
    if (!this.copied[i]) {
      this.w.tabs[i] = copyTab(this.w.tabs[i]!)
      this.copied[i] = true
    }
    return this.w.tabs[i] as Mutable<Tab>
  }

  act(a: Action): void {
    const { w } = this
    // Awake again, and something happens: the stretch asleep ends (a page hidden away stays
    // away, and a tab frozen before stays frozen: their stretches go on, from when they began).
    if (w.woke && a.type !== 'sleep') {
      w.woke = false
      w.tabs.forEach((t, i) => {
        if (!t.closed && !t.frozen && !t.engine.away) this.endStretch(i, 'frozen')
      })
    }
    // A frozen or closed tab does nothing (a replayed path may still name it).
    const tab = 'tab' in a ? w.tabs[a.tab]! : null
    if (
      tab?.closed
        ? !(a.type === 'env' && a.what === 'open')
        : tab?.frozen && a.type !== 'thaw' && !(a.type === 'env' && a.what === 'close')
    ) {
      return
    }
    switch (a.type) {
      case 'consumer':
        return this.consumer(a.tab, a.what)
      case 'env':
        return this.env(a.tab, a.what)
      case 'answer':
        return this.answer(a.tab, a.answer)
      case 'deliver':
        return this.deliver(a.tab)
      case 'deliverLock':
        return this.deliver(a.tab, true)
      case 'deliverAnswer': {
        // The first answer, ahead of the news before it.
        const t = this.t(a.tab)
        const at = t.locks.findIndex((d, i) => i > 0 && d.type === 'confirmed')
        t.locks = [t.locks[at]!, ...t.locks.filter((_, i) => i !== at)]
        return this.deliver(a.tab, true)
      }
      case 'tick':
        return this.step(a.tab, { type: 'timer' })
      case 'thaw': {
        this.endStretch(a.tab, 'frozen')
        const t = this.t(a.tab)
        t.frozen = false
        // Back from the cache: the adapter reads its dropped requests' AbortErrors. A dropped lock
        // is news to the engine (its adapter gets in line again as it reads it); a dropped place
        // the adapter takes again by itself, from a task of its own.
        if (t.cached === 'held') t.locks = [...t.locks, { type: 'lostLead' }]
        else if (t.cached === 'line' && t.channel) {
          const line = this.l(a.tab)
          line.lock = { ...line.lock, queue: [...line.lock.queue, a.tab] }
          this.grant(t.line)
        }
        t.cached = null
        if (t.owed) t.owed = { ...t.owed, at: Math.max(t.owed.at, w.now) }
        // Nobody else kept it meanwhile: the schedule starts again from the thaw.
        if (
          !w.tabs.some(
            (o, j) =>
              j !== a.tab &&
              o.endpoint === t.endpoint &&
              !o.closed &&
              !o.frozen &&
              o.engine.running,
          )
        ) {
          w.lines[t.endpoint]!.window = w.now
        }
        // A page hidden away and frozen comes back with Back: it is shown (pageshow), at once.
        if (t.engine.away) this.step(a.tab, { type: 'resume' })
        // Its overdue timer and what it was told wait: `tick` and `deliver` choose the order.
        return
      }
      case 'advance':
        return this.advance(a.ms)
      case 'sleep': {
        // Nothing runs in any tab: the browser is frozen (or the device asleep) for that long.
        // The stretch goes on until something happens: two sleeps back to back are one.
        const open = w.tabs.flatMap((t, i) => (t.closed ? [] : [i]))
        for (const i of open) {
          const { since } = w.tabs[i]!
          this.t(i).since = { ...since, frozen: since.frozen ?? w.now }
        }
        w.now += a.ms
        w.woke = true
        // (Silences are counted from the wake: the line's, and a tab's alone.)
        for (const line of w.lines) line.window = w.now
        for (const i of open) {
          const t = this.t(i)
          if (t.kept) t.keptSince = w.now
          // The device asleep: every page's timers (the interpreter's, the request's timeout)
          // wait for its clock, which every tab of the device reads, and so does a thief's wait
          // for the robbed tab's last word (that tab slept too). A frozen browser's clock ran on.
          if (a.device) {
            if (t.timerAt !== null) t.timerAt += a.ms
            if (t.request) t.request = { ...t.request, at: t.request.at + a.ms }
            if (t.stoleAt !== null) t.stoleAt += a.ms
            if (t.owed) t.owed = { ...t.owed, at: t.owed.at + a.ms }
          } else if (t.owed) t.owed = { ...t.owed, at: Math.max(t.owed.at, w.now) }
        }
        if (a.device) {
          // So do a delayed release of the lock and the 1 s ceiling since the last keep-alive.
          w.slept += a.ms
          if (w.lastAny !== null) w.lastAny += a.ms
          for (const line of w.lines) {
            const { releaseAt } = line.lock
            if (releaseAt !== null) line.lock = { ...line.lock, releaseAt: releaseAt + a.ms }
          }
        }
        return
      }
    }
  }

  consumer(i: number, what: ConsumerAction): void {
    const t = this.t(i)
    const slots = [...t.slots]
    const options = OPTIONS[this.w.tabs.length > 1 ? 1 : 0]!
    // (A new token keeps the component's options.)
    const put = (slot: number, token: string, kept = options[slot]!) => {
      slots[slot] = { token, rank: ++this.w.ranks, options: kept }
    }
    if (what === 'keep0') put(0, TOKENS[0])
    else if (what === 'keep0half') put(0, TOKENS[0], { ...options[0]!, ...HALF })
    else if (what === 'keep0once') put(0, TOKENS[0], { ...options[0]!, retry: false })
    else if (what === 'keep1') put(1, TOKENS[1])
    else if (what === 'keep1bad') put(1, TOKENS[2])
    else if (what === 'keep1solo') {
      put(1, TOKENS[1])
      slots[1] = { ...slots[1]!, options: { ...options[1]!, crossTab: false } }
    } else if (what === 'drop0') slots[0] = null
    else if (what === 'drop1') slots[1] = null
    else if (what === 'renew0') put(0, `tok-${this.w.ranks + 1}-S3CRET`, slots[0]!.options)
    else put(0, slots[0]!.token === TOKENS[0] ? TOKENS[1] : TOKENS[0], slots[0]!.options)
    if (!t.slots.some(Boolean)) this.retire(i)
    t.slots = slots
    this.step(i, { type: 'consumers', consumers: consumersOf(slots) })
  }

  /**
   * A component comes where none was: the keeper the last one left retired once nothing was out
   * (keeper.ts `reconcile`), and a new one starts from what it left (`Remains`: none once the
   * store forgot the session), told where the page stands.
   */
  retire(i: number): void {
    const t = this.t(i)
    const s = t.engine
    if (s.running || s.flight || s.role !== 'solo') return
    // (As keeper.ts tells it: the store shows the session as never seen.)
    const forgot = s.snap === IDLE_SNAPSHOT
    const { lastStart, firstStart, lastAlive, refused, refusal, ahead } = s
    const now = this.w.now - this.w.slept
    t.engine = initialState(
      now,
      WALL + this.w.now,
      s.snap,
      s.tabs,
      forgot ? undefined : { lastStart, firstStart, lastAlive, refused, refusal, ahead },
    )
    // A session the app cleared is as if never seen, its refused tokens and 1 s ceiling too
    // (the package README's "Memory"): this tab's keep-alives before it bind the next no more.
    // (Between tabs the ceiling holds anyway: a tab lets go of the lock 1 s after its last start.)
    if (forgot) {
      Object.assign(t, { refused: [], ownSend: null, lastSuccess: null, firstSend: null })
      t.excuse = NO_EXCUSE
    }
    this.step(i, { type: 'online', online: s.online })
    this.step(i, { type: 'visible', visible: s.visible })
  }

  env(i: number, what: EnvAction): void {
    const { w } = this
    const t = this.t(i)
    switch (what) {
      case 'online':
        return this.step(i, { type: 'online', online: !t.engine.online })
      case 'visible':
        return this.step(i, { type: 'visible', visible: !t.engine.visible })
      case 'ping':
        t.pings++
        return this.step(i, { type: 'ping' })
      case 'end':
        // endAvatarSession, as it writes the store (the end request then goes out).
        return this.step(i, {
          type: 'external',
          snapshot: patchSnapshot(t.engine.snap, {
            status: 'expired',
            endReason: 'ended',
            error: null,
          }),
        })
      case 'clear':
        t.clearedAfter = w.ends
        return this.step(i, { type: 'external', snapshot: IDLE_SNAPSHOT })
      case 'freeze':
        t.frozen = true
        t.since = { ...t.since, frozen: t.since.frozen ?? w.now }
        return this.checkSchedule()
      case 'cache': {
        // The page is hidden away first (pagehide), then frozen.
        this.step(i, { type: 'pagehide' })
        t.frozen = true
        t.since = { ...t.since, frozen: t.since.frozen ?? w.now }
        // A grant the page never read: the browser takes it back with the rest.
        const read = !t.locks.some((d) => d.type === 'lead')
        t.locks = t.locks.filter((d) => d.type !== 'lead')
        const line = this.l(i)
        const { lock } = line
        const held = lock.holder === i
        t.cached = !t.channel ? null : held && read ? 'held' : 'line'
        line.lock = {
          holder: held ? null : lock.holder,
          queue: lock.queue.filter((q) => q !== i),
          releaseAt: held ? null : lock.releaseAt,
        }
        // Like a page that closes, it may have sent a keep-alive the next leader has not heard of.
        this.gone(i)
        this.checkSchedule()
        return this.grant(t.line)
      }
      case 'close': {
        // The browser releases its locks and drops its requests; the tab runs nothing again.
        Object.assign(t, {
          closed: true,
          frozen: true,
          cached: null,
          request: null,
          inbox: [],
          locks: [],
          channel: false,
        })
        const line = this.l(i)
        const { lock } = line
        const holder = lock.holder === i ? null : lock.holder
        line.lock = {
          holder,
          queue: lock.queue.filter((q) => q !== i),
          releaseAt: holder === null ? null : lock.releaseAt,
        }
        this.gone(i)
        this.checkSchedule()
        return this.grant(t.line)
      }
      case 'open': {
        if (!t.closed) return
        // (The app's options are what they were: the same endpoint.)
        const { endpoint } = t
        Object.assign(t, freshTab(w.now - w.slept, w.tabs.length as TabCount), {
          endpoint,
          line: endpoint,
        })
        return this.checkSchedule()
      }
      case 'nolocks': {
        // The request is refused: out of the line; the adapter tells the engine.
        const line = this.l(i)
        if (!t.channel || line.lock.holder === i) return
        line.lock = { ...line.lock, queue: line.lock.queue.filter((q) => q !== i) }
        return this.send(i, { type: 'noLocks' })
      }
      case 'move': {
        // The app's options come to name the other endpoint (its config loaded after the first
        // render, a region switched): the keeper hands the engine its consumers again, then, when
        // its adapter is in line for the old endpoint's lock, says the lock's name moved.
        t.endpoint = 1 - t.endpoint
        this.step(i, { type: 'consumers', consumers: consumersOf(t.slots) })
        const after = this.w.tabs[i]!
        if (after.channel && after.line !== after.endpoint) this.step(i, { type: 'moved' })
        // On the new endpoint it is a tab that just came: it cannot know what a leader there last
        // did (one frozen since), and gives it 1.5 intervals from now, as a new tab does.
        if (this.w.tabs[i]!.kept) this.t(i).keptSince = this.w.now
        return
      }
      default:
        return this.step(i, { type: what })
    }
  }

  /** Time passes; timers, the lock's delayed release and the HTTP timeouts fire on time, in order. */
  advance(ms: number | 'next'): void {
    const { w } = this
    const end = ms === 'next' ? Math.max(w.now, nextDue(w)!) : w.now + ms
    for (let guard = 0; guard < 200; guard++) {
      this.drain()
      let next = end
      let what: (() => void) | null = null
      w.lines.forEach((line, e) => {
        if (line.lock.releaseAt !== null && line.lock.releaseAt <= next) {
          next = line.lock.releaseAt
          what = () => this.release(e)
        }
      })
      w.tabs.forEach((t, i) => {
        if (t.frozen || t.closed) return
        if (t.request && t.engine.flight?.wall != null) {
          const at = t.request.at + t.request.timeout
          if (at <= next) {
            next = at
            what = () => this.answer(i, 'timeout')
          }
        }
        if (t.timerAt !== null && t.timerAt <= next) {
          next = t.timerAt
          what = () => this.step(i, { type: 'timer' })
        }
      })
      if (!what) break
      w.now = Math.max(w.now, next)
      ;(what as () => void)()
    }
    w.now = end
    this.drain()
    this.checkSchedule()
  }

  /**
   * What is on its way to a running tab arrives before time moves on (a channel is prompt), all
   * of it: a tab thawed after minutes has a long backlog (a cap of 50 once held a lock manager's
   * answer behind it, and the world, not the engine, let 10 s pass).
   */
  drain(): void {
    for (let guard = 0; guard < 10_000; guard++) {
      const i = this.w.tabs.findIndex(
        (t) => !t.frozen && !t.closed && (t.inbox.length || t.locks.length),
      )
      if (i < 0) return
      this.deliver(i, !this.w.tabs[i]!.inbox.length)
    }
    this.fail('tabs that never stop talking')
  }

  deliver(i: number, lock = false): void {
    const t = this.t(i)
    const [event, ...rest] = lock ? t.locks : t.inbox
    if (lock) t.locks = rest
    else t.inbox = rest
    if (!event) return
    // A robbed tab's adapter asks for the lock again as it reads the news.
    const line = this.l(i)
    const { lock: held } = line
    if (event.type === 'lostLead' && t.channel && held.holder !== i && !held.queue.includes(i)) {
      line.lock = { ...held, queue: [...held.queue, i] }
      this.grant(t.line)
    }
    // What another tab tells of the session: its last success, and (before one) an attempt.
    const snapshot = event.type === 'message' ? event.message.snapshot : undefined
    const at = snapshot?.lastAliveAt
    if (at != null && at - WALL > (t.lastSuccess ?? -Infinity)) this.forgive(i, at - WALL)
    if (snapshot?.lastAttemptAt != null) {
      t.firstSend = Math.min(t.firstSend ?? Infinity, snapshot.lastAttemptAt - WALL)
    }
    this.step(i, event)
  }

  answer(i: number, answer: Answer): void {
    const t = this.t(i)
    if (!t.request) return
    const { id } = t.request
    t.request = null
    if (answer === 'ok') {
      this.forgive(i, this.w.now)
    } else if ((answer === '401' || answer === '400') && t.engine.flight) {
      t.refused = [...t.refused, t.engine.flight.token]
    }
    this.step(i, {
      type: 'answered',
      id,
      error: answer === 'ok' ? null : ERRORS[answer],
      random: 0.5,
    })
  }

  release(e: number): void {
    const line = this.w.lines[e]!
    line.lock = { ...line.lock, holder: null, releaseAt: null }
    this.grant(e)
  }

  grant(e: number): void {
    const line = this.w.lines[e]!
    const { lock } = line
    if (lock.holder !== null || !lock.queue.length) return
    const [holder, ...queue] = lock.queue
    line.lock = { holder: holder!, queue, releaseAt: null }
    this.send(holder!, { type: 'lead', stole: false })
  }

  /** The page is gone (closed, hidden away): it may have sent a keep-alive no tab heard of yet. */
  gone(i: number): void {
    for (const line of this.w.lines) if (line.lastSender === i) line.senderGone = true
  }

  send(i: number, event: Delivery): void {
    if (this.w.tabs[i]!.closed) return
    const t = this.t(i)
    if (event.type === 'message') t.inbox = [...t.inbox, event]
    else t.locks = [...t.locks, event]
  }

  /**
   * A success at `at`, this tab's own (now) or one another tab tells of (any time before): what
   * silence there was, was before it. A stretch still going on counts from it; one over excuses
   * only if a whole interval of it came after it.
   */
  forgive(i: number, at: number): void {
    const t = this.t(i)
    t.lastSuccess = at
    const since = { ...t.since }
    const excuse = { ...t.excuse }
    for (const kind of CAUSES) {
      if (since[kind] !== null) since[kind] = Math.max(since[kind], at)
      if (excuse[kind] !== null && at > excuse[kind]) excuse[kind] = null
    }
    t.since = since
    t.excuse = excuse
  }

  /**
   * Ends a stretch, or with `again` cuts it where the tab's interval changes and goes on from now:
   * a stretch is judged by the interval in force through it.
   */
  endStretch(i: number, kind: Cause, again = false): void {
    const t = this.t(i)
    const from = t.since[kind]
    if (from === null) return
    // (A whole interval of this tab's: a tab on a shorter one is late sooner.)
    const { interval } = t.engine.settings
    if (this.w.now - from >= interval) t.excuse = { ...t.excuse, [kind]: this.w.now - interval }
    t.since = { ...t.since, [kind]: again ? this.w.now : null }
  }

  /** One engine step as the interpreter runs it, with every guarantee checked. */
  step(i: number, event: EngineEvent): void {
    // What the checks read of the tab as it was: fields the step replaces, never changes in place
    // (a copy of the whole tab cost about 8 % of a model checker run).
    const tab = this.w.tabs[i]!
    const before: Before = {
      closed: tab.closed,
      engine: tab.engine,
      refused: tab.refused,
      slots: tab.slots,
    }
    if (before.closed) return
    const { now } = this.w
    const t = this.t(i)
    if (event.type === 'online' && event.online !== before.engine.online) {
      if (event.online) this.endStretch(i, 'offline')
      else t.since = { ...t.since, offline: now }
    }
    if (event.type === 'visible' && event.visible !== before.engine.visible) {
      if (event.visible) {
        this.endStretch(i, 'hidden')
        t.shownAt = now
      } else t.since = { ...t.since, hidden: now }
    }
    if (NUDGES.includes(event.type)) t.nudged = true
    if (event.type === 'answered' && before.engine.flight?.id === event.id) {
      t.paced = !event.error || (event.error.retryable && !before.engine.settings.retry)
      // What came during the keep-alive, that one's answer serves: a success is news enough.
      if (!event.error) t.nudged = false
      t.owed = null
    }
    // (The page's clock: the world's, less what the device slept.)
    const clock = now - this.w.slept
    const [engine, effects] = step(copyEngine(before.engine), event, clock, WALL + now)
    // A page hidden away is in the back/forward cache (frozen) until it is shown again; it lets go
    // of its lock at once, as a page that closes: the next tab may not have heard of its last
    // keep-alive yet.
    if (engine.away !== before.engine.away) {
      if (engine.away) {
        t.since = { ...t.since, frozen: t.since.frozen ?? now }
        this.gone(i)
      } else if (!t.frozen) this.endStretch(i, 'frozen')
    }
    if (engine.settings.interval !== before.engine.settings.interval) {
      for (const kind of CAUSES) this.endStretch(i, kind, true)
    }
    this.steps++
    debug.trace?.(
      `${now} tab ${i} ${JSON.stringify(event).slice(0, 160)} → ${engine.snap.status} ${engine.snap.isAlive} ${engine.role} first=${engine.firstStart} heard=${engine.heardAt} last=${engine.lastStart} ${JSON.stringify(engine.next)} ${JSON.stringify(effects)}`,
    )
    const deadline = nextDeadline(engine)
    if (deadline !== null && Number.isNaN(deadline)) this.fail('a deadline that is not a number')
    const delay =
      deadline === null
        ? null
        : Math.min(Math.max(Math.ceil(deadline - clock), 1), engine.settings.interval * 2)
    if (delay !== null && !(delay >= 1 && delay <= MAX_TIMER_DELAY))
      this.fail(`a timer of ${delay} ms`)
    t.engine = engine
    // A hidden page's timers run late: on whole seconds of its clock (Chrome), or 1 s after they
    // were set at the least (Firefox).
    t.timerAt =
      delay === null
        ? null
        : engine.visible
          ? now + delay
          : FIREFOX
            ? now + Math.max(delay, MIN_KEEP_ALIVE_GAP) + FIREFOX_LATE
            : wholeSecond(now + delay, this.w.slept)
    // A new leader: the others give it 1.5 intervals (from its word) before they take over. A
    // robbed leader's word of it is the robbery: the thief may freeze before it reads its own.
    if (
      (event.type === 'lead' && engine.role === 'lead') ||
      (event.type === 'lostLead' && before.engine.role === 'lead' && engine.role === 'follow')
    )
      this.l(i).window = Math.max(this.l(i).window, now)
    // The end this tab now knows of: a new one when it saw it first, else the one it was told.
    if (isTerminalStatus(engine.snap.status) && !isTerminalStatus(before.engine.snap.status)) {
      t.knows =
        event.type === 'message' ? ((event as Delivery & { end?: number }).end ?? 0) : ++this.w.ends
    }
    for (const effect of effects) this.perform(i, effect, before)
    this.owe(i, before, event)
    this.check(i, before, event, effects)
  }

  /** What this step makes due at once, by the README's word. */
  owe(i: number, before: Before, event: EngineEvent): void {
    const t = this.t(i)
    const { now } = this.w
    const why =
      event.type === 'ping' && t.pings > 0
        ? 'ping()'
        : event.type === 'online' && event.online && !before.engine.online
          ? 'back online'
          : event.type === 'consumers' &&
              sendable(t) !== undefined &&
              (!before.engine.running || sendable(before) === undefined)
            ? before.engine.running
              ? 'a token after a pause'
              : 'kept again'
            : event.type === 'answered' &&
                t.refused.length > before.refused.length &&
                sendable(t) !== undefined
              ? "another component's token after a refusal"
              : event.type === 'lead' && t.engine.role === 'lead'
                ? event.stole
                  ? 'a takeover'
                  : 'the lock'
                : null
    // A takeover waits (STEAL_WAIT) for the robbed tab's last word and a second thief to settle,
    // even if the lock changed hands again meanwhile, or the tab let go of it (and keeps the
    // session alone): the steal counts as a start, for the 1 s ceiling.
    if (event.type === 'lead' && event.stole) t.stoleAt = now
    const settled = t.stoleAt === null ? now : Math.max(now, t.stoleAt + STEAL_WAIT)
    if (why && !t.owed) t.owed = { at: settled, why }
    // (What was owed before the steal waits for it too: a grant read just before the tab's own steal.)
    else if (t.owed && t.owed.at < settled) t.owed = { ...t.owed, at: settled }
  }

  perform(i: number, effect: EngineEffect, before: Before): void {
    const { w } = this
    const { now } = w
    const t = this.t(i)
    switch (effect.type) {
      case 'send': {
        if (t.request) this.fail('two keep-alives in flight')
        if (t.engine.away) this.fail('a keep-alive from a page hidden away')
        if (isTerminalStatus(t.engine.snap.status))
          this.fail('a keep-alive after the session ended')
        if (!isValidToken(effect.token)) this.fail('a token that is not a header value went out')
        if (t.refused.includes(effect.token)) this.fail('a refused token went out again')
        if (effect.token !== usableToken(before.engine) && effect.token !== usableToken(t.engine)) {
          this.fail('a keep-alive with a token other than the newest usable one')
        }
        if (t.ownSend !== null && now - t.ownSend < MIN_KEEP_ALIVE_GAP) {
          this.fail(`keep-alives ${now - t.ownSend} ms apart from one tab`)
        }
        // Across tabs too (to one endpoint; one tab's own are checked above), but for a tab that
        // closed before this one heard of its keep-alive (as a page reloaded at once), and for a
        // tab alone.
        const shared = !alone(w, t.engine)
        const line = w.lines[t.endpoint]!
        const { lastSend } = line
        const known = (before.engine.snap.lastAttemptAt ?? -Infinity) - WALL
        const unheard = line.senderGone && known < lastSend!
        if (
          w.tabs.length > 1 &&
          shared &&
          lastSend !== null &&
          now - lastSend < MIN_KEEP_ALIVE_GAP &&
          !unheard
        ) {
          this.fail(`keep-alives ${now - lastSend} ms apart`)
        }
        // One sender: not within an interval of another tab's keep-alive while that tab still
        // leads there and runs (a tab frozen, closed, no longer leading, or leading the lock of
        // another endpoint, has handed over).
        const other = line.lastSender === i || line.senderGone ? undefined : w.tabs[line.lastSender]
        if (
          shared &&
          other &&
          !other.frozen &&
          other.line === t.endpoint &&
          other.engine.role === 'lead' &&
          other.engine.running &&
          now - lastSend! < other.engine.settings.interval
        ) {
          this.fail(`two tabs sending, ${now - lastSend!} ms apart`)
        }
        // Ended everywhere: none sends while a tab that saw the session end could tell it (it
        // runs, in line for the lock or holding it: not frozen, closed or hidden away, and has
        // read what came to it, a hello perhaps), unless what it was told is on its way. Not an
        // end this tab's app cleared the session after: it keeps the session again on purpose.
        if (
          shared &&
          !t.inbox.length &&
          w.tabs.some(
            (o, j) =>
              j !== i &&
              o.knows > t.clearedAfter &&
              o.channel &&
              o.line === t.endpoint &&
              !o.inbox.length &&
              !o.frozen &&
              !o.engine.away &&
              isTerminalStatus(o.engine.snap.status),
          )
        ) {
          this.fail('a keep-alive while another tab that saw the end could tell it')
        }
        // No sooner than the schedule after a success (or a failure, with retries off), unless
        // something brought it forward (a ping, a token, back online, a takeover, a failure
        // retried): 0.9 of an interval in a hidden page.
        // Counted between the moments the tab chose them: a leader sends once it has read the lock
        // manager's answer, which a busy page reads late, later one time than the next.
        const from = t.asked?.id === effect.id ? t.asked.at : now
        const gap = t.ownFrom === null ? Infinity : from - t.ownFrom
        if (t.paced && !t.nudged && gap < 0.9 * t.engine.settings.interval) {
          this.fail(
            `a keep-alive chosen ${gap} ms after the last one, with nothing to bring it forward`,
          )
        }
        t.ownSend = now
        t.ownFrom = from
        t.asked = null
        t.paced = false
        t.nudged = false
        t.owed = null
        t.request = { id: effect.id, at: now, timeout: t.engine.settings.timeout }
        t.firstSend ??= now
        w.lastAny = now
        if (shared) {
          line.lastSend = now
          line.lastSender = i
          line.senderGone = false
        }
        return
      }
      case 'abort':
        if (t.request?.id === effect.id) t.request = null
        return
      case 'settle':
        t.pings = 0
        return
      case 'post': {
        if (quotesToken(effect.message)) this.fail('a token in a tab message')
        // What the other tabs' adapters read of it (leader.ts): a copy, through the reader that
        // leaves out what this version does not send. It must lose nothing this version sends.
        const message = readTabMessage(effect.message)
        if (!message || !sameFields(effect.message, message))
          this.fail(`a tab message the reader changes: ${JSON.stringify(effect.message)}`)
        // A BroadcastChannel reaches the other tabs that have it open (by its name: one endpoint).
        w.tabs.forEach((other, j) => {
          if (message && j !== i && other.channel && other.line === t.line) {
            this.send(j, { type: 'message', message, end: t.knows })
          }
        })
        return
      }
      case 'lock':
        if (t.channel) this.fail('in line for the lock twice')
        t.channel = true
        // Named by the endpoint the options name as the adapter opens.
        t.line = t.endpoint
        {
          const line = this.l(i)
          line.lock = { ...line.lock, queue: [...line.lock.queue, i] }
        }
        // The adapter opens the channel, gets in line and says hello.
        w.tabs.forEach((other, j) => {
          if (j !== i && other.channel && other.line === t.line)
            this.send(j, { type: 'message', message: { hello: true } })
        })
        return this.grant(t.line)
      case 'unlock': {
        if (!t.channel) this.fail('let go of a lock it never asked for')
        // The adapter is gone: nothing of it reaches the engine any more.
        t.channel = false
        t.inbox = []
        t.locks = []
        const line = this.l(i)
        const { lock } = line
        const queue = lock.queue.filter((q) => q !== i)
        // (A hold let go with a delay is an earlier adapter's, a keeper's that retired: it goes
        // at its time, whatever this one does.)
        if (lock.holder !== i || lock.releaseAt !== null) line.lock = { ...lock, queue }
        else if (effect.after > 0) line.lock = { holder: i, queue, releaseAt: now + effect.after }
        else {
          line.lock = { holder: null, queue, releaseAt: null }
          this.grant(t.line)
        }
        return
      }
      case 'steal': {
        const line = this.l(i)
        const { lock } = line
        // The robbed tab hears it lost the lock; its adapter gets in line again when its page
        // reads that (a frozen tab is in nobody's way meanwhile).
        if (lock.holder !== null && lock.holder !== i) this.send(lock.holder, { type: 'lostLead' })
        line.lock = { holder: i, queue: lock.queue.filter((q) => q !== i), releaseAt: null }
        this.send(i, { type: 'lead', stole: true })
        return
      }
      case 'confirm':
      case 'countPeers': {
        // The lock manager answers at once, with what it holds then; the page reads the answer
        // later (after a task, or a freeze), when the lock may have changed hands.
        if (effect.type === 'confirm') t.asked = { id: effect.id, at: now }
        const { lock } = this.l(i)
        return this.send(
          i,
          effect.type === 'confirm'
            ? {
                type: 'confirmed',
                id: effect.id,
                held: lock.holder === i,
                alone: !lock.queue.some((q) => q !== i),
              }
            : { type: 'peers', count: lock.queue.filter((q) => q !== i).length },
        )
      }
      case 'end':
      case 'watch':
        return
    }
  }

  /** The guarantees, after one step of tab `i`. */
  check(i: number, before: Before, event: EngineEvent, effects: EngineEffect[]): void {
    const t = this.w.tabs[i]!
    const s = t.engine
    const { now } = this.w
    const { status } = s.snap
    const interval = s.settings.interval
    const was = before.engine.snap.status
    // Ended is ended: nothing moves a session out of it but clearSession.
    if (
      isTerminalStatus(was) &&
      !isTerminalStatus(status) &&
      !(event.type === 'external' && event.snapshot === IDLE_SNAPSHOT)
    ) {
      this.fail(`left ${was} for ${status}`)
    }
    if (isTerminalStatus(status) && effects.some((e) => e.type === 'send')) {
      this.fail('a keep-alive in the step that ended the session')
    }
    // Nothing keeps it: nothing shows it kept. No token can go out: the pause shows.
    if (['connecting', 'alive', 'degraded', 'offline'].includes(status)) {
      if (!s.consumers.length) this.fail(`${status} with nothing keeping the session`)
      else if (s.running && sendable(t) === undefined)
        this.fail(`${status} with no token that can go out`)
    }
    // A keep-alive waiting for the lock manager has its question on the way.
    if (s.flight?.wall === null && !t.locks.some((d) => d.type === 'confirmed')) {
      this.fail('a keep-alive waiting for a lock manager that was never asked')
    }
    // ping() settles: at once when nothing can be sent, else with a keep-alive's outcome.
    if (t.pings > 0) {
      const canSend =
        s.running && s.online && !s.away && usableToken(s) !== undefined && s.role !== 'follow'
      if (!canSend && !(s.flight && s.online))
        this.fail(`a ping() left waiting (${status}, ${s.role})`)
      if (!s.pinged) this.fail('a ping() the engine forgot')
    }
    // isAlive agrees with the last success this tab knows of (the first attempt, before one):
    // judged again whenever time moves it.
    const known = t.lastSuccess ?? t.firstSend
    if (s.snap.isAlive) {
      if (!isAliveStatus(status)) this.fail(`isAlive while ${status}`)
      const aged = event.type === 'timer' || event.type === 'resume' || event.type === 'consumers'
      if (aged && s.running && (known === null || now - known >= 3 * interval)) {
        this.fail(
          `isAlive ${known === null ? 'before any keep-alive' : `${now - known} ms after the last success`}`,
        )
      }
    }
    // And the other way: a tab in charge counts a success less than 3 intervals old, whichever tab
    // saw it. (A follower shows its leader's word, judged by the leader's interval.)
    else if (
      s.running &&
      s.role !== 'follow' &&
      isAliveStatus(status) &&
      t.lastSuccess !== null &&
      now - t.lastSuccess < 3 * interval
    ) {
      this.fail(`not isAlive (${status}) ${now - t.lastSuccess} ms after the last success`)
    }
    // End reasons tell the truth: `missed` only after a whole interval offline, hidden or frozen
    // since the last success; never after a ping() or a pause the page chose.
    // (Judged where it was decided: on this tab's own answer; other tabs repeat it.)
    if (event.type === 'answered' && s.snap.endReason === 'missed') {
      const { cause } = s.snap.missed!
      const long = (kind: Cause) =>
        t.excuse[kind] !== null || (t.since[kind] !== null && now - t.since[kind]! >= interval)
      // A frozen page that was hidden is blamed on either.
      const truthful = cause === 'offline' ? long('offline') : long('frozen') || long('hidden')
      if (!truthful) this.fail(`missed (${cause}) with no interval ${cause} since the last success`)
    }
    this.checkSchedule()
  }

  /**
   * What goes at once goes within the 1 s ceiling (from the last keep-alive of any tab), while
   * this tab may send: it runs, online, leads or is alone, with a token that can go out.
   */
  atOnce(i: number): void {
    const t = this.w.tabs[i]!
    if (!t.owed || t.frozen) return
    const s = t.engine
    if (
      t.closed ||
      !s.running ||
      !s.online ||
      s.away ||
      s.role === 'follow' ||
      sendable(t) === undefined
    ) {
      this.t(i).owed = null
      return
    }
    // Started: sent, or asking the lock manager first (its answer comes before time moves on).
    if (t.request || s.flight) return
    // From the last keep-alive of any tab: one sent alone is told of once its tab shares again,
    // and a tab that goes alone keeps the ceiling of what it was told before; a tab whose options
    // came to name another endpoint, the ceiling of the last keep-alive to the old one.
    const at = Math.max(t.owed.at, (this.w.lastAny ?? -Infinity) + MIN_KEEP_ALIVE_GAP)
    // (A hidden page's timer fires late.)
    const due = s.visible
      ? at
      : FIREFOX
        ? at + HIDDEN_LATE
        : wholeSecond(at + ROUNDING, this.w.slept)
    if (this.w.now > due + 1 + ROUNDING) {
      this.fail(`nothing sent ${this.w.now - t.owed.at} ms after ${t.owed.why}`)
      this.t(i).owed = null
    }
  }

  /**
   * No silent stall: while some tab keeps the session (running, online, with a usable token, not
   * frozen), a keep-alive starts within one interval (two with tabs: a leader that went silent is
   * replaced after 1.5, or the interval and 1.75 s below 3.5 s). A tab alone keeps its own schedule.
   */
  checkSchedule(): void {
    const { w } = this
    const shared = w.tabs.filter((t, i) => {
      const can =
        !t.closed &&
        !t.frozen &&
        !t.engine.away &&
        t.engine.running &&
        t.engine.online &&
        usableToken(t.engine) !== undefined
      const kept = can ? (alone(w, t.engine) ? 'alone' : 'shared') : null
      if (kept !== t.kept) Object.assign(this.t(i), { kept, keptSince: kept && w.now })
      this.atOnce(i)
      if (kept === 'alone') {
        const own = this.w.tabs[i]!
        const silent = w.now - Math.max(own.ownSend ?? -Infinity, own.keptSince!)
        const allowed = I + (hiddenSince(own, w.now - silent) ? HIDDEN_SLACK : 0)
        if (silent > allowed + 1 + ROUNDING) {
          this.fail(`no keep-alive for ${silent} ms in a tab alone`)
        }
      }
      return kept === 'shared'
    })
    // Each endpoint's session, by the tabs whose options name it.
    w.lines.forEach((line, e) => {
      const keeping = shared.filter((t) => t.endpoint === e)
      if (!keeping.length) {
        line.window = w.now
        return
      }
      // A tab that came later cannot know what a silent leader last did: counted from its start.
      let started = w.now
      for (const t of keeping) started = Math.min(started, t.keptSince ?? w.now)
      const since = Math.max(
        line.lastSend ?? -Infinity,
        line.window,
        w.tabs.length > 1 ? started : -Infinity,
      )
      const hidden = keeping.some((t) => hiddenSince(t, since))
      const allowed =
        w.tabs.length > 1 ? 2 * I + (hidden ? TAKEOVER_SLACK : 0) : I + (hidden ? HIDDEN_SLACK : 0)
      if (w.now - since > allowed + 1 + ROUNDING) {
        this.fail(`no keep-alive for ${w.now - since} ms${e ? ' to the other endpoint' : ''}`)
      }
    })
  }
}

/** Whether any key or text in `value`, at any level, holds a part of the world's tokens. */
function quotesToken(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('S3CRET')
  if (typeof value !== 'object' || value === null) return false
  for (const key in value) {
    if (key.includes('S3CRET') || quotesToken((value as Record<string, unknown>)[key])) return true
  }
  return false
}

/** Whether `read` has every field `sent` has (but those undefined), at every level. */
function sameFields(sent: unknown, read: unknown): boolean {
  if (typeof sent !== 'object' || sent === null) return sent === read
  if (typeof read !== 'object' || read === null) return false
  for (const key in sent) {
    const value = (sent as Record<string, unknown>)[key]
    if (value !== undefined && !sameFields(value, (read as Record<string, unknown>)[key]))
      return false
  }
  return true
}

/**
 * The first whole second of the pages' clock from `at` (on the world's): a hidden page's timer
 * fires there in Chrome. The pages' clock stood still while the device slept.
 */
const wholeSecond = (at: number, slept: number): number =>
  Math.ceil((at - slept) / 1_000) * 1_000 + slept

/** Whether the page was hidden at any time since `from`. */
const hiddenSince = (t: Tab, from: number): boolean =>
  !t.engine.visible || (t.shownAt !== null && t.shownAt > from)

// ---- canonical form: two worlds no rule can tell apart are one state ----

/** Feeds numbers into two 32-bit FNV-style hashes: 52 bits, enough for millions of states. */
class Hash {
  a = 0x811c9dc5
  b = 0x9747b28c
  n(value: number): this {
    this.a = Math.imul(this.a ^ value, 0x01000193)
    this.b = Math.imul(this.b ^ value, 0x5bd1e995) ^ (this.b >>> 13)
    return this
  }
  /** A time relative to now, cut off where no rule looks further back or ahead. */
  t(time: number | null, now: number, far = 5 * I): this {
    return this.n(time === null ? 0x3fff0001 : Math.max(-far, Math.min(far, time - now)))
  }
  /** A time on the wall's clock (a snapshot's, a message's), relative to now on the world's. */
  wall(time: number | null | undefined, now: number): this {
    return this.t(time == null ? null : time - WALL, now)
  }
  s(text: string | null | undefined): this {
    return this.n(text == null ? 0x3fff0002 : (CODES[text] ??= Object.keys(CODES).length + 1))
  }
  value(): number {
    return (this.a >>> 0) * 0x100000 + ((this.b >>> 0) & 0xfffff)
  }
}
const CODES: Record<string, number> = {}

/** A snapshot, its times on the wall's clock. */
function hashSnapshot(h: Hash, snap: WireSnapshot | AvatarSessionSnapshot, wallNow: number): void {
  h.s(snap.status)
    .n(+snap.isAlive)
    .wall(snap.lastAliveAt, wallNow)
    .wall(snap.lastAttemptAt, wallNow)
    .wall(snap.endsAt, wallNow)
    .n(Math.min(snap.consecutiveFailures, 3))
    .s(snap.error?.kind)
    .s(snap.endReason)
    .s(snap.missed?.cause)
}

/** The engine's times are on the page's clock (`now` less what the device slept), its snapshot's on the wall's. */
function hashEngine(h: Hash, s: EngineState, wallNow: number, slept: number): void {
  const { snap } = s
  const now = wallNow - slept
  for (const c of s.consumers)
    h.s(c.token)
      .n(
        +!!c.options.endOnPageHide |
          (+(c.options.crossTab === false) << 1) |
          (+(c.options.retry === false) << 2),
      )
      .n(c.options.interval)
  h.n(s.consumers.length).n(+s.tabs)
  h.n(+s.online | (+s.visible << 1) | (+s.running << 2) | (+s.pinged << 3) | (+s.away << 4))
  hashSnapshot(h, snap, wallNow)
  for (const token of s.refused) h.s(token)
  h.n(s.refused.length).s(s.refusal?.kind)
  h.s(s.next.why)
  if (s.next.why === 'retry') h.t(s.next.at, now)
  if (s.next.why === 'asap') h.s(s.next.cause)
  if (s.flight)
    // (Its start on the wall's clock becomes the snapshot's lastAttemptAt.)
    h.wall(s.flight.wall, wallNow).t(s.flight.at, now).s(s.flight.token)
  else h.n(0)
  // (The lag is read only from the last start: the schedule counts from their difference.)
  h.t(s.lastStart, now, 3 * I)
    .t(s.lastStart === null ? null : s.lastStart - s.lag, now, 3 * I)
    .t(s.firstStart, now, 3 * I)
    .t(s.lastAlive, now, 3 * I)
  h.s(s.blame?.cause)
    .t(s.blame?.by ?? null, now, 3 * I)
    .t(s.seen, now, 2 * I)
    // What the device slept since the engine's last step (its wall clock ran ahead by the rest).
    .t(s.ahead - WALL, slept, 5 * I)
    .s(s.role)
    .t(s.heardAt, now, 1.5 * I)
    .t(s.lastCall, now, MIN_KEEP_ALIVE_GAP + 1)
    .n(+(s.lastCall !== null && s.calledAgain))
    .n(s.peers)
  h.t(s.toldSeen, now, 1_000)
    .t(s.toldActive, now, 1_000)
    .t(s.lastActive, now)
    .t(s.hiddenSince, now, 2 * I)
}

function hashTab(h: Hash, t: Tab, now: number, slept: number, end: (n: number) => number): void {
  if (t.closed) {
    h.n(0x3fff0003)
    return
  }
  hashEngine(h, t.engine, now, slept)
  for (const c of t.slots) h.s(c?.token)
  h.t(t.timerAt, now)
  if (t.request) h.t(t.request.at, now).n(t.engine.flight?.id === t.request.id ? 1 : 2)
  else h.n(0)
  h.n(+(t.pings > 0) | (+t.frozen << 1) | (+t.channel << 2)).s(t.cached)
  for (const d of [...t.locks, ...t.inbox]) {
    h.s(d.type)
    if (d.type === 'message') {
      const m = d.message
      h.n(+!!m.leader | (+!!m.hello << 1) | (+!!m.active << 2) | (+!!m.seen << 3))
        .wall(m.led, now)
        .n(end(d.end ?? 0))
      // (The tab that reads it takes the snapshot as its own.)
      if (m.snapshot) hashSnapshot(h, m.snapshot, now)
      else h.n(0)
    }
    if (d.type === 'lead') h.n(+d.stole)
  }
  h.n(t.inbox.length).n(t.locks.length)
  for (const token of t.refused) h.s(token)
  h.n(t.refused.length)
  h.t(t.lastSuccess, now, 3 * I).t(t.firstSend, now, 3 * I)
  h.t(t.since.offline, now, I).t(t.since.hidden, now, I).t(t.since.frozen, now, I)
  // (Read only where hidden pages may send later than the interval: below 10 s.)
  if (HIDDEN_SLACK > 0) h.t(t.shownAt, now, 2 * I + 3_000)
  for (const kind of CAUSES) h.t(t.excuse[kind], now, 3 * I)
  h.t(t.keptSince, now, 2 * I + 2).s(t.kept)
  h.t(t.ownSend, now, I).n(+t.paced | (+t.nudged << 1))
  h.t(t.ownFrom, now, I)
    .t(t.asked?.at ?? null, now, STEAL_WAIT + 1)
    .n(t.asked ? (t.asked.id === t.engine.flight?.id ? 1 : 2) : 0)
  h.t(t.owed?.at ?? null, now, 2_000).t(t.stoleAt, now, STEAL_WAIT + 1)
  h.n(end(t.knows))
    .n(end(t.clearedAfter))
    .n(t.endpoint | (t.line << 1))
}

const countBelow = (values: readonly number[], limit: number): number => {
  let count = 0
  for (const value of values) if (value < limit) count++
  return count
}

/**
 * A 52-bit hash of the world, times relative to now, cut off where no rule looks further: two
 * worlds with one hash are one state, whatever `config`'s actions come next
 * (engine.model.canonical.test.ts checks it).
 */
export function hashWorld(w: World, config: Pick<Config, 'env'>): number {
  const h = new Hash()
  const { now } = w
  // Ends by their order only (no rule reads their numbers): the ends tabs know or are told of;
  // an app cleared the session after the last of them it had seen (a later one binds it again).
  const ends = [0]
  const known = (n: number) => void (ends.includes(n) || ends.push(n))
  for (const t of w.tabs) {
    // (A closed tab's are gone with it.)
    if (!t.closed) known(t.knows)
    for (const d of t.inbox) if (d.type === 'message') known(d.end ?? 0)
  }
  const end = (n: number) => countBelow(ends, n + 1)
  for (const t of w.tabs) hashTab(h, t, now, w.slept, end)
  for (const { lock, ...line } of w.lines) {
    h.n(lock.holder ?? -1)
    for (const q of lock.queue) h.n(q)
    h.n(lock.queue.length).t(lock.releaseAt, now)
    h.t(line.lastSend, now, 2 * I + 2)
      .n(line.lastSender)
      .n(+line.senderGone)
      .t(line.window, now, 2 * I + 2)
  }
  h.t(w.lastAny, now, MIN_KEEP_ALIVE_GAP + 1).n(+w.woke)
  // What is due, in the order it comes: the cut-off above makes overdue timers (a page frozen for
  // days) alike, but they still run in that order.
  const due: number[] = []
  for (const t of w.tabs) {
    if (t.closed) continue
    due.push(t.timerAt ?? Infinity)
    due.push(
      t.request && t.engine.flight?.wall != null ? t.request.at + t.request.timeout : Infinity,
    )
  }
  for (const line of w.lines) due.push(line.lock.releaseAt ?? Infinity)
  for (const at of due) h.n(countBelow(due, at))
  // Where a page may be hidden, the time within the second: a hidden page's timers fire on the
  // next whole one (two worlds a few ms apart, hidden, send up to a second apart).
  if (!FIREFOX && config.env.includes('visible')) h.n((now - w.slept) % 1_000)
  return h.value()
}
