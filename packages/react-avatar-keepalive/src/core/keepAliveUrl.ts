import { AVATAR_API_US } from './constants'

/**
 * The keep-alive URL of a session: trailing slashes of `baseUrl` dropped, the id URL-encoded.
 * Throws a `TypeError` for an empty session id or base URL, so no request goes to a malformed URL.
 *
 * @example
 * ```ts
 * keepAliveUrl('a/b', 'https://api.example/v1/') // 'https://api.example/v1/avatar-session/a%2Fb/keep-alive'
 * ```
 */
export function keepAliveUrl(sessionId: string, baseUrl: string = AVATAR_API_US): string {
  return sessionUrl(sessionId, baseUrl, 'keep-alive')
}

/** `{base}/avatar-session/{id}/{action}`, shared by every session call. */
export function sessionUrl(sessionId: string, baseUrl: string, action: string): string {
  if (!isValidSessionId(sessionId)) {
    throw new TypeError(
      'react-avatar-keepalive: `sessionId` must be a non-empty string, not . or ..',
    )
  }
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') {
    throw new TypeError('react-avatar-keepalive: `baseUrl` must be a non-empty string')
  }
  return `${baseUrl.replace(/\/+$/, '')}/avatar-session/${encodeURIComponent(sessionId)}/${action}`
}

/**
 * Whether a session id can be put in a URL: a non-blank string other than `.` and `..` (those two
 * survive encodeURIComponent, and URL parsing would resolve them as path steps).
 *
 * @example
 * ```ts
 * isValidSessionId('session-1') // true
 * isValidSessionId('..') // false
 * ```
 */
export function isValidSessionId(sessionId: unknown): sessionId is string {
  return typeof sessionId === 'string' && sessionId.trim() !== '' && !/^\.{1,2}$/.test(sessionId)
}
