import type { AvatarSessionStatus } from './core/AvatarSessionStatus'

/**
 * The badge's default text for each status.
 *
 * @example
 * ```tsx
 * <SessionStatusBadge sessionId={id} labels={{ ...SESSION_STATUS_LABELS, alive: 'On air' }} />
 * ```
 */
export const SESSION_STATUS_LABELS: Readonly<Record<AvatarSessionStatus, string>> = {
  idle: 'Idle',
  connecting: 'Connecting…',
  alive: 'Live',
  degraded: 'Reconnecting…',
  offline: 'Offline',
  expired: 'Session ended',
  'not-found': 'Not found',
  unauthorized: 'Unauthorized',
  error: 'Error',
  stopped: 'Stopped',
}
