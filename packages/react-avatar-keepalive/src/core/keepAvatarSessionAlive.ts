import {
  browserFocus,
  globalWindow,
  listen,
  type FocusSource,
  type OnlineSource,
} from './environment'
import { timerDriver, type KeepAliveDriverFactory } from './driver'
import { joinKeeper, markSessionActive, type KeeperOptions } from './keeper'
import { checkSessionId, invalid } from './request'
import type { AvatarSessionStatus } from './status'
import { avatarSessionStore, sessionView, type AvatarSessionStore } from './store'
import { watchSession, type SessionCallbacks } from './watchSession'

/** `navigator.onLine` and its events; always online where there is no `navigator`. */
// Online until the page says otherwise, as TanStack Query's onlineManager (what the hook uses):
// `navigator.onLine` reads false on some machines that are online (Chrome without a route it
// likes, some VPNs), and a false start is never corrected (no `online` event follows), so trusting
// it would keep the session from ever being kept. Its events are trusted.
const browserOnline: OnlineSource = {
  isOnline: () => true,
  subscribe: (listener) => {
    const on = (): void => listener(navigator.onLine !== false)
    const offs = [listen(globalWindow, 'online', on), listen(globalWindow, 'offline', on)]
    return () => offs.forEach((off) => off())
  },
}

export interface KeepAvatarSessionAliveOptions extends KeeperOptions, SessionCallbacks {
  /**
   * Where liveness is published.
   * @default avatarSessionStore
   */
  store?: AvatarSessionStore | undefined
  /**
   * Whether the device is online.
   * @default online, then as the page's `online` and `offline` events say (never `navigator.onLine`
   * alone, which some online machines read as false)
   */
  online?: OnlineSource | undefined
  /**
   * Whether the page is seen.
   * @default document.visibilityState and its event (always seen without a document)
   */
  focus?: FocusSource | undefined
  /**
   * What fires the schedule.
   * @default timerDriver (setTimeout)
   */
  driver?: KeepAliveDriverFactory | undefined
}

export interface KeepAliveHandle {
  /** Passes a new token (say, a refreshed one) and, optionally, new options. */
  update: (token: string, options?: KeepAvatarSessionAliveOptions) => void
  /** Sends a keep-alive now, or joins the one in flight; resolves to the resulting status. */
  ping: () => Promise<AvatarSessionStatus>
  /** Counts as user activity for `idleTimeout`. */
  markActive: () => void
  /** Stops keeping the session alive from here (ending it is `endAvatarSession`). */
  stop: () => void
}

// The token only: the options are checked where the keeper reads them (joinKeeper, update),
// before anything changes.
function checkToken(token: string): void {
  if (typeof token !== 'string' || token.trim() === '')
    throw invalid(
      'token',
      (typeof process < 'u' ? process.env.NODE_ENV : 'production') !== 'production' &&
        'must be a non-empty string',
    )
}

/**
 * Keeps a session alive without React (server code, workers, other frameworks): the same engine
 * as `useAvatarKeepAlive`, with the same guarantees, on plain timers. Calls for the same session
 * and store share one schedule until the last one stops.
 *
 * @example
 * ```ts
 * const keepAlive = keepAvatarSessionAlive(sessionId, token, {
 *   onExpired: (reason) => console.log('session over:', reason),
 * })
 * // later
 * keepAlive.update(refreshedToken)
 * keepAlive.stop()
 * ```
 */
export function keepAvatarSessionAlive(
  sessionId: string,
  token: string,
  options: KeepAvatarSessionAliveOptions = {},
): KeepAliveHandle {
  checkSessionId(sessionId)
  checkToken(token)
  let latest = options
  const {
    store = avatarSessionStore,
    online = browserOnline,
    focus = browserFocus,
    driver = timerDriver,
  } = options
  const reported = { current: store.get(sessionId).status }
  // Joined first: bad options throw there, before anything listens.
  const keeper = joinKeeper(store, sessionId, token, options, { online, focus, driver })
  const unwatch = watchSession(sessionView(store, sessionId), () => latest, reported)
  return {
    update: (token, options = latest) => {
      checkToken(token)
      keeper.update(token, options)
      latest = options
    },
    ping: keeper.ping,
    markActive: () => markSessionActive(sessionId, store),
    stop: () => {
      keeper.stop()
      unwatch()
    },
  }
}
