import { noop } from './environment'
import { AvatarKeepAliveError, classifyHttpStatus, parseRetryAfter } from './error'

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
  baseUrl?: string | undefined
  /** Aborts the request; the promise then rejects with the signal's reason at once. */
  signal?: AbortSignal | undefined
  /**
   * Gives up after this many ms with an `AvatarKeepAliveError` of kind `timeout`, even if `fetch`
   * ignores its signal.
   * @default 5000
   */
  timeout?: number | undefined
  /**
   * The `fetch` to use, looked up at call time.
   * @default globalThis.fetch
   */
  fetch?: typeof fetch | undefined
}

export interface SessionCallAnswer {
  response: Response
  /** The parsed JSON body, or `undefined` when it was not JSON. */
  body: unknown
}

/**
 * Misuse of the API is a programming error: a TypeError naming the option, with the rule in
 * development (call sites pass the NODE_ENV check of error.ts `&& rule`, so production bundles drop
 * the text).
 */
export function invalid(option: string, rule: string | false): TypeError {
  return new TypeError(`react-avatar-keepalive: \`${option}\` ${rule || 'is invalid'}`)
}

/** Not a function, every call would fail as a "network" error and the session die of them. */
export function checkFetch(fetch: unknown): void {
  if (typeof fetch !== 'function')
    throw invalid(
      'fetch',
      (typeof process < 'u' ? process.env.NODE_ENV : 'production') !== 'production' &&
        'must be a function',
    )
}

/**
 * Whether a session id can be put in a URL: a non-blank string other than `.` and `..` (those two
 * survive encodeURIComponent, and URL parsing would resolve them as path steps), with no lone
 * surrogate (half of an emoji, which encodeURIComponent cannot encode).
 *
 * @example
 * ```ts
 * isValidSessionId('session-1') // true
 * isValidSessionId('..') // false
 * ```
 */
export function isValidSessionId(sessionId: unknown): sessionId is string {
  // Lone surrogates found by encodeURIComponent itself: a `\p{Cs}` pattern would not even parse
  // in the Hermes of React Native 0.74 and before, which has no Unicode property escapes.
  try {
    return (
      typeof sessionId === 'string' &&
      !!sessionId.trim() &&
      !/^\.{1,2}$/.test(sessionId) &&
      !!encodeURIComponent(sessionId)
    )
  } catch {
    return false
  }
}

/** Throws a `TypeError` unless `isValidSessionId(sessionId)`. */
export function checkSessionId(sessionId: unknown): asserts sessionId is string {
  if (!isValidSessionId(sessionId)) {
    throw invalid(
      'sessionId',
      (typeof process < 'u' ? process.env.NODE_ENV : 'production') !== 'production' &&
        'must be a non-blank string, not . or .., with no lone surrogate',
    )
  }
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
 * Throws a `TypeError` unless a session's path can follow `baseUrl`: an http(s) URL or a path (for
 * a page or worker, which fetch resolves against it), with no whitespace, control character,
 * backslash, credentials, query or fragment, that the platform's URL parser reads (else the path
 * would land in a query or behind a backslash that parsers read as a slash, or fetch would fail on
 * every keep-alive as if the network were down, with an error that repeats the URL, password and
 * all). No URL getters, as React Native's `URL` lacks most of them; `URL.canParse` where there is
 * one (browsers since 2023, Node 20).
 *
 * @example
 * ```ts
 * checkBaseUrl('/api/avatar') // fine
 * checkBaseUrl('https://api.example/v1?key=1') // throws TypeError: `baseUrl` must be …
 * checkBaseUrl('https://user:pass@api.example/v1') // throws TypeError too
 * ```
 */
export function checkBaseUrl(baseUrl: unknown): asserts baseUrl is string {
  if (
    typeof baseUrl !== 'string' ||
    !baseUrl ||
    /[\s?#\\]|[^\x20-\x7e\u00a0-\uffff]/.test(baseUrl) ||
    (isAbsoluteUrl(baseUrl) && !/^https?:\/\/[^/]/i.test(baseUrl)) ||
    // An authority with an `@` (URL parsers skip any slashes before it).
    /^([a-z][\w+.-]*:)?\/{2,}[^/]*@/i.test(baseUrl) ||
    globalThis.URL?.canParse?.(baseUrl, 'http://a') === false
  ) {
    throw invalid(
      'baseUrl',
      (typeof process < 'u' ? process.env.NODE_ENV : 'production') !== 'production' &&
        'must be an http(s) URL or a path, with no whitespace, credentials, query or fragment',
    )
  }
}

/** Whether `url` names its scheme (`https:`, `ftp:`…) rather than a path relative to the page. */
export const isAbsoluteUrl = (url: string): boolean => /^[a-z][\w+.-]*:/i.test(url)

/**
 * Throws a `TypeError` for a path where there is no page (a server, React Native): fetch has
 * nothing to resolve it against, and would fail every call as if the network were down. Checked
 * where a request is made or kept, not by `keepAliveUrl`: a server renders for a page.
 */
export function checkPageBase(baseUrl: string): void {
  if (typeof location !== 'object' && !isAbsoluteUrl(baseUrl)) {
    throw invalid(
      'baseUrl',
      (typeof process < 'u' ? process.env.NODE_ENV : 'production') !== 'production' &&
        'must be an http(s) URL where there is no page',
    )
  }
}

/**
 * The keep-alive URL of a session: trailing slashes of `baseUrl` dropped, the id URL-encoded.
 * Throws a `TypeError` for a session id `isValidSessionId` refuses or a base URL `checkBaseUrl`
 * refuses, so no request goes to a malformed URL.
 *
 * @example
 * ```ts
 * keepAliveUrl('a/b', 'https://api.example/v1/') // 'https://api.example/v1/avatar-session/a%2Fb/keep-alive'
 * ```
 */
export function keepAliveUrl(sessionId: string, baseUrl: string = AVATAR_API_US): string {
  return sessionUrl(sessionId, baseUrl, 'keep-alive')
}

/** `{baseUrl}/avatar-session/{id}/{action}`, checked as `keepAliveUrl` checks it. */
export function sessionUrl(sessionId: string, baseUrl: string, action: string): string {
  checkSessionId(sessionId)
  checkBaseUrl(baseUrl)
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
  checkPageBase(baseUrl)
  if (typeof token !== 'string' || token.trim() === '')
    throw invalid(
      'token',
      (typeof process < 'u' ? process.env.NODE_ENV : 'production') !== 'production' &&
        'must be a non-empty string',
    )
  if (typeof timeout !== 'number' || !(timeout > 0 && timeout <= 2 ** 31 - 1)) {
    throw invalid(
      'timeout',
      (typeof process < 'u' ? process.env.NODE_ENV : 'production') !== 'production' &&
        'must be a number of ms above 0',
    )
  }
  checkFetch(fetchFn)
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
  let stop!: (reason: unknown) => void
  // Settles first when time is up or the caller aborts, so a fetch that never settles cannot
  // hold the attempt open.
  const cutOff = new Promise<never>((_, reject) => {
    stop = (reason) => {
      reject(reason)
      controller.abort(reason)
    }
  })
  const onAbort = (): void => stop(signal!.reason)
  // Before the timer and the fetch: a signal that is none throws here, and nothing is sent.
  signal?.addEventListener('abort', onAbort)
  const timer = setTimeout(() => stop(new AvatarKeepAliveError({ kind: 'timeout' })), timeout)
  const network = (cause: unknown): never => {
    throw new AvatarKeepAliveError({ kind: 'network', cause: scrub(cause, token) })
  }
  // Now, not a microtask on: the request starts in the step that decided it, before the app's
  // callbacks hear of it (a slow onStatusChange let it start a second late, 21 ms before the next
  // one). A fetch that throws rather than rejects is classified too (the executor runs at once).
  const fetching = new Promise<Response>((resolve) =>
    resolve(
      fetchFn(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: '{}',
        signal: controller.signal,
        // The API never redirects. Followed, a 301/302/303 turns the POST into a GET (its 404
        // would end the session) and one to another origin drops the Authorization header (its
        // 401 would refuse a good token): a redirect is an answer the API does not give, retried.
        redirect: 'manual',
        ...(keepalive && { keepalive }),
      }),
    ),
  )
  try {
    const response = await Promise.race([cutOff, fetching.catch(network)])
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
  // Read once: the token redacted is the one sent, even if the caller's object changes meanwhile.
  const sent = { ...options }
  const answer = await postToSession('keep-alive', sent)
  if (!isSuccess(answer)) throw answerError(answer, sent.token)
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
    // 0 for a redirect not followed in a browser (`opaqueredirect`).
    httpStatus: response.status || null,
    // A custom `fetch` may answer without headers; this still rejects with an AvatarKeepAliveError.
    retryAfter: parseRetryAfter(response.headers?.get?.('Retry-After') ?? null),
    serverMessage: typeof error === 'string' ? redactToken(error, token) : null,
  })
}

/**
 * `text` with each word (a run of non-space characters) that holds a piece of `token` replaced by
 * `[redacted]`: 8 of its characters in a row (all of a shorter token), in any case, as they are,
 * URL-encoded (as a form too), escaped in JSON (`\/` too) or in base64 (wherever it starts, as in a
 * base64 `Bearer <token>`), since a server or a library may echo a token cut short or encoded.
 *
 * @example
 * ```ts
 * redactToken('bad token eyJhbGciOiJIUzI1...', 'eyJhbGciOiJIUzI1NiJ9.e30.sig') // 'bad token [redacted]'
 * ```
 */
export function redactToken(text: string, token: string): string {
  const size = Math.min(8, token.length)
  const pieces = new Set<string>()
  const url = encodeURIComponent(token)
  const json = JSON.stringify(token)
  // URL-encoded as a form does it too (URLSearchParams, Java's URLEncoder: ~ ! ' ( ) as well),
  // and in JSON as PHP writes it too (`\/`).
  const forms = [token, url, url.replace(/[!'()~]/g, escape), json, json.replace(/\//g, '\\/')]
  // In base64 wherever it starts in a group of three bytes (`Bearer <token>` puts it second), less
  // the characters that hold bytes before it (two for each). No btoa in React Native before 0.74:
  // there a base64 echo goes unredacted, rather than every answer with an error text failing as if
  // the network had.
  for (const pad of ['', ' ', '  ']) {
    forms.push(globalThis.btoa?.(pad + token).slice(pad.length * 2) ?? '')
  }
  for (const form of forms) {
    const lower = form.toLowerCase()
    for (let i = 0; i + size <= lower.length; i++) pieces.add(lower.slice(i, i + size))
  }
  return text.replace(/\S+/g, (word) => {
    const lower = word.toLowerCase()
    for (let i = 0; i + size <= lower.length; i++) {
      if (pieces.has(lower.slice(i, i + size))) return '[redacted]'
    }
    return word
  })
}

/**
 * What a failure to send may show: its name, message and `code`, and its causes', token redacted.
 * The object itself stays behind: a fetch library's error may hold the request (its headers) or
 * the raw bytes of a broken answer (Node's fetch keeps them for a parse error).
 */
function scrub(failure: unknown, token: string, depth = 0): unknown {
  try {
    if (typeof failure !== 'object' || failure === null) {
      return failure === undefined ? failure : redactToken(String(failure), token)
    }
    const { name, message, code, cause } = failure as Record<string, unknown>
    const copy: Error & { code?: string } = new (failure instanceof TypeError ? TypeError : Error)(
      redactToken(typeof message === 'string' ? message : '', token),
      // Deep enough for Node's fetch (its TypeError, the socket's error, the parser's).
      cause !== undefined && depth < 3 ? { cause: scrub(cause, token, depth + 1) } : undefined,
    )
    if (typeof name === 'string') copy.name = redactToken(name, token)
    if (typeof code === 'string') copy.code = redactToken(code, token)
    return copy
  } catch {
    // A failure whose properties throw when read (a proxy) has nothing to show.
    return undefined
  }
}

async function readJson(response: Response): Promise<unknown> {
  // To about 64 kB, then let go: the API's answers are a few bytes, and an endless one (a broken
  // proxy) was read until the timeout (455 MB in Node for one attempt). Whole where there is no
  // web stream (React Native's fetch; node-fetch's Node stream) or no TextDecoder (older Hermes).
  const reader = typeof TextDecoder == 'function' ? response.body?.getReader?.() : undefined
  let text = ''
  if (!reader) text = await response.text()
  else {
    const decoder = new TextDecoder()
    for (let chunk; text.length < 65_536 && !(chunk = await reader.read()).done;) {
      text += decoder.decode(chunk.value, { stream: true })
    }
    reader.cancel().catch(noop)
  }
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
