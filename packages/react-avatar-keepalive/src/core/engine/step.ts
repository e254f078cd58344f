import { MIN_KEEP_ALIVE_GAP } from '../schedule'
import {
  isAliveStatus,
  isTerminalStatus,
  statusForError,
  type AvatarSessionStatus,
} from '../status'
import { attempt, beat, beatDeadline, blame, settle } from './beat'
import type { EngineEffect, EngineEvent } from './events'
import { failed, show, succeeded } from './health'
import {
  ALONE_WAIT,
  hear,
  hideAway,
  lead,
  lock,
  lostLead,
  moveLock,
  post,
  showAgain,
  STEAL_WAIT,
  tell,
  wire,
} from './leadership'
import { activity, letGo, letGoDeadline, pageHide } from './letGo'
import {
  isCeiling,
  isFresh,
  isKept,
  mergeSettings,
  usableToken,
  type Consumer,
  type Draft,
  type EngineState,
  type Ms,
} from './state'

/** What a step is handed, and where it puts the effects it wants done. */
export interface Ctx {
  now: Ms
  /** `Date.now()`, for the epoch times the store shows. */
  wall: number
  fx: EngineEffect[]
}

const STOPPABLE: readonly AvatarSessionStatus[] = ['connecting', 'alive', 'degraded', 'offline']

/**
 * The keep-alive of one session in one tab, as a pure function: the state after `event` at `now`,
 * and the effects to perform. Nothing in it reads a clock, starts a timer or touches the page.
 * First the stretch of time before the event is judged (was the page late?), then the event
 * applies, then the rules run in an order where each sees what the ones before it decided.
 *
 * @example
 * ```ts
 * const [next, effects] = step(state, { type: 'ping' }, now, Date.now())
 * ```
 */
export function step(
  s: EngineState,
  event: EngineEvent,
  now: Ms,
  wall: number,
): [EngineState, EngineEffect[]] {
  const n: Draft = { ...s }
  const c: Ctx = { now, wall, fx: [] }
  let confirmed = false
  wake(n, c)
  blame(n, event, now)
  n.seen = now
  switch (event.type) {
    case 'consumers':
      consumers(n, event.consumers)
      break
    case 'moved':
      moveLock(n, c)
      break
    case 'answered': {
      const { flight } = n
      if (flight?.id !== event.id || flight.wall === null) break
      n.flight = null
      if (event.error) failed(n, c, event.error, flight, event.random)
      else succeeded(n, c, flight)
      settle(n, c)
      break
    }
    case 'online':
      // Back online: find out at once rather than show `offline` until the next beat.
      if (event.online && !n.online) n.next = { why: 'asap', cause: 'online' }
      n.online = event.online
      break
    case 'visible':
      n.visible = event.visible
      if (event.visible) {
        showAgain(n, c)
        activity(n, c)
      }
      break
    case 'pagehide':
      pageHide(n, c)
      hideAway(n, c)
      break
    case 'resume':
      showAgain(n, c)
      break
    case 'activity':
      activity(n, c, event.other)
      break
    case 'ping':
      // Joins what is in flight; otherwise one goes now, or as soon as the ceiling allows.
      if (!n.running) {
        c.fx.push({ type: 'settle' })
        break
      }
      n.pinged = true
      if (!(n.flight && n.online)) n.next = { why: 'asap', cause: 'ping' }
      break
    case 'external':
      n.snap = event.snapshot
      break
    case 'lead':
      lead(n, c, event.stole)
      break
    case 'lostLead':
      lostLead(n, c)
      break
    case 'message':
      hear(n, c, event.message)
      if (event.message.active) activity(n, c, true)
      break
    case 'confirmed': {
      const { flight } = n
      // (An answer to an older question, whose keep-alive was given up since, is not this one's.)
      if (flight?.id !== event.id || flight.wall !== null) break
      if (event.held && n.role === 'lead') {
        // Held, and not lost meanwhile (a steal heard first): it goes below, unless a timeout
        // that ran out while the page slept ends the session first. But an answer tells what the
        // lock manager held when it answered: read long after the question (a freeze in between)
        // the lock may have been stolen since, so the tab asks again. Read sooner, a thief still
        // waits (STEAL_WAIT; ALONE_WAIT when no tab was in line), and hears of this keep-alive
        // before its own. (A busy page reads each answer after its next task or two: asked again
        // every time, a leader sent nothing.) A keep-alive another tab sent meanwhile (a leader
        // robbed and not yet told) holds this one back: it goes once the 1 s ceiling allows,
        // asked anew.
        if (isCeiling(n, now)) n.flight = null
        else if (now - flight.at < (event.alone ? ALONE_WAIT : STEAL_WAIT)) confirmed = true
        else {
          n.flight = { ...flight, at: now }
          c.fx.push({ type: 'confirm', id: flight.id })
        }
      } else {
        // Another tab took the lock while this one slept: it follows, and sends nothing.
        n.flight = null
        lostLead(n, c)
        settle(n, c)
      }
      break
    }
    case 'peers':
      n.peers = event.count
      break
    case 'noLocks':
      n.tabs = false
      break
  }
  lifecycle(n, c)
  letGo(n, c)
  // Every tab ends with the first one that sees the end (before a follower lets go of its channel).
  if (isTerminalStatus(n.snap.status) && !isTerminalStatus(s.snap.status) && n.role !== 'solo') {
    c.fx.push(post(n, { snapshot: wire(n.snap) }))
  }
  lifecycle(n, c)
  // Whatever this step did (a consumer left, an answer came, kept again), while no token can go
  // out the status shows the pause.
  pause(n)
  lock(n, c)
  if (confirmed && n.flight?.wall === null) attempt(n, c)
  beat(n, c)
  lock(n, c)
  // Time passing (a tick, a thawed page) or a shorter interval can age the last success out of
  // what counts as alive. (Not news from another tab: a thawed tab may hear stale news first.)
  // And a tab in charge that hears of a newer success, or takes over from a tab on a shorter
  // interval, counts it alive again: the last success any tab saw is its own.
  const fresh = isFresh(n, now)
  if (
    n.running &&
    n.snap.isAlive !== fresh &&
    (fresh
      ? n.role !== 'follow' && isAliveStatus(n.snap.status)
      : event.type === 'timer' || event.type === 'resume' || event.type === 'consumers')
  ) {
    show(n, { isAlive: fresh })
  }
  const watch = watches(n)
  if (watch !== watches(s)) c.fx.push({ type: 'watch', on: watch })
  // A leader tells every change, whether or not a tab has said it listens: one may be frozen
  // with its hello unread by this tab, or robbed by this one, and reads it all when it runs again.
  if (n.role === 'lead' && n.snap !== s.snap && n.running) {
    c.fx.push(tell(n))
  }
  return [n, c.fx]
}

/**
 * When the interpreter's one timer must fire next, or `null` for no timer: derived from the
 * state, never stored twice.
 */
export function nextDeadline(s: EngineState): Ms | null {
  const schedule = beatDeadline(s) ?? Infinity
  const at = Math.min(schedule, letGoDeadline(s) ?? Infinity)
  return at === Infinity ? null : at
}

const watches = (s: EngineState): boolean => s.running && !!s.settings.idleTimeout

/**
 * The device slept: the page's clock stood still, and every timer with it (a system sleep stops
 * performance.now() on macOS, and in Chrome on Linux), while the wall clock went on. What ages
 * counts the sleep (isAlive, the blame for `missed`, the idle and hidden timeouts), and a
 * keep-alive that fell due in it is due now, but the 1 s ceiling does not: a wall clock set
 * forward looks the same to the page. (One set back is no sleep: a sleep after it still is.)
 */
function wake(n: Draft, c: Ctx): void {
  const slept = c.wall - c.now - n.ahead
  n.ahead += slept
  if (slept <= MIN_KEEP_ALIVE_GAP) return
  const back = (t: Ms | null) => (t === null ? null : t - slept)
  n.lastAlive = back(n.lastAlive)
  n.firstStart = back(n.firstStart)
  n.lastActive -= slept
  n.hiddenSince = back(n.hiddenSince)
  n.seen -= slept
  // The schedule counts from the last start less the lag (the ceiling from the start itself); a
  // retry is due no later than that.
  n.lag += slept
  if (n.blame) n.blame = { ...n.blame, by: n.blame.by - slept }
}

function consumers(n: Draft, list: readonly Consumer[]): void {
  const before = usableToken(n)
  n.consumers = list
  if (list.length) n.settings = mergeSettings(list)
  const token = usableToken(n)
  // A usable token after a pause goes at once (the last usable one gone, the step shows the pause).
  if (before === undefined && token !== undefined) n.next = { why: 'asap', cause: 'token' }
}

/** While no consumer's token can go out, the status says why (the last refusal), not `alive`. */
function pause(n: Draft): void {
  if (usableToken(n) === undefined && n.refusal && isKept(n) && STOPPABLE.includes(n.snap.status)) {
    show(n, { status: statusForError(n.refusal), error: n.refusal })
  }
}

/** Starts when some consumer keeps the session and it has not ended; stops when not. */
function lifecycle(n: Draft, c: Ctx): void {
  const kept = isKept(n)
  if (kept === n.running) return
  n.running = kept
  if (kept) {
    n.lastActive = c.now
    // Kept again: no longer `stopped`, even while the next keep-alive waits out the 1 s ceiling.
    if (n.snap.status === 'stopped') show(n, { status: 'connecting' })
    n.next = { why: 'asap', cause: 'start' }
    return
  }
  if (n.flight) {
    c.fx.push({ type: 'abort', id: n.flight.id })
    n.flight = null
  }
  settle(n, c)
  if (!n.consumers.length && STOPPABLE.includes(n.snap.status)) show(n, { status: 'stopped' })
}
