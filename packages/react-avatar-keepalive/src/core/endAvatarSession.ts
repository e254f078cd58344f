import {
  answerError,
  isSuccess,
  isValidToken,
  postToSession,
  type SessionCallOptions,
} from './request'
import type { AvatarSessionEndReason } from './status'
import { avatarSessionStore, recordSession, type AvatarSessionStore } from './store'

export interface EndAvatarSessionOptions extends SessionCallOptions {
  /**
   * Send with `fetch(..., { keepalive: true })`, so the request outlives the page (`pagehide`).
   * @default false
   */
  keepalive?: boolean | undefined
  /**
   * The store whose entry for the session is marked `expired`.
   * @default avatarSessionStore
   */
  store?: AvatarSessionStore | undefined
  /**
   * What the snapshot's `endReason` says.
   * @default 'ended'
   */
  reason?: AvatarSessionEndReason | undefined
}

/**
 * Ends a session: `POST {baseUrl}/avatar-session/{id}/end`. The store entry is marked `expired`
 * first, so every keep-alive for the session stops at once, in every tab. Resolves `'ended'`, or
 * `'already-ended'` when the server answers 410 or 404; rejects with an `AvatarKeepAliveError` for
 * any other failure.
 *
 * @example
 * ```ts
 * await endAvatarSession({ sessionId, token })
 * ```
 */
export async function endAvatarSession({
  keepalive = false,
  store = avatarSessionStore,
  reason = 'ended',
  ...options
}: EndAvatarSessionOptions): Promise<'ended' | 'already-ended'> {
  const request = postToSession('end', options, keepalive)
  // A token that cannot be sent, or a signal aborted already, ends nothing: the session is not
  // marked ended (a server's request-scoped signal, its client gone, left it unkept for good).
  if (isValidToken(options.token) && !options.signal?.aborted) {
    recordSession(store, options.sessionId, { status: 'expired', endReason: reason, error: null })
  }
  const answer = await request
  if (isSuccess(answer)) return 'ended'
  if (answer.response.status === 410 || answer.response.status === 404) return 'already-ended'
  throw answerError(answer, options.token)
}
