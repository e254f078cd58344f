// One sender per session across the tabs of a browser: the tab holding the session's Web Lock
// leads (sends); the others follow, mirror what it tells them, and take over when it goes silent.
import {
  AvatarKeepAliveError,
  ERROR_KINDS,
  MAX_TIMER_DELAY,
  type AvatarKeepAliveErrorKind,
} from '../error'
import { MIN_KEEP_ALIVE_GAP } from '../schedule'
import { AVATAR_SESSION_STATUSES, END_REASONS, isTerminalStatus } from '../status'
import type { AvatarSessionSnapshot } from '../store'
import type { EngineEffect } from './events'
import { show } from './health'
import type { Ctx } from './step'
import { CAUSES, isKept, usableToken, type Draft, type EngineState, type Ms } from './state'

/** A snapshot as it crosses tabs: no error text (the server's may quote a token), no token. */
export type WireSnapshot = Omit<AvatarSessionSnapshot, 'error'> & {
  error: {
    kind: AvatarKeepAliveErrorKind
    httpStatus: number | null
    retryAfter: number | null
  } | null
}

/** What tabs keeping one session tell each other. Never a token, nor any part of one. */
export interface TabMessage {
  /** The sender's state: from the leader on every change, from any tab when the session ends. */
  snapshot?: WireSnapshot
  /** The sender sends the keep-alives. */
  leader?: boolean
  /** The sender has just started to follow, or to lead, and asks who listens. */
  hello?: boolean
  /** The sender took the lock then (epoch ms): a new leader, about to send. */
  led?: number
  /** The sender's page is visible. */
  seen?: boolean
  /** The user was active in the sender's page. */
  active?: boolean
}

/** Reads one field: its value if it is of the right type, else `undefined`. */
type Reader = (value: unknown) => unknown

const when =
  (test: (value: unknown) => boolean): Reader =>
  (value) =>
    test(value) ? value : undefined
const oneOf = (list: readonly unknown[]): Reader => when((value) => list.includes(value))
const orNull =
  (read: Reader): Reader =>
  (value) =>
    value === null ? null : read(value)

/**
 * `data`'s fields that `shape` names, each read by its reader; the others are left out. With
 * `whole`, `undefined` unless every field reads (a snapshot is all there, or it is not one).
 */
function readFields(shape: Record<string, Reader>, data: unknown, whole: boolean) {
  if (typeof data !== 'object' || data === null) return undefined
  const read: Record<string, unknown> = {}
  for (const key in shape) {
    const value = shape[key]!((data as Record<string, unknown>)[key])
    if (value !== undefined) read[key] = value
    else if (whole) return undefined
  }
  return read
}

const whole =
  (shape: Record<string, Reader>): Reader =>
  (value) =>
    readFields(shape, value, true)

// Built by one call marked pure, so that a bundle without cross-tab code (the badge's) keeps none.
const MESSAGE = /* @__PURE__ */ messageShape()

function messageShape(): Record<keyof TabMessage, Reader> {
  const flag = when((value) => typeof value === 'boolean')
  // What this version sends: a time a Date holds, an HTTP status, a wait a timer honours.
  const within = (min: number, max: number): Reader =>
    when((value) => typeof value === 'number' && value >= min && value <= max)
  const time = within(-8.64e15, 8.64e15)
  const count = when((value) => Number.isSafeInteger(value) && (value as number) >= 0)
  const snapshot: Record<keyof WireSnapshot, Reader> = {
    status: oneOf(AVATAR_SESSION_STATUSES),
    isAlive: flag,
    lastAliveAt: orNull(time),
    lastAttemptAt: orNull(time),
    consecutiveFailures: count,
    error: orNull(
      whole({
        kind: oneOf(ERROR_KINDS),
        httpStatus: orNull(within(100, 599)),
        retryAfter: orNull(within(0, MAX_TIMER_DELAY)),
      }),
    ),
    endReason: orNull(oneOf(END_REASONS)),
    missed: orNull(whole({ cause: oneOf(CAUSES), silentFor: count })),
    endsAt: orNull(time),
  }
  return {
    snapshot: whole(snapshot),
    leader: flag,
    hello: flag,
    led: time,
    seen: flag,
    active: flag,
  }
}

/**
 * A message as it arrives on the channel: any script of the origin may post there, and a tab
 * may run another version of this package. What this version does not send (a field of another
 * type, a snapshot that is not one, a field it does not know) is left out, so that no message can
 * stall the schedule (a `led` that is not a number once kept a follower from ever taking over)
 * nor put into the store what it does not hold. `null` when it is no message at all.
 */
export const readTabMessage = (data: unknown): TabMessage | null =>
  (readFields(MESSAGE, data, false) as TabMessage | undefined) ?? null

/** How long a follower listens (its last call) before it takes the lock. */
export const STEAL_SETTLE = 250

/**
 * How long a tab that took the lock waits before its first keep-alive, and so how long after its
 * question a leader trusts the lock manager's word that the lock is still its own: a busy page
 * reads that word a task or two late (two 600 ms tasks in WebKit), and a leader robbed meanwhile
 * may send on it; its keep-alive goes before the thief's first, which hears of it.
 */
export const STEAL_WAIT = 1_250

/**
 * How long after its question a leader trusts the lock manager's word when no tab was in line: a
 * thief must get in line after that word, then wait an interval (1 s at the least), 250 ms, its
 * last call (STEAL_SETTLE) and STEAL_WAIT. A page whose every task runs past STEAL_WAIT reads each
 * answer that late: alone in line, it still sends.
 */
export const ALONE_WAIT = 2_750

/**
 * When a follower makes its last call: the leader has been silent 1.5 intervals, less the call
 * and the wait after the steal (so that the first keep-alive goes 1.5 intervals after it), but
 * never before a moment past the leader's next keep-alive; or, once called, when the call ends.
 */
export const stealAt = (s: EngineState): Ms => {
  const { interval } = s.settings
  return (
    s.lastCall ??
    s.heardAt + Math.max(interval * 1.5 - STEAL_SETTLE - STEAL_WAIT, interval + STEAL_SETTLE)
  )
}

/**
 * A snapshot as it crosses tabs: with no error it is one already. (No `{ error, ...rest }`: V8
 * copies a rest pattern some 50 times slower than a spread, and a leader's every word copies it.)
 */
export const wire = (snap: AvatarSessionSnapshot): WireSnapshot => {
  const { error } = snap
  return error
    ? {
        ...snap,
        error: { kind: error.kind, httpStatus: error.httpStatus, retryAfter: error.retryAfter },
      }
    : (snap as WireSnapshot)
}

export const post = (s: EngineState, message: TabMessage): EngineEffect => ({
  type: 'post',
  message: { ...message, seen: s.visible },
})

/**
 * A leader's word: its snapshot, with the keep-alive in the air as its last attempt, so that a tab
 * taking over keeps the 1 s ceiling from it (the snapshot shows an attempt only once answered).
 */
export const tell = (s: EngineState, more?: TabMessage): EngineEffect =>
  post(s, {
    snapshot: { ...wire(s.snap), lastAttemptAt: s.flight?.wall ?? s.snap.lastAttemptAt },
    leader: true,
    ...more,
  })

/**
 * The lock is wanted while the session is kept with a usable token and may be shared; a tab that
 * saw the end keeps the lock, or its place in line, while its page still shows the session, so
 * that no other tab takes over (and sends) before it has heard of the end, even once the leader
 * is gone (closed, or its lock dropped by WebKit's back/forward cache).
 */
const wantsLock = (s: EngineState): boolean =>
  (isKept(s) && s.settings.crossTab && s.tabs && usableToken(s) !== undefined) ||
  (s.consumers.length > 0 && s.role !== 'solo' && isTerminalStatus(s.snap.status))

/**
 * Gets in line for the lock when it is wanted; lets go when not, 1 s after this tab's last start.
 * Hidden away, a tab has let go of the lock and its place in line already: it keeps or drops only
 * its claim to them (dropped, the keeper can retire: the last consumer left as the page went).
 */
export function lock(n: Draft, c: Ctx): void {
  const wants = wantsLock(n)
  if (n.away) {
    if (!wants) n.role = 'solo'
  } else if (wants && n.role === 'solo') {
    n.role = 'follow'
    getInLine(n, c)
  } else if (!wants && n.role !== 'solo') leave(n, c)
}

/** Out of line: the lock goes 1 s after this tab's last start (its next holder keeps the ceiling). */
function leave(n: Draft, c: Ctx): void {
  n.role = 'solo'
  n.peers = 0
  const after = n.lastStart === null ? 0 : n.lastStart + MIN_KEEP_ALIVE_GAP - c.now
  c.fx.push({ type: 'unlock', after: Math.max(0, after) })
}

/**
 * Another endpoint is another lock: a tab in line or leading lets go of this one and gets in line
 * for the other (`lock`, as the step ends), as a tab that just came. The tabs of the old endpoint
 * keep theirs, and the next to lead there keeps the 1 s ceiling.
 */
export function moveLock(n: Draft, c: Ctx): void {
  lostLead(n, c)
  if (n.role !== 'solo') leave(n, c)
}

/**
 * The page is hidden away (`pagehide`: into the back/forward cache, or closing). A page in the cache
 * that holds the lock silences every tab (Chromium keeps it until a tab steals it), one whose
 * channel hears a message is thrown out of the cache (Chromium), and none runs a timer: the tab lets
 * go of all three at once, but keeps its claim to a place in line.
 */
export function hideAway(n: Draft, c: Ctx): void {
  if (n.away) return
  n.away = true
  if (n.role === 'solo') return
  lostLead(n, c)
  c.fx.push({ type: 'unlock', after: 0 })
}

/** The page shows again (Back, `resume`, visible): back in line, as a tab that just came. */
export function showAgain(n: Draft, c: Ctx): void {
  if (!n.away) return
  n.away = false
  if (n.role !== 'solo') getInLine(n, c)
}

/**
 * Gets in line as a tab that just came: a leader gets 1.5 intervals to speak to it (it cannot know
 * what the leader last did). It says it is there, so that a leader that counted no tab in line
 * counts again; a tab that saw the end says so: the tab that leads meanwhile (given the lock while
 * this one was away) hears of it before its next keep-alive.
 */
function getInLine(n: Draft, c: Ctx): void {
  n.lastCall = null
  n.heardAt = c.now
  c.fx.push({ type: 'lock' })
  c.fx.push(presence(n))
}

/** A follower's answer to a hello: it listens; a tab that saw the end says so. */
const presence = (n: Draft): EngineEffect =>
  post(n, isTerminalStatus(n.snap.status) ? { snapshot: wire(n.snap) } : {})

export function lead(n: Draft, c: Ctx, stole: boolean): void {
  if (n.role === 'solo') return
  n.role = 'lead'
  n.lastCall = null
  // Never closer than the ceiling to the last keep-alive another tab sent.
  const { lastAttemptAt } = n.snap
  let from = n.lastStart ?? -Infinity
  if (lastAttemptAt !== null) {
    const ago = Math.min(Math.max(c.wall - lastAttemptAt, 0), MIN_KEEP_ALIVE_GAP)
    from = Math.max(from, c.now - ago)
  }
  // The tab robbed may still send on a word of the lock manager's it read late; and two followers
  // may steal at once, the lock ending with the last (the first keep-alive also asks).
  if (stole) from = Math.max(from, c.now - MIN_KEEP_ALIVE_GAP + STEAL_WAIT)
  if (from > -Infinity) n.lastStart = from
  n.next = { why: 'asap', cause: stole ? 'steal' : 'lead' }
  // Hello: the tabs that listen say so, and from then on hear every change.
  c.fx.push(tell(n, { hello: true, led: c.wall }))
}

export function lostLead(n: Draft, c: Ctx): void {
  if (n.role !== 'lead') return
  n.role = 'follow'
  // As a tab that just came: the new leader gets 1.5 intervals to speak to it (it may be told
  // long after the steal, and the leader's word may still be on its way).
  n.heardAt = c.now
  // A keep-alive waiting for the lock manager's word goes nowhere.
  if (n.flight?.wall === null) n.flight = null
}

/** Another tab spoke: a follower mirrors its leader; the end, from any tab, ends it here too. */
export function hear(n: Draft, c: Ctx, message: TabMessage): void {
  const mirrored = message.snapshot
  const at = (wall: number) => c.now - Math.max(0, c.wall - wall)
  // A leader is silent from its last keep-alive on (its messages tell when that was), not from
  // its last word: one that answers and then freezes, or talks but cannot send (it believes it
  // is offline), is replaced on time. A new leader is about to send: from when it took over.
  const last = message.led ?? mirrored?.lastAttemptAt
  // Anything newer than what this tab knew answers a last call (below 1.5 s the leader's next
  // keep-alive may come before the silence the call ends looks for).
  if (message.leader && last != null && at(last) > n.heardAt) {
    n.heardAt = at(last)
    n.lastCall = null
  }
  // Another tab that still believes it leads (robbed, and not told yet) may have sent as this
  // one took over: this tab keeps the 1 s ceiling from that keep-alive too.
  if (message.leader && n.role === 'lead' && mirrored?.lastAttemptAt != null) {
    n.lastStart = Math.max(n.lastStart ?? -Infinity, at(mirrored.lastAttemptAt))
  }
  // A visible tab: a hidden leader's hiddenTimeout waits for every tab.
  if (message.seen) n.hiddenSince = null
  // Another tab in line: a leader that counted none (to end the session as its page goes away)
  // counts again, so that a tab that has just come keeps the session.
  if (!message.leader && n.role === 'lead' && !n.peers && n.settings.endOnPageHide) {
    c.fx.push({ type: 'countPeers' })
  }
  // A tab that just started to follow, or a new leader, asks who listens: a leader answers with
  // its state, a follower with its presence (so that the leader sends it every change), and the
  // end if it saw it (the tab asking may lead, given the lock while this one was out of line).
  if (message.hello) c.fx.push(n.role === 'lead' ? tell(n) : presence(n))
  // The last success any tab saw is this tab's too: isAlive is judged from it (before any, from
  // the first attempt this tab heard of).
  if (mirrored?.lastAliveAt != null)
    n.lastAlive = Math.max(n.lastAlive ?? -Infinity, at(mirrored.lastAliveAt))
  if (mirrored?.lastAttemptAt != null) {
    n.firstStart = Math.min(n.firstStart ?? Infinity, at(mirrored.lastAttemptAt))
  }
  const terminal = mirrored && isTerminalStatus(mirrored.status)
  if (!mirrored || (!terminal && !(message.leader && n.role === 'follow'))) return
  // A refusal belongs to the sender's token, not to this tab's.
  if (mirrored.status === 'unauthorized' || mirrored.status === 'error') return
  // The same failure heard again (a heartbeat) keeps its error object; a new one, even of the
  // same kind (the failure count moved), is a new error, so that onError hears each.
  const { error, consecutiveFailures } = n.snap
  const wired = mirrored.error
  const same =
    consecutiveFailures === mirrored.consecutiveFailures &&
    error?.kind === wired?.kind &&
    error?.httpStatus === wired?.httpStatus
  show(n, { ...mirrored, error: same ? error : wired && new AvatarKeepAliveError(wired) })
  // A visible page answers the leader, so that a hidden leader's hiddenTimeout waits for it.
  if (
    message.leader &&
    n.visible &&
    (n.toldSeen === null || c.now - n.toldSeen >= MIN_KEEP_ALIVE_GAP)
  ) {
    n.toldSeen = c.now
    c.fx.push(post(n, {}))
  }
}
