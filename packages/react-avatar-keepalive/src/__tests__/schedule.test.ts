// The schedule's two pure rules: which options can work (resolveKeepAliveOptions) and how long
// after a failure to try again (retryDelay). Found by mutation testing (2026-12-06): no test named
// hiddenTimeout, idleTimeout or idleWarning in a refusal, took the largest value of each, or held
// the edges of the retry window and the jitter at the cap.
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  AvatarKeepAliveError,
  MAX_TIMER_DELAY,
  resolveKeepAliveOptions,
  retryDelay,
  type KeepAliveTimingOptions,
} from '../core/index'

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('resolveKeepAliveOptions', () => {
  const refusals: [string, KeepAliveTimingOptions, string][] = [
    ['interval', { interval: 999 }, 'from 1000 to 2147483647 (got 999)'],
    ['timeout', { interval: 4_000, timeout: 4_000 }, 'from 1 to 3999 (got 4000)'],
    ['hiddenTimeout', { hiddenTimeout: 0 }, 'from 1 to 2147483647 (got 0)'],
    ['hiddenTimeout', { hiddenTimeout: 2 ** 31 }, 'from 1 to 2147483647 (got 2147483648)'],
    ['idleTimeout', { idleTimeout: Number.NaN }, 'from 1 to 2147483647 (got NaN)'],
    ['idleWarning', { idleWarning: -1 }, 'from 0 to 2147483647 (got -1)'],
    // Found by an attacker's review: the value was put into the text as it was, so an object
    // whose toString throws made that error come out instead of the option's.
    ['interval', { interval: '5000' as never }, 'from 1000 to 2147483647 (got string)'],
    ['timeout', { timeout: Object.create(null) as never }, 'from 1 to 9999 (got object)'],
  ]

  it.each(refusals)(
    'refuses a `%s` out of range, saying the range and what it got',
    (option, options, range) => {
      expect(() => resolveKeepAliveOptions(options)).toThrow(
        new TypeError(`react-avatar-keepalive: \`${option}\` must be a number of ms ${range}`),
      )
    },
  )

  it.each(refusals)('still names `%s` in production', (option, options) => {
    vi.stubEnv('NODE_ENV', 'production')
    expect(() => resolveKeepAliveOptions(options)).toThrow(
      new TypeError(`react-avatar-keepalive: \`${option}\` is invalid`),
    )
  })

  it('takes the largest value of each that a timer can hold', () => {
    const largest = {
      interval: MAX_TIMER_DELAY,
      timeout: MAX_TIMER_DELAY - 1,
      hiddenTimeout: MAX_TIMER_DELAY,
      idleTimeout: MAX_TIMER_DELAY,
      idleWarning: MAX_TIMER_DELAY,
    }
    expect(resolveKeepAliveOptions(largest)).toMatchObject(largest)
  })
})

describe('retryDelay', () => {
  const error = new AvatarKeepAliveError({ kind: 'server', httpStatus: 500 })
  const at = (attempt: number, sinceAlive = 0, random = 0.5, interval = 10_000): number =>
    retryDelay({ attempt, interval, error, sinceAlive, random: () => random })

  it('doubles from 1 s, capped at half the interval', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => at(attempt))).toEqual([
      1_000, 2_000, 4_000, 5_000, 5_000,
    ])
  })

  it('spreads each delay by ±20 %, and still below the cap, never above it', () => {
    expect([at(1, 0, 0), at(1, 0, 1)]).toEqual([800, 1_200])
    expect([at(10, 0, 0), at(10, 0, 1)]).toEqual([4_000, 5_000])
  })

  it('tries every second from 1.5 intervals without a success until 3 intervals', () => {
    expect([14_999, 15_000, 29_999, 30_000].map((since) => at(5, since))).toEqual([
      5_000, 1_000, 1_000, 5_000,
    ])
  })

  it("never comes sooner than the server's Retry-After", () => {
    const retryAfter = new AvatarKeepAliveError({ kind: 'rate-limited', retryAfter: 7_000 })
    expect(retryDelay({ attempt: 1, interval: 10_000, error: retryAfter, sinceAlive: 0 })).toBe(
      7_000,
    )
  })
})
