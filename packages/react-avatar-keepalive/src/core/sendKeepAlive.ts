import { AvatarKeepAliveError } from './AvatarKeepAliveError'
import { classifyHttpStatus } from './classifyHttpStatus'
import { AVATAR_API_US, DEFAULT_KEEP_ALIVE_TIMEOUT } from './constants'
import { keepAliveUrl } from './keepAliveUrl'
import { parseRetryAfter } from './parseRetryAfter'

export interface SendKeepAliveOptions {
  /** The avatar session to keep alive. */
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

/**
 * Sends one keep-alive. Resolves when the server answers 200 `{"success":true}`; rejects with an
 * `AvatarKeepAliveError` for every other outcome, or with the outside `signal`'s reason.
 *
 * @example
 * ```ts
 * await sendKeepAlive({ sessionId, token, baseUrl: AVATAR_API_EU })
 * ```
 */
export async function sendKeepAlive({
  sessionId,
  token,
  baseUrl = AVATAR_API_US,
  signal,
  timeout = DEFAULT_KEEP_ALIVE_TIMEOUT,
  fetch: fetchFn = globalThis.fetch,
}: SendKeepAliveOptions): Promise<void> {
  const url = keepAliveUrl(sessionId, baseUrl)
  if (typeof token !== 'string' || token.trim() === '') {
    throw new TypeError('react-avatar-keepalive: `token` must be a non-empty string')
  }
  // Timers clamp larger delays to ~1 ms, which would time every request out at once.
  if (typeof timeout !== 'number' || !(timeout > 0 && timeout <= MAX_TIMEOUT)) {
    throw new TypeError('react-avatar-keepalive: `timeout` must be a number of ms above 0')
  }
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
    if (error instanceof AvatarKeepAliveError) throw error
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
        }),
      )
      .catch(fail)
    const body = await readJson(response).catch(fail)
    if (response.ok && isSuccess(body)) return
    throw new AvatarKeepAliveError({
      kind: response.ok ? 'invalid-response' : classifyHttpStatus(response.status),
      httpStatus: response.status,
      retryAfter: parseRetryAfter(response.headers.get('Retry-After')),
      serverMessage: serverMessage(body, token),
    })
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}

const MAX_TIMEOUT = 2 ** 31 - 1

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text()
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isSuccess(body: unknown): boolean {
  return (
    typeof body === 'object' && body !== null && (body as { success?: unknown }).success === true
  )
}

// A server may echo what it was sent; the token must not reach a message through it.
function serverMessage(body: unknown, token: string): string | null {
  const error =
    typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : null
  return typeof error === 'string' && error !== '' ? error.split(token).join('[redacted]') : null
}
