import type { AvatarKeepAliveError } from './AvatarKeepAliveError'
import type { AvatarSessionStatus } from './AvatarSessionStatus'

/**
 * The status a failed keep-alive leads to.
 *
 * @example
 * ```ts
 * statusForError(new AvatarKeepAliveError({ kind: 'expired', httpStatus: 410 })) // 'expired'
 * ```
 */
export function statusForError(error: AvatarKeepAliveError): AvatarSessionStatus {
  switch (error.kind) {
    case 'expired':
    case 'not-found':
    case 'unauthorized':
      return error.kind
    case 'bad-request':
      return 'error'
    default:
      return 'degraded'
  }
}
