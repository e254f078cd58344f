import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  AVATAR_SESSION_STATUSES,
  AvatarKeepAliveError,
  classifyHttpStatus,
  isAliveStatus,
  isTerminalStatus,
  MAX_TIMER_DELAY,
  parseRetryAfter,
  statusForError,
  type AvatarKeepAliveErrorKind,
  type AvatarSessionStatus,
} from '../core/index'
import { ALL_KINDS } from './errorKinds'

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
    ['invalid-token', 'unauthorized'],
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

describe('isTerminalStatus', () => {
  it('is true exactly for expired and not-found', () => {
    const terminal = AVATAR_SESSION_STATUSES.filter((status) => isTerminalStatus(status))
    expect(terminal).toEqual(['expired', 'not-found'])
  })

  it('ends the session for exactly the errors that say it is gone', () => {
    for (const kind of ALL_KINDS) {
      const error = new AvatarKeepAliveError({ kind })
      expect(isTerminalStatus(statusForError(error)), kind).toBe(
        kind === 'expired' || kind === 'not-found',
      )
    }
  })
})

describe('isAliveStatus', () => {
  it('is true exactly for alive and degraded', () => {
    const alive = AVATAR_SESSION_STATUSES.filter((status) => isAliveStatus(status))
    expect(alive).toEqual(['alive', 'degraded'])
  })

  it('no status is both alive and terminal', () => {
    for (const status of AVATAR_SESSION_STATUSES) {
      expect(isAliveStatus(status) && isTerminalStatus(status), status).toBe(false)
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

  it('reads an HTTP date with spaces around it', () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0)
    expect(parseRetryAfter('  Wed, 01 Jan 2025 12:00:30 GMT ', now)).toBe(30_000)
  })

  // Date.parse reads each of these (the first as June 2025); none is an HTTP date.
  it.each([
    'Wed, 01 Jan 2025 12:00:30 GMT junk',
    'xWed, 01 Jan 2025 12:00:30 GMT',
    'Wed, 01 Jan 2025 12:00:30 GMT+0100',
  ])('answers null for %j, a date with more around it', (value) => {
    expect(parseRetryAfter(value, Date.UTC(2025, 0, 1, 12, 0, 0))).toBeNull()
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

  // Date.parse is lenient in V8 ('-1' → year 2001, '1.5' → 5 Jan 2001, '+5' → May 2001): read
  // as dates, these malformed headers would come out as 0 ms ("retry right now").
  it.each(['-1', '1.5', '+5', 'foo 12', '2025-01-01', 'Infinity', 'NaN'])(
    'answers null for the malformed value %j, not a 0 ms delay',
    (value) => {
      expect(parseRetryAfter(value, Date.UTC(2025, 0, 1))).toBeNull()
    },
  )

  it('never answers more than a timer can hold', () => {
    expect(MAX_TIMER_DELAY).toBe(2 ** 31 - 1)
    // 2,147,483 s is still below the limit; one more second is not.
    expect(parseRetryAfter('2147483')).toBe(2_147_483_000)
    expect(parseRetryAfter('2147484')).toBe(MAX_TIMER_DELAY)
    expect(parseRetryAfter('99999999999999999999')).toBe(MAX_TIMER_DELAY)
    const now = Date.UTC(2025, 0, 1, 12, 0, 0)
    expect(parseRetryAfter('Fri, 01 Jan 2100 00:00:00 GMT', now)).toBe(MAX_TIMER_DELAY)
  })
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

  it('says that an invalid token was never sent', () => {
    const error = new AvatarKeepAliveError({ kind: 'invalid-token' })
    expect(error.message).toBe(
      'Keep-alive failed, the token is not a valid HTTP header value, so it was not sent',
    )
    expect(error.retryable).toBe(false)
    expect(error.httpStatus).toBeNull()
  })

  describe('in production', () => {
    afterEach(() => {
      vi.unstubAllEnvs()
    })

    it('names the kind instead of describing it, and keeps the status and the server text', () => {
      vi.stubEnv('NODE_ENV', 'production')
      const error = new AvatarKeepAliveError({
        kind: 'expired',
        httpStatus: 410,
        serverMessage: 'Session ended',
      })
      expect(error.message).toBe('Keep-alive failed, expired (HTTP 410): Session ended')
      expect(new AvatarKeepAliveError({ kind: 'timeout' }).message).toBe(
        'Keep-alive failed, timeout',
      )
    })

    it('still gives every kind a message of its own', () => {
      vi.stubEnv('NODE_ENV', 'production')
      const messages = ALL_KINDS.map((kind) => new AvatarKeepAliveError({ kind }).message)
      expect(messages).toEqual(ALL_KINDS.map((kind) => `Keep-alive failed, ${kind}`))
    })
  })
})
