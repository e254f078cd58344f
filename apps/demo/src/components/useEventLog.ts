import { useMemo, useState } from 'react'
import type { AvatarKeepAliveError, AvatarSessionStatus } from 'react-avatar-keepalive'

export interface LogEvent {
  id: number
  at: number
  kind: 'status' | 'error' | 'expired' | 'note'
  text: string
}

export interface EventLog {
  events: LogEvent[]
  onStatusChange: (status: AvatarSessionStatus, previous: AvatarSessionStatus) => void
  onError: (error: AvatarKeepAliveError) => void
  onExpired: () => void
  note: (text: string) => void
}

const MAX_EVENTS = 12
let nextId = 1

/** Collects the hook's callbacks (`onStatusChange`, `onError`, `onExpired`) for display. */
export function useEventLog(): EventLog {
  const [events, setEvents] = useState<LogEvent[]>([])
  const callbacks = useMemo(() => {
    const add = (kind: LogEvent['kind'], text: string): void =>
      setEvents((list) =>
        [{ id: nextId++, at: Date.now(), kind, text }, ...list].slice(0, MAX_EVENTS),
      )
    return {
      onStatusChange: (status: AvatarSessionStatus, previous: AvatarSessionStatus) =>
        add('status', `onStatusChange: ${previous} → ${status}`),
      onError: (error: AvatarKeepAliveError) =>
        add('error', `onError: ${error.kind} · ${error.message}`),
      onExpired: () => add('expired', 'onExpired: the server ended the session'),
      note: (text: string) => add('note', text),
    }
  }, [])
  return { events, ...callbacks }
}
