import type { AvatarSessionStore } from './createAvatarSessionStore'

// Kept beside the store, never in its state: the store is for display and may be serialised,
// this only answers "is this the token the server already refused?".
const rejected = new WeakMap<AvatarSessionStore, Map<string, string>>()

/**
 * Remembers, in memory only, the token a session's keep-alive was refused with (401/403/400), so
 * that pinging stays paused until the token changes.
 */
export const rejectedTokens: {
  add: (store: AvatarSessionStore, sessionId: string, token: string) => void
  has: (store: AvatarSessionStore, sessionId: string, token: string) => boolean
  delete: (store: AvatarSessionStore, sessionId: string) => void
} = {
  add: (store, sessionId, token) => {
    let tokens = rejected.get(store)
    if (!tokens) rejected.set(store, (tokens = new Map()))
    tokens.set(sessionId, token)
  },
  has: (store, sessionId, token) => rejected.get(store)?.get(sessionId) === token,
  delete: (store, sessionId) => {
    rejected.get(store)?.delete(sessionId)
  },
}
