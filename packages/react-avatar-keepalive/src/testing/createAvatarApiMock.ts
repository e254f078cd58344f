import { http, HttpResponse, type HttpHandler } from 'msw'
import { redactToken } from '../core/request'
import { abortableWait, untilAborted } from './abortableWait'
import {
  answerResponse,
  assertMockAnswer,
  type MockAnswer,
  type MockDelayAnswer,
} from './MockAnswer'
import { mulberry32 } from './mulberry32'
import { sessionIdOf, sessionPathPattern, type MockEndpoint } from './sessionPath'

/** How a logged request ended; `'pending'` while it has no answer yet. */
export type MockRequestStatus = number | 'network-error' | 'aborted' | 'pending'

/** One request the mock received. Holds neither the token nor the `Authorization` header. */
export interface MockRequest {
  /** Unique and increasing for the mock's lifetime; a settled entry keeps the id it arrived with. */
  readonly id: number
  /** When the request arrived (`Date.now()`). */
  readonly at: number
  /** When it settled (`Date.now()`), or `null` while pending. */
  readonly settledAt: number | null
  readonly method: string
  /**
   * The request URL, with each part of it (between `/ ? & = #`) that holds a known token replaced by
   * `[redacted]`: the token or 8 of its characters in a row, as they are or encoded (URL or form
   * encoding, in any case, base64).
   */
  readonly url: string
  readonly endpoint: MockEndpoint
  /** The decoded session id, or `null` when the path segment is not valid percent-encoding. */
  readonly sessionId: string | null
  /** Whether the Bearer token was the session's token when the request arrived. */
  readonly tokenMatched: boolean
  readonly status: MockRequestStatus
  /** Whether the answer, or a delay before it, came from `queue` or the failure rate. */
  readonly injected: boolean
}

export interface AvatarApiMockOptions {
  /**
   * Sessions the mock knows from the start (and again after `reset()`): session id → token. Their
   * idle time counts from `Date.now()` when the mock is created (or reset).
   * @default {}
   */
  sessions?: Record<string, string> | undefined
  /**
   * Restricts the handlers to this base URL: an absolute URL (origin and path), or a path such as
   * `/api/avatar` on any origin.
   * @default undefined (any origin and path prefix: both regions, proxies, relative URLs)
   */
  baseUrl?: string | undefined
  /**
   * A session with no successful keep-alive for longer than this (counted from when it was added,
   * then from its last successful keep-alive) is ended. `Infinity` never ends one.
   * @default 30_000
   */
  idleTimeout?: number | undefined
  /**
   * Milliseconds before every answer, on `setTimeout` (so fake timers drive it).
   * @default 0
   */
  latency?: number | undefined
  /**
   * Probability that a keep-alive gets one of `failureAnswers` instead of its real answer.
   * @default 0
   */
  failureRate?: number | undefined
  /**
   * Seed of the PRNG behind `failureRate`: the same seed gives the same failures.
   * @default 1
   */
  seed?: number | undefined
  /**
   * The answers a failure picks from (evenly, with the same PRNG).
   * @default [500]
   */
  failureAnswers?: readonly MockAnswer[] | undefined
}

export interface FailureRateOptions {
  /** @default 1 */
  seed?: number | undefined
  /** @default [500] */
  answers?: readonly MockAnswer[] | undefined
}

export interface AvatarApiMock {
  /** msw handlers for `POST …/avatar-session/:id/keep-alive` and `…/end`. */
  readonly handlers: readonly HttpHandler[]
  /**
   * Every request since creation, `reset()` or `clearRequests()`, oldest first: a frozen snapshot,
   * the same array until the next change (so `useSyncExternalStore(api.subscribe, () => api.requests)`
   * works). A request is logged `'pending'` on arrival; its entry is replaced when it settles.
   */
  readonly requests: readonly MockRequest[]
  /**
   * Adds a session, or replaces one with a fresh session: not ended, its idle time counted from
   * `Date.now()` now, on the clock in force (fake or real). Call it after faking timers or setting
   * the system time, not before.
   */
  addSession: (sessionId: string, token: string) => void
  /** Rotates a known session's token; the old one gets 401 from now on. */
  setToken: (sessionId: string, token: string) => void
  /** Ends a known session at once: it answers 410 from now on. */
  end: (sessionId: string) => void
  /** Whether a session has ended (by `end`, the `/end` call or idle timeout); `false` if unknown. */
  isEnded: (sessionId: string) => boolean
  /**
   * Queues the next keep-alive answers, given in order before the failure rate and the real logic.
   * Throws a `TypeError` for an answer it could not give (a header name fetch refuses, say).
   */
  queue: (...answers: MockAnswer[]) => void
  /** Makes each later keep-alive fail with probability `rate`; `0` switches failures off. */
  setFailureRate: (rate: number, options?: FailureRateOptions) => void
  /** How many keep-alive requests arrived (pending and aborted ones too), for one session or all. */
  count: (sessionId?: string) => number
  /**
   * Back to how `createAvatarApiMock(options)` left it: its sessions (fresh), no queue, no log. The
   * sessions' idle time counts from `Date.now()` on the clock in force when it is called: call it in
   * `beforeEach` after `vi.useFakeTimers()`, not in `afterEach` before `vi.useRealTimers()` (that
   * would start the next test's sessions at the finished test's fake time, ahead of its clock).
   */
  reset: () => void
  /** Empties the request log only. */
  clearRequests: () => void
  /**
   * Calls `listener` with the entry when a request arrives and again when it settles, and with no
   * entry when the log is emptied (`reset`, `clearRequests`). Returns the unsubscribe.
   */
  subscribe: (listener: (entry?: MockRequest) => void) => () => void
}

interface MockSession {
  token: string
  lastAliveAt: number
  ended: boolean
}

type FailureSource = () => MockAnswer | undefined

const DEFAULT_IDLE_TIMEOUT = 30_000
const DEFAULT_SEED = 1
const DEFAULT_FAILURE_ANSWERS: readonly MockAnswer[] = [500]

/**
 * A believable avatar API for msw: sessions with tokens, a server-side idle timeout, the API's
 * status codes and bodies, injected failures and a request log. It keeps no timer of its own: time
 * is read with `Date.now()` when a request arrives, so fake timers drive it.
 *
 * Injected answers (`queue`, then the failure rate) apply to keep-alives only, and come before
 * everything else, even for unknown or ended sessions: they stand for the network or a failing
 * server. They never refresh the idle timer; only a real 200 does. A real answer is decided when it
 * is sent (after `latency` and any injected delay), so a request aborted before that changes nothing.
 *
 * @example
 * ```ts
 * const api = createAvatarApiMock({ sessions: { 'session-1': 'token-1' } })
 * const server = setupServer(...api.handlers) // or setupWorker(...api.handlers) in a browser
 * api.queue(503, { status: 429, headers: { 'Retry-After': '2' } }, 'network-error')
 * expect(api.count('session-1')).toBe(3)
 * ```
 */
export function createAvatarApiMock(options: AvatarApiMockOptions = {}): AvatarApiMock {
  const { baseUrl, idleTimeout = DEFAULT_IDLE_TIMEOUT, latency = 0 } = options
  if (!(idleTimeout > 0)) {
    throw new RangeError('react-avatar-keepalive/testing: `idleTimeout` must be > 0')
  }
  if (!(latency >= 0 && Number.isFinite(latency))) {
    throw new RangeError('react-avatar-keepalive/testing: `latency` must be a finite number >= 0')
  }

  const sessions = new Map<string, MockSession>()
  // Every token ever given, so none reaches the log even inside a URL.
  const knownTokens = new Set<string>()
  const listeners = new Set<(entry?: MockRequest) => void>()
  let queued: MockAnswer[] = []
  let failure: FailureSource
  let log: MockRequest[] = []
  // Copied only when read after a change, so a long benchmark does not copy the log per request.
  let snapshot: readonly MockRequest[] | null = null
  let nextId = 1

  const addSession = (sessionId: string, token: string): void => {
    assertNonEmpty('sessionId', sessionId)
    assertNonEmpty('token', token)
    knownTokens.add(token)
    sessions.set(sessionId, { token, lastAliveAt: Date.now(), ended: false })
  }

  const knownSession = (sessionId: string): MockSession => {
    const session = sessions.get(sessionId)
    if (session === undefined) {
      throw new Error(
        `react-avatar-keepalive/testing: unknown session ${JSON.stringify(sessionId)}`,
      )
    }
    return session
  }

  // Idle expiry is decided lazily, and sticks: moving the clock back does not revive a session.
  const hasEnded = (session: MockSession): boolean => {
    if (!session.ended && Date.now() - session.lastAliveAt > idleTimeout) session.ended = true
    return session.ended
  }

  const changed = (entry?: MockRequest): void => {
    snapshot = null
    for (const listener of listeners) listener(entry)
  }

  const clearRequests = (): void => {
    log = []
    changed()
  }

  // Logs a request as pending; returns how to settle it.
  const open = (
    fields: Omit<MockRequest, 'id' | 'status' | 'settledAt'>,
  ): ((status: MockRequestStatus) => void) => {
    const entries = log
    const pending = Object.freeze({ id: nextId++, ...fields, status: 'pending', settledAt: null })
    const index = entries.push(pending) - 1
    changed(pending)
    return (status) => {
      if (entries !== log) return // cleared meanwhile
      const settled = Object.freeze({ ...pending, status, settledAt: Date.now() })
      entries[index] = settled
      changed(settled)
    }
  }

  const realStatus = async (
    request: Request,
    endpoint: MockEndpoint,
    sessionId: string | null,
  ): Promise<number> => {
    const session = sessionId === null ? undefined : sessions.get(sessionId)
    if (session === undefined) return 404
    if (hasEnded(session)) return 410
    if (bearerToken(request) !== session.token) return 401
    if (!(await hasObjectBody(request))) return 400
    if (endpoint === 'end') session.ended = true
    else session.lastAliveAt = Date.now()
    return 200
  }

  // What the request gets, and its status for the log.
  const reply = async (
    request: Request,
    endpoint: MockEndpoint,
    sessionId: string | null,
    injected: MockAnswer | undefined,
  ): Promise<{ status: MockRequestStatus; response: Response }> => {
    const aborted = () => ({ status: 'aborted', response: HttpResponse.error() }) as const
    const { signal } = request
    let answer = injected
    if (!(await abortableWait(latency, signal))) return aborted()
    while (isDelay(answer)) {
      if (!(await abortableWait(answer.delay, signal))) return aborted()
      answer = answer.then
    }
    if (answer === 'hang') {
      await untilAborted(signal)
      return aborted()
    }
    if (answer === 'network-error')
      return { status: 'network-error', response: HttpResponse.error() }
    return answerResponse(answer ?? (await realStatus(request, endpoint, sessionId)))
  }

  const handle =
    (endpoint: MockEndpoint) =>
    async ({ request }: { request: Request }): Promise<Response> => {
      const sessionId = sessionIdOf(request.url)
      const token = bearerToken(request)
      const answer = endpoint === 'keep-alive' ? (queued.shift() ?? failure()) : undefined
      const settle = open({
        at: Date.now(),
        method: request.method,
        url: redactUrl(request.url, token === null ? knownTokens : [...knownTokens, token]),
        endpoint,
        sessionId,
        tokenMatched:
          token !== null && sessionId !== null && sessions.get(sessionId)?.token === token,
        injected: answer !== undefined,
      })
      let outcome: { status: MockRequestStatus; response: Response }
      try {
        outcome = await reply(request, endpoint, sessionId, answer)
      } catch (error) {
        // A queued answer changed after `queue` checked it, say: answered and logged as a 500 the
        // test can see, rather than msw's own 500 and an entry pending for ever.
        outcome = { status: 500, response: failedAnswer(error) }
      }
      settle(outcome.status)
      return outcome.response
    }

  const reset = (): void => {
    sessions.clear()
    for (const [sessionId, token] of Object.entries(options.sessions ?? {})) {
      addSession(sessionId, token)
    }
    queued = []
    failure = failureSource(options.failureRate ?? 0, {
      seed: options.seed,
      answers: options.failureAnswers,
    })
    clearRequests()
  }
  reset()

  return {
    handlers: [
      http.post(sessionPathPattern('keep-alive', baseUrl), handle('keep-alive')),
      http.post(sessionPathPattern('end', baseUrl), handle('end')),
    ],
    get requests() {
      return (snapshot ??= Object.freeze([...log]))
    },
    addSession,
    setToken: (sessionId, token) => {
      assertNonEmpty('token', token)
      const session = knownSession(sessionId)
      knownTokens.add(token)
      session.token = token
    },
    end: (sessionId) => {
      knownSession(sessionId).ended = true
    },
    isEnded: (sessionId) => {
      const session = sessions.get(sessionId)
      return session !== undefined && hasEnded(session)
    },
    queue: (...answers) => {
      answers.forEach(assertMockAnswer)
      queued.push(...answers)
    },
    setFailureRate: (rate, failureOptions) => {
      failure = failureSource(rate, failureOptions)
    },
    count: (sessionId) =>
      log.filter(
        (entry) =>
          entry.endpoint === 'keep-alive' &&
          (sessionId === undefined || entry.sessionId === sessionId),
      ).length,
    reset,
    clearRequests,
    subscribe: (listener) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}

function failureSource(
  rate: number,
  { seed = DEFAULT_SEED, answers = DEFAULT_FAILURE_ANSWERS }: FailureRateOptions = {},
): FailureSource {
  if (!(rate >= 0 && rate <= 1)) {
    throw new RangeError('react-avatar-keepalive/testing: a failure rate must be between 0 and 1')
  }
  if (answers.length === 0) {
    throw new RangeError('react-avatar-keepalive/testing: failure answers must not be empty')
  }
  answers.forEach(assertMockAnswer)
  const picks = [...answers]
  const random = mulberry32(seed)
  return () => {
    if (rate === 0 || random() >= rate) return undefined
    return picks.length === 1 ? picks[0] : picks[Math.floor(random() * picks.length)]
  }
}

function isDelay(answer: MockAnswer | undefined): answer is MockDelayAnswer {
  return typeof answer === 'object' && 'delay' in answer
}

function bearerToken(request: Request): string | null {
  return /^Bearer +(\S+) *$/i.exec(request.headers.get('Authorization') ?? '')?.[1] ?? null
}

// The vendor's own example sends no body at all, so an empty one is accepted like `{}`.
async function hasObjectBody(request: Request): Promise<boolean> {
  const text = await request.text()
  if (text.trim() === '') return true
  try {
    const body: unknown = JSON.parse(text)
    return typeof body === 'object' && body !== null && !Array.isArray(body)
  } catch {
    return false
  }
}

// `redactToken` replaces a whole word: with each part of the URL a word of its own, a token takes
// only its part with it. The raw token goes first, as a whole, since it may hold `/` or `=`.
function redactUrl(url: string, tokens: Iterable<string>): string {
  let result = url
  for (const token of tokens) {
    const raw = result.split(token).join('[redacted]')
    const separators = raw.match(/[/?&=#]/g) ?? []
    const words = redactToken(raw.replace(/[/?&=#]/g, ' '), token).split(' ')
    result = words.map((word, i) => word + (separators[i] ?? '')).join('')
  }
  return result
}

function failedAnswer(error: unknown): Response {
  const message = error instanceof Error ? error.message : String(error)
  return HttpResponse.json({ success: false, error: message }, { status: 500 })
}

function assertNonEmpty(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`react-avatar-keepalive/testing: \`${name}\` must be a non-empty string`)
  }
}
