/** How much sooner to fire in a hidden page, where Chrome runs timers late (see below). */
const HIDDEN_PAGE_SLACK = 1000

/**
 * Milliseconds until the next keep-alive: `interval` after the previous one *started*, so that
 * latency does not stretch the gap. In a hidden page it aims 1 s sooner: Chrome runs background
 * timers on whole seconds (a timer due a hair after one waits for the next, which would turn a 10 s
 * interval into 11 s) and later still once the page has used up its background CPU budget.
 *
 * @example
 * ```ts
 * nextPingDelay(10_000, Date.now() - 300) // 9700 (8700 in a hidden page)
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
