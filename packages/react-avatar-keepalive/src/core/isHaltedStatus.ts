import type { AvatarSessionStatus } from './AvatarSessionStatus'

/**
 * Whether a status stops the keep-alive by itself: `expired` and `not-found` for good,
 * `unauthorized` and `error` until the token or session id changes.
 *
 * @example
 * ```ts
 * isHaltedStatus('expired') // true
 * isHaltedStatus('degraded') // false
 * ```
 */
export function isHaltedStatus(status: AvatarSessionStatus): boolean {
  return (
    status === 'expired' ||
    status === 'not-found' ||
    status === 'unauthorized' ||
    status === 'error'
  )
}
