/** Why a keep-alive failed. */
export type AvatarKeepAliveErrorKind =
  | 'expired'
  | 'not-found'
  | 'unauthorized'
  | 'invalid-token'
  | 'bad-request'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'invalid-response'

/** Every kind: what an error from another tab may be. */
export const ERROR_KINDS: readonly AvatarKeepAliveErrorKind[] = [
  'expired',
  'not-found',
  'unauthorized',
  'invalid-token',
  'bad-request',
  'rate-limited',
  'server',
  'network',
  'timeout',
  'invalid-response',
]

export interface AvatarKeepAliveErrorInit {
  kind: AvatarKeepAliveErrorKind
  httpStatus?: number | null | undefined
  retryAfter?: number | null | undefined
  /** The server's own `error` text, if its body had one. */
  serverMessage?: string | null | undefined
  cause?: unknown
}

/** The longest delay a timer honours (2^31 − 1 ms, about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_DELAY: number = 2 ** 31 - 1

const RETRYABLE: readonly AvatarKeepAliveErrorKind[] = [
  'rate-limited',
  'server',
  'network',
  'timeout',
  'invalid-response',
]

const DESCRIPTIONS: Record<AvatarKeepAliveErrorKind, string> = {
  expired: 'the session has ended',
  'not-found': 'the session was not found',
  unauthorized: 'the token was rejected',
  'invalid-token': 'the token is not a valid HTTP header value, so it was not sent',
  'bad-request': 'the request was rejected',
  'rate-limited': 'too many requests',
  server: 'the server failed',
  network: 'the network request failed',
  timeout: 'the request timed out',
  'invalid-response': 'the server answered with an unexpected body',
}

/**
 * The one error `sendKeepAlive` rejects with. Never carries the token.
 *
 * @example
 * ```ts
 * try {
 *   await sendKeepAlive({ sessionId, token })
 * } catch (error) {
 *   if (error instanceof AvatarKeepAliveError && error.kind === 'expired') endCall()
 * }
 * ```
 */
export class AvatarKeepAliveError extends Error {
  override readonly name = 'AvatarKeepAliveError'
  // `declare`d, as the constructor sets them: plain declarations would be emitted and set twice.
  /** Why the keep-alive failed. */
  declare readonly kind: AvatarKeepAliveErrorKind
  /** The HTTP status, or `null` when no response arrived. */
  declare readonly httpStatus: number | null
  /** Whether trying again may help (the session is not known to be gone or refused). */
  declare readonly retryable: boolean
  /** How long the server asked to wait (`Retry-After`), in ms, or `null`. */
  declare readonly retryAfter: number | null

  constructor({
    kind,
    httpStatus = null,
    retryAfter = null,
    serverMessage,
    cause,
  }: AvatarKeepAliveErrorInit) {
    const status = httpStatus === null ? '' : ` (HTTP ${httpStatus})`
    const server = serverMessage ? `: ${serverMessage}` : ''
    // Development builds explain; production bundles fold this to `kind` and drop the texts. The
    // bundler replaces process.env.NODE_ENV; with none (a page's import map) there is no
    // `process`, and this is production, not a ReferenceError at every error. (At each use, not
    // in a constant: read at call time, as tests that stub NODE_ENV expect.)
    const text =
      (typeof process < 'u' ? process.env.NODE_ENV : 'production') !== 'production'
        ? DESCRIPTIONS[kind]
        : kind
    super(`Keep-alive failed, ${text}${status}${server}`, { cause })
    this.kind = kind
    this.httpStatus = httpStatus
    this.retryable = RETRYABLE.includes(kind)
    this.retryAfter = retryAfter
  }
}

/**
 * Maps a failed keep-alive's HTTP status to the kind of error it is.
 *
 * @example
 * ```ts
 * classifyHttpStatus(410) // 'expired'
 * ```
 */
export function classifyHttpStatus(status: number): AvatarKeepAliveErrorKind {
  if (status === 410) return 'expired'
  if (status === 404) return 'not-found'
  if (status === 401 || status === 403) return 'unauthorized'
  if (status === 429) return 'rate-limited'
  if (status === 408 || status >= 500) return 'server'
  if (status >= 400) return 'bad-request'
  // 1xx/3xx (or a 2xx that reached here) are not answers this API gives.
  return 'invalid-response'
}

/**
 * A `Retry-After` header in ms: delay-seconds or an HTTP date; `null` when absent or unreadable.
 * Never more than `MAX_TIMER_DELAY`, so it always fits a timer.
 *
 * @example
 * ```ts
 * parseRetryAfter('3') // 3000
 * ```
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null
  // Only an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT"): Date.parse reads '-1' or '1.5' as dates.
  const ms = /^\s*\d+\s*$/.test(value)
    ? Number(value) * 1000
    : /^\s*[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT\s*$/.test(value)
      ? Date.parse(value) - now
      : NaN
  return Number.isNaN(ms) ? null : Math.min(Math.max(0, ms), MAX_TIMER_DELAY)
}
