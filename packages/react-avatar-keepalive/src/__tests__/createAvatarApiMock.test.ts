import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  AVATAR_API_EU,
  AVATAR_API_US,
  keepAliveUrl,
  sendKeepAlive,
  type SessionCallOptions,
} from '../core/index'
import {
  createAvatarApiMock,
  type MockAnswer,
  type MockHttpAnswer,
  type MockRequest,
} from '../testing/index'
import { mulberry32 } from '../testing/mulberry32'

const api = createAvatarApiMock({ sessions: { 'session-1': 'token-1', 'session-2': 'token-2' } })
const server = setupServer(...api.handlers)

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  vi.useRealTimers()
  server.resetHandlers(...api.handlers)
  api.reset()
})
afterAll(() => server.close())

const useFakeTimers = (): void => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  })
}

const keepAlive = (options: Partial<SessionCallOptions> = {}): Promise<void> =>
  sendKeepAlive({ sessionId: 'session-1', token: 'token-1', baseUrl: AVATAR_API_US, ...options })

/** A raw POST, for what `sendKeepAlive` never sends (no token, odd bodies, `/end`). */
const post = (
  path: string,
  {
    token,
    body = '{}',
    base = AVATAR_API_US,
  }: { token?: string; body?: string; base?: string } = {},
): Promise<Response> =>
  fetch(`${base}/avatar-session/${path}`, {
    method: 'POST',
    headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
    body,
  })

const answerOf = async (response: Response): Promise<[number, unknown]> => [
  response.status,
  await response.json(),
]

const statuses = (): MockRequest['status'][] => api.requests.map((entry) => entry.status)

describe('tokens and sessions', () => {
  it('answers 200 {"success":true} to the right Bearer token', async () => {
    await expect(keepAlive()).resolves.toBeUndefined()
    expect(await answerOf(await post('session-1/keep-alive', { token: 'token-1' }))).toEqual([
      200,
      { success: true },
    ])
    expect(statuses()).toEqual([200, 200])
  })

  it('answers 401 "Invalid or expired token" to a wrong or missing token', async () => {
    await expect(keepAlive({ token: 'token-2' })).rejects.toMatchObject({
      kind: 'unauthorized',
      httpStatus: 401,
    })
    const invalid = { success: false, error: 'Invalid or expired token' }
    expect(await answerOf(await post('session-1/keep-alive', { token: 'nope' }))).toEqual([
      401,
      invalid,
    ])
    expect(await answerOf(await post('session-1/keep-alive'))).toEqual([401, invalid])
    const wrongScheme = await fetch(keepAliveUrl('session-1'), {
      method: 'POST',
      headers: { Authorization: 'Token token-1' },
      body: '{}',
    })
    expect(wrongScheme.status).toBe(401)
    expect(api.requests.map((entry) => entry.tokenMatched)).toEqual([false, false, false, false])
  })

  it('answers 404 "Session not found" to an unknown session', async () => {
    await expect(keepAlive({ sessionId: 'ghost' })).rejects.toMatchObject({
      kind: 'not-found',
      httpStatus: 404,
    })
    expect(await answerOf(await post('ghost/keep-alive', { token: 'token-1' }))).toEqual([
      404,
      { success: false, error: 'Session not found' },
    ])
  })

  it('answers 410 "Session ended" once end() was called', async () => {
    await keepAlive()
    expect(api.isEnded('session-1')).toBe(false)
    api.end('session-1')
    expect(api.isEnded('session-1')).toBe(true)
    expect(api.isEnded('session-2')).toBe(false)
    expect(api.isEnded('ghost')).toBe(false)
    await expect(keepAlive()).rejects.toMatchObject({ kind: 'expired', httpStatus: 410 })
    expect(await answerOf(await post('session-1/keep-alive', { token: 'token-1' }))).toEqual([
      410,
      { success: false, error: 'Session ended' },
    ])
    await expect(keepAlive({ sessionId: 'session-2', token: 'token-2' })).resolves.toBeUndefined()
    expect(() => api.end('ghost')).toThrow(/unknown session "ghost"/)
  })

  it('checks unknown session, then ended, then token, then body', async () => {
    api.end('session-2')
    expect((await post('ghost/keep-alive', { body: '[' })).status).toBe(404)
    expect((await post('session-2/keep-alive', { token: 'wrong', body: '[' })).status).toBe(410)
    expect((await post('session-1/keep-alive', { token: 'wrong', body: '[' })).status).toBe(401)
    expect((await post('session-1/keep-alive', { token: 'token-1', body: '[' })).status).toBe(400)
  })

  it('answers 400 to a body that is not a JSON object, and accepts an empty one', async () => {
    for (const body of ['not json', '[]', 'null', '"{}"', '3']) {
      expect(
        await answerOf(await post('session-1/keep-alive', { token: 'token-1', body })),
      ).toEqual([400, { success: false, error: 'Bad request' }])
    }
    // The vendor's own fetch example sends no body.
    expect((await post('session-1/keep-alive', { token: 'token-1', body: '' })).status).toBe(200)
    expect((await post('session-1/keep-alive', { token: 'token-1', body: '{"a":1}' })).status).toBe(
      200,
    )
  })

  it('rotates a token with setToken and replaces a session with addSession', async () => {
    api.setToken('session-1', 'token-1b')
    await expect(keepAlive()).rejects.toMatchObject({ httpStatus: 401 })
    await expect(keepAlive({ token: 'token-1b' })).resolves.toBeUndefined()

    api.end('session-2')
    api.addSession('session-2', 'token-2b')
    expect(api.isEnded('session-2')).toBe(false)
    await expect(keepAlive({ sessionId: 'session-2', token: 'token-2b' })).resolves.toBeUndefined()

    expect(() => api.setToken('ghost', 'x')).toThrow(/unknown session/)
    expect(() => api.addSession('', 'x')).toThrow(TypeError)
    expect(() => api.addSession('x', '')).toThrow(TypeError)
  })
})

describe('idle timeout (fake timers)', () => {
  it('keeps a session pinged every 20 s alive for 5 minutes', async () => {
    useFakeTimers()
    api.addSession('session-1', 'token-1')
    for (let elapsed = 0; elapsed < 300_000; elapsed += 20_000) {
      await vi.advanceTimersByTimeAsync(20_000)
      await keepAlive()
    }
    expect(api.isEnded('session-1')).toBe(false)
    expect(statuses()).toEqual(Array.from({ length: 15 }, () => 200))
  })

  it('ends a session left more than 30 s without a successful keep-alive', async () => {
    useFakeTimers()
    api.addSession('session-1', 'token-1')
    api.addSession('session-2', 'token-2')
    await keepAlive()
    await vi.advanceTimersByTimeAsync(30_000)
    // Exactly the timeout is still alive; one ms more is not.
    await expect(keepAlive()).resolves.toBeUndefined()
    expect(api.isEnded('session-2')).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(api.isEnded('session-2')).toBe(true)
    await expect(keepAlive({ sessionId: 'session-2', token: 'token-2' })).rejects.toMatchObject({
      httpStatus: 410,
    })
    await vi.advanceTimersByTimeAsync(30_001)
    await expect(keepAlive()).rejects.toMatchObject({ kind: 'expired' })
    // Expiry sticks even if the clock goes back.
    vi.setSystemTime(Date.now() - 60_000)
    expect(api.isEnded('session-1')).toBe(true)
  })

  it('does not count injected answers as keeping the session alive', async () => {
    useFakeTimers()
    api.addSession('session-1', 'token-1')
    await vi.advanceTimersByTimeAsync(20_000)
    api.queue(200, 500)
    await keepAlive() // an injected 200 is not a real one
    await vi.advanceTimersByTimeAsync(10_001)
    await expect(keepAlive()).rejects.toMatchObject({ httpStatus: 500 })
    await expect(keepAlive()).rejects.toMatchObject({ httpStatus: 410 })
  })

  it('honours the idleTimeout option and Infinity', async () => {
    useFakeTimers()
    const short = createAvatarApiMock({ sessions: { s: 't' }, idleTimeout: 5_000 })
    const never = createAvatarApiMock({ sessions: { s: 't' }, idleTimeout: Infinity })
    await vi.advanceTimersByTimeAsync(5_001)
    expect(short.isEnded('s')).toBe(true)
    await vi.advanceTimersByTimeAsync(365 * 24 * 3_600_000)
    expect(never.isEnded('s')).toBe(false)
    expect(() => createAvatarApiMock({ idleTimeout: 0 })).toThrow(RangeError)
  })

  it('counts idle time from the clock in force when reset() runs', async () => {
    // The README's set-up: fake the clock first, then reset. Here the clock is also set to a date
    // in the past, as a test may do; reset after that, the session still ends 30 s on.
    useFakeTimers()
    vi.setSystemTime(new Date('2024-01-01T00:00:00Z'))
    api.reset()
    await vi.advanceTimersByTimeAsync(30_000)
    expect(api.isEnded('session-1')).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(api.isEnded('session-1')).toBe(true)
  })
})

describe('queued answers', () => {
  it('gives queued statuses in order, with the API body, then the real answer', async () => {
    api.queue(503, 404)
    await expect(keepAlive()).rejects.toMatchObject({ kind: 'server', httpStatus: 503 })
    expect(await answerOf(await post('session-1/keep-alive', { token: 'token-1' }))).toEqual([
      404,
      { success: false, error: 'Session not found' },
    ])
    await expect(keepAlive()).resolves.toBeUndefined()
    expect(statuses()).toEqual([503, 404, 200])
    expect(api.requests.map((entry) => entry.injected)).toEqual([true, true, false])
  })

  it('sends custom status, headers and body', async () => {
    api.queue(
      { status: 429, headers: { 'Retry-After': '2' } },
      { status: 502, body: '<html>Bad gateway</html>', headers: { 'Content-Type': 'text/html' } },
      { status: 500, body: { success: false, error: 'boom' } },
    )
    await expect(keepAlive()).rejects.toMatchObject({
      kind: 'rate-limited',
      httpStatus: 429,
      retryAfter: 2_000,
    })
    const gateway = await post('session-1/keep-alive', { token: 'token-1' })
    expect([gateway.status, gateway.headers.get('Content-Type'), await gateway.text()]).toEqual([
      502,
      'text/html',
      '<html>Bad gateway</html>',
    ])
    await expect(keepAlive()).rejects.toThrow(/HTTP 500\): boom/)
  })

  it('fails the request without a response for network-error', async () => {
    api.queue('network-error')
    await expect(keepAlive()).rejects.toMatchObject({ kind: 'network', httpStatus: null })
    expect(api.requests[0]).toMatchObject({ status: 'network-error', injected: true })
  })

  it('answers 200 with a body that is not {"success":true} for malformed', async () => {
    api.queue('malformed')
    await expect(keepAlive()).rejects.toMatchObject({ kind: 'invalid-response', httpStatus: 200 })
    api.queue('malformed')
    const response = await post('session-1/keep-alive', { token: 'token-1' })
    expect(response.status).toBe(200)
    await expect(response.json()).rejects.toThrow(SyntaxError)
  })

  it('delays an answer on fake timers, then gives `then` or the real answer', async () => {
    useFakeTimers()
    api.addSession('session-1', 'token-1')
    api.queue({ delay: 3_000 }, { delay: 1_000, then: { delay: 1_000, then: 503 } })
    let settled = false
    const first = keepAlive().then(() => (settled = true))
    await vi.advanceTimersByTimeAsync(2_999)
    expect(settled).toBe(false)
    expect(api.requests[0]).toMatchObject({ status: 'pending', settledAt: null, injected: true })
    await vi.advanceTimersByTimeAsync(1)
    await first
    expect(api.requests[0]).toMatchObject({ status: 200, settledAt: api.requests[0]!.at + 3_000 })

    const second = expect(keepAlive()).rejects.toMatchObject({ httpStatus: 503 })
    await vi.advanceTimersByTimeAsync(2_000)
    await second
    expect(statuses()).toEqual([200, 503])
  })

  it('lets a delay longer than the client timeout end as a timeout, logged as aborted', async () => {
    useFakeTimers()
    api.addSession('session-1', 'token-1')
    api.queue({ delay: 6_000 })
    const result = expect(keepAlive({ timeout: 5_000 })).rejects.toMatchObject({ kind: 'timeout' })
    await vi.advanceTimersByTimeAsync(5_000)
    await result
    expect(api.requests[0]).toMatchObject({
      status: 'aborted',
      settledAt: api.requests[0]!.at + 5_000,
    })
    // The aborted request did not keep the session alive: the server never got to it.
    await vi.advanceTimersByTimeAsync(25_001)
    await expect(keepAlive()).rejects.toMatchObject({ httpStatus: 410 })
  })

  it('hangs until the request is aborted', async () => {
    api.queue('hang')
    const controller = new AbortController()
    const request = keepAlive({ signal: controller.signal, timeout: 60_000 })
    await vi.waitFor(() => expect(api.requests[0]?.status).toBe('pending'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(api.requests[0]?.status).toBe('pending')
    controller.abort(new Error('left the call'))
    await expect(request).rejects.toThrow('left the call')
    await vi.waitFor(() => expect(api.requests[0]?.status).toBe('aborted'))
  })

  it('hangs until the client timeout (fake timers)', async () => {
    useFakeTimers()
    api.queue('hang')
    const result = expect(keepAlive({ timeout: 5_000 })).rejects.toMatchObject({ kind: 'timeout' })
    await vi.advanceTimersByTimeAsync(4_999)
    expect(api.requests[0]?.status).toBe('pending')
    await vi.advanceTimersByTimeAsync(1)
    await result
    expect(api.requests[0]?.status).toBe('aborted')
  })

  it('comes before the real logic, even for unknown and ended sessions', async () => {
    api.end('session-2')
    api.queue(200, 503)
    expect((await post('ghost/keep-alive')).status).toBe(200)
    expect((await post('session-2/keep-alive', { token: 'token-2' })).status).toBe(503)
    expect((await post('ghost/keep-alive')).status).toBe(404)
  })

  it('applies to keep-alives only, not to /end', async () => {
    api.queue(503)
    expect((await post('session-1/end', { token: 'token-1' })).status).toBe(200)
    expect((await post('session-2/keep-alive', { token: 'token-2' })).status).toBe(503)
  })

  it('rejects what is not an answer where it is queued', () => {
    for (const answer of [
      'hung',
      99,
      600,
      200.5,
      { status: 0 },
      { delay: -1 },
      { delay: 5, then: 'x' },
      null,
    ]) {
      expect(() => api.queue(answer as MockAnswer)).toThrow(TypeError)
    }
    expect(() => api.queue(204, { status: 301 }, { delay: 0, then: 'hang' })).not.toThrow()
  })

  it('refuses a delay with a status of its own: the status goes in `then`', async () => {
    // Type-checks as a MockAnswer, but the mock gave the real 200 after 50 ms.
    const answer = { status: 503, delay: 50 }
    expect(() => api.queue(answer)).toThrow(/give them as its `then`/)
    api.queue({ delay: 50, then: 503 })
    await expect(keepAlive()).rejects.toMatchObject({ httpStatus: 503 })
  })

  it('refuses where it is queued an answer fetch would not send', () => {
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    for (const answer of [
      { status: 429, headers: { 'Retry After': '2' } },
      { status: 500, headers: { 'Content-Type': 'text/plain\nX-Evil: 1' } },
      { status: 500, body: { big: 1n } },
      { status: 500, body: cycle },
    ]) {
      expect(() => api.queue(answer as MockAnswer)).toThrow(TypeError)
    }
    expect(api.requests).toEqual([])
  })

  it('answers and logs a 500 when the answer cannot be built after all', async () => {
    const answer: MockHttpAnswer = { status: 429, headers: { 'Retry-After': '2' } }
    api.queue(answer)
    answer.headers = { 'Retry After': '2' } // changed after queue() checked it
    const response = await post('session-1/keep-alive', { token: 'token-1' })
    expect(response.status).toBe(500)
    expect(statuses()).toEqual([500])
  })
})

describe('failure rate', () => {
  const run = async (n: number): Promise<MockRequest['status'][]> => {
    for (let i = 0; i < n; i++) await keepAlive().catch(() => undefined)
    return statuses()
  }

  it('fails with the seeded PRNG: same seed, same sequence; another seed, another', async () => {
    api.setFailureRate(0.3, { seed: 7 })
    const first = await run(40)
    const random = mulberry32(7)
    expect(first).toEqual(first.map(() => (random() < 0.3 ? 500 : 200)))
    expect(first).toContain(500)
    expect(first).toContain(200)

    api.clearRequests()
    api.setFailureRate(0.3, { seed: 7 })
    expect(await run(40)).toEqual(first)

    api.clearRequests()
    api.setFailureRate(0.3, { seed: 8 })
    expect(await run(40)).not.toEqual(first)
  })

  it('takes failureRate, seed and failureAnswers as options too', async () => {
    const options = {
      failureRate: 0.5,
      seed: 3,
      failureAnswers: [429, 'network-error'] as MockAnswer[],
    }
    const seeded = createAvatarApiMock({ sessions: { 'session-1': 'token-1' }, ...options })
    server.resetHandlers(...seeded.handlers)
    for (let i = 0; i < 30; i++) await keepAlive().catch(() => undefined)
    const fromOptions = seeded.requests.map((entry) => entry.status)

    api.setFailureRate(0.5, { seed: 3, answers: [429, 'network-error'] })
    server.resetHandlers(...api.handlers)
    expect(await run(30)).toEqual(fromOptions)
    expect(new Set(fromOptions)).toEqual(new Set([200, 429, 'network-error']))
  })

  it('fails at roughly the rate', async () => {
    api.setFailureRate(0.2, { seed: 42 })
    const failures = (await run(300)).filter((status) => status === 500).length
    expect(failures).toBeGreaterThan(40)
    expect(failures).toBeLessThan(80)
  })

  it('never fails at 0, always at 1, and refuses a rate outside [0, 1]', async () => {
    api.setFailureRate(1, { answers: [{ status: 503, headers: { 'Retry-After': '1' } }] })
    await expect(keepAlive()).rejects.toMatchObject({ httpStatus: 503, retryAfter: 1_000 })
    api.setFailureRate(0)
    await expect(run(10)).resolves.toEqual([503, ...Array.from({ length: 10 }, () => 200)])
    expect(() => api.setFailureRate(1.1)).toThrow(RangeError)
    expect(() => api.setFailureRate(Number.NaN)).toThrow(RangeError)
    expect(() => api.setFailureRate(0.5, { answers: [] })).toThrow(RangeError)
    expect(() => api.setFailureRate(0.5, { answers: ['boom' as MockAnswer] })).toThrow(TypeError)
  })

  it('gives the queue first', async () => {
    api.setFailureRate(1)
    api.queue(401)
    await expect(run(2)).resolves.toEqual([401, 500])
  })
})

describe('latency', () => {
  it('delays every answer on fake timers', async () => {
    useFakeTimers()
    const slow = createAvatarApiMock({ sessions: { 'session-1': 'token-1' }, latency: 250 })
    server.resetHandlers(...slow.handlers)
    let settled = false
    const request = keepAlive().then(() => (settled = true))
    await vi.advanceTimersByTimeAsync(249)
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await request
    expect(slow.requests[0]).toMatchObject({ status: 200, settledAt: slow.requests[0]!.at + 250 })
    expect(() => createAvatarApiMock({ latency: -1 })).toThrow(RangeError)
  })
})

describe('request log', () => {
  it('records each request without its token', async () => {
    useFakeTimers()
    vi.setSystemTime(1_000_000)
    api.addSession('session-1', 'token-1')
    await keepAlive()
    await expect(keepAlive({ token: 'token-2' })).rejects.toMatchObject({ httpStatus: 401 })
    // A client that leaks the token into the URL must not leak it into the log too.
    await fetch(`${keepAliveUrl('session-1')}?token=token-1&other=token-2`, {
      method: 'POST',
      headers: { Authorization: 'Bearer token-1' },
      body: '{}',
    })
    expect(api.requests[0]).toEqual({
      id: expect.any(Number),
      at: 1_000_000,
      settledAt: 1_000_000,
      method: 'POST',
      url: 'https://api.avatar.us.kaltura.ai/v1/avatar-session/session-1/keep-alive',
      endpoint: 'keep-alive',
      sessionId: 'session-1',
      tokenMatched: true,
      status: 200,
      injected: false,
    })
    expect(api.requests[1]).toMatchObject({ tokenMatched: false, status: 401 })
    expect(api.requests[2]?.url).toBe(
      'https://api.avatar.us.kaltura.ai/v1/avatar-session/session-1/keep-alive?token=[redacted]&other=[redacted]',
    )
    expect(api.requests[1]!.id).toBe(api.requests[0]!.id + 1)
    const json = JSON.stringify(api.requests)
    expect(json).not.toContain('token-1')
    expect(json).not.toContain('token-2')
    expect(json).not.toContain('Bearer')
    expect(Object.isFrozen(api.requests[0])).toBe(true)
  })

  it('keeps the token out of the URL when it is form-encoded or in lower-case hex', async () => {
    const token = 'abc~def!ghi/jk+l='
    api.addSession('session-1', token)
    const lowerHex = encodeURIComponent(token).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())
    // URLSearchParams writes ~ and ! as %7E and %21, which encodeURIComponent leaves as they are.
    for (const query of [
      `t=${token}`,
      new URLSearchParams({ t: token }).toString(),
      `t=${lowerHex}`,
    ]) {
      await fetch(`${keepAliveUrl('session-1')}?${query}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: '{}',
      })
    }
    expect(api.requests.map((entry) => [entry.url, entry.status])).toEqual(
      Array.from({ length: 3 }, () => [`${keepAliveUrl('session-1')}?t=[redacted]`, 200]),
    )
  })

  it('tells listeners of each request when it arrives and when it settles, and of clearing', async () => {
    const seen: (readonly [number, MockRequest['status']] | 'cleared')[] = []
    const unsubscribe = api.subscribe((entry) =>
      seen.push(entry ? [entry.id, entry.status] : 'cleared'),
    )
    api.queue(500)
    await keepAlive().catch(() => undefined)
    await keepAlive()
    const [first, second] = api.requests.map((entry) => entry.id)
    api.clearRequests()
    api.reset()
    expect(seen).toEqual([
      [first, 'pending'],
      [first, 500],
      [second, 'pending'],
      [second, 200],
      'cleared',
      'cleared',
    ])
    unsubscribe()
    await keepAlive()
    expect(seen).toHaveLength(6)
  })

  it('gives the same frozen snapshot until the log changes', async () => {
    const empty = api.requests
    expect(api.requests).toBe(empty)
    await keepAlive()
    const one = api.requests
    expect(one).not.toBe(empty)
    expect(api.requests).toBe(one)
    expect(Object.isFrozen(one)).toBe(true)
    expect([empty.length, one.length]).toEqual([0, 1])
  })

  it('counts keep-alives, for all sessions or one', async () => {
    await keepAlive()
    await keepAlive()
    await keepAlive({ sessionId: 'session-2', token: 'token-2' })
    await keepAlive({ sessionId: 'ghost' }).catch(() => undefined)
    await post('session-2/end', { token: 'token-2' })
    expect(api.count()).toBe(4)
    expect(api.count('session-1')).toBe(2)
    expect(api.count('session-2')).toBe(1)
    expect(api.count('nobody')).toBe(0)
    expect(api.requests).toHaveLength(5)
  })

  it('reset() restores the sessions of the options and clears queue, failure rate and log', async () => {
    api.end('session-1')
    api.addSession('session-3', 'token-3')
    api.queue(500)
    api.setFailureRate(1)
    await post('session-2/keep-alive', { token: 'token-2' })
    const before = api.requests
    api.reset()
    expect(api.requests).toEqual([])
    expect(before).toHaveLength(1)
    expect(api.isEnded('session-1')).toBe(false)
    await expect(keepAlive()).resolves.toBeUndefined()
    await expect(keepAlive({ sessionId: 'session-3', token: 'token-3' })).rejects.toMatchObject({
      httpStatus: 404,
    })
    expect(statuses()).toEqual([200, 404])
  })

  it('clearRequests() empties the log only', async () => {
    api.queue(503)
    await expect(keepAlive()).rejects.toMatchObject({ httpStatus: 503 })
    api.queue(502)
    api.end('session-2')
    api.clearRequests()
    expect(api.count()).toBe(0)
    await expect(keepAlive()).rejects.toMatchObject({ httpStatus: 502 })
    expect(api.isEnded('session-2')).toBe(true)
  })

  it('keeps a request that settles after a reset out of the new log', async () => {
    useFakeTimers()
    api.queue({ delay: 1_000 })
    const request = keepAlive()
    await vi.advanceTimersByTimeAsync(0)
    expect(api.requests).toHaveLength(1)
    api.reset()
    const seen: (MockRequest | undefined)[] = []
    api.subscribe((entry) => seen.push(entry))
    await vi.advanceTimersByTimeAsync(1_000)
    await request
    expect(api.requests).toEqual([])
    expect(seen).toEqual([])
  })
})

describe('urls', () => {
  it('finds a session whose id needs percent-encoding', async () => {
    const ids = ['a/b?c#d..', 'séance 1 & %2F', '../x']
    for (const id of ids) api.addSession(id, 'token-x')
    for (const id of ids) {
      await expect(keepAlive({ sessionId: id, token: 'token-x' })).resolves.toBeUndefined()
    }
    expect(api.requests.map((entry) => [entry.sessionId, entry.status])).toEqual(
      ids.map((id) => [id, 200]),
    )
    expect(api.requests[0]?.url).toBe(keepAliveUrl('a/b?c#d..'))
  })

  it('answers 404 with sessionId null to a segment that is not valid percent-encoding', async () => {
    expect((await post('%E0%A4%A/keep-alive', { token: 'token-1' })).status).toBe(404)
    expect(api.requests[0]).toMatchObject({ sessionId: null, status: 404 })
  })

  it('matches any origin and path prefix by default', async () => {
    for (const base of [AVATAR_API_US, AVATAR_API_EU, 'http://localhost:5173/api/avatar/']) {
      await expect(keepAlive({ baseUrl: base })).resolves.toBeUndefined()
    }
    expect(api.count('session-1')).toBe(3)
  })

  it('restricts matching to a given baseUrl, absolute or a path', async () => {
    const fallback = http.post('*', () => HttpResponse.json({ fallback: true }, { status: 599 }))
    const eu = createAvatarApiMock({ sessions: { s: 't' }, baseUrl: `${AVATAR_API_EU}/` })
    const proxy = createAvatarApiMock({ sessions: { s: 't' }, baseUrl: '/proxy/avatar' })
    server.resetHandlers(...eu.handlers, ...proxy.handlers, fallback)
    const statusAt = async (base: string): Promise<number> =>
      (await post('s/keep-alive', { token: 't', base })).status

    expect(await statusAt(AVATAR_API_EU)).toBe(200)
    expect(await statusAt(AVATAR_API_US)).toBe(599)
    expect(await statusAt('https://api.avatar.eu.kaltura.ai/v2')).toBe(599)
    expect(await statusAt('https://api.avatar.eu.kaltura.ai/v1/extra')).toBe(599)
    // A prefix proxy (`https://proxy/https://target`) is another base.
    expect(await statusAt(`http://localhost:8080/${AVATAR_API_EU}`)).toBe(599)
    expect(await statusAt('http://localhost:5173/proxy/avatar')).toBe(200)
    expect(await statusAt('http://localhost:5173/other/proxy/avatar')).toBe(599)
    expect([eu.count(), proxy.count()]).toEqual([1, 1])
  })
})

describe('/end', () => {
  it('ends the session with 200, then answers 410', async () => {
    expect(await answerOf(await post('session-1/end', { token: 'token-1' }))).toEqual([
      200,
      { success: true },
    ])
    expect(api.isEnded('session-1')).toBe(true)
    await expect(keepAlive()).rejects.toMatchObject({ httpStatus: 410 })
    expect(await answerOf(await post('session-1/end', { token: 'token-1' }))).toEqual([
      410,
      { success: false, error: 'Session ended' },
    ])
    expect(api.requests.map((entry) => [entry.endpoint, entry.status])).toEqual([
      ['end', 200],
      ['keep-alive', 410],
      ['end', 410],
    ])
  })

  it('checks the token and the session like keep-alive does', async () => {
    expect((await post('session-2/end', { token: 'token-1' })).status).toBe(401)
    expect((await post('ghost/end', { token: 'token-1' })).status).toBe(404)
    expect((await post('session-2/end', { token: 'token-2', body: '[1]' })).status).toBe(400)
    expect(api.isEnded('session-2')).toBe(false)
  })
})

it('imports no React from the testing entry', async () => {
  vi.resetModules()
  vi.doMock('react', () => {
    throw new Error('the testing entry imported react')
  })
  const testing = await import('../testing/index')
  expect(typeof testing.createAvatarApiMock).toBe('function')
  vi.doUnmock('react')
})
