import type { ReactNode } from 'react'
import { useAvatarKeepAlive, type UseAvatarKeepAliveOptions } from 'react-avatar-keepalive'
import type { MockSessionId } from '../mock/api'
import { useDemo, type Demo } from '../story/DemoContext'
import { SessionCard } from './SessionCard'
import { useEventLog } from './useEventLog'

interface KeepAliveCardProps {
  /** The mock session to keep alive (in real mode, the one from Settings). */
  session: MockSessionId
  /** The story's options; the demo's own (`queryClient`, `store`, `baseUrl`…) come first. */
  options: Omit<
    UseAvatarKeepAliveOptions,
    keyof Demo['options'] | 'onStatusChange' | 'onError' | 'onExpired'
  >
  /** Logs `onExpired` too (`onStatusChange` and `onError` are always logged). */
  logExpired?: boolean
  /** Buttons of the story. */
  actions?: ReactNode
}

/** A story's `useAvatarKeepAlive` call, with its callbacks logged, shown in a `SessionCard`. */
export function KeepAliveCard({
  session,
  options,
  logExpired = false,
  actions,
}: KeepAliveCardProps) {
  const demo = useDemo()
  const { sessionId, token } = demo.session(session)
  const log = useEventLog()
  const keepAlive = useAvatarKeepAlive(sessionId, token, {
    ...demo.options,
    ...options,
    onStatusChange: log.onStatusChange,
    onError: log.onError,
    onExpired: logExpired ? log.onExpired : undefined,
  })
  return (
    <SessionCard
      title="useAvatarKeepAlive"
      sessionId={sessionId}
      keepAlive={keepAlive}
      events={log.events}
      actions={actions}
    />
  )
}
