import { useEffect } from 'react'
import { isTerminalStatus, type AvatarSessionStatus } from 'react-avatar-keepalive'
import type { AvatarSessionStore } from 'react-avatar-keepalive'

// Ended (410, 404) or refused (400): no later keep-alive is sent, whatever the args say.
const stopped = (status: AvatarSessionStatus): boolean =>
  isTerminalStatus(status) || status === 'error'

/**
 * Reports the status of the first of `sessionIds` that has stopped for good, or null, as it
 * changes; null again on unmount.
 */
export function useStoppedStatus(
  store: AvatarSessionStore,
  sessionIds: readonly string[],
  onChange: ((status: AvatarSessionStatus | null) => void) | undefined,
): void {
  useEffect(() => {
    if (!onChange) return
    const report = (): void =>
      onChange(sessionIds.map((id) => store.get(id).status).find(stopped) ?? null)
    report()
    const unsubscribes = sessionIds.map((id) => store.session(id).subscribe(report))
    return () => {
      for (const unsubscribe of unsubscribes) unsubscribe()
      onChange(null)
    }
  }, [store, sessionIds, onChange])
}
