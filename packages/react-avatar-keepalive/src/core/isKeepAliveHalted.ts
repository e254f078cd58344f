import type { AvatarSessionStore } from './createAvatarSessionStore'
import { rejectedTokens } from './rejectedTokens'

/**
 * Whether keep-alives for this session must not be sent: it ended or is unknown (for good), or the
 * server refused this very token or request (until the token or session id changes).
 *
 * @example
 * ```ts
 * if (!isKeepAliveHalted(store, sessionId, token)) await sendKeepAlive({ sessionId, token })
 * ```
 */
export function isKeepAliveHalted(
  store: AvatarSessionStore,
  sessionId: string,
  token: string,
): boolean {
  const status = store.getState().sessions[sessionId]?.status
  if (status === 'expired' || status === 'not-found') return true
  if (status === 'unauthorized' || status === 'error') {
    return rejectedTokens.has(store, sessionId, token)
  }
  return false
}
