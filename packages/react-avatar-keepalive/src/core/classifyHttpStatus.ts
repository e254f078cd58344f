import type { AvatarKeepAliveErrorKind } from './AvatarKeepAliveError'

/**
 * Maps a failed keep-alive's HTTP status to the kind of error it is.
 *
 * @example
 * ```ts
 * classifyHttpStatus(410) // 'expired'
 * ```
 */
export function classifyHttpStatus(status: number): AvatarKeepAliveErrorKind {
  if (status === 410) return 'expired'
  if (status === 404) return 'not-found'
  if (status === 401 || status === 403) return 'unauthorized'
  if (status === 429) return 'rate-limited'
  if (status === 408 || status >= 500) return 'server'
  if (status >= 400) return 'bad-request'
  // 1xx/3xx (or a 2xx that reached here) are not answers this API gives.
  return 'invalid-response'
}
