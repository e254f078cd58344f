import type { AvatarSessionStatus } from './status'

/** What fires a keeper's one timer: plain timers in the core, a TanStack Query observer in React. */
export type KeepAliveDriverFactory = (keeper: {
  sessionId: string
  /**
   * Runs the keep-alive's step; returns the status. `fired: true` when the driver's own timer
   * fired (the keeper then counts its delay as passed, whatever the clock says).
   */
  tick: (fired?: boolean) => AvatarSessionStatus
  /** Ms until the timer should fire, or `false` for no timer. Arm the timer with it. */
  delay: () => number | false
}) => KeepAliveDriver

export interface KeepAliveDriver {
  /** The deadline moved: re-arm the timer from `delay()`. */
  wake: () => void
  stop: () => void
}

/**
 * Fires a keeper's timer with `setTimeout`: the driver of the core, where there is no QueryClient.
 *
 * @example
 * ```ts
 * keepAvatarSessionAlive(sessionId, token, { driver: timerDriver })
 * ```
 */
export const timerDriver: KeepAliveDriverFactory = ({ tick, delay }) => {
  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const arm = (): void => {
    clearTimeout(timer)
    const ms = !stopped && delay()
    timer =
      ms === false
        ? undefined
        : setTimeout(() => {
            tick(true)
            arm()
          }, ms)
  }
  arm()
  return {
    wake: arm,
    stop: () => {
      stopped = true
      clearTimeout(timer)
    },
  }
}
