/**
 * The keep-alive's clock, in ms: `performance.now()` (or `Date.now()` without it), moved on by
 * the timers that fire. Every interval, ceiling and timeout is measured on it, so setting the
 * system clock cannot bunch keep-alives up or hold them back (timestamps shown to users stay
 * `Date.now()`). It never runs back, and never lags a timer: a timer armed for D ms that fires
 * means D ms have passed, whatever `performance.now()` says (a test's fake timers that leave it
 * alone, a host without a monotonic clock), so the schedule cannot stall.
 */
let offset = 0
let last = -Infinity

export function now(): number {
  // Whole ms, so that the difference of two times is exact: no delay comes out 1 ms long.
  const t =
    Math.floor(
      typeof performance === 'object' && performance.now ? performance.now() : Date.now(),
    ) + offset
  // A clock set back (a fake one, between tests) goes on from where it was.
  if (t < last) offset += last - t
  return (last = Math.max(t, last))
}

/** A timer that was due at `at` fired: the clock reads at least that from now on. */
export function passTo(at: number): void {
  const t = now()
  if (at > t) {
    offset += at - t
    last = at
  }
}
