import {
  globalDocument,
  globalWindow,
  listen,
  type FocusSource,
  type OnlineSource,
} from './environment'
import {
  joinKeeper,
  markSessionActive,
  timerDriver,
  type KeepAliveDriverFactory,
  type KeeperOptions,
} from './keeper'
import { invalid, isValidSessionId } from './request'
import type { AvatarSessionStatus } from './status'
import { avatarSessionStore, type AvatarSessionStore } from './store'
import { watchSession, type SessionCallbacks } from './watchSession'

/** `navigator.onLine` and its events; always online where there is no `navigator`. */
const browserOnline: OnlineSource = {
  isOnline: () => typeof navigator !== 'object' || navigator.onLine !== false,
  subscribe: (listener) => {
    const on = (): void => listener(browserOnline.isOnline())
    const offs = [listen(globalWindow, 'online', on), listen(globalWindow, 'offline', on)]
    return () => offs.forEach((off) => off())
  },
}

/** `document.visibilityState` and its event; always seen where there is no `document`. */
const browserFocus: FocusSource = {
  isFocused: () => globalDocument?.visibilityState !== 'hidden',
  subscribe: (listener) =>
    listen(globalDocument, 'visibilitychange', () => listener(browserFocus.isFocused())),
}

export interface KeepAvatarSessionAliveOptions extends KeeperOptions, SessionCallbacks {
  /**
   * Where liveness is published.
   * @default avatarSessionStore
   */
  store?: AvatarSessionStore
  /**
   * Whether the device is online.
   * @default navigator.onLine and its events (always online without a navigator)
   */
  online?: OnlineSource
  /**
   * Whether the page is seen.
   * @default document.visibilityState and its event (always seen without a document)
   */
  focus?: FocusSource
  /**
   * What fires the schedule.
   * @default timerDriver (setTimeout)
   */
  driver?: KeepAliveDriverFactory
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

function checkToken(token: string): void {
  if (typeof token !== 'string' || token.trim() === '')
    throw invalid('token', process.env.NODE_ENV !== 'production' && 'must be a non-empty string')
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
  if (!isValidSessionId(sessionId))
    throw invalid(
      'sessionId',
      process.env.NODE_ENV !== 'production' && 'must be a non-empty string, not . or ..',
    )
  checkToken(token)
  let latest = options
  const {
    store = avatarSessionStore,
    online = browserOnline,
    focus = browserFocus,
    driver = timerDriver,
  } = options
  const unwatch = watchSession(store, sessionId, () => latest, store.get(sessionId).status)
  const keeper = joinKeeper(store, sessionId, token, options, { online, focus, driver })
  return {
    update: (token, options = latest) => {
      checkToken(token)
      latest = options
      keeper.update(token, options)
    },
    ping: keeper.ping,
    markActive: () => markSessionActive(sessionId, store),
    stop: () => {
      keeper.stop()
      unwatch()
    },
  }
}
