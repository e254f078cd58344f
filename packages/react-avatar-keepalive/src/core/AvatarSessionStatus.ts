/**
 * Where a session stands, as far as this client knows.
 *
 * - `idle`: no session id or token yet; nothing is sent.
 * - `connecting`: the first keep-alive is on its way.
 * - `alive`: the last keep-alive succeeded.
 * - `degraded`: the last keep-alive failed in a way worth retrying; retrying.
 * - `offline`: the browser is offline; the next keep-alive goes out on reconnect.
 * - `expired`: the server ended the session (410); never pinged again.
 * - `not-found`: the server does not know the session (404); never pinged again.
 * - `unauthorized`: the token was rejected (401/403); paused until the token changes.
 * - `error`: the request was rejected (400); paused until the session id or token changes.
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
