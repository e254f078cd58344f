import { AvatarKeepAliveError } from './AvatarKeepAliveError'
import { classifyHttpStatus } from './classifyHttpStatus'
import { AVATAR_API_US, DEFAULT_KEEP_ALIVE_TIMEOUT } from './constants'
import { sessionUrl } from './keepAliveUrl'
import { parseRetryAfter } from './parseRetryAfter'

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
  /** Aborts the request; the promise then rejects with the signal's reason. */
  signal?: AbortSignal
  /**
   * Aborts the request after this many ms with an `AvatarKeepAliveError` of kind `timeout`.
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

const MAX_TIMEOUT = 2 ** 31 - 1

/**
 * `POST {baseUrl}/avatar-session/{id}/{action}` with the Bearer token and body `{}`. Resolves with
 * any HTTP answer; rejects with an `AvatarKeepAliveError` of kind `network` or `timeout`, or with
 * the outside signal's reason. Bad input throws a `TypeError` at once, before anything is sent.
 *
 * @example
 * ```ts
 * const { response, body } = await postToSession('keep-alive', { sessionId, token })
 * ```
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
  init: { keepalive?: boolean } = {},
): Promise<SessionCallAnswer> {
  const url = sessionUrl(sessionId, baseUrl, action)
  if (typeof token !== 'string' || token.trim() === '') {
    throw new TypeError('react-avatar-keepalive: `token` must be a non-empty string')
  }
  // Timers clamp larger delays to ~1 ms, which would time every request out at once.
  if (typeof timeout !== 'number' || !(timeout > 0 && timeout <= MAX_TIMEOUT)) {
    throw new TypeError('react-avatar-keepalive: `timeout` must be a number of ms above 0')
  }
  return send(url, token, timeout, fetchFn, signal, init.keepalive === true)
}

// Apart from the checks above, so that bad input throws before anything else happens.
async function send(
  url: string,
  token: string,
  timeout: number,
  fetchFn: typeof fetch,
  signal: AbortSignal | undefined,
  keepalive: boolean,
): Promise<SessionCallAnswer> {
  signal?.throwIfAborted()
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeout)
  const onAbort = (): void => controller.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort)

  // Whatever went wrong, tell timeouts and outside aborts apart from real failures.
  const fail = (error: unknown): never => {
    if (timedOut) throw new AvatarKeepAliveError({ kind: 'timeout', cause: error })
    if (signal?.aborted) throw signal.reason
    throw new AvatarKeepAliveError({ kind: 'network', cause: error })
  }

  try {
    // Through a promise, so that a fetch that throws (rather than rejects) is classified too.
    const response = await Promise.resolve()
      .then(() =>
        fetchFn(url, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: '{}',
          signal: controller.signal,
          ...(keepalive ? { keepalive: true } : {}),
        }),
      )
      .catch(fail)
    const body = await readJson(response).catch(fail)
    return { response, body }
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}

/**
 * The error for an answer that was not a success: its kind from the status, the server's `error`
 * text (with the token redacted, in case the server echoed it) and any `Retry-After`.
 */
export function answerError(
  { response, body }: SessionCallAnswer,
  token: string,
): AvatarKeepAliveError {
  return new AvatarKeepAliveError({
    kind: response.ok ? 'invalid-response' : classifyHttpStatus(response.status),
    httpStatus: response.status,
    retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
    serverMessage: serverMessage(body, token),
  })
}

/** Whether a body is the API's `{"success": true}`. */
export function isSuccessBody(body: unknown): boolean {
  return (
    typeof body === 'object' && body !== null && (body as { success?: unknown }).success === true
  )
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text()
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function serverMessage(body: unknown, token: string): string | null {
  const error =
    typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : null
  return typeof error === 'string' && error !== '' ? error.split(token).join('[redacted]') : null
}
