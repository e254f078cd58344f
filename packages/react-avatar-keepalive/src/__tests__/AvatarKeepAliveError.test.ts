import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  AVATAR_SESSION_STATUSES,
  AvatarKeepAliveError,
  classifyHttpStatus,
  isHaltedStatus,
  parseRetryAfter,
  statusForError,
  type AvatarKeepAliveErrorKind,
  type AvatarSessionStatus,
} from '../core/index'

const ALL_KINDS: readonly AvatarKeepAliveErrorKind[] = [
  'expired',
  'not-found',
  'unauthorized',
  'bad-request',
  'rate-limited',
  'server',
  'network',
  'timeout',
  'invalid-response',
]

const RETRYABLE_KINDS: readonly AvatarKeepAliveErrorKind[] = [
  'rate-limited',
  'server',
  'network',
  'timeout',
  'invalid-response',
]

describe('classifyHttpStatus', () => {
  it.each<[number, AvatarKeepAliveErrorKind]>([
    [410, 'expired'],
    [404, 'not-found'],
    [401, 'unauthorized'],
    [403, 'unauthorized'],
    [400, 'bad-request'],
    [429, 'rate-limited'],
    [408, 'server'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
    [504, 'server'],
    [599, 'server'],
  ])('%i → %s', (status, kind) => {
    expect(classifyHttpStatus(status)).toBe(kind)
  })

  it.each([402, 405, 406, 409, 411, 412, 413, 415, 418, 422, 423, 425, 426, 428, 431, 451, 499])(
    'other 4xx %i → bad-request',
    (status) => {
      expect(classifyHttpStatus(status)).toBe('bad-request')
    },
  )

  it.each([100, 200, 204, 301, 302, 304])(
    '%i is not an answer this API gives → invalid-response',
    (status) => {
      expect(classifyHttpStatus(status)).toBe('invalid-response')
    },
  )
})

describe('statusForError', () => {
  it.each<[AvatarKeepAliveErrorKind, AvatarSessionStatus]>([
    ['expired', 'expired'],
    ['not-found', 'not-found'],
    ['unauthorized', 'unauthorized'],
    ['bad-request', 'error'],
    ['rate-limited', 'degraded'],
    ['server', 'degraded'],
    ['network', 'degraded'],
    ['timeout', 'degraded'],
    ['invalid-response', 'degraded'],
  ])('%s → %s', (kind, status) => {
    expect(statusForError(new AvatarKeepAliveError({ kind }))).toBe(status)
  })

  it('maps every retryable kind to degraded and no other kind', () => {
    for (const kind of ALL_KINDS) {
      const error = new AvatarKeepAliveError({ kind })
      expect(statusForError(error) === 'degraded', kind).toBe(error.retryable)
    }
  })

  it('always answers a status that exists', () => {
    for (const kind of ALL_KINDS) {
      expect(AVATAR_SESSION_STATUSES).toContain(statusForError(new AvatarKeepAliveError({ kind })))
    }
  })
})

describe('isHaltedStatus', () => {
  it('is true exactly for expired, not-found, unauthorized and error', () => {
    const halted = AVATAR_SESSION_STATUSES.filter((status) => isHaltedStatus(status))
    expect(halted).toEqual(['expired', 'not-found', 'unauthorized', 'error'])
  })

  it.each<AvatarSessionStatus>(['idle', 'connecting', 'alive', 'degraded', 'offline', 'stopped'])(
    '%s is not halted',
    (status) => {
      expect(isHaltedStatus(status)).toBe(false)
    },
  )

  it('halts every non-retryable error status and no retryable one', () => {
    for (const kind of ALL_KINDS) {
      const error = new AvatarKeepAliveError({ kind })
      expect(isHaltedStatus(statusForError(error)), kind).toBe(!error.retryable)
    }
  })
})

describe('parseRetryAfter', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('answers null when the header is absent or blank', () => {
    expect(parseRetryAfter(null)).toBeNull()
    expect(parseRetryAfter('')).toBeNull()
    expect(parseRetryAfter('   ')).toBeNull()
  })

  it.each<[string, number]>([
    ['0', 0],
    ['1', 1_000],
    ['3', 3_000],
    ['120', 120_000],
    [' 7 ', 7_000],
  ])('reads delay-seconds %j as %i ms', (value, ms) => {
    expect(parseRetryAfter(value)).toBe(ms)
  })

  it('reads an HTTP date as the ms left until then', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0)
    expect(parseRetryAfter('Wed, 01 Jan 2025 12:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000)
  })

  it('reads an HTTP date in the past as 0, never a negative delay', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0)
    expect(parseRetryAfter('Wed, 01 Jan 2025 11:59:00 GMT', now)).toBe(0)
  })

  it('measures an HTTP date from Date.now() by default', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.UTC(2025, 5, 1, 8, 0, 0))
    expect(parseRetryAfter('Sun, 01 Jun 2025 08:00:45 GMT')).toBe(45_000)
  })

  it.each(['soon', 'later please', '3s', '1e3', '0x10'])(
    'answers null for the unreadable %j',
    (value) => {
      expect(parseRetryAfter(value)).toBeNull()
    },
  )

  // BUG: Date.parse is lenient in V8 ('-1' → year 2001, '1.5' → 5 Jan 2001, '+5' → May 2001),
  // so these malformed headers come out as 0 ms ("retry right now") instead of null.
  it.each(['-1', '1.5', '+5', 'foo 12'])(
    'answers null for the malformed value %j, not a 0 ms delay',
    (value) => {
      expect(parseRetryAfter(value, Date.UTC(2025, 0, 1))).toBeNull()
    },
  )
})

describe('AvatarKeepAliveError', () => {
  it('is an Error with its own name, kind and status', () => {
    const error = new AvatarKeepAliveError({ kind: 'expired', httpStatus: 410 })
    expect(error).toBeInstanceOf(Error)
    expect(error).toBeInstanceOf(AvatarKeepAliveError)
    expect(error.name).toBe('AvatarKeepAliveError')
    expect(error.kind).toBe('expired')
    expect(error.httpStatus).toBe(410)
    expect(Object.prototype.toString.call(error)).toBe('[object Error]')
    expect(typeof error.stack).toBe('string')
  })

  it('defaults httpStatus and retryAfter to null', () => {
    const error = new AvatarKeepAliveError({ kind: 'network' })
    expect(error.httpStatus).toBeNull()
    expect(error.retryAfter).toBeNull()
  })

  it('keeps retryAfter and cause', () => {
    const cause = new TypeError('Failed to fetch')
    const error = new AvatarKeepAliveError({
      kind: 'rate-limited',
      httpStatus: 429,
      retryAfter: 3_000,
      cause,
    })
    expect(error.retryAfter).toBe(3_000)
    expect(error.cause).toBe(cause)
  })

  it.each(ALL_KINDS)('%s has retryable set by its kind', (kind) => {
    expect(new AvatarKeepAliveError({ kind }).retryable).toBe(RETRYABLE_KINDS.includes(kind))
  })

  it('says what happened, with the HTTP status and the server text', () => {
    const error = new AvatarKeepAliveError({
      kind: 'expired',
      httpStatus: 410,
      serverMessage: 'Session ended',
    })
    expect(error.message).toBe('Keep-alive failed, the session has ended (HTTP 410): Session ended')
  })

  it('leaves out the status and the server part when there are none', () => {
    const error = new AvatarKeepAliveError({ kind: 'timeout' })
    expect(error.message).toBe('Keep-alive failed, the request timed out')
    expect(
      new AvatarKeepAliveError({ kind: 'server', httpStatus: 502, serverMessage: '' }).message,
    ).toBe('Keep-alive failed, the server failed (HTTP 502)')
  })

  it('gives every kind a message of its own', () => {
    const messages = ALL_KINDS.map((kind) => new AvatarKeepAliveError({ kind }).message)
    expect(new Set(messages).size).toBe(ALL_KINDS.length)
    for (const message of messages) expect(message).toMatch(/^Keep-alive failed, \S/)
  })
})
