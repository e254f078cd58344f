/**
 * Resolves `true` after `ms` (on `setTimeout`, so fake timers drive it), or `false` as soon as
 * `signal` aborts. `ms <= 0` resolves at once, without a timer.
 *
 * @example
 * ```ts
 * if (!(await abortableWait(200, request.signal))) return // the client gave up
 * ```
 */
export function abortableWait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false)
  if (ms <= 0) return Promise.resolve(true)
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

/**
 * Resolves when `signal` aborts; never, if it never does.
 *
 * @example
 * ```ts
 * await untilAborted(request.signal)
 * ```
 */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
}
