/** Why a keep-alive failed. */
export type AvatarKeepAliveErrorKind =
  | 'expired'
  | 'not-found'
  | 'unauthorized'
  | 'bad-request'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'invalid-response'

export interface AvatarKeepAliveErrorInit {
  kind: AvatarKeepAliveErrorKind
  httpStatus?: number | null
  retryAfter?: number | null
  /** The server's own `error` text, if its body had one. */
  serverMessage?: string | null
  cause?: unknown
}

const RETRYABLE: ReadonlySet<AvatarKeepAliveErrorKind> = new Set([
  'rate-limited',
  'server',
  'network',
  'timeout',
  'invalid-response',
])

const DESCRIPTIONS: Record<AvatarKeepAliveErrorKind, string> = {
  expired: 'the session has ended',
  'not-found': 'the session was not found',
  unauthorized: 'the token was rejected',
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
  /** Why the keep-alive failed. */
  readonly kind: AvatarKeepAliveErrorKind
  /** The HTTP status, or `null` when no response arrived. */
  readonly httpStatus: number | null
  /** Whether trying again may help (the session is not known to be gone or refused). */
  readonly retryable: boolean
  /** How long the server asked to wait (`Retry-After`), in ms, or `null`. */
  readonly retryAfter: number | null

  constructor({
    kind,
    httpStatus = null,
    retryAfter = null,
    serverMessage,
    cause,
  }: AvatarKeepAliveErrorInit) {
    const status = httpStatus === null ? '' : ` (HTTP ${httpStatus})`
    const server = serverMessage ? `: ${serverMessage}` : ''
    super(`Keep-alive failed, ${DESCRIPTIONS[kind]}${status}${server}`, { cause })
    this.kind = kind
    this.httpStatus = httpStatus
    this.retryable = RETRYABLE.has(kind)
    this.retryAfter = retryAfter
  }
}
