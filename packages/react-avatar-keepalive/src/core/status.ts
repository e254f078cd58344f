import type { AvatarKeepAliveError } from './error'

/**
 * Where a session stands, as far as this client knows.
 *
 * - `idle`: no session id or token yet (or a prerendered page not yet shown); nothing is sent.
 * - `connecting`: the first keep-alive is on its way.
 * - `alive`: the last keep-alive succeeded.
 * - `degraded`: the last keep-alive failed in a way worth retrying; retrying.
 * - `offline`: the browser is offline; the next keep-alive goes out on reconnect.
 * - `expired`: the session is over (410, or ended on purpose); never pinged again.
 * - `not-found`: the server does not know the session (404); never pinged again.
 * - `unauthorized`: the token was refused (401/403, or not a valid header value); paused until
 *   a consumer brings another token.
 * - `error`: the request was refused (400); paused until a consumer brings another token.
 * - `stopped`: no component keeps the session alive any more.
 */
export type AvatarSessionStatus =
  | 'idle'
  | 'connecting'
  | 'alive'
  | 'degraded'
  | 'offline'
  | 'expired'
  | 'not-found'
  | 'unauthorized'
  | 'error'
  | 'stopped'

/**
 * Why a session ended, once it has (`expired` or `not-found`):
 *
 * - `server`: the server answered 410 and nothing on this side explains it.
 * - `not-found`: the server answered 404.
 * - `ended`: the app called `endAvatarSession`.
 * - `page-hide`: `endOnPageHide` ended it as the page went away.
 * - `hidden-timeout` / `idle-timeout`: `hiddenTimeout` / `idleTimeout` ended it.
 * - `missed`: a 410 after the page went longer than its interval without a successful keep-alive
 *   because it was hidden, frozen or offline (`missed` in the snapshot says which, and how long).
 */
export type AvatarSessionEndReason =
  'server' | 'not-found' | 'ended' | 'page-hide' | 'hidden-timeout' | 'idle-timeout' | 'missed'

/** Every end reason: what a snapshot from another tab may say. */
export const END_REASONS: readonly AvatarSessionEndReason[] = [
  'server',
  'not-found',
  'ended',
  'page-hide',
  'hidden-timeout',
  'idle-timeout',
  'missed',
]

/**
 * Every status, in a stable order (for UIs, docs and tests).
 *
 * @example
 * ```ts
 * AVATAR_SESSION_STATUSES.map((status) => SESSION_STATUS_LABELS[status])
 * ```
 */
export const AVATAR_SESSION_STATUSES: readonly AvatarSessionStatus[] = [
  'idle',
  'connecting',
  'alive',
  'degraded',
  'offline',
  'expired',
  'not-found',
  'unauthorized',
  'error',
  'stopped',
]

/**
 * Whether a status can mean the session is alive on the server: `alive`, or `degraded` (one
 * failed ping does not mean the server dropped it). The snapshot's `isAlive` adds the age of the
 * last success to this.
 *
 * @example
 * ```ts
 * isAliveStatus('degraded') // true
 * isAliveStatus('offline') // false
 * ```
 */
export function isAliveStatus(status: AvatarSessionStatus): boolean {
  return status === 'alive' || status === 'degraded'
}

/**
 * Whether a status ends the session for good: `expired` or `not-found`. Nothing moves a session
 * out of it but `clearSession`.
 *
 * @example
 * ```ts
 * isTerminalStatus('expired') // true
 * isTerminalStatus('unauthorized') // false: another token may work
 * ```
 */
export function isTerminalStatus(status: AvatarSessionStatus): boolean {
  return status === 'expired' || status === 'not-found'
}

/**
 * The status a failed keep-alive leads to.
 *
 * @example
 * ```ts
 * statusForError(new AvatarKeepAliveError({ kind: 'expired', httpStatus: 410 })) // 'expired'
 * ```
 */
export function statusForError({ kind }: AvatarKeepAliveError): AvatarSessionStatus {
  return kind === 'expired' || kind === 'not-found' || kind === 'unauthorized'
    ? kind
    : kind === 'invalid-token'
      ? 'unauthorized'
      : kind === 'bad-request'
        ? 'error'
        : 'degraded'
}
