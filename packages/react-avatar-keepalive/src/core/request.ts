import { AvatarKeepAliveError, classifyHttpStatus, parseRetryAfter } from './error'
import { noop } from './environment'

/**
 * Base URL of the avatar API in the US region (the default).
 *
 * @example
 * ```ts
 * useAvatarKeepAlive(sessionId, token, { baseUrl: AVATAR_API_US })
 * ```
 */
export const AVATAR_API_US = 'https://api.avatar.us.kaltura.ai/v1'

/**
 * Base URL of the avatar API in the EU region.
 *
 * @example
 * ```ts
 * useAvatarKeepAlive(sessionId, token, { baseUrl: AVATAR_API_EU })
 * ```
 */
export const AVATAR_API_EU = 'https://api.avatar.eu.kaltura.ai/v1'

/**
 * How long one keep-alive request may take before it is given up, in ms.
 *
 * @example
 * ```ts
 * await sendKeepAlive({ sessionId, token, timeout: DEFAULT_KEEP_ALIVE_TIMEOUT })
 * ```
 */
export const DEFAULT_KEEP_ALIVE_TIMEOUT = 5_000

export interface SessionCallOptions {
  /** The avatar session. */
  sessionId: string
  /** The session's Bearer token. Sent in the `Authorization` header, never anywhere else. */
  token: string
  /**
   * The API's base URL; a trailing slash is fine, and so is a path on your own proxy.
   * @default AVATAR_API_US
   */
  baseUrl?: string
  /** Aborts the request; the promise then rejects with the signal's reason at once. */
  signal?: AbortSignal
  /**
   * Gives up after this many ms with an `AvatarKeepAliveError` of kind `timeout`, even if `fetch`
   * ignores its signal.
   * @default 5000
   */
  timeout?: number
  /**
   * The `fetch` to use, looked up at call time.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch
}

export interface SessionCallAnswer {
  response: Response
  /** The parsed JSON body, or `undefined` when it was not JSON. */
  body: unknown
}

/**
 * Misuse of the API is a programming error: a TypeError naming the option, with the rule in
 * development (call sites pass `process.env.NODE_ENV !== 'production' && rule`, so production
 * bundles drop the text).
 */
export function invalid(option: string, rule: string | false): TypeError {
  return new TypeError(`react-avatar-keepalive: \`${option}\` ${rule || 'is invalid'}`)
}

/**
 * Whether a session id can be put in a URL: a non-blank string other than `.` and `..` (those two
 * survive encodeURIComponent, and URL parsing would resolve them as path steps).
 *
 * @example
 * ```ts
 * isValidSessionId('session-1') // true
 * isValidSessionId('..') // false
 * ```
 */
export function isValidSessionId(sessionId: unknown): sessionId is string {
  return typeof sessionId === 'string' && sessionId.trim() !== '' && !/^\.{1,2}$/.test(sessionId)
}

/**
 * Whether a token can be sent as `Authorization: Bearer <token>`: printable ASCII without
 * spaces, as every JWT and bearer token is. A line break, a control character or a non-ASCII
 * character would make `fetch` throw an error that quotes the header, so such a token is refused
 * before anything is sent.
 *
 * @example
 * ```ts
 * isValidToken('eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl') // true
 * isValidToken('abc\ndef') // false
 * ```
 */
export function isValidToken(token: unknown): token is string {
  return typeof token === 'string' && /^[\x21-\x7e]+$/.test(token)
}

/**
 * The keep-alive URL of a session: trailing slashes of `baseUrl` dropped, the id URL-encoded.
 * Throws a `TypeError` for an empty session id or base URL, so no request goes to a malformed URL.
 *
 * @example
 * ```ts
 * keepAliveUrl('a/b', 'https://api.example/v1/') // 'https://api.example/v1/avatar-session/a%2Fb/keep-alive'
 * ```
 */
export function keepAliveUrl(sessionId: string, baseUrl: string = AVATAR_API_US): string {
  return sessionUrl(sessionId, baseUrl, 'keep-alive')
}

function sessionUrl(sessionId: string, baseUrl: string, action: string): string {
  if (!isValidSessionId(sessionId))
    throw invalid(
      'sessionId',
      process.env.NODE_ENV !== 'production' && 'must be a non-empty string, not . or ..',
    )
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') {
    throw invalid('baseUrl', process.env.NODE_ENV !== 'production' && 'must be a non-empty string')
  }
  return `${baseUrl.replace(/\/+$/, '')}/avatar-session/${encodeURIComponent(sessionId)}/${action}`
}

/**
 * `POST {baseUrl}/avatar-session/{id}/{action}` with the Bearer token and body `{}`. Resolves with
 * any HTTP answer; rejects with an `AvatarKeepAliveError` (`network`, `timeout`, or
 * `invalid-token` before anything is sent), or with the signal's reason. Within `timeout` it has
 * settled, whatever `fetch` does. Bad input throws a `TypeError` at once, before anything is sent.
 */
export function postToSession(
  action: string,
  {
    sessionId,
    token,
    baseUrl = AVATAR_API_US,
    signal,
    timeout = DEFAULT_KEEP_ALIVE_TIMEOUT,
    fetch: fetchFn = globalThis.fetch,
  }: SessionCallOptions,
  keepalive?: boolean,
): Promise<SessionCallAnswer> {
  const url = sessionUrl(sessionId, baseUrl, action)
  if (typeof token !== 'string' || token.trim() === '')
    throw invalid('token', process.env.NODE_ENV !== 'production' && 'must be a non-empty string')
  if (typeof timeout !== 'number' || !(timeout > 0 && timeout <= 2 ** 31 - 1)) {
    throw invalid(
      'timeout',
      process.env.NODE_ENV !== 'production' && 'must be a number of ms above 0',
    )
  }
  if (!isValidToken(token))
    return Promise.reject(new AvatarKeepAliveError({ kind: 'invalid-token' }))
  return send(url, token, timeout, fetchFn, signal, keepalive)
}

async function send(
  url: string,
  token: string,
  timeout: number,
  fetchFn: typeof fetch,
  signal: AbortSignal | undefined,
  keepalive: boolean | undefined,
): Promise<SessionCallAnswer> {
  if (signal?.aborted) throw signal.reason
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let onAbort = noop
  // Settles first when time is up or the caller aborts, so a fetch that never settles cannot
  // hold the attempt open.
  const cutOff = new Promise<never>((_, reject) => {
    const stop = (reason: unknown): void => {
      reject(reason)
      controller.abort(reason)
    }
    timer = setTimeout(() => stop(new AvatarKeepAliveError({ kind: 'timeout' })), timeout)
    onAbort = () => stop(signal!.reason)
    signal?.addEventListener('abort', onAbort)
  })
  const network = (cause: unknown): never => {
    throw new AvatarKeepAliveError({ kind: 'network', cause })
  }
  try {
    // Through a promise, so that a fetch that throws (rather than rejects) is classified too.
    const response = await Promise.race([
      cutOff,
      Promise.resolve()
        .then(() =>
          fetchFn(url, {
            method: 'POST',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
            body: '{}',
            signal: controller.signal,
            ...(keepalive && { keepalive }),
          }),
        )
        .catch(network),
    ])
    const body = await Promise.race([cutOff, readJson(response).catch(network)])
    return { response, body }
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}

/**
 * Sends one keep-alive. Resolves when the server answers 2xx `{"success":true}`; rejects with an
 * `AvatarKeepAliveError` for every other outcome, or with the outside `signal`'s reason.
 *
 * @example
 * ```ts
 * await sendKeepAlive({ sessionId, token, baseUrl: AVATAR_API_EU })
 * ```
 */
export async function sendKeepAlive(options: SessionCallOptions): Promise<void> {
  const answer = await postToSession('keep-alive', options)
  if (!isSuccess(answer)) throw answerError(answer, options.token)
}

/** Whether an answer is a 2xx with the API's `{"success": true}` body. */
export function isSuccess({ response, body }: SessionCallAnswer): boolean {
  return response.ok && (body as { success?: unknown } | null)?.success === true
}

/**
 * The error for an answer that was not a success: its kind from the status, the server's `error`
 * text (with the token redacted, in case the server echoed it) and any `Retry-After`.
 */
export function answerError(
  { response, body }: SessionCallAnswer,
  token: string,
): AvatarKeepAliveError {
  const error = (body as { error?: unknown } | null)?.error
  return new AvatarKeepAliveError({
    kind: response.ok ? 'invalid-response' : classifyHttpStatus(response.status),
    httpStatus: response.status,
    retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
    serverMessage: typeof error === 'string' ? error.split(token).join('[redacted]') : null,
  })
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text()
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
