import { delay, http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  AVATAR_API_EU,
  AVATAR_API_US,
  AvatarKeepAliveError,
  DEFAULT_KEEP_ALIVE_TIMEOUT,
  isValidSessionId,
  isValidToken,
  keepAliveUrl,
  sendKeepAlive,
  type AvatarKeepAliveErrorKind,
} from '../core/index'
import { deepText } from './deepText'
import { FAKE_TIMERS } from './keepAliveTestUtils'

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig-Xy9'
const ID = 'session-1'
const BASE = 'https://avatar.test/v1'

type FetchMock = ReturnType<typeof vi.fn<typeof fetch>>

function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { 'Content-Type': 'application/json', ...init.headers },
  })
}

function respondWith(make: () => Response): FetchMock {
  return vi.fn<typeof fetch>(async () => make())
}

function okFetch(): FetchMock {
  return respondWith(() => jsonResponse({ success: true }))
}

/** A fetch that never answers, and rejects like the real one once its signal aborts. */
function hangingFetch(): FetchMock {
  return abortableFetch((signal) => signal.reason)
}

/** A fetch that never answers, whatever happens to its signal. */
function deafFetch(): FetchMock {
  return vi.fn<typeof fetch>(() => new Promise<Response>(() => {}))
}

/** A fetch that never answers, and rejects with `failure(signal)` once its signal aborts. */
function abortableFetch(failure: (signal: AbortSignal) => unknown): FetchMock {
  return vi.fn<typeof fetch>(
    (_input, init) =>
      new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal
        if (!signal) return
        if (signal.aborted) return reject(failure(signal))
        signal.addEventListener('abort', () => reject(failure(signal)), { once: true })
      }),
  )
}

/** Lets the request get under way (promise jobs run; no fake time passes). */
async function started(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0)
}

function requestOf(fetch: FetchMock, call = 0): { url: string; init: RequestInit } {
  const args = fetch.mock.calls[call]
  if (!args) throw new Error(`fetch was not called ${call + 1} time(s)`)
  return { url: String(args[0]), init: args[1] ?? {} }
}

/** Whatever the promise rejects with; fails the test if it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  let resolved = false
  const reason = await promise.then(
    () => {
      resolved = true
    },
    (error: unknown) => error,
  )
  if (resolved) throw new Error('expected the promise to reject, but it resolved')
  return reason
}

async function keepAliveError(promise: Promise<unknown>): Promise<AvatarKeepAliveError> {
  const reason = await rejectionOf(promise)
  expect(reason).toBeInstanceOf(AvatarKeepAliveError)
  return reason as AvatarKeepAliveError
}

/** Tracks a promise without awaiting it, so fake time can run meanwhile. */
function track(promise: Promise<unknown>): {
  settled: boolean
  rejected: boolean
  reason: unknown
} {
  const state = { settled: false, rejected: false, reason: undefined as unknown }
  promise.then(
    () => {
      state.settled = true
    },
    (reason: unknown) => {
      state.settled = true
      state.rejected = true
      state.reason = reason
    },
  )
  return state
}

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllEnvs()
})

describe('the request', () => {
  it('POSTs to {baseUrl}/avatar-session/{id}/keep-alive with the Bearer token and body {}', async () => {
    const fetch = okFetch()
    await expect(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE, fetch }),
    ).resolves.toBeUndefined()

    expect(fetch).toHaveBeenCalledTimes(1)
    const { url, init } = requestOf(fetch)
    expect(url).toBe('https://avatar.test/v1/avatar-session/session-1/keep-alive')
    expect(init.method).toBe('POST')
    const headers = new Headers(init.headers)
    expect(headers.get('Authorization')).toBe(`Bearer ${TOKEN}`)
    expect(headers.get('Content-Type')).toBe('application/json')
    expect(init.body).toBe('{}')
    expect(init.signal).toBeInstanceOf(AbortSignal)
    expect(init.signal?.aborted).toBe(false)
  })

  it('puts the token nowhere but the Authorization header', async () => {
    const fetch = okFetch()
    await sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE, fetch })
    const { url, init } = requestOf(fetch)
    expect(url).not.toContain(TOKEN)
    expect(String(init.body)).not.toContain(TOKEN)
    const headers = new Headers(init.headers)
    const carrying = [...headers].filter(([, value]) => value.includes(TOKEN)).map(([name]) => name)
    expect(carrying).toEqual(['authorization'])
  })

  it('uses the US API by default', async () => {
    const fetch = okFetch()
    await sendKeepAlive({ sessionId: ID, token: TOKEN, fetch })
    expect(AVATAR_API_US).toBe('https://api.avatar.us.kaltura.ai/v1')
    expect(requestOf(fetch).url).toBe(`${AVATAR_API_US}/avatar-session/session-1/keep-alive`)
  })

  it('uses the given region', async () => {
    const fetch = okFetch()
    await sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: AVATAR_API_EU, fetch })
    expect(requestOf(fetch).url).toBe(
      'https://api.avatar.eu.kaltura.ai/v1/avatar-session/session-1/keep-alive',
    )
  })

  it.each([
    ['https://avatar.test/v1', 'https://avatar.test/v1/avatar-session/session-1/keep-alive'],
    ['https://avatar.test/v1/', 'https://avatar.test/v1/avatar-session/session-1/keep-alive'],
    ['https://avatar.test/v1///', 'https://avatar.test/v1/avatar-session/session-1/keep-alive'],
    ['/api/avatar', '/api/avatar/avatar-session/session-1/keep-alive'],
    ['/api/avatar/', '/api/avatar/avatar-session/session-1/keep-alive'],
    // A colon in a path (Google-style `/v1/sessions:keep`) is still a path, not a scheme.
    ['/api/avatar:v1', '/api/avatar:v1/avatar-session/session-1/keep-alive'],
  ])('joins the base %j without a double slash', async (baseUrl, expected) => {
    const fetch = okFetch()
    await sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl, fetch })
    expect(requestOf(fetch).url).toBe(expected)
  })

  it.each([
    ['a/b', 'a%2Fb'],
    ['a?b=c', 'a%3Fb%3Dc'],
    ['a#frag', 'a%23frag'],
    ['../../admin', '..%2F..%2Fadmin'],
    ['a/../b', 'a%2F..%2Fb'],
    ['my session', 'my%20session'],
    ['café', 'caf%C3%A9'],
    ['☃-会话', '%E2%98%83-%E4%BC%9A%E8%AF%9D'],
    ['100%', '100%25'],
    ['a&b+c', 'a%26b%2Bc'],
  ])('encodes the session id %j as one path segment', async (sessionId, encoded) => {
    const fetch = okFetch()
    await sendKeepAlive({ sessionId, token: TOKEN, baseUrl: BASE, fetch })
    const { url } = requestOf(fetch)
    expect(url).toBe(`https://avatar.test/v1/avatar-session/${encoded}/keep-alive`)
    // Once resolved the way fetch resolves it, the URL still names this session's keep-alive.
    const resolved = new URL(url)
    expect(resolved.pathname).toBe(`/v1/avatar-session/${encoded}/keep-alive`)
    expect(resolved.search).toBe('')
    expect(resolved.hash).toBe('')
    expect(decodeURIComponent(resolved.pathname.split('/')[3] ?? '')).toBe(sessionId)
  })

  // encodeURIComponent leaves '.' and '..' alone and URL resolution treats them as dot segments:
  // unchecked, '..' would send the token to {baseUrl}/keep-alive.
  it.each(['.', '..'])(
    'never sends a request outside /avatar-session/{id}/keep-alive for the id %j',
    async (sessionId) => {
      const fetch = okFetch()
      const reason = await rejectionOf(
        sendKeepAlive({ sessionId, token: TOKEN, baseUrl: BASE, fetch }),
      )
      expect(reason).toBeInstanceOf(TypeError)
      expect((reason as TypeError).message).toMatch(/sessionId/)
      expect(fetch).not.toHaveBeenCalled()
    },
  )

  it('sends a fresh request each call', async () => {
    const fetch = okFetch()
    await sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE, fetch })
    await sendKeepAlive({ sessionId: 'session-2', token: 'other-token', baseUrl: BASE, fetch })
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(requestOf(fetch, 1).url).toBe(
      'https://avatar.test/v1/avatar-session/session-2/keep-alive',
    )
    expect(new Headers(requestOf(fetch, 1).init.headers).get('Authorization')).toBe(
      'Bearer other-token',
    )
    expect(requestOf(fetch, 0).init.signal).not.toBe(requestOf(fetch, 1).init.signal)
  })

  it('looks globalThis.fetch up at call time when none is given', async () => {
    const fetch = okFetch()
    vi.stubGlobal('fetch', fetch)
    try {
      await sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE })
    } finally {
      vi.unstubAllGlobals()
    }
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(requestOf(fetch).url).toBe('https://avatar.test/v1/avatar-session/session-1/keep-alive')
  })
})

describe('invalid options', () => {
  it.each([
    ['an empty sessionId', { sessionId: '' }, /sessionId/],
    ['a blank sessionId', { sessionId: '   ' }, /sessionId/],
    ['an empty token', { token: '' }, /token/],
    ['a blank token', { token: ' \t ' }, /token/],
    ['an empty baseUrl', { baseUrl: '' }, /baseUrl/],
    ['a blank baseUrl', { baseUrl: '  ' }, /baseUrl/],
    ['a baseUrl with a query', { baseUrl: 'https://avatar.test/v1?key=1' }, /baseUrl/],
    ['a baseUrl with a fragment', { baseUrl: 'https://avatar.test/v1#top' }, /baseUrl/],
    ['a baseUrl with a trailing space', { baseUrl: 'https://avatar.test/v1 ' }, /baseUrl/],
    ['a baseUrl with a line break', { baseUrl: 'https://avatar.test/v1\n' }, /baseUrl/],
    // Found by request.property.test.ts: URL parsing drops a trailing NUL, fetch keeps one inside.
    ['a baseUrl with a control character', { baseUrl: 'https://avatar.test/v1\u0000' }, /baseUrl/],
    ['a baseUrl that is not a URL', { baseUrl: 'not a url' }, /baseUrl/],
    ['a baseUrl without a scheme', { baseUrl: 'localhost:3000/v1' }, /baseUrl/],
    ['an ftp baseUrl', { baseUrl: 'ftp://avatar.test/v1' }, /baseUrl/],
    // The scheme is read at the start only: an http(s) URL further on does not make it one.
    ['an ftp baseUrl with an https path', { baseUrl: 'ftp://avatar.test/https://x' }, /baseUrl/],
    ['a javascript: baseUrl', { baseUrl: 'javascript:alert(1)' }, /baseUrl/],
    ['a baseUrl without a host', { baseUrl: 'https://' }, /baseUrl/],
    // fetch refuses each of these on every keep-alive, and its error repeats the URL: the password
    // would sit in every error's cause, the session dying of "network" errors.
    ['a baseUrl with credentials', { baseUrl: 'https://user:pa55@avatar.test/v1' }, /baseUrl/],
    ['a baseUrl with a user', { baseUrl: '//user@avatar.test/v1' }, /baseUrl/],
    ['credentials after extra slashes', { baseUrl: '///u:pa55@avatar.test/v1' }, /baseUrl/],
    ['a baseUrl with a port too large', { baseUrl: 'https://avatar.test:99999/v1' }, /baseUrl/],
    // Found by request.property.test.ts: a port with no host; a backslash, read as a slash, that
    // made the path `//avatar-session/…`.
    ['a baseUrl with a port and no host', { baseUrl: 'https://:' }, /baseUrl/],
    ['a baseUrl with a backslash', { baseUrl: 'https://avatar.test\\' }, /baseUrl/],
    ['a session id with a lone surrogate', { sessionId: 'ab\uD800' }, /sessionId/],
    // Not a function: it failed as a "network" error, the fault hidden.
    ['a fetch that is not a function', { fetch: 'fetch' as unknown as typeof fetch }, /`fetch`/],
    ['a fetch of null', { fetch: null as unknown as typeof fetch }, /`fetch`/],
  ])('rejects %s with a TypeError before any request', async (_name, override, message) => {
    const fetch = okFetch()
    const reason = await rejectionOf(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE, fetch, ...override }),
    )
    expect(reason).toBeInstanceOf(TypeError)
    expect(reason).not.toBeInstanceOf(AvatarKeepAliveError)
    expect((reason as TypeError).message).toMatch(message)
    expect(fetch).not.toHaveBeenCalled()
  })

  it('rejects a missing token (from untyped JS) with a TypeError', async () => {
    const fetch = okFetch()
    const options = { sessionId: ID, baseUrl: BASE, fetch } as unknown as Parameters<
      typeof sendKeepAlive
    >[0]
    expect(await rejectionOf(sendKeepAlive(options))).toBeInstanceOf(TypeError)
    expect(fetch).not.toHaveBeenCalled()
  })

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31])(
    'rejects the timeout %s with a TypeError before any request',
    async (timeout) => {
      const fetch = okFetch()
      const reason = await rejectionOf(
        sendKeepAlive({ sessionId: ID, token: TOKEN, timeout, fetch }),
      )
      expect(reason).toBeInstanceOf(TypeError)
      expect((reason as TypeError).message).toMatch(/timeout/)
      expect(fetch).not.toHaveBeenCalled()
    },
  )

  it('accepts the largest timeout a timer can hold', async () => {
    const fetch = okFetch()
    await sendKeepAlive({ sessionId: ID, token: TOKEN, timeout: 2 ** 31 - 1, fetch })
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(requestOf(fetch).init.signal?.aborted).toBe(false)
  })

  it('starts no timer when it rejects its options', async () => {
    vi.useFakeTimers(FAKE_TIMERS)
    await rejectionOf(sendKeepAlive({ sessionId: '', token: TOKEN, fetch: okFetch() }))
    expect(vi.getTimerCount()).toBe(0)
  })

  // In development each message says what the option must be; production drops the rule's text.
  const RULES: [string, Partial<Parameters<typeof sendKeepAlive>[0]>, string][] = [
    [
      'sessionId',
      { sessionId: '..' },
      'must be a non-blank string, not . or .., with no lone surrogate',
    ],
    [
      'baseUrl',
      { baseUrl: 'ftp://avatar.test/v1' },
      'must be an http(s) URL or a path, with no whitespace, credentials, query or fragment',
    ],
    ['token', { token: ' ' }, 'must be a non-empty string'],
    ['timeout', { timeout: 0 }, 'must be a number of ms above 0'],
    ['fetch', { fetch: 'fetch' as unknown as typeof fetch }, 'must be a function'],
  ]

  it.each(RULES)('says what `%s` must be', async (option, override, rule) => {
    const reason = await rejectionOf(
      sendKeepAlive({ sessionId: ID, token: TOKEN, fetch: okFetch(), ...override }),
    )
    expect(reason).toBeInstanceOf(TypeError)
    expect((reason as TypeError).message).toBe(`react-avatar-keepalive: \`${option}\` ${rule}`)
  })

  it.each(RULES)('still names `%s` in production', async (option, override) => {
    vi.stubEnv('NODE_ENV', 'production')
    const reason = await rejectionOf(
      sendKeepAlive({ sessionId: ID, token: TOKEN, fetch: okFetch(), ...override }),
    )
    expect(reason).toBeInstanceOf(TypeError)
    expect((reason as TypeError).message).toBe(`react-avatar-keepalive: \`${option}\` is invalid`)
  })

  it('refuses a baseUrl that is not a string, naming it', async () => {
    const fetch = okFetch()
    const baseUrl = 42 as unknown as string
    const reason = await rejectionOf(sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl, fetch }))
    expect(reason).toBeInstanceOf(TypeError)
    expect((reason as TypeError).message).toMatch(/`baseUrl`/)
    expect(fetch).not.toHaveBeenCalled()
  })
})

describe('a token that is not a valid header value', () => {
  it.each([
    ['a line break', 'abc\ndef'],
    ['a carriage return and line feed', `${TOKEN}\r\n`],
    ['a space inside', 'abc def'],
    ['a leading space', ` ${TOKEN}`],
    ['a tab inside', 'abc\tdef'],
    ['a NUL', 'abc\u0000'],
    ['a DEL', 'abc\u007f'],
    ['a non-ASCII letter', 'tök3n'],
    ['an emoji', 'token-🔑'],
  ])('with %s: rejects with kind invalid-token and sends nothing', async (_name, token) => {
    vi.useFakeTimers(FAKE_TIMERS)
    const fetch = okFetch()
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token, fetch }))
    expect(error.kind).toBe('invalid-token')
    expect(error.retryable).toBe(false)
    expect(error.httpStatus).toBeNull()
    expect(error.message).toContain('not sent')
    expect(deepText(error)).not.toContain(token)
    expect(fetch).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('is checked after the other options: a bad session id is still a TypeError', async () => {
    const reason = await rejectionOf(
      sendKeepAlive({ sessionId: '', token: 'a b', fetch: okFetch() }),
    )
    expect(reason).toBeInstanceOf(TypeError)
  })
})

describe('isValidToken', () => {
  it.each([TOKEN, 'token-1', 'a', "!#$%&'*+-.^_`|~", 'abc=='])('accepts %j', (token) => {
    expect(isValidToken(token)).toBe(true)
  })

  it.each(['', ' ', 'a b', 'a\nb', 'a\u0000', 'tök3n', null, undefined, 42])(
    'refuses %j',
    (token) => {
      expect(isValidToken(token)).toBe(false)
    },
  )
})

describe('isValidSessionId and keepAliveUrl', () => {
  it.each(['session-1', 'a/b', '...', ' a ', 'face-\u{1F600}'])(
    'accepts the session id %j',
    (id) => {
      expect(isValidSessionId(id)).toBe(true)
    },
  )

  // A lone surrogate (half of an emoji, say from a string cut short) cannot be URL-encoded.
  it.each(['', '  ', '.', '..', null, undefined, 7, 'ab\uD800', '\uDE00ab'])(
    'refuses the session id %j',
    (id) => {
      expect(isValidSessionId(id)).toBe(false)
    },
  )

  it('builds the URL sendKeepAlive posts to', async () => {
    const fetch = okFetch()
    await sendKeepAlive({ sessionId: 'a/b', token: TOKEN, baseUrl: `${BASE}/`, fetch })
    expect(keepAliveUrl('a/b', `${BASE}/`)).toBe(requestOf(fetch).url)
    expect(keepAliveUrl('a/b', `${BASE}/`)).toBe(
      'https://avatar.test/v1/avatar-session/a%2Fb/keep-alive',
    )
    expect(keepAliveUrl('s1')).toBe(`${AVATAR_API_US}/avatar-session/s1/keep-alive`)
  })

  it.each([
    ['', BASE],
    ['..', BASE],
    [ID, ''],
    [ID, '   '],
  ])('throws a TypeError for the session id %j and base %j', (id, base) => {
    expect(() => keepAliveUrl(id, base)).toThrow(TypeError)
  })
})

describe('answers', () => {
  it('resolves with undefined on 200 {"success": true}', async () => {
    const fetch = respondWith(() => jsonResponse({ success: true, extra: 'ignored' }))
    await expect(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch })).resolves.toBeUndefined()
  })

  it.each<[number, AvatarKeepAliveErrorKind, boolean]>([
    [400, 'bad-request', false],
    [401, 'unauthorized', false],
    [403, 'unauthorized', false],
    [404, 'not-found', false],
    [405, 'bad-request', false],
    [409, 'bad-request', false],
    [413, 'bad-request', false],
    [418, 'bad-request', false],
    [422, 'bad-request', false],
    [451, 'bad-request', false],
    [408, 'server', true],
    [410, 'expired', false],
    [429, 'rate-limited', true],
    [500, 'server', true],
    [502, 'server', true],
    [503, 'server', true],
    [504, 'server', true],
  ])('HTTP %i → kind %s, retryable %s', async (status, kind, retryable) => {
    const fetch = respondWith(() => jsonResponse({ success: false, error: 'Nope' }, { status }))
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(error.kind).toBe(kind)
    expect(error.retryable).toBe(retryable)
    expect(error.httpStatus).toBe(status)
    expect(error.name).toBe('AvatarKeepAliveError')
    expect(error.retryAfter).toBeNull()
    expect(error.message).toContain(`HTTP ${status}`)
  })

  it.each([
    [401, 'Invalid or expired token'],
    [404, 'Session not found'],
    [410, 'Session ended'],
  ])('HTTP %i carries the server error %j in its message', async (status, text) => {
    const fetch = respondWith(() => jsonResponse({ success: false, error: text }, { status }))
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(error.message).toContain(text)
  })

  it.each([
    ['a non-JSON body', '<html>Bad Gateway</html>'],
    ['an empty body', ''],
    ['a JSON body without error', '{"success":false}'],
    ['an error that is not a string', '{"success":false,"error":{"code":7}}'],
  ])('an error status with %s still rejects by its status', async (_name, body) => {
    const fetch = respondWith(() => new Response(body, { status: 502 }))
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(error.kind).toBe('server')
    expect(error.httpStatus).toBe(502)
    expect(error.message).not.toContain('Bad Gateway')
    expect(error.message).not.toContain('[object')
    expect(error.message).not.toMatch(/:\s*$/)
  })

  it.each([
    ['{"success":false}', '{"success":false}'],
    ['{"success":"true"}', '{"success":"true"}'],
    ['{"success":1}', '{"success":1}'],
    ['{}', '{}'],
    ['[]', '[]'],
    ['null', 'null'],
    ['true', 'true'],
    ['a non-JSON body', 'OK'],
    ['an HTML page', '<!doctype html><title>proxy</title>'],
    ['an empty body', ''],
  ])('200 with %s → invalid-response', async (_name, body) => {
    const fetch = respondWith(() => new Response(body, { status: 200 }))
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(error.kind).toBe('invalid-response')
    expect(error.httpStatus).toBe(200)
    expect(error.retryable).toBe(true)
  })

  it('200 {"success": false, "error": ...} → invalid-response carrying the text', async () => {
    const fetch = respondWith(() => jsonResponse({ success: false, error: 'Session is busy' }))
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(error.kind).toBe('invalid-response')
    expect(error.message).toContain('Session is busy')
  })

  it('a fetch that rejects → network, with the failure as cause', async () => {
    const failure = new TypeError('Failed to fetch')
    const fetch = vi.fn<typeof globalThis.fetch>(async () => {
      throw failure
    })
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(error.kind).toBe('network')
    expect(error.httpStatus).toBeNull()
    expect(error.retryable).toBe(true)
    expect(error.retryAfter).toBeNull()
    expect(error.cause).toBeInstanceOf(TypeError)
    expect(error.cause).toMatchObject({ name: 'TypeError', message: 'Failed to fetch' })
  })

  // An injected fetch may throw instead of returning a rejected promise.
  it('a fetch that throws synchronously → network too', async () => {
    const failure = new TypeError('Illegal invocation')
    const fetch = vi.fn<typeof globalThis.fetch>(() => {
      throw failure
    })
    const reason = await rejectionOf(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(reason).toBeInstanceOf(AvatarKeepAliveError)
    expect((reason as AvatarKeepAliveError).kind).toBe('network')
    expect((reason as AvatarKeepAliveError).cause).toMatchObject({
      name: 'TypeError',
      message: 'Illegal invocation',
    })
  })

  // An endless answer (a broken proxy) was read until the timeout: 455 MB in Node for one attempt.
  // The API's answers are a few bytes; past 64 kB nothing is a keep-alive's answer.
  it('a body is read to about 64 kB, then let go: a larger one is no answer → invalid-response', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20)
    let pulls = 0
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (++pulls > 100) controller.close()
        else controller.enqueue(chunk)
      },
      cancel() {
        cancelled = true
      },
    })
    const fetch = respondWith(() => new Response(body, { status: 200 }))
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(error.kind).toBe('invalid-response')
    expect(error.httpStatus).toBe(200)
    expect(pulls).toBeLessThanOrEqual(3)
    expect(cancelled).toBe(true)
  })

  // node-fetch (v2, v3) and cross-fetch in Node answer with a Node stream as `body`: asked for a
  // web stream's reader, every keep-alive failed as a network error.
  it('a body that is no web stream (a Node stream, a string) is read whole', async () => {
    const { Readable } = await import('node:stream')
    for (const body of [Readable.from(['{"success":true}']), '{"success":true}']) {
      const fetch = vi.fn<typeof globalThis.fetch>(
        async () =>
          ({
            ok: true,
            status: 200,
            headers: new Headers(),
            body,
            text: async () => '{"success":true}',
          }) as unknown as Response,
      )
      await expect(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch })).resolves.toBeUndefined()
    }
  })

  it('a body that breaks while it is read → network', async () => {
    const broken = new Error('connection reset')
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"succ'))
        controller.error(broken)
      },
    })
    const fetch = respondWith(() => new Response(body, { status: 200 }))
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(error.kind).toBe('network')
    expect(error.httpStatus).toBeNull()
    expect(error.cause).toMatchObject({ name: 'Error', message: 'connection reset' })
  })
})

// The cause of a network failure is rebuilt from names, messages and codes: the error a fetch
// library throws may hold the request (its Authorization header) or the raw bytes of the answer.
describe('what a network failure carries', () => {
  it('keeps no request a fetch wrapper attached to its error', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async (input, init) => {
      throw Object.assign(new TypeError('request failed'), { request: new Request(input, init) })
    })
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE, fetch }),
    )
    expect(error.cause).toMatchObject({ name: 'TypeError', message: 'request failed' })
    expect(error.cause).not.toHaveProperty('request')
    expect(deepText(error)).not.toContain(TOKEN)
  })

  // What Node's fetch throws when a proxy's answer is not HTTP: the parser's error keeps the bytes.
  it('keeps the names, messages and codes of nested causes, not their bytes', async () => {
    const parser = Object.assign(new Error('Response does not match the HTTP/1.1 protocol'), {
      name: 'HTTPParserError',
      code: 'HPE_INVALID_HEADER_TOKEN',
      data: `X-Echo: Bearer ${TOKEN}\r\n`,
    })
    const fetch = vi.fn<typeof globalThis.fetch>(async () => {
      throw new TypeError('fetch failed', { cause: parser })
    })
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE, fetch }),
    )
    expect(error.cause).toMatchObject({
      message: 'fetch failed',
      cause: { name: 'HTTPParserError', code: 'HPE_INVALID_HEADER_TOKEN' },
    })
    expect(deepText(error)).not.toContain(TOKEN)
  })

  it.each([
    ['its message', () => new Error(`refused Bearer ${TOKEN}`)],
    ['its code', () => Object.assign(new Error('refused'), { code: TOKEN })],
    ['a thrown string', () => `refused ${TOKEN}`],
  ])('redacts the token from %s', async (_where, failure) => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => {
      throw failure()
    })
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE, fetch }),
    )
    expect(deepText(error)).not.toContain(TOKEN)
    expect(deepText(error)).toContain('[redacted]')
  })

  it('keeps four levels of causes, even of a failure that is its own cause', async () => {
    const failure = new TypeError('fetch failed')
    failure.cause = failure
    const fetch = vi.fn<typeof globalThis.fetch>(async () => {
      throw failure
    })
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE, fetch }),
    )
    const messages: unknown[] = []
    for (let cause = error.cause; cause !== undefined; cause = (cause as Error).cause) {
      messages.push((cause as Error).message)
      if (messages.length > 10) break
    }
    expect(messages).toEqual(['fetch failed', 'fetch failed', 'fetch failed', 'fetch failed'])
  })

  it.each([
    ['undefined', undefined, undefined],
    [
      'an object whose message is not text',
      { name: 'Weird', message: 42 },
      { name: 'Weird', message: '' },
    ],
    [
      'an object whose name is not text',
      { name: 7, message: 'lost' },
      { name: 'Error', message: 'lost' },
    ],
  ])('shows what it can of a fetch that rejects with %s', async (_what, failure, shown) => {
    const fetch = vi.fn<typeof globalThis.fetch>(() => Promise.reject(failure))
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE, fetch }),
    )
    expect(error.kind).toBe('network')
    if (shown === undefined) expect(error.cause).toBeUndefined()
    else expect(error.cause).toMatchObject(shown)
  })

  it('survives a failure whose properties throw when read', async () => {
    const hostile = new Proxy(new Error('x'), {
      get() {
        throw new Error('no')
      },
    })
    const fetch = vi.fn<typeof globalThis.fetch>(async () => {
      throw hostile
    })
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE, fetch }),
    )
    expect(error.kind).toBe('network')
    expect(error.cause).toBeUndefined()
  })
})

describe('Retry-After', () => {
  it('reads delay-seconds into ms', async () => {
    const fetch = respondWith(() =>
      jsonResponse(
        { success: false, error: 'Slow down' },
        { status: 429, headers: { 'Retry-After': '7' } },
      ),
    )
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(error.kind).toBe('rate-limited')
    expect(error.retryAfter).toBe(7_000)
  })

  it('reads an HTTP date into the ms left until then', async () => {
    vi.useFakeTimers(FAKE_TIMERS)
    vi.setSystemTime(Date.UTC(2025, 2, 10, 9, 0, 0))
    const fetch = respondWith(() =>
      jsonResponse(
        { success: false },
        { status: 503, headers: { 'Retry-After': 'Mon, 10 Mar 2025 09:00:30 GMT' } },
      ),
    )
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(error.kind).toBe('server')
    expect(error.retryAfter).toBe(30_000)
  })

  it('is null without the header', async () => {
    const fetch = respondWith(() => jsonResponse({ success: false }, { status: 429 }))
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(error.retryAfter).toBeNull()
  })
})

describe('the token stays secret', () => {
  const echo = `Invalid or expired token ${TOKEN} (got Bearer ${TOKEN})`

  it.each([200, 400, 401, 403, 404, 410, 429, 500, 503])(
    'HTTP %i: not in the message nor any property, even when the server echoes it',
    async (status) => {
      const fetch = respondWith(() => jsonResponse({ success: false, error: echo }, { status }))
      const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
      // The server text is there, without the token.
      expect(error.message).toContain('Invalid or expired token')
      expect(error.message).not.toContain(TOKEN)
      expect(String(error)).not.toContain(TOKEN)
      expect(error.stack ?? '').not.toContain(TOKEN)
      for (const key of Reflect.ownKeys(error)) {
        expect(
          deepText((error as unknown as Record<PropertyKey, unknown>)[key]),
          String(key),
        ).not.toContain(TOKEN)
      }
      expect(deepText(error)).not.toContain(TOKEN)
      expect(JSON.stringify(error)).not.toContain(TOKEN)
    },
  )

  it('not in a network error either', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => {
      throw new TypeError('Failed to fetch')
    })
    const error = await keepAliveError(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    expect(deepText(error)).not.toContain(TOKEN)
  })

  it('is never logged', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    )
    const fetch = respondWith(() => jsonResponse({ success: false, error: echo }, { status: 401 }))
    await rejectionOf(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    for (const spy of spies) {
      for (const args of spy.mock.calls) expect(deepText(args)).not.toContain(TOKEN)
    }
  })
})

describe('timeout', () => {
  beforeEach(() => {
    vi.useFakeTimers(FAKE_TIMERS)
  })

  it('is 5,000 ms by default', () => {
    expect(DEFAULT_KEEP_ALIVE_TIMEOUT).toBe(5_000)
  })

  it('aborts at 5,000 ms, not at 4,999, and rejects with kind timeout', async () => {
    const fetch = hangingFetch()
    const outcome = track(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    await started()
    const signal = requestOf(fetch).init.signal

    await vi.advanceTimersByTimeAsync(4_999)
    expect(signal?.aborted).toBe(false)
    expect(outcome.settled).toBe(false)

    await vi.advanceTimersByTimeAsync(1)
    expect(signal?.aborted).toBe(true)
    expect(outcome.rejected).toBe(true)
    const error = outcome.reason as AvatarKeepAliveError
    expect(error).toBeInstanceOf(AvatarKeepAliveError)
    expect(error.kind).toBe('timeout')
    expect(error.httpStatus).toBeNull()
    expect(error.retryable).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('settles at the timeout even when fetch ignores its signal', async () => {
    const fetch = deafFetch()
    const outcome = track(sendKeepAlive({ sessionId: ID, token: TOKEN, timeout: 2_000, fetch }))
    await vi.advanceTimersByTimeAsync(1_999)
    expect(outcome.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(outcome.rejected).toBe(true)
    expect((outcome.reason as AvatarKeepAliveError).kind).toBe('timeout')
    expect(requestOf(fetch).init.signal?.aborted).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('settles at the timeout when the body never finishes', async () => {
    // Headers came, then the body stalls: the timeout covers reading it too.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"success":'))
      },
    })
    const fetch = respondWith(() => new Response(body, { status: 200 }))
    const outcome = track(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    await vi.advanceTimersByTimeAsync(4_999)
    expect(outcome.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(outcome.rejected).toBe(true)
    expect((outcome.reason as AvatarKeepAliveError).kind).toBe('timeout')
  })

  it('follows the timeout option', async () => {
    const fetch = hangingFetch()
    const outcome = track(sendKeepAlive({ sessionId: ID, token: TOKEN, timeout: 1_200, fetch }))
    await vi.advanceTimersByTimeAsync(1_199)
    expect(outcome.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(outcome.rejected).toBe(true)
    expect((outcome.reason as AvatarKeepAliveError).kind).toBe('timeout')
  })

  it('is timeout even when fetch rejects with an error of its own', async () => {
    const fetch = abortableFetch(() => new DOMException('The operation was aborted.', 'AbortError'))
    const outcome = track(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    await vi.advanceTimersByTimeAsync(5_000)
    expect(outcome.reason).toBeInstanceOf(AvatarKeepAliveError)
    expect((outcome.reason as AvatarKeepAliveError).kind).toBe('timeout')
  })

  it('a slow answer within the timeout succeeds', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(
      () =>
        new Promise<Response>((resolve) =>
          setTimeout(() => resolve(jsonResponse({ success: true })), 4_000),
        ),
    )
    const outcome = track(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    await vi.advanceTimersByTimeAsync(4_000)
    expect(outcome).toEqual({ settled: true, rejected: false, reason: undefined })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(requestOf(fetch).init.signal?.aborted).toBe(false)
  })

  it('clears its timer after a success', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(
      () =>
        new Promise<Response>((resolve) =>
          setTimeout(() => resolve(jsonResponse({ success: true })), 100),
        ),
    )
    const outcome = track(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch }))
    await started()
    // The request's own timer and the timeout.
    expect(vi.getTimerCount()).toBe(2)
    await vi.advanceTimersByTimeAsync(100)
    expect(outcome.settled && !outcome.rejected).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('clears its timer after an immediate success', async () => {
    await sendKeepAlive({ sessionId: ID, token: TOKEN, fetch: okFetch() })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('clears its timer after an HTTP failure and a network failure', async () => {
    await rejectionOf(
      sendKeepAlive({
        sessionId: ID,
        token: TOKEN,
        fetch: respondWith(() => jsonResponse({ success: false }, { status: 500 })),
      }),
    )
    expect(vi.getTimerCount()).toBe(0)
    const broken = vi.fn<typeof globalThis.fetch>(async () => {
      throw new TypeError('Failed to fetch')
    })
    await rejectionOf(sendKeepAlive({ sessionId: ID, token: TOKEN, fetch: broken }))
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('outside abort signal', () => {
  beforeEach(() => {
    vi.useFakeTimers(FAKE_TIMERS)
  })

  it('aborted before the call: rejects with its reason and sends nothing', async () => {
    const controller = new AbortController()
    const reason = new Error('unmounted')
    controller.abort(reason)
    const fetch = okFetch()
    const rejected = await rejectionOf(
      sendKeepAlive({ sessionId: ID, token: TOKEN, signal: controller.signal, fetch }),
    )
    expect(rejected).toBe(reason)
    expect(rejected).not.toBeInstanceOf(AvatarKeepAliveError)
    expect(fetch).not.toHaveBeenCalled()
    expect(vi.getTimerCount()).toBe(0)
  })

  it('aborted during the request: aborts fetch and rejects with its reason', async () => {
    const controller = new AbortController()
    const reason = new Error('query cancelled')
    const fetch = hangingFetch()
    const outcome = track(
      sendKeepAlive({ sessionId: ID, token: TOKEN, signal: controller.signal, fetch }),
    )
    await vi.advanceTimersByTimeAsync(1_000)
    expect(outcome.settled).toBe(false)

    controller.abort(reason)
    await vi.advanceTimersByTimeAsync(0)
    expect(requestOf(fetch).init.signal?.aborted).toBe(true)
    expect(requestOf(fetch).init.signal?.reason).toBe(reason)
    expect(outcome.rejected).toBe(true)
    expect(outcome.reason).toBe(reason)
    expect(outcome.reason).not.toBeInstanceOf(AvatarKeepAliveError)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('aborted during the request: rejects at once even when fetch ignores its signal', async () => {
    const controller = new AbortController()
    const reason = new Error('unmounted')
    const outcome = track(
      sendKeepAlive({ sessionId: ID, token: TOKEN, signal: controller.signal, fetch: deafFetch() }),
    )
    await started()
    controller.abort(reason)
    await vi.advanceTimersByTimeAsync(0)
    expect(outcome.rejected).toBe(true)
    expect(outcome.reason).toBe(reason)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('aborted during the request: its reason wins over what fetch rejects with', async () => {
    const controller = new AbortController()
    const reason = new Error('query cancelled')
    const fetch = abortableFetch(() => new TypeError('fetch aborted'))
    const outcome = track(
      sendKeepAlive({ sessionId: ID, token: TOKEN, signal: controller.signal, fetch }),
    )
    await started()
    expect(fetch).toHaveBeenCalledTimes(1)
    controller.abort(reason)
    await vi.advanceTimersByTimeAsync(0)
    expect(outcome.reason).toBe(reason)
  })

  it('aborted without a reason: rejects with an AbortError, not a keep-alive error', async () => {
    const controller = new AbortController()
    const outcome = track(
      sendKeepAlive({
        sessionId: ID,
        token: TOKEN,
        signal: controller.signal,
        fetch: hangingFetch(),
      }),
    )
    await started()
    controller.abort()
    await vi.advanceTimersByTimeAsync(0)
    expect(outcome.rejected).toBe(true)
    expect(outcome.reason).not.toBeInstanceOf(AvatarKeepAliveError)
    expect((outcome.reason as DOMException).name).toBe('AbortError')
    expect(outcome.reason).toBe(controller.signal.reason)
  })

  it('is left alone after the request: a later abort touches nothing', async () => {
    const controller = new AbortController()
    const fetch = okFetch()
    await sendKeepAlive({ sessionId: ID, token: TOKEN, signal: controller.signal, fetch })
    controller.abort(new Error('later'))
    expect(requestOf(fetch).init.signal?.aborted).toBe(false)
  })

  // Found by an attacker's review: a signal that is none (untyped code, a partial polyfill) threw
  // only once the request had gone.
  it('a signal that is no AbortSignal rejects with a TypeError before anything is sent', async () => {
    const fetch = okFetch()
    const outcome = await sendKeepAlive({
      sessionId: ID,
      token: TOKEN,
      signal: {} as AbortSignal,
      fetch,
    }).catch((reason: unknown) => reason)
    expect(outcome).toBeInstanceOf(TypeError)
    expect(fetch).not.toHaveBeenCalled()
  })

  it('removes its abort listener when done', async () => {
    const controller = new AbortController()
    const add = vi.spyOn(controller.signal, 'addEventListener')
    const remove = vi.spyOn(controller.signal, 'removeEventListener')
    await sendKeepAlive({
      sessionId: ID,
      token: TOKEN,
      signal: controller.signal,
      fetch: okFetch(),
    })
    expect(add).toHaveBeenCalledTimes(1)
    expect(remove).toHaveBeenCalledTimes(1)
    expect(remove.mock.calls[0]?.[0]).toBe('abort')
    expect(remove.mock.calls[0]?.[1]).toBe(add.mock.calls[0]?.[1])
  })
})

describe('with the real global fetch (msw)', () => {
  const server = setupServer()
  const requests: Request[] = []

  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'error' })
    server.events.on('request:start', ({ request }) => {
      requests.push(request.clone())
    })
  })
  afterEach(() => {
    server.resetHandlers()
    requests.length = 0
  })
  afterAll(() => {
    server.close()
  })

  it('sends the documented request and resolves on {"success": true}', async () => {
    let seen: {
      method: string
      url: string
      auth: string | null
      type: string | null
      body: unknown
    } | null = null
    server.use(
      http.post(`${BASE}/avatar-session/:id/keep-alive`, async ({ request }) => {
        seen = {
          method: request.method,
          url: request.url,
          auth: request.headers.get('Authorization'),
          type: request.headers.get('Content-Type'),
          body: await request.json(),
        }
        return HttpResponse.json({ success: true })
      }),
    )
    await expect(
      sendKeepAlive({ sessionId: 'a/b c', token: TOKEN, baseUrl: `${BASE}/` }),
    ).resolves.toBeUndefined()
    expect(seen).toEqual({
      method: 'POST',
      url: 'https://avatar.test/v1/avatar-session/a%2Fb%20c/keep-alive',
      auth: `Bearer ${TOKEN}`,
      type: 'application/json',
      body: {},
    })
    expect(requests).toHaveLength(1)
  })

  it('reaches a relative proxy base on the page origin', async () => {
    const urls: string[] = []
    server.use(
      http.post('/api/avatar/avatar-session/:id/keep-alive', ({ request }) => {
        urls.push(request.url)
        return HttpResponse.json({ success: true })
      }),
    )
    await sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: '/api/avatar' })
    expect(urls).toEqual([
      new URL('/api/avatar/avatar-session/session-1/keep-alive', location.href).href,
    ])
  })

  it('410 {"error": "Session ended"} → expired', async () => {
    server.use(
      http.post(`${BASE}/avatar-session/:id/keep-alive`, () =>
        HttpResponse.json({ success: false, error: 'Session ended' }, { status: 410 }),
      ),
    )
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE }),
    )
    expect(error).toMatchObject({
      kind: 'expired',
      httpStatus: 410,
      retryable: false,
      retryAfter: null,
    })
    expect(error.message).toContain('Session ended')
  })

  it('429 with Retry-After → rate-limited with the delay', async () => {
    server.use(
      http.post(`${BASE}/avatar-session/:id/keep-alive`, () =>
        HttpResponse.json({ success: false }, { status: 429, headers: { 'Retry-After': '12' } }),
      ),
    )
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE }),
    )
    expect(error).toMatchObject({
      kind: 'rate-limited',
      httpStatus: 429,
      retryable: true,
      retryAfter: 12_000,
    })
  })

  it('200 with a non-JSON body → invalid-response', async () => {
    server.use(http.post(`${BASE}/avatar-session/:id/keep-alive`, () => HttpResponse.text('OK')))
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE }),
    )
    expect(error).toMatchObject({ kind: 'invalid-response', httpStatus: 200 })
  })

  it('a network failure → network, with the TypeError as cause', async () => {
    server.use(http.post(`${BASE}/avatar-session/:id/keep-alive`, () => HttpResponse.error()))
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE }),
    )
    expect(error).toMatchObject({ kind: 'network', httpStatus: null, retryable: true })
    expect(error.cause).toBeInstanceOf(TypeError)
  })

  // Found by an attacker's review of the network between the page and the API: followed, a
  // 301/302/303 re-sent the keep-alive as a GET (a POST-only route's 404 ended a live session),
  // and a 307 to another origin lost the Authorization header (its 401 refused a good token).
  it.each([
    [302, `${BASE}/elsewhere`],
    [307, 'https://other.test/v1/avatar-session/session-1/keep-alive'],
  ])('a %s redirect is not followed: invalid-response, retried', async (status, location) => {
    server.use(
      http.post(`${BASE}/avatar-session/:id/keep-alive`, () =>
        HttpResponse.text(null, { status, headers: { Location: location } }),
      ),
      http.all(`${BASE}/elsewhere`, () => HttpResponse.json({ success: false }, { status: 404 })),
      http.all('https://other.test/*', () =>
        HttpResponse.json({ success: false }, { status: 401 }),
      ),
    )
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE }),
    )
    expect(error).toMatchObject({ kind: 'invalid-response', httpStatus: status, retryable: true })
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      `POST ${BASE}/avatar-session/session-1/keep-alive`,
    ])
  })

  it("a browser's redirect not followed (status 0, opaqueredirect) → invalid-response, no status", async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(
      async () =>
        ({
          ok: false,
          status: 0,
          type: 'opaqueredirect',
          headers: new Headers(),
          text: async () => '',
        }) as unknown as Response,
    )
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE, fetch }),
    )
    expect(error).toMatchObject({ kind: 'invalid-response', httpStatus: null, retryable: true })
    expect(fetch.mock.calls[0]![1]).toMatchObject({ redirect: 'manual' })
  })

  it('a fetch that answers without headers still rejects with an AvatarKeepAliveError', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(
      async () => ({ ok: false, status: 500, text: async () => '' }) as unknown as Response,
    )
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE, fetch }),
    )
    expect(error).toMatchObject({ kind: 'server', httpStatus: 500, retryAfter: null })
  })

  it('an echoed token stays out of the error', async () => {
    server.use(
      http.post(`${BASE}/avatar-session/:id/keep-alive`, ({ request }) =>
        HttpResponse.json(
          {
            success: false,
            error: `Invalid or expired token: ${request.headers.get('Authorization')}`,
          },
          { status: 401 },
        ),
      ),
    )
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE }),
    )
    expect(error.kind).toBe('unauthorized')
    expect(error.message).toContain('Invalid or expired token')
    expect(deepText(error)).not.toContain(TOKEN)
  })

  // A base64 token has characters that URL-encoding changes; servers echo tokens in many forms.
  const B64_TOKEN = 'k3y+Secret/Value0123=='
  it.each([
    ['URL-encoded', encodeURIComponent(B64_TOKEN)],
    ['cut short', `${B64_TOKEN.slice(0, 12)}...`],
    ['upper-cased', B64_TOKEN.toUpperCase()],
    ['in base64', btoa(B64_TOKEN)],
    ['inside JSON', JSON.stringify({ token: B64_TOKEN })],
    // Found by an attacker's review: base64 was looked for only where the token starts a group
    // of three bytes, and neither a form's encoding (~ ! ' ( ) too) nor PHP's `\/` was.
    ['in base64 after "Bearer "', btoa(`Bearer ${B64_TOKEN}`)],
    ['in base64 after two bytes', btoa(`u:${B64_TOKEN}`)],
    ['cut short, in base64', btoa(B64_TOKEN.slice(1, 13))],
    ['inside JSON with / escaped', JSON.stringify({ token: B64_TOKEN }).replace(/\//g, '\\/')],
  ])('a token echoed %s stays out of the error', async (_form, echoed) => {
    server.use(
      http.post(`${BASE}/avatar-session/:id/keep-alive`, () =>
        HttpResponse.json({ success: false, error: `Bad token ${echoed} (401)` }, { status: 401 }),
      ),
    )
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: B64_TOKEN, baseUrl: BASE }),
    )
    expect(error.message).toContain('Bad token [redacted] (401)')
    expect(deepText(error)).not.toContain(echoed)
  })

  // Found by an attacker's review: RFC 6750 tokens may hold ~, which a form encodes and
  // encodeURIComponent does not; with one every few characters no piece of 8 was found.
  it('a token with ~ echoed as a form encodes it stays out of the error', async () => {
    const tilde = 'a1~b2~c3~d4~e5~f6~g7~h8~'
    const echoed = new URLSearchParams({ t: tilde }).toString().slice(2)
    server.use(
      http.post(`${BASE}/avatar-session/:id/keep-alive`, () =>
        HttpResponse.json({ success: false, error: `Bad token ${echoed}` }, { status: 401 }),
      ),
    )
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: tilde, baseUrl: BASE }),
    )
    expect(error.message).toContain('Bad token [redacted]')
    expect(deepText(error)).not.toContain(echoed)
  })

  // Found by an attacker's review: the token was read again from the caller's object after the
  // answer, so one changed meanwhile (a refresh writing to a shared config) redacted the new one.
  it('the token redacted is the one sent, even if the caller changes its options meanwhile', async () => {
    const old = 'old-token-abcdefgh'
    server.use(
      http.post(`${BASE}/avatar-session/:id/keep-alive`, () =>
        HttpResponse.json({ success: false, error: `token ${old} expired` }, { status: 401 }),
      ),
    )
    const options = { sessionId: ID, token: old, baseUrl: BASE }
    const pending = keepAliveError(sendKeepAlive(options))
    options.token = 'new-token-zyxwvuts'
    const error = await pending
    expect(error.message).toContain('token [redacted] expired')
    expect(deepText(error)).not.toContain(old)
  })

  // Found by request.property.test.ts: JSON escapes the quote, so the token was not found whole.
  it('a token with a quote, echoed inside JSON, stays out of the error', async () => {
    const quoted = '!!!"!!!!'
    server.use(
      http.post(`${BASE}/avatar-session/:id/keep-alive`, () =>
        HttpResponse.json(
          { success: false, error: `refused: ${JSON.stringify({ token: quoted })}` },
          { status: 401 },
        ),
      ),
    )
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: quoted, baseUrl: BASE }),
    )
    expect(error.message).toContain('refused: [redacted]')
    expect(deepText(error)).not.toContain('!!!\\"!!!!')
  })

  it('a server message without the token is kept word for word', async () => {
    const text = 'Session k3y-42 is busy: retry in 5 s'
    server.use(
      http.post(`${BASE}/avatar-session/:id/keep-alive`, () =>
        HttpResponse.json({ success: false, error: text }, { status: 500 }),
      ),
    )
    const error = await keepAliveError(
      sendKeepAlive({ sessionId: ID, token: B64_TOKEN, baseUrl: BASE }),
    )
    expect(error.message).toContain(text)
  })

  it('a server that never answers → timeout at 5,000 ms', async () => {
    vi.useFakeTimers(FAKE_TIMERS)
    server.use(
      http.post(`${BASE}/avatar-session/:id/keep-alive`, async () => {
        await delay('infinite')
        return HttpResponse.json({ success: true })
      }),
    )
    const outcome = track(sendKeepAlive({ sessionId: ID, token: TOKEN, baseUrl: BASE }))
    await vi.advanceTimersByTimeAsync(4_999)
    expect(outcome.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await vi.waitFor(() => expect(outcome.settled).toBe(true))
    expect(outcome.reason).toBeInstanceOf(AvatarKeepAliveError)
    expect((outcome.reason as AvatarKeepAliveError).kind).toBe('timeout')
  })

  it('an outside abort during the request rejects with its reason', async () => {
    server.use(
      http.post(`${BASE}/avatar-session/:id/keep-alive`, async () => {
        await delay('infinite')
        return HttpResponse.json({ success: true })
      }),
    )
    const controller = new AbortController()
    const reason = new Error('unmounted')
    const promise = sendKeepAlive({
      sessionId: ID,
      token: TOKEN,
      baseUrl: BASE,
      signal: controller.signal,
    })
    await vi.waitFor(() => expect(requests).toHaveLength(1))
    controller.abort(reason)
    expect(await rejectionOf(promise)).toBe(reason)
  })
})
