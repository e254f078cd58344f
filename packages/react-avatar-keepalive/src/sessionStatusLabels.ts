import type { AvatarSessionEndReason, AvatarSessionStatus } from './core/status'
import type { MissedKeepAlives } from './core/store'

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

/**
 * The badge's tooltip for why a session ended.
 *
 * @example
 * ```ts
 * sessionEndText('missed', { cause: 'frozen', silentFor: 312_000 }) // 'Lost after 312 s without a keep-alive: the page was frozen'
 * ```
 */
export function sessionEndText(
  reason: AvatarSessionEndReason,
  missed: MissedKeepAlives | null,
): string {
  return reason === 'missed' && missed
    ? `Lost after ${Math.round(missed.silentFor / 1000)} s without a keep-alive: the page was ${missed.cause}`
    : {
        server: 'Ended by the server',
        'not-found': 'The server does not know this session',
        ended: 'Ended by the app',
        'page-hide': 'Ended as the page closed',
        'hidden-timeout': 'Ended: the page was hidden too long',
        'idle-timeout': 'Ended: no activity',
        missed: 'Lost: keep-alives were missed',
      }[reason]
}
