import { answerError, isSuccessBody, postToSession, type SessionCallOptions } from './postToSession'

export type SendKeepAliveOptions = SessionCallOptions

/**
 * Sends one keep-alive. Resolves when the server answers 2xx `{"success":true}`; rejects with an
 * `AvatarKeepAliveError` for every other outcome, or with the outside `signal`'s reason.
 *
 * @example
 * ```ts
 * await sendKeepAlive({ sessionId, token, baseUrl: AVATAR_API_EU })
 * ```
 */
export async function sendKeepAlive(options: SendKeepAliveOptions): Promise<void> {
  const answer = await postToSession('keep-alive', options)
  if (answer.response.ok && isSuccessBody(answer.body)) return
  throw answerError(answer, options.token)
}
