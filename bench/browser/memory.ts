import { createAvatarSessionStore, IDLE_SNAPSHOT } from 'react-avatar-keepalive/core'

declare global {
  interface Window {
    /** Creates a store holding `count` sessions, each written once, and keeps it. */
    fillStore: (count: number) => number
    /** Lets go of every store made so far. */
    dropStores: () => void
  }
}

let stores: unknown[] = []

// A session id as the API gives them (a UUID, 36 characters): the store keeps it as its key.
const sessionId = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`

window.fillStore = (count) => {
  const store = createAvatarSessionStore()
  const at = Date.now()
  for (let i = 0; i < count; i++) {
    // What a routine keep-alive leaves: an alive session, its times set.
    store
      .session(sessionId(i))
      .setState(
        { ...IDLE_SNAPSHOT, status: 'alive', isAlive: true, lastAliveAt: at, lastAttemptAt: at },
        true,
      )
  }
  stores.push(store)
  return Object.keys(store.getState().sessions).length
}

window.dropStores = () => {
  stores = []
}
