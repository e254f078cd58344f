/** How much sooner to fire in a hidden page, where Chrome rounds timers up to a whole second. */
const HIDDEN_PAGE_SLACK = 100

/**
 * Milliseconds until the next keep-alive: `interval` after the previous one *started*, so that
 * latency does not stretch the gap. In a hidden page it aims 100 ms sooner: Chrome runs background
 * timers on whole seconds, and a timer due a hair after one waits for the next, which would turn a
 * 10 s interval into 11 s.
 *
 * @example
 * ```ts
 * nextPingDelay(10_000, Date.now() - 300) // 9700
 * ```
 */
export function nextPingDelay(
  interval: number,
  lastAttemptAt: number | null,
  now: number = Date.now(),
  hidden: boolean = typeof document !== 'undefined' && document.visibilityState === 'hidden',
): number {
  const elapsed = lastAttemptAt === null ? 0 : Math.max(0, now - lastAttemptAt)
  return Math.max(1, interval - elapsed - (hidden ? HIDDEN_PAGE_SLACK : 0))
}
