// The schedule: when the next keep-alive is due and why, one at a time, never closer than 1 s.
import { isValidToken } from '../request'
import { MIN_KEEP_ALIVE_GAP } from '../schedule'
import { invalidToken, refuse, show } from './health'
import { ALONE_WAIT, STEAL_SETTLE, stealAt, tell } from './leadership'
import type { EngineEvent } from './events'
import type { Ctx } from './step'
import {
  CAUSES,
  isCeiling,
  isFresh,
  usableToken,
  type Cause,
  type Draft,
  type EngineState,
  type Ms,
} from './state'

// Weakest first. Offline outranks the others: a page that was offline also looks late to its timers.
/**
 * When the schedule wants this tab's next keep-alive, whatever else holds it back: one interval
 * after the last start was chosen (a tenth early in a hidden page, whose timers run late), or a
 * retry before that. `null` while this tab has no schedule: not running, following, paused on a
 * refused token, or never sent.
 */
function scheduled(s: EngineState): Ms | null {
  if (!s.running || s.lastStart === null || s.role === 'follow' || usableToken(s) === undefined) {
    return null
  }
  const beat = s.lastStart - s.lag + s.settings.interval * (s.visible ? 1 : 0.9)
  return s.next.why === 'retry' ? Math.min(s.next.at, beat) : beat
}

/**
 * Blames the stretch of time since the last step (in which nothing happened, so the page stayed
 * as the state says) if a whole interval went by in it past the schedule's keep-alive: the page
 * was offline, hidden (throttled), or frozen (it should have run and did not, or it says it
 * resumes). A `ping()`, or a pause the page chose, is no schedule: never blamed.
 */
export function blame(n: Draft, event: EngineEvent, now: Ms): void {
  const due = scheduled(n)
  if (due === null || now - Math.max(due, n.seen) <= n.settings.interval) return
  const cause: Cause = !n.online
    ? 'offline'
    : event.type === 'resume' || n.visible
      ? 'frozen'
      : 'hidden'
  // (The same cause again: the later stretch, which a success undoes later.)
  if (!n.blame || CAUSES.indexOf(cause) >= CAUSES.indexOf(n.blame.cause)) {
    n.blame = { cause, by: now - n.settings.interval }
  }
}

/**
 * When a keep-alive still out is given up: when the next is due (its timeout came from a longer
 * interval than another consumer's), but one waiting for the lock manager's word not before that
 * word can no longer be trusted (a busy page reads it up to ALONE_WAIT late, past a short interval).
 */
const givenUpAt = ({ flight, settings }: EngineState): Ms =>
  flight!.at + Math.max(settings.interval, flight!.wall === null ? ALONE_WAIT : 0)

/** When a step is due for the schedule's sake: a send, a steal, or a request given up. */
export function beatDeadline(s: EngineState): Ms | null {
  if (!s.running || !s.online || s.away || usableToken(s) === undefined) return null
  if (s.role === 'follow') return stealAt(s)
  if (s.flight) return givenUpAt(s)
  const ceiling = s.lastStart === null ? -Infinity : s.lastStart + MIN_KEEP_ALIVE_GAP
  return s.next.why === 'asap' ? ceiling : Math.max(scheduled(s) ?? -Infinity, ceiling)
}

/** Resolves every waiting `ping()`; a ping that could not be sent is forgotten. */
export function settle(n: Draft, c: Ctx): void {
  if (n.next.why === 'asap' && n.next.cause === 'ping') n.next = { why: 'beat' }
  if (!n.pinged) return
  n.pinged = false
  c.fx.push({ type: 'settle' })
}

/** Sends the next keep-alive if it is due, steals from a silent leader, or waits. */
export function beat(n: Draft, c: Ctx): void {
  if (!n.running) return settle(n, c)
  // A token that is no header value is refused as it comes, whatever else is going on.
  const token = sendable(n, c)
  // A keep-alive waiting for the lock manager's word goes nowhere once no token is left to send
  // it with, or once this tab let go of the lock (that word will not come).
  if (n.flight?.wall === null && (token === undefined || n.role === 'solo')) n.flight = null
  if (!n.online) {
    // A refusal stays what it is: going online will not change it.
    if (token !== undefined) show(n, { status: 'offline' })
    return settle(n, c)
  }
  // A page hidden away sends nothing (it may run a timer on Back before it hears it is shown).
  if (n.away) return settle(n, c)
  if (n.flight) {
    // One at a time; but one still out long past its time is given up rather than let it delay
    // the next.
    if (c.now < givenUpAt(n)) return
    c.fx.push({ type: 'abort', id: n.flight.id })
    n.flight = null
  }
  if (token === undefined) return settle(n, c)
  if (n.role === 'follow') {
    const at = stealAt(n)
    // The leader went silent (frozen, blocked): take over, to ping 1.5 intervals after it. But
    // first a last call: a moment from this step on to read what may still be on its way. Any
    // keep-alive it had not heard of answers the call. Taken over when the moment ends unanswered,
    // on time for a hidden page, whose timers run on whole seconds. A step a second late or more
    // may be a page that froze during the call and has not read what came meanwhile: it calls
    // again, once (Firefox holds a hidden page's timers at least 1 s each: late every time).
    if (c.now >= at) {
      if (n.lastCall !== null && (n.calledAgain || c.now - at < MIN_KEEP_ALIVE_GAP)) {
        c.fx.push({ type: 'steal' })
        n.heardAt = c.now
        n.lastCall = null
      } else {
        n.calledAgain = n.lastCall !== null
        n.lastCall = c.now + STEAL_SETTLE
      }
    }
    return settle(n, c)
  }
  const { next } = n
  const due = next.why === 'asap' ? c.now : (scheduled(n) ?? c.now)
  // (No tolerance for a timer that fires early: a fired timer moves the clock to its deadline.)
  if (isCeiling(n, c.now) || c.now < due) return
  // A leader asks the lock manager before every keep-alive whether the lock is still its own: a
  // follower whose components ask for a shorter interval takes over from a leader before that
  // leader's schedule is late, and a leader frozen through the steal may run its timer before it
  // hears of it. (Two tabs may also have stolen at once, and a grant that waited in a frozen tab
  // may have been stolen since.)
  n.flight = { id: ++n.sent, token, at: c.now, wall: null }
  if (n.role === 'lead') c.fx.push({ type: 'confirm', id: n.flight.id })
  else attempt(n, c)
}

/**
 * The newest usable token, once every newer one that is not a header value is refused: before
 * anything is sent, and not counted as a start, so the next token goes at once.
 */
function sendable(n: Draft, c: Ctx): string | undefined {
  let token = usableToken(n)
  while (token !== undefined && !isValidToken(token)) {
    refuse(n, c, invalidToken(), token)
    token = usableToken(n)
  }
  return token
}

/** The flight goes out: a routine keep-alive writes the store once, with its outcome. */
export function attempt(n: Draft, c: Ctx): void {
  // The newest usable token (another may have come while the lock manager was asked), if any.
  const token = sendable(n, c)
  if (token === undefined) {
    n.flight = null
    return settle(n, c)
  }
  // The ceiling counts from the send; the next keep-alive is due an interval after the tick that
  // asked the lock manager (less than STEAL_WAIT before), so that a leader whose page reads each
  // answer late keeps its interval. (Counted from the send, each came an interval and a task
  // after the last: at 2 s, past a follower's patience.)
  n.lag = c.now - n.flight!.at
  const flight = (n.flight = { ...n.flight!, token, at: c.now, wall: c.wall })
  // This keep-alive is the one anything asked for, even what came while the lock manager was asked
  // (a takeover, a ping): the next waits its interval.
  n.next = { why: 'beat' }
  n.lastStart = c.now
  n.firstStart ??= c.now
  const { status, isAlive } = n.snap
  const starting = status === 'idle' || status === 'stopped'
  const fresh = isFresh(n, c.now)
  // The attempt itself shows only when it changes something: the first one, or after a freeze.
  if (starting || (isAlive && !fresh)) {
    show(n, { status: starting ? 'connecting' : status, lastAttemptAt: c.wall, isAlive: fresh })
  } else if (n.role === 'lead') {
    // Other tabs keep the 1 s ceiling from this attempt (told of, if the step shows it): a tab
    // that takes over during it, or that steals the lock unaware (its last call unanswered).
    c.fx.push(tell(n))
  }
  c.fx.push({ type: 'send', id: flight.id, token: flight.token })
}
