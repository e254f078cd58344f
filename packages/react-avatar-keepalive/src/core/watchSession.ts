import type { AvatarKeepAliveError } from './error'
import { isTerminalStatus, type AvatarSessionEndReason, type AvatarSessionStatus } from './status'
import type { AvatarSessionSnapshot, AvatarSessionStore } from './store'

export interface SessionCallbacks {
  /**
   * Called for every status change, in order, from the first one after it starts listening
   * (at mount, for the hook) on.
   * @default undefined
   */
  onStatusChange?: (status: AvatarSessionStatus, previous: AvatarSessionStatus) => void
  /**
   * Called once when the session ends (`expired` or `not-found`), with the reason.
   * @default undefined
   */
  onExpired?: (reason: AvatarSessionEndReason | null) => void
  /**
   * Called for every failed keep-alive.
   * @default undefined
   */
  onError?: (error: AvatarKeepAliveError) => void
  /**
   * Called once when the idle warning starts, with the ms left before `idleTimeout` ends the
   * session (in every tab that keeps it). Activity calls the warning off.
   * @default undefined
   */
  onIdleWarning?: (msLeft: number) => void
}

// A callback that throws is the app's bug: report it without breaking the keep-alive.
function call<A extends unknown[]>(callback: ((...args: A) => void) | undefined, ...args: A): void {
  try {
    callback?.(...args)
  } catch (error) {
    setTimeout(() => {
      throw error
    })
  }
}

/**
 * Calls the callbacks on each change of one session, reading them at call time; `seen` is the
 * status the caller showed last, the `previous` of the first report.
 */
export function watchSession(
  store: AvatarSessionStore,
  sessionId: string,
  callbacks: () => SessionCallbacks,
  seen: AvatarSessionStatus,
): () => void {
  let reported = seen
  const report = (next: AvatarSessionSnapshot, previous: AvatarSessionSnapshot): void => {
    const { onStatusChange, onExpired, onError, onIdleWarning } = callbacks()
    if (next.error && next.error !== previous.error) call(onError, next.error)
    if (next.endsAt !== null && previous.endsAt === null) {
      call(onIdleWarning, Math.max(0, next.endsAt - Date.now()))
    }
    const before = reported
    if (next.status === before) return
    reported = next.status
    call(onStatusChange, next.status, before)
    if (isTerminalStatus(next.status)) call(onExpired, next.endReason)
  }
  return store.session(sessionId).subscribe(report)
}
