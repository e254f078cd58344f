import { callApp } from './environment'
import type { AvatarKeepAliveError } from './error'
import { isTerminalStatus, type AvatarSessionEndReason, type AvatarSessionStatus } from './status'
import type { AvatarSessionSnapshot, SessionView } from './store'

export interface SessionCallbacks {
  /**
   * Called for every status change, in order, from the first one after it starts listening
   * (at mount, for the hook) on.
   * @default undefined
   */
  onStatusChange?:
    ((status: AvatarSessionStatus, previous: AvatarSessionStatus) => void) | undefined
  /**
   * Called once when the session ends (`expired` or `not-found`), with the reason.
   * @default undefined
   */
  onExpired?: ((reason: AvatarSessionEndReason | null) => void) | undefined
  /**
   * Called for every failed keep-alive.
   * @default undefined
   */
  onError?: ((error: AvatarKeepAliveError) => void) | undefined
  /**
   * Called once when the idle warning starts, with the ms left before `idleTimeout` ends the
   * session (in every tab that keeps it). Activity calls the warning off.
   * @default undefined
   */
  onIdleWarning?: ((msLeft: number) => void) | undefined
}

/**
 * Calls the callbacks on each change of one session's view, reading them at call time.
 * `reported.current` is the status reported (or shown) last: the `previous` of the next report,
 * kept up to date here, so that a caller that watches again (another view of the same session,
 * after a pause) goes on from where it left off. A status that changed before the watch began is
 * reported at once.
 */
export function watchSession(
  view: SessionView,
  callbacks: () => SessionCallbacks,
  reported: { current: AvatarSessionStatus },
): () => void {
  let seen: AvatarSessionSnapshot | undefined
  let told: unknown
  const report = (next: AvatarSessionSnapshot): void => {
    // Against what this watch saw last, not the store's previous state: a watch begun in a
    // callback, while the store tells of a change, would hear that change as its own.
    const previous = seen ?? next
    seen = next
    const { onStatusChange, onExpired, onError, onIdleWarning } = callbacks()
    // Each error once: a pause shows the refusal that paused it again, after a success.
    if (next.error && next.error !== previous.error && next.error !== told) {
      callApp(onError, (told = next.error))
    }
    // A new end is a new warning: with an `idleWarning` as long as `idleTimeout`, activity moves
    // the end on at once, and `endsAt` is never `null` in between.
    if (next.endsAt !== null && next.endsAt !== previous.endsAt) {
      callApp(onIdleWarning, Math.max(0, next.endsAt - Date.now()))
    }
    const before = reported.current
    if (next.status === before) return
    reported.current = next.status
    callApp(onStatusChange, next.status, before)
    if (isTerminalStatus(next.status)) callApp(onExpired, next.endReason)
  }
  const unsubscribe = view.subscribe(report)
  report(view.getState())
  return unsubscribe
}
