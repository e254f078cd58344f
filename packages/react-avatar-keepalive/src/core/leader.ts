import { noop, now } from './environment'
import type { AvatarKeepAliveErrorKind } from './error'
import type { AvatarSessionSnapshot, TabCoordination } from './store'

/** A snapshot as it crosses tabs: no error text (the server's may quote a token), no token. */
export type WireSnapshot = Omit<AvatarSessionSnapshot, 'error'> & {
  error: {
    kind: AvatarKeepAliveErrorKind
    httpStatus: number | null
    retryAfter: number | null
  } | null
}

/** What tabs keeping one session tell each other. Never a token, nor any part of one. */
export interface TabMessage {
  /** The sender's state: from the leader on every change, from any tab when the session ends. */
  snapshot?: WireSnapshot
  /** The sender sends the keep-alives. */
  leader?: boolean
  /** The sender has just started to follow and asks the leader for its state. */
  hello?: boolean
  /** The sender's page is visible. */
  seen?: boolean
  /** The user was active in the sender's page. */
  active?: boolean
}

export interface Leadership {
  /** Whether this tab holds the session's lock. */
  readonly leading: boolean
  /** When a leader was last heard from, or this tab began to follow (`now()`). */
  readonly heardAt: number
  /** Tabs waiting for the lock at the last `countPeers()`. */
  readonly peers: number
  /** Whether the lock is still this tab's: a tab that woke up after losing it must not send. */
  confirm: () => Promise<boolean>
  /** Takes the lock from a leader that went silent. */
  steal: () => void
  post: (message: TabMessage) => void
  countPeers: () => void
  /**
   * Lets go of the place in line for the lock, and of the channel, now; of a held lock `after`
   * ms, so that the next tab cannot start a keep-alive closer than 1 s to this tab's last one.
   */
  release: (after: number) => void
}

/**
 * Elects one tab per lock name with the Web Locks API: the browser grants the lock to one tab at a
 * time and frees it when that tab closes or crashes; the others wait in line and hear the leader
 * on a `BroadcastChannel` of the same name.
 */
export function lead(
  { locks, BroadcastChannel }: TabCoordination,
  name: string,
  /** Called with `true` when this tab took the lock from a silent leader. */
  onLead: (stole: boolean) => void,
  onMessage: (message: TabMessage) => void,
): Leadership {
  const channel = new BroadcastChannel(name)
  let leading = false
  let heardAt = now()
  let peers = 0
  let generation = 0
  let clientId: string | undefined
  let cancel = noop
  let letGo = noop

  const held = (): Promise<LockInfo[]> => locks.query().then((state) => state.held ?? [])
  const request = (steal: boolean): void => {
    const mine = ++generation
    const controller = new AbortController()
    cancel = () => controller.abort()
    locks
      .request(name, steal ? { steal } : { signal: controller.signal }, async () => {
        if (mine !== generation) return
        leading = true
        clientId = (await held()).find((lock) => lock.name === name)?.clientId
        onLead(steal)
        await new Promise<void>((resolve) => (letGo = resolve))
      })
      .catch(noop)
      .finally(() => {
        // Released by us, replaced by a newer request, or stolen: only the last asks again.
        if (mine !== generation) return
        leading = false
        heardAt = now()
        request(false)
      })
  }

  channel.onmessage = ({ data }: MessageEvent<TabMessage>) => {
    if (data.leader) heardAt = now()
    onMessage(data)
  }
  request(false)
  channel.postMessage({ hello: true } satisfies TabMessage)

  return {
    get leading() {
      return leading
    },
    get heardAt() {
      return heardAt
    },
    get peers() {
      return peers
    },
    confirm: async () => {
      if (leading && clientId !== undefined) {
        leading = (await held()).some((lock) => lock.name === name && lock.clientId === clientId)
      }
      return leading
    },
    steal: () => {
      heardAt = now()
      cancel()
      request(true)
    },
    post: (message) => channel.postMessage(message),
    countPeers: () =>
      void locks.query().then((state) => {
        peers = (state.pending ?? []).filter((lock) => lock.name === name).length
      }, noop),
    release: (after) => {
      generation++
      leading = false
      cancel()
      setTimeout(letGo, after)
      channel.close()
    },
  }
}
