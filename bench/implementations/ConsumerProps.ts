import type { QueryClient } from '@tanstack/react-query'
import type { AvatarSessionStore } from 'react-avatar-keepalive/core'

/** What every implementation under test is given; the references ignore the last two. */
export interface ConsumerProps {
  sessionId: string
  token: string
  /** Ms between keep-alives (row 11 shortens it); else each implementation's own (10 s). */
  interval?: number
  /** Ours: the QueryClient to schedule on (else its own fallback client). */
  queryClient?: QueryClient
  /** Ours: the store to publish to (else the default store). */
  store?: AvatarSessionStore
}
