// Letting go on purpose: hiddenTimeout, idleTimeout (with its warning), endOnPageHide.
import { isValidToken } from '../request'
import { MIN_KEEP_ALIVE_GAP } from '../schedule'
import type { AvatarSessionEndReason } from '../status'
import { show } from './health'
import { post } from './leadership'
import type { Ctx } from './step'
import { inCharge, usableToken, type Draft, type EngineState, type Ms } from './state'

/** When the idle warning starts, and when the idle timeout ends the session. */
function idle(s: EngineState): { warnAt: Ms; endAt: Ms } | null {
  const { idleTimeout, idleWarning } = s.settings
  if (!idleTimeout || !inCharge(s)) return null
  const endAt = s.lastActive + idleTimeout
  return { warnAt: endAt - Math.min(idleWarning, idleTimeout), endAt }
}

/** The next moment a timeout has something to do. */
export function letGoDeadline(s: EngineState): Ms | null {
  const times = idle(s)
  const hidden = s.hiddenSince === null ? Infinity : s.hiddenSince + s.settings.hiddenTimeout!
  const at = Math.min(
    hidden,
    times ? (s.snap.endsAt === null ? times.warnAt : times.endAt) : Infinity,
  )
  return at === Infinity ? null : at
}

/** Runs the timeouts of a tab in charge: the idle warning, then the end. */
export function letGo(n: Draft, c: Ctx): void {
  const { hiddenTimeout } = n.settings
  const times = idle(n)
  if (times && c.now >= times.endAt) return end(n, c, 'idle-timeout')
  if (times && c.now >= times.warnAt) {
    // On the wall clock, which may be set back or forth meanwhile, or run on while the device slept.
    const endsAt = Math.round(c.wall + times.endAt - c.now)
    if (Math.abs(endsAt - (n.snap.endsAt ?? 0)) > MIN_KEEP_ALIVE_GAP) show(n, { endsAt })
  }
  n.hiddenSince = hiddenTimeout && inCharge(n) && !n.visible ? (n.hiddenSince ?? c.now) : null
  if (n.hiddenSince !== null && c.now >= n.hiddenSince + hiddenTimeout!) end(n, c, 'hidden-timeout')
}

/** User activity: the idle clock starts again and a running warning is called off. */
export function activity(n: Draft, c: Ctx, other = false): void {
  n.lastActive = c.now
  if (
    !other &&
    n.role !== 'solo' &&
    (n.toldActive === null || c.now - n.toldActive >= MIN_KEEP_ALIVE_GAP)
  ) {
    n.toldActive = c.now
    c.fx.push(post(n, { active: true }))
  }
  show(n, { endsAt: null })
}

/** This tab ends the session if the page goes away: no other tab keeps it. */
export const endsOnPageHide = (s: EngineState): boolean =>
  s.running && s.settings.endOnPageHide && s.role !== 'follow' && !s.peers

/** The page goes away: end the session unless another tab keeps it. */
export function pageHide(n: Draft, c: Ctx): void {
  if (endsOnPageHide(n)) end(n, c, 'page-hide')
}

/** Ends the session on purpose: with the end request, or without a token to send it with. */
export function end(n: Draft, c: Ctx, reason: AvatarSessionEndReason): void {
  const token = usableToken(n)
  if (token !== undefined && isValidToken(token)) {
    show(n, { status: 'expired', endReason: reason, error: null })
    c.fx.push({ type: 'end', token, reason })
  } else if (reason !== 'page-hide') {
    // No token left to end it with: stop keeping it, and let the server's timeout end it.
    show(n, { status: 'expired', endReason: reason })
  }
}
