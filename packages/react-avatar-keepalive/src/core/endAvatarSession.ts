import { avatarSessionStore } from './avatarSessionStore'
import type { AvatarSessionStore } from './createAvatarSessionStore'
import { answerError, isSuccessBody, postToSession, type SessionCallOptions } from './postToSession'

export interface EndAvatarSessionOptions extends SessionCallOptions {
  /**
   * Send with `fetch(..., { keepalive: true })`, so the request outlives the page (`pagehide`).
   * @default false
   */
  keepalive?: boolean
  /**
   * The store whose entry for the session is marked `expired`.
   * @default avatarSessionStore
   */
  store?: AvatarSessionStore
}

/**
 * Ends a session: `POST {baseUrl}/avatar-session/{id}/end`. The store entry is marked `expired`
 * first, so every keep-alive for the session stops at once. Resolves `'ended'`, or
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
  ...options
}: EndAvatarSessionOptions): Promise<'ended' | 'already-ended'> {
  const request = postToSession('end', options, { keepalive })
  store.getState().recordEnded(options.sessionId)
  const answer = await request
  if (answer.response.ok && isSuccessBody(answer.body)) return 'ended'
  if (answer.response.status === 410 || answer.response.status === 404) return 'already-ended'
  throw answerError(answer, options.token)
}
