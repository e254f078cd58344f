'use client'
import {
  forwardRef,
  useEffect,
  useState,
  type ComponentPropsWithoutRef,
  type ForwardRefExoticComponent,
  type RefAttributes,
} from 'react'
import type { AvatarSessionStatus } from './core/status'
import type { AvatarSessionStore } from './core/store'
import { SESSION_STATUS_LABELS, sessionEndText } from './sessionStatusLabels'
import { useSessionStatus } from './useSessionStatus'

// No children: the badge renders its own content.
export interface SessionStatusBadgeProps extends Omit<
  ComponentPropsWithoutRef<'span'>,
  'children'
> {
  /** The session to show; none shows `Idle`. */
  sessionId: string | null | undefined
  /**
   * The store `useAvatarKeepAlive` writes to.
   * @default avatarSessionStore
   */
  store?: AvatarSessionStore | undefined
  /**
   * Text for some or all statuses; an empty one keeps the default.
   * @default SESSION_STATUS_LABELS
   */
  labels?: Partial<Record<AvatarSessionStatus, string>> | undefined
  /**
   * Text for a status; wins over `labels`, unless empty.
   * @default undefined
   */
  getLabel?: ((status: AvatarSessionStatus) => string) | undefined
  /**
   * Adds "last ping 3 s ago", updated every second, and the exact time as a tooltip.
   * @default false
   */
  showLastPing?: boolean | undefined
}

/**
 * An accessible status indicator for an avatar session: a polite live region with a decorative
 * dot and a text label, styled through `data-state` by `react-avatar-keepalive/styles.css`.
 *
 * @example
 * ```tsx
 * import 'react-avatar-keepalive/styles.css'
 *
 * <SessionStatusBadge sessionId={sessionId} showLastPing />
 * ```
 */
export const SessionStatusBadge: ForwardRefExoticComponent<
  SessionStatusBadgeProps & RefAttributes<HTMLSpanElement>
> = /* @__PURE__ */ forwardRef<HTMLSpanElement, SessionStatusBadgeProps>(
  function SessionStatusBadge(
    { sessionId, store, labels, getLabel, showLastPing = false, ...props },
    ref,
  ) {
    const status = useSessionStatus(sessionId, { store, selector: (s) => s.status })
    const title = useSessionStatus(sessionId, {
      store,
      selector: (s) => (s.endReason ? sessionEndText(s.endReason, s.missed) : undefined),
    })
    // An empty label would leave a status with no name and no text: the dot's colour alone.
    const label = getLabel?.(status) || labels?.[status] || SESSION_STATUS_LABELS[status]
    return (
      <span
        ref={ref}
        role="status"
        aria-live="polite"
        aria-atomic="true"
        // A status takes no name from its content; the app's aria-label or aria-labelledby wins.
        aria-label={label}
        data-avatar-keepalive-badge=""
        data-state={status}
        title={title}
        {...props}
      >
        <span data-part="dot" aria-hidden="true" />
        <span data-part="label">{label}</span>
        {showLastPing && <LastPing sessionId={sessionId} store={store} />}
      </span>
    )
  },
)

function LastPing({
  sessionId,
  store,
}: {
  sessionId: string | null | undefined
  store: AvatarSessionStore | undefined
}) {
  const lastAliveAt = useSessionStatus(sessionId, { store, selector: (s) => s.lastAliveAt })
  // No clock before the first success: nothing is shown, so nothing needs to tick. Each success
  // (this session's or, once switched, another's) starts a clock of its own, right from the start.
  // The space shows only without styles.css ("Live last ping…"): a flex container drops it.
  return lastAliveAt === null ? null : [' ', <Ago key={lastAliveAt} since={lastAliveAt} />]
}

function Ago({ since }: { since: number }) {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [])
  const seconds = Math.max(0, Math.round((now - since) / 1000))
  // Visual only: inside the live region a ticking clock would be announced every second.
  return (
    <span data-part="last-ping" aria-hidden="true" title={new Date(since).toLocaleString()}>
      last ping {seconds} s ago
    </span>
  )
}
