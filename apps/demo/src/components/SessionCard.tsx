import type { ReactNode } from 'react'
import {
  SessionStatusBadge,
  useSessionStatus,
  type UseAvatarKeepAliveResult,
} from 'react-avatar-keepalive'
import { useDemo } from '../story/DemoContext'
import { EventList } from './EventList'
import { formatTime } from './format'
import { ServerSessionInfo } from './ServerSessionInfo'
import type { LogEvent } from './useEventLog'

interface SessionCardProps {
  title: string
  sessionId: string
  keepAlive: UseAvatarKeepAliveResult
  events?: readonly LogEvent[]
  /** Buttons of the story. */
  actions?: ReactNode
  children?: ReactNode
}

/** A session kept alive by a story: the badge, what the hook returns, and the callbacks seen. */
export function SessionCard({
  title,
  sessionId,
  keepAlive,
  events,
  actions,
  children,
}: SessionCardProps) {
  const { store } = useDemo()
  const snapshot = useSessionStatus(sessionId, { store })
  const { status, isAlive, error, ping } = keepAlive
  return (
    <section className="card session-card" data-testid="session-card" data-session={sessionId}>
      <header className="card__header">
        <h2>
          {title} <code>{sessionId}</code>
        </h2>
        <SessionStatusBadge sessionId={sessionId} store={store} showLastPing />
      </header>
      <dl className="facts">
        <div>
          <dt>status</dt>
          <dd data-testid="hook-status">{status}</dd>
        </div>
        <div>
          <dt>isAlive</dt>
          <dd>{String(isAlive)}</dd>
        </div>
        <div>
          <dt>failures in a row</dt>
          <dd>{snapshot.consecutiveFailures}</dd>
        </div>
        <div>
          <dt>last success</dt>
          <dd>{snapshot.lastAliveAt === null ? '—' : formatTime(snapshot.lastAliveAt)}</dd>
        </div>
        <div className="facts__error">
          <dt>error</dt>
          <dd data-testid="hook-error">{error ? error.message : '—'}</dd>
        </div>
      </dl>
      <div className="actions">
        <button type="button" onClick={() => void ping()}>
          Ping now
        </button>
        {actions}
        <ServerSessionInfo sessionId={sessionId} />
      </div>
      {children}
      {events && <EventList events={events} />}
    </section>
  )
}
