import { MAX_TIMER_DELAY, type AvatarKeepAliveError } from './error'
import { AVATAR_API_US, checkBaseUrl, DEFAULT_KEEP_ALIVE_TIMEOUT, invalid } from './request'

/**
 * How often the vendor asks for a keep-alive, in ms.
 *
 * @example
 * ```ts
 * useAvatarKeepAlive(sessionId, token, { interval: DEFAULT_KEEP_ALIVE_INTERVAL / 2 })
 * ```
 */
export const DEFAULT_KEEP_ALIVE_INTERVAL = 10_000

/** Two keep-alive starts of one session are never closer than this, whatever happens. */
export const MIN_KEEP_ALIVE_GAP = 1_000

export interface KeepAliveTimingOptions {
  /**
   * The API's base URL (a trailing slash is fine; a path on your own proxy too).
   * @default AVATAR_API_US
   */
  baseUrl?: string | undefined
  /**
   * Time from the start of one keep-alive to the start of the next, in ms: 1,000 to 2^31 − 1.
   * @default 10000
   */
  interval?: number | undefined
  /**
   * How long one request may take before it is given up and counted as a failure, in ms.
   * Must be below `interval`.
   * @default 5000 (or half the interval, when that is shorter)
   */
  timeout?: number | undefined
  /**
   * `true`: a retryable failure is tried again after about 1 s, 2 s, 4 s… (with jitter, capped at
   * half the interval, never sooner than a `Retry-After`, never later than the next regular
   * keep-alive). `false`: wait for the next regular keep-alive.
   * @default true
   */
  retry?: boolean | undefined
  /**
   * End the session once every page keeping it has been hidden this long without a break, in ms.
   * @default undefined (never)
   */
  hiddenTimeout?: number | undefined
  /**
   * End the session after this long without user activity (pointer, key, touch, wheel, the page
   * becoming visible, `markActive()`), in ms.
   * @default undefined (never)
   */
  idleTimeout?: number | undefined
  /**
   * How long before `idleTimeout` ends the session `onIdleWarning` is called, in ms.
   * @default 60000 (or the whole `idleTimeout`, when that is shorter)
   */
  idleWarning?: number | undefined
}

export interface ResolvedKeepAliveTiming {
  baseUrl: string
  interval: number
  timeout: number
  retry: boolean
  hiddenTimeout: number | undefined
  idleTimeout: number | undefined
  idleWarning: number
}

function ms(name: string, value: number, min: number, max: number): number {
  if (!(typeof value === 'number' && value >= min && value <= max)) {
    throw invalid(
      name,
      (typeof process < 'u' ? process.env.NODE_ENV : 'production') !== 'production' &&
        `must be a number of ms from ${min} to ${max} (got ${typeof value == 'number' ? value : typeof value})`,
    )
  }
  return value
}

/**
 * Fills in defaults and rejects options that cannot work, with a `TypeError` naming the option.
 * Every duration it lets through fits a timer.
 *
 * @example
 * ```ts
 * resolveKeepAliveOptions({ interval: 4_000 }).timeout // 2000
 * resolveKeepAliveOptions({ interval: 500 }) // throws TypeError: `interval` must be …
 * ```
 */
export function resolveKeepAliveOptions({
  baseUrl = AVATAR_API_US,
  interval = DEFAULT_KEEP_ALIVE_INTERVAL,
  timeout,
  retry = true,
  hiddenTimeout,
  idleTimeout,
  idleWarning = 60_000,
}: KeepAliveTimingOptions = {}): ResolvedKeepAliveTiming {
  checkBaseUrl(baseUrl)
  ms('interval', interval, MIN_KEEP_ALIVE_GAP, MAX_TIMER_DELAY)
  return {
    baseUrl,
    interval,
    // The smallest value a timer keeps apart from 0 is 1 ms.
    timeout: ms(
      'timeout',
      timeout ?? Math.min(DEFAULT_KEEP_ALIVE_TIMEOUT, interval / 2),
      1,
      interval - 1,
    ),
    retry: retry !== false,
    hiddenTimeout:
      hiddenTimeout === undefined
        ? undefined
        : ms('hiddenTimeout', hiddenTimeout, 1, MAX_TIMER_DELAY),
    idleTimeout:
      idleTimeout === undefined ? undefined : ms('idleTimeout', idleTimeout, 1, MAX_TIMER_DELAY),
    idleWarning: ms('idleWarning', idleWarning, 0, MAX_TIMER_DELAY),
  }
}

export interface RetryDelayInput {
  /** 1 for the first retry after a failure, 2 for the next… */
  attempt: number
  interval: number
  error: AvatarKeepAliveError
  /** How long the session has gone without a successful keep-alive, in ms. */
  sinceAlive: number
  /** @default Math.random */
  random?: (() => number) | undefined
}

/**
 * How long after a failure to try again: about 1 s, 2 s, 4 s… (±20 % jitter) capped at half the
 * interval. Once the session has gone 1.5 intervals without a success it has missed a beat and
 * the server may be counting down, so until 3 intervals have passed (the window in which it can
 * still be saved) retries come every second. A server's `Retry-After` is a floor here; the
 * keep-alive caps the result at the next regular beat, so that no answer can make it skip one.
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
  const base = urgent ? 1000 : Math.min(1000 * 2 ** Math.min(attempt - 1, 30), interval / 2)
  const jittered = Math.min(base * (0.8 + 0.4 * random()), interval / 2)
  return Math.round(Math.max(jittered, error.retryAfter ?? 0))
}
