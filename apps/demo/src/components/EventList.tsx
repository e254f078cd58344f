import { formatTime } from './format'
import type { LogEvent } from './useEventLog'

export function EventList({ events }: { events: readonly LogEvent[] }) {
  return (
    <div className="event-list">
      <h3>Callbacks</h3>
      {events.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <ol data-testid="event-list">
          {events.map((event) => (
            <li key={event.id} data-kind={event.kind}>
              <time>{formatTime(event.at)}</time> {event.text}
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}
