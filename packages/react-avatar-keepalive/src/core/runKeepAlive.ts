import { AvatarKeepAliveError } from './AvatarKeepAliveError'
import type { AvatarSessionStore } from './createAvatarSessionStore'
import { isKeepAliveHalted } from './isKeepAliveHalted'
import type { OnlineSource } from './OnlineSource'
import type { ResolvedKeepAliveTiming } from './resolveKeepAliveOptions'
import { rejectedTokens } from './rejectedTokens'
import { retryDelay } from './retryDelay'
import { sendKeepAlive } from './sendKeepAlive'

/** Everything one keep-alive run needs. The token is read at each attempt, so a rotation applies. */
export interface KeepAliveRun extends ResolvedKeepAliveTiming {
  sessionId: string
  getToken: () => string
  store: AvatarSessionStore
  online: OnlineSource
  fetch?: typeof fetch
}

/**
 * Sends one keep-alive, records every attempt and outcome in the store, and (with `retry`) tries a
 * retryable failure again until it succeeds or gets a final answer. Resolves with the time of the
 * success; rejects with the final `AvatarKeepAliveError`, or the signal's reason once aborted.
 *
 * Retries live here rather than in TanStack Query's retryer because that one pauses while the page
 * is hidden, exactly when a session is most at risk.
 *
 * @example
 * ```ts
 * await runKeepAlive({ ...resolveKeepAliveOptions(), sessionId, getToken: () => token, store, online }, signal)
 * ```
 */
export async function runKeepAlive(run: KeepAliveRun, signal: AbortSignal): Promise<number> {
  const { sessionId, store, online } = run
  // Let a mount that is undone at once (StrictMode, a quick toggle) cancel before anything is sent.
  await Promise.resolve()
  const startedAt = Date.now()
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted()
    if (!online.isOnline()) {
      store.getState().recordOffline(sessionId)
      await untilOnline(online, signal)
    }
    const token = run.getToken()
    if (isKeepAliveHalted(store, sessionId, token)) {
      throw (
        store.getState().sessions[sessionId]?.error ?? new AvatarKeepAliveError({ kind: 'expired' })
      )
    }
    store.getState().recordAttempt(sessionId)
    try {
      await sendKeepAlive({ ...run, token, signal })
      rejectedTokens.delete(store, sessionId)
      const at = Date.now()
      store.getState().recordSuccess(sessionId, at)
      // The browser went offline while this request was out: nothing more goes until it is back.
      if (!online.isOnline()) store.getState().recordOffline(sessionId)
      return at
    } catch (error) {
      if (!(error instanceof AvatarKeepAliveError)) throw error
      if (error.kind === 'network' && !online.isOnline()) continue
      if (error.kind === 'unauthorized' || error.kind === 'bad-request') {
        rejectedTokens.add(store, sessionId, token)
      }
      store.getState().recordFailure(sessionId, error)
      if (!error.retryable || !run.retry) throw error
      const lastAliveAt = store.getState().sessions[sessionId]?.lastAliveAt ?? startedAt
      const sinceAlive = Date.now() - lastAliveAt
      await sleep(retryDelay({ attempt, interval: run.interval, error, sinceAlive }), signal)
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      signal.removeEventListener('abort', abort)
      resolve()
    }
    function abort(): void {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', abort, { once: true })
  })
}

function untilOnline(online: OnlineSource, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const unsubscribe = online.subscribe((isOnline) => {
      if (!isOnline) return
      cleanup()
      resolve()
    })
    function abort(): void {
      cleanup()
      reject(signal.reason)
    }
    function cleanup(): void {
      unsubscribe()
      signal.removeEventListener('abort', abort)
    }
    signal.addEventListener('abort', abort, { once: true })
    if (online.isOnline()) {
      cleanup()
      resolve()
    }
  })
}
