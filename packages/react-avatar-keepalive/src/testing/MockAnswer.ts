import { HttpResponse, type JsonBodyType } from 'msw'

/** An HTTP answer of your own: status, and optionally body (a string is sent as is) and headers. */
export interface MockHttpAnswer {
  status: number
  /**
   * A string is sent as text, anything else as JSON.
   * @default the API's own body for the status: `{"success":true}` or `{"success":false,"error":"..."}`
   */
  body?: JsonBodyType | undefined
  /** @default {} */
  headers?: Record<string, string> | undefined
}

/**
 * Wait `delay` ms (on `setTimeout`, so fake timers drive it), then give `then`. It takes no status,
 * body or headers of its own: a 503 after 50 ms is `{ delay: 50, then: 503 }`.
 */
export interface MockDelayAnswer {
  delay: number
  /** @default the mock's normal answer */
  then?: MockAnswer | undefined
}

/**
 * What an injected keep-alive answer can be:
 * - a status number: that status with the API's body for it (401 "Invalid or expired token", ...);
 * - `{ status, body?, headers? }`: e.g. `{ status: 429, headers: { 'Retry-After': '2' } }`;
 * - `'network-error'`: the request fails without a response (`fetch` rejects);
 * - `{ delay, then? }`: answer `then` (or the normal answer) after `delay` ms;
 * - `'hang'`: no answer until the request is aborted;
 * - `'malformed'`: 200 with an HTML page instead of `{"success":true}`.
 */
export type MockAnswer =
  number | MockHttpAnswer | MockDelayAnswer | 'network-error' | 'hang' | 'malformed'

/** An answer that is decided and sent at once: neither a delay, a hang nor a network error. */
export type MockImmediateAnswer = number | MockHttpAnswer | 'malformed'

const ERROR_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  401: 'Invalid or expired token',
  403: 'Forbidden',
  404: 'Session not found',
  408: 'Request timeout',
  410: 'Session ended',
  429: 'Too many requests',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
}

// `Response` refuses a body with these statuses.
const NULL_BODY_STATUSES = new Set([204, 205, 304])

// What a captive portal or a misrouted proxy sends back: a 200 the API never gives.
const MALFORMED_BODY = '<!doctype html><title>Sign in to the network</title>'

/**
 * Throws a `TypeError` for anything that is not a `MockAnswer`, or that the mock could not send, so
 * a typo fails where it is written.
 *
 * @example
 * ```ts
 * assertMockAnswer({ status: 429 }) // fine
 * assertMockAnswer('hung') // throws
 * assertMockAnswer({ status: 503, delay: 50 }) // throws: a delay gives its answer as `then`
 * ```
 */
export function assertMockAnswer(answer: unknown): asserts answer is MockAnswer {
  if (answer === 'network-error' || answer === 'hang' || answer === 'malformed') return
  if (typeof answer === 'number' && isHttpStatus(answer)) return
  if (typeof answer === 'object' && answer !== null) {
    if ('delay' in answer) {
      const { delay, then } = answer as MockDelayAnswer
      if (['status', 'body', 'headers'].some((key) => key in answer)) {
        throw new TypeError(
          `react-avatar-keepalive/testing: a delay takes no status, body or headers; give them as its \`then\` ({ delay: 50, then: { status: 503 } }): ${printed(answer)}`,
        )
      }
      if (typeof delay === 'number' && Number.isFinite(delay) && delay >= 0) {
        if (then !== undefined) assertMockAnswer(then)
        return
      }
    } else if (isHttpStatus((answer as MockHttpAnswer).status)) {
      assertSendable(answer as MockHttpAnswer)
      return
    }
  }
  throw new TypeError(`react-avatar-keepalive/testing: not a mock answer: ${printed(answer)}`)
}

// What `answerResponse` would otherwise throw inside the handler, far from the `queue` call.
function assertSendable({ body, headers }: MockHttpAnswer): void {
  try {
    new Headers(headers)
  } catch (error) {
    throw new TypeError(
      `react-avatar-keepalive/testing: headers that fetch refuses: ${printed(headers)}`,
      { cause: error },
    )
  }
  if (body === undefined || typeof body === 'string') return
  let json: string | undefined
  try {
    json = JSON.stringify(body)
  } catch (error) {
    throw new TypeError('react-avatar-keepalive/testing: a body that is no JSON', { cause: error })
  }
  if (json === undefined) {
    throw new TypeError(`react-avatar-keepalive/testing: a body that is no JSON: a ${typeof body}`)
  }
}

// JSON.stringify throws on a BigInt or a cycle, which an invalid answer may hold.
function printed(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

/**
 * The status and `Response` of an immediate answer.
 *
 * @example
 * ```ts
 * answerResponse(410) // { status: 410, response: 410 {"success":false,"error":"Session ended"} }
 * ```
 */
export function answerResponse(answer: MockImmediateAnswer): {
  status: number
  response: Response
} {
  if (answer === 'malformed') {
    const response = new HttpResponse(MALFORMED_BODY, { headers: { 'Content-Type': 'text/html' } })
    return { status: 200, response }
  }
  const {
    status,
    body = apiBody(status),
    headers,
  } = typeof answer === 'number' ? { status: answer } : answer
  if (NULL_BODY_STATUSES.has(status))
    return { status, response: new HttpResponse(null, { status, headers }) }
  const response =
    typeof body === 'string'
      ? new HttpResponse(body, { status, headers })
      : HttpResponse.json(body, { status, headers })
  return { status, response }
}

function apiBody(status: number): JsonBodyType {
  if (status < 300) return { success: true }
  return { success: false, error: ERROR_MESSAGES[status] ?? `HTTP ${status}` }
}

// `Response` accepts 200-599 only.
function isHttpStatus(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 200 && (value as number) <= 599
}
