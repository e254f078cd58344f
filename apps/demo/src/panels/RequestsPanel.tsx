import { useMemo } from 'react'
import { formatTime } from '../components/format'
import { useNow } from '../components/useNow'
import { mockClientLog, mockRequestLog, realRequestLog, useRequests } from '../mock/requestLog'
import { joinRequests, type RequestView } from './joinRequests'
import { Timeline } from './Timeline'

const MAX_ROWS = 200

interface RequestsPanelProps {
  /** The story's interval: the window of "in the last interval". */
  interval: number
  mode: 'mock' | 'real'
  /** Whether the tab is shown: the clock only ticks then. */
  active: boolean
}

export function RequestsPanel({ interval, mode, active }: RequestsPanelProps) {
  const requestLog = mode === 'mock' ? mockRequestLog : realRequestLog
  const server = useRequests(requestLog)
  const client = useRequests(mockClientLog)
  const requests = useMemo(
    () => joinRequests(server, mode === 'mock' ? client : null),
    [server, client, mode],
  )
  const now = useNow(200, active)
  const keepAlives = requests.filter((entry) => entry.endpoint === 'keep-alive')
  const perSession = new Map<string, number>()
  for (const entry of keepAlives) {
    const session = entry.sessionId ?? '?'
    perSession.set(session, (perSession.get(session) ?? 0) + 1)
  }
  // The clock ticks every 200 ms: a keep-alive logged since the last tick is newer than `now`,
  // and counting back from a stale `now` would count the one before it too ("2 in the last
  // interval" for up to 200 ms after each keep-alive).
  const newest = Math.max(now, keepAlives.at(-1)?.at ?? now)
  const recent = keepAlives.filter((entry) => entry.at > newest - interval).length
  const rows = requests.slice(-MAX_ROWS).reverse()

  return (
    <div className="requests" data-testid="requests-panel">
      <div className="requests__summary">
        <span className="summary-item">
          <strong data-testid="request-count">{keepAlives.length}</strong> keep-alives
        </span>
        {[...perSession].map(([session, count]) => (
          <span
            key={session}
            className="summary-item chip"
            data-testid="session-count"
            data-session={session}
          >
            {session}: <strong>{count}</strong>
          </span>
        ))}
        <span className="summary-item">
          <strong data-testid="requests-last-interval">{recent}</strong> in the last interval (
          {interval / 1000} s)
        </span>
        <span className="summary-spacer" />
        <span className="muted summary-item">
          {mode === 'mock'
            ? 'answered by the mock (msw service worker)'
            : 'sent to the real endpoint'}
        </span>
        <button type="button" className="small" onClick={() => requestLog.clear()}>
          Clear
        </button>
      </div>
      <Timeline requests={requests} now={now} />
      <div className="requests__table-wrap">
        <table className="requests__table">
          <thead>
            <tr>
              <th>#</th>
              <th>Time</th>
              <th>Session</th>
              <th>Endpoint</th>
              <th>Answer</th>
              <th className="num">Latency</th>
              <th>Client</th>
              <th>Injected</th>
              <th>Token</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={9} className="muted empty">
                  No request yet.
                </td>
              </tr>
            )}
            {rows.map((entry) => (
              <RequestRow key={entry.id} entry={entry} now={now} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}

function RequestRow({ entry, now }: { entry: RequestView; now: number }) {
  const latency = (entry.settledAt ?? now) - entry.at
  const aborted = entry.clientAbortedAt
  return (
    <tr
      data-testid="request-row"
      data-status={String(entry.status)}
      data-session={entry.sessionId ?? ''}
      data-endpoint={entry.endpoint}
      data-injected={entry.injected}
      data-client={aborted === null ? undefined : 'aborted'}
      data-tone={entry.tone}
    >
      <td className="num muted">{entry.id}</td>
      <td className="mono">{formatTime(entry.at)}</td>
      <td>
        <code>{entry.sessionId ?? '?'}</code>
      </td>
      <td>{entry.endpoint}</td>
      <td>
        <span className="answer" data-tone={entry.tone} data-late={aborted !== null}>
          {entry.status}
        </span>
      </td>
      <td className="num mono">{entry.settledAt === null ? `${latency} ms…` : `${latency} ms`}</td>
      <td>
        {aborted === null ? (
          <span className="muted">—</span>
        ) : (
          <span className="flag" title="The client aborted the request before the answer came">
            gave up after {aborted - entry.at} ms
          </span>
        )}
      </td>
      <td>
        {entry.injected ? <span className="flag">injected</span> : <span className="muted">—</span>}
      </td>
      <td>
        {entry.tokenMatched === null ? (
          <span className="muted">n/a</span>
        ) : entry.tokenMatched ? (
          '✓'
        ) : (
          <span className="flag flag--bad">✗ wrong</span>
        )}
      </td>
    </tr>
  )
}
