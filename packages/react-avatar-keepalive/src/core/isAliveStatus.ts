import type { AvatarSessionStatus } from './AvatarSessionStatus'

/**
 * Whether a status means the session is believed alive on the server: `alive`, or `degraded` (one
 * failed ping does not mean the server dropped it).
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
