import { AVATAR_API_US, DEFAULT_KEEP_ALIVE_INTERVAL, DEFAULT_KEEP_ALIVE_TIMEOUT } from './constants'

export interface KeepAliveTimingOptions {
  /**
   * The API's base URL (a trailing slash is fine; a path on your own proxy too).
   * @default AVATAR_API_US
   */
  baseUrl?: string
  /**
   * Time between keep-alives, in ms. At least 1,000.
   * @default 10000
   */
  interval?: number
  /**
   * How long one request may take before it is aborted and counted as a failure, in ms.
   * Must be below `interval`.
   * @default 5000 (or half the interval, when that is shorter)
   */
  timeout?: number
  /**
   * `true`: a retryable failure is tried again after about 1 s, 2 s, 4 s… (with jitter, capped at
   * half the interval, never sooner than a `Retry-After`) until a success or a final answer.
   * `false`: wait for the next interval.
   * @default true
   */
  retry?: boolean
}

export type ResolvedKeepAliveTiming = Required<KeepAliveTimingOptions>

/**
 * Fills in defaults and rejects options that cannot work, with a `TypeError` naming the option.
 *
 * @example
 * ```ts
 * resolveKeepAliveOptions({ interval: 4_000 }) // { baseUrl: AVATAR_API_US, interval: 4000, timeout: 2000, retry: true }
 * resolveKeepAliveOptions({ interval: 500 }) // throws TypeError: `interval` must be …
 * ```
 */
export function resolveKeepAliveOptions({
  baseUrl = AVATAR_API_US,
  interval = DEFAULT_KEEP_ALIVE_INTERVAL,
  timeout,
  retry = true,
}: KeepAliveTimingOptions = {}): ResolvedKeepAliveTiming {
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') {
    throw new TypeError('react-avatar-keepalive: `baseUrl` must be a non-empty string')
  }
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval < 1000) {
    throw new TypeError(
      `react-avatar-keepalive: \`interval\` must be a finite number of ms, at least 1000 (got ${String(interval)})`,
    )
  }
  const resolvedTimeout = timeout ?? Math.min(DEFAULT_KEEP_ALIVE_TIMEOUT, interval / 2)
  if (
    typeof resolvedTimeout !== 'number' ||
    !Number.isFinite(resolvedTimeout) ||
    resolvedTimeout <= 0 ||
    resolvedTimeout >= interval
  ) {
    throw new TypeError(
      `react-avatar-keepalive: \`timeout\` must be more than 0 and less than \`interval\` (got ${String(timeout)})`,
    )
  }
  return { baseUrl, interval, timeout: resolvedTimeout, retry: retry !== false }
}
