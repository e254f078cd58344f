import { api, MOCK_IDLE_TIMEOUT, mockResetAt } from '../mock/api'
import { useRequests } from '../mock/requestLog'
import { useDemo } from '../story/DemoContext'
import { formatSeconds } from './format'
import { useNow } from './useNow'

/** What the mock server thinks of a session: alive (and for how long without a ping), or ended. */
export function ServerSessionInfo({ sessionId }: { sessionId: string }) {
  const demo = useDemo()
  const requests = useRequests(demo.requests)
  const now = useNow(500, demo.mode === 'mock')
  if (demo.mode !== 'mock') return null
  let lastOk = mockResetAt()
  for (const entry of requests) {
    if (entry.sessionId === sessionId && entry.status === 200 && entry.settledAt !== null) {
      lastOk = Math.max(lastOk, entry.settledAt)
    }
  }
  const ended = api.isEnded(sessionId)
  const left = Math.max(0, MOCK_IDLE_TIMEOUT - (now - lastOk))
  return (
    <p className="server-info" data-testid="server-session" data-ended={ended}>
      <span className="server-info__label">Mock server</span>
      {ended ? (
        <strong>session ended: every keep-alive now gets 410</strong>
      ) : (
        <span>
          session open · ends after {formatSeconds(MOCK_IDLE_TIMEOUT)} without a keep-alive (
          <span className={left < 10_000 ? 'warn' : undefined}>in {formatSeconds(left)}</span>)
        </span>
      )}
    </p>
  )
}
